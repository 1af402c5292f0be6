import { InputError, isError } from '@backstage/errors';
import busboy from 'busboy';
import { Readable } from 'node:stream';
import { MultipartBody } from './types';

/** What {@link readMultipart} does with the parts of a body, in their order. */
export interface MultipartHandlers {
  /** Largest file, in bytes; a larger one fails the whole body. */
  maxFileBytes: number;
  /** Most files in one body. */
  maxFiles: number;
  field(name: string, value: string): void;
  /** Called for one file at a time: the next file waits until this one's promise settles. */
  file(fileName: string, stream: Readable, mimeType: string): Promise<void>;
}

/**
 * Streams a multipart/form-data body part by part: fields as they come, files one after another
 * (never buffered whole). The first error (a handler's, a size limit, a malformed body) ends the
 * read: the rest of the body is drained and the promise rejects with that error.
 */
export function readMultipart(
  request: MultipartBody,
  handlers: MultipartHandlers,
): Promise<void> {
  const { maxFileBytes, maxFiles } = handlers;
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    let chain = Promise.resolve();
    const parser = busboy({
      headers: request.headers,
      limits: {
        fileSize: maxFileBytes,
        files: maxFiles,
        fields: 20,
        fieldSize: 64 * 1024,
      },
      preservePath: true,
    });
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      request.body.unpipe(parser);
      request.body.resume();
      reject(error);
    };
    parser.on('field', (name, value) => handlers.field(name, value));
    parser.on('file', (_field, stream, info) => {
      let tooLarge: Error | undefined;
      // a stream cut short while it waits its turn reports through tooLarge, not an event
      stream.on('error', () => undefined);
      stream.on('limit', () => {
        tooLarge = new InputError(
          `File "${info.filename}" is larger than ${maxFileBytes} bytes; split it or raise kamlD.storage.maxUploadBytes. Nothing was kept.`,
        );
        stream.destroy(tooLarge);
      });
      chain = chain
        .then(async () => {
          if (failed) {
            stream.resume();
            return;
          }
          if (tooLarge) throw tooLarge;
          try {
            await handlers.file(info.filename ?? '', stream, info.mimeType);
          } catch (error) {
            throw tooLarge ?? error;
          }
        })
        .catch(error => {
          stream.resume();
          fail(error);
        });
    });
    parser.on('filesLimit', () =>
      fail(
        new InputError(
          `An upload holds at most ${maxFiles} files; upload the rest separately.`,
        ),
      ),
    );
    parser.on('error', error =>
      fail(
        new InputError(
          `The upload is not valid multipart/form-data: ${
            isError(error) ? error.message : String(error)
          }`,
        ),
      ),
    );
    parser.on('close', () => {
      chain.then(() => {
        if (!failed) resolve();
      });
    });
    request.body.pipe(parser);
  });
}
