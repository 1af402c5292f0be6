import {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  isError,
} from '@backstage/errors';
import { EventsService } from '@backstage/plugin-events-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DatasetFormat,
  DatasetObject,
  DatasetUploadResponse,
  datasetUploadPermission,
} from '@kaml-d/plugin-kaml-d-common';
import busboy from 'busboy';
import { Readable } from 'node:stream';
import { stringify } from 'yaml';
import { StorageService, keyUnderPrefix } from '../Storage';
import {
  DatasetUploadedEvent,
  KAML_D_DATASET_EVENTS_TOPIC,
} from '@kaml-d/plugin-kaml-d-node';
import { AuditLogService } from '../Audit';
import { MultipartBody } from './types';
import {
  MANIFEST_NAME,
  MAX_UPLOAD_FILES,
  UploadFields,
  formatOfFileName,
  parseUploadFields,
  uploadManifest,
} from './uploadFields';

export {
  MANIFEST_NAME,
  MAX_UPLOAD_FILES,
  formatOfFileName,
  parseUploadFields,
  uploadManifest,
} from './uploadFields';
export type { UploadFields } from './uploadFields';

/**
 * Creates the upload operation: the multipart body is streamed part by part (fields first, then
 * files) straight into storage under `<uploadBucket>/<name>/`; no file is overwritten, and a file
 * cut short by the size limit or a broken connection is not kept. A `catalog-info.yaml` with the
 * Dataset entity is written beside the files and an `uploaded` event is published on
 * `kaml-d.datasets`; the catalog module's storage provider registers the entity from it (and
 * from the manifest on its full scans). Registering a catalog Location instead would need `file`
 * locations allowed in the catalog (they are not by default, and would let users register any
 * local file) or a URL the catalog may read the manifest from.
 */
export function createUploader(options: {
  events: EventsService;
  permissions: PermissionsService;
  storage: StorageService;
  logger: LoggerService;
  maxUploadBytes: number;
  /** Every upload is appended to the audit log: who, the dataset, its files and bytes. */
  audit: AuditLogService;
}) {
  const { events, permissions, storage, logger, maxUploadBytes, audit } =
    options;

  return async function upload(
    request: MultipartBody,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<DatasetUploadResponse> {
    const actor = credentials.principal.userEntityRef;
    const written: DatasetObject[] = [];
    let name: string | undefined;
    try {
      const result = await store(request, credentials, written, n => {
        name = n;
      });
      await audit.append({
        actor,
        action: 'dataset.upload',
        entityRef: result.entityRef,
        outcome: 'success',
        details: {
          location: result.location,
          files: result.objects.map(o => o.key),
          fileCount: result.objects.length,
          bytes: result.objects.reduce((sum, o) => sum + o.size, 0),
        },
      });
      return result;
    } catch (error) {
      // refused uploads are audited too (what was written before the failure is listed)
      await audit
        .append({
          actor,
          action: 'dataset.upload',
          ...(name
            ? {
                entityRef: stringifyEntityRef({
                  kind: 'dataset',
                  namespace: 'default',
                  name,
                }),
              }
            : {}),
          outcome: 'failure',
          details: {
            error: isError(error) ? error.message : String(error),
            files: written.map(o => o.key),
            bytes: written.reduce((sum, o) => sum + o.size, 0),
          },
        })
        .catch(auditError =>
          logger.error(`Could not audit a failed upload: ${auditError}`),
        );
      throw error;
    }
  };

  async function store(
    request: MultipartBody,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    stored: DatasetObject[],
    named: (name: string) => void,
  ): Promise<DatasetUploadResponse> {
    const [decision] = await permissions.authorize(
      [{ permission: datasetUploadPermission }],
      {
        credentials,
      },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        'You may not upload datasets (kaml-d.dataset.upload).',
      );
    }
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('multipart/form-data')) {
      throw new InputError(
        'Send the upload as multipart/form-data: the fields, then the files.',
      );
    }

    const adapter = storage.defaultAdapter;
    const bucket = storage.uploadBucket;
    const fieldValues = new Map<string, string>();
    let fields: UploadFields | undefined;
    let prefix = '';
    let firstFormat: DatasetFormat | undefined;

    const storeFile = async (
      fileName: string,
      stream: Readable,
      mimeType: string,
    ) => {
      fields ??= parseUploadFields(fieldValues);
      named(fields.name);
      prefix = `${fields.name}/`;
      const key = keyUnderPrefix(prefix, fileName, 'file name');
      if (key === `${prefix}${MANIFEST_NAME}`) {
        throw new InputError(
          `A file may not be called ${MANIFEST_NAME}; the upload writes that file itself.`,
        );
      }
      if (await adapter.stat(bucket, key)) {
        throw new ConflictError(
          `Dataset "${fields.name}" already has a file "${key.slice(
            prefix.length,
          )}"; rename the file, nothing was overwritten.`,
        );
      }
      const info = await adapter.write(bucket, key, stream, {
        contentType: mimeType,
      });
      stored.push({ key: key.slice(prefix.length), size: info.size });
      firstFormat ??= formatOfFileName(fileName);
    };

    await new Promise<void>((resolve, reject) => {
      let failed = false;
      let chain = Promise.resolve();
      const parser = busboy({
        headers: request.headers,
        limits: {
          fileSize: maxUploadBytes,
          files: MAX_UPLOAD_FILES,
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
      parser.on('field', (name, value) => fieldValues.set(name, value));
      parser.on('file', (_field, stream, info) => {
        stream.on('limit', () =>
          stream.destroy(
            new InputError(
              `File "${info.filename}" is larger than ${maxUploadBytes} bytes; split it or raise kamlD.storage.maxUploadBytes.`,
            ),
          ),
        );
        chain = chain
          .then(() => {
            if (failed) {
              stream.resume();
              return undefined;
            }
            return storeFile(info.filename ?? '', stream, info.mimeType);
          })
          .catch(error => {
            stream.resume();
            fail(error);
          });
      });
      parser.on('filesLimit', () =>
        fail(
          new InputError(
            `An upload holds at most ${MAX_UPLOAD_FILES} files; upload the rest separately.`,
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

    fields ??= parseUploadFields(fieldValues);
    if (stored.length === 0) {
      throw new InputError(
        'The upload holds no files; add at least one file after the fields.',
      );
    }
    const format = fields.format ?? firstFormat;
    if (!format) {
      throw new InputError(
        'Field "format" is needed: the file names do not tell the format.',
      );
    }
    const location = `s3://${bucket}/${prefix}`;
    const owner = fields.owner ?? credentials.principal.userEntityRef;
    const entity = uploadManifest(fields, format, location, owner, {
      bytes: stored.reduce((sum, o) => sum + o.size, 0),
      files: stored.length,
    });
    const manifestKey = `${prefix}${MANIFEST_NAME}`;
    if (!(await adapter.stat(bucket, manifestKey))) {
      await adapter.write(
        bucket,
        manifestKey,
        Readable.from([stringify(entity)]),
        {
          contentType: 'application/yaml',
        },
      );
    }

    // registration: the catalog module's storage provider turns manifests into entities, at once
    // on this event and on every full scan (so nothing is lost when no one listens right now)
    const event: DatasetUploadedEvent = {
      action: 'uploaded',
      entity,
      location,
      bucket,
      manifestKey,
      keys: stored.map(o => o.key),
      uploadedBy: credentials.principal.userEntityRef,
    };
    await events.publish({
      topic: KAML_D_DATASET_EVENTS_TOPIC,
      eventPayload: event,
    });
    logger.info(
      `Uploaded ${stored.length} file(s) to ${location} for ${owner}`,
    );
    return {
      entityRef: stringifyEntityRef({
        kind: 'dataset',
        namespace: 'default',
        name: fields.name,
      }),
      location,
      objects: stored,
      manifestKey: MANIFEST_NAME,
      registration: 'discovery',
    };
  }
}
