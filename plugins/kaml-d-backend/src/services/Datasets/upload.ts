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
import { Readable } from 'node:stream';
import { stringify } from 'yaml';
import { StorageService, keyUnderPrefix } from '../Storage';
import {
  DatasetUploadedEvent,
  KAML_D_DATASET_EVENTS_TOPIC,
  isHiddenDatasetFolder,
} from '@kaml-d/plugin-kaml-d-node';
import { AuditLogService } from '../Audit';
import { MultipartBody } from './types';
import { DatasetWriteAccess } from './writeAccess';
import { DatasetClaim, DatasetNameClaims } from './nameClaims';
import { readMultipart } from './multipart';
import {
  MANIFEST_NAME,
  MAX_UPLOAD_FILES,
  UploadFields,
  checkUploadFileName,
  formatOfFileName,
  parseUploadFields,
  uploadManifest,
} from './uploadFields';

export {
  MANIFEST_NAME,
  MAX_UPLOAD_FILES,
  checkUploadFileName,
  formatOfFileName,
  parseUploadFields,
  uploadManifest,
} from './uploadFields';
export type { UploadFields } from './uploadFields';

/** What an upload has done so far, to undo it when it fails. */
interface UploadProgress {
  /** `<name>/`, once the checks passed. */
  prefix?: string;
  written: DatasetObject[];
  /** Held from before the first byte when the upload creates the dataset (writes its manifest). */
  claim?: DatasetClaim;
  manifestWritten?: boolean;
}

/**
 * Creates the upload operation: the multipart body is streamed part by part (fields first, then
 * files) straight into storage under `<uploadBucket>/<name>/`; no file is overwritten. Before the
 * first byte is written the owner (the caller, a group of theirs, or any with
 * `kaml-d.dataset.assign-owner`), the folder (free, or a dataset the caller may write:
 * `kaml-d.dataset.write`), the format and each file name (nothing listings hide) are checked; an
 * upload that creates the dataset (its folder has no manifest yet) first claims the name in the
 * database, so a concurrent upload to the same new name is refused (409) instead of writing into
 * it or owning its files. A refused or failed upload removes the files it wrote and frees its
 * claim (kept for the owner when files could not be removed), so it leaves nothing behind. A
 * `catalog-info.yaml` with the Dataset entity is written beside the files and an `uploaded`
 * event is published on `kaml-d.datasets`; the catalog module's storage provider registers the
 * entity from it (and from the manifest on its full scans). Registering a catalog Location
 * instead would need `file` locations allowed in the catalog (they are not by default, and would
 * let users register any local file) or a URL the catalog may read the manifest from.
 */
export function createUploader(options: {
  events: EventsService;
  permissions: PermissionsService;
  storage: StorageService;
  logger: LoggerService;
  maxUploadBytes: number;
  /** Every upload is appended to the audit log: who, the dataset, its files and bytes. */
  audit: AuditLogService;
  /** Who may name the owner and write into a dataset's folder. */
  writeAccess: DatasetWriteAccess;
  /** Who is creating which new dataset right now (one upload or registration per name). */
  claims: DatasetNameClaims;
}) {
  const { events, permissions, storage, logger, maxUploadBytes, audit } =
    options;

  return async function upload(
    request: MultipartBody,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<DatasetUploadResponse> {
    const actor = credentials.principal.userEntityRef;
    const progress: UploadProgress = { written: [] };
    const { written } = progress;
    try {
      const result = await store(request, credentials, progress);
      await progress.claim?.complete();
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
      // a refused upload leaves nothing behind: the files it wrote are removed again
      const { prefix, claim } = progress;
      const left = prefix
        ? await rollBack(prefix, [
            ...written.map(o => o.key),
            ...(progress.manifestWritten ? [MANIFEST_NAME] : []),
          ])
        : [];
      // the name is free again, unless files are left that stay with their owner
      await (left.length > 0 ? claim?.abandon() : claim?.release())?.catch(
        claimError =>
          logger.error(`Could not end the claim of ${prefix}: ${claimError}`),
      );
      // refused uploads are audited too: what was written and removed, and what is left
      await audit
        .append({
          actor,
          action: 'dataset.upload',
          ...(prefix
            ? {
                entityRef: stringifyEntityRef({
                  kind: 'dataset',
                  namespace: 'default',
                  name: prefix.slice(0, -1),
                }),
              }
            : {}),
          outcome: 'failure',
          details: {
            error: isError(error) ? error.message : String(error),
            files: left,
            removed: written.map(o => o.key).filter(k => !left.includes(k)),
            bytes: written.reduce((sum, o) => sum + o.size, 0),
          },
        })
        .catch(auditError =>
          logger.error(`Could not audit a failed upload: ${auditError}`),
        );
      throw error;
    }
  };

  /** Removes what a failed upload wrote; answers the keys (relative) it could not remove. */
  async function rollBack(prefix: string, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const adapter = storage.defaultAdapter;
    if (!adapter.remove) {
      logger.error(
        `Storage ${adapter.type} cannot remove objects: a failed upload left ${keys.length} file(s) in ${storage.uploadBucket}/${prefix}`,
      );
      return keys;
    }
    try {
      await adapter.remove(
        storage.uploadBucket,
        keys.map(k => `${prefix}${k}`),
      );
      return [];
    } catch (error) {
      logger.error(
        `Could not remove the files of a failed upload from ${storage.uploadBucket}/${prefix}: ${error}`,
      );
      return keys;
    }
  }

  async function store(
    request: MultipartBody,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    progress: UploadProgress,
  ): Promise<DatasetUploadResponse> {
    const stored = progress.written;
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
    /** Settled by the first file, before any byte is written. */
    let checked:
      | { fields: UploadFields; owner: string; format: DatasetFormat }
      | undefined;
    let prefix = '';

    /** Fields, owner, folder and format: all refused before the first byte is written. */
    const checkFirst = async (fileName: string) => {
      const requested = fieldValues.get('name')?.trim() ?? '';
      if (isHiddenDatasetFolder(requested)) {
        throw new InputError(
          `Field "name" is "${requested}": a dataset folder whose name starts with "." is hidden (the snapshot store .kaml-d-snapshots/, partial uploads) and never a dataset; choose a name that starts with a letter or digit. Nothing was written.`,
        );
      }
      const fields = parseUploadFields(fieldValues);
      const owner = await options.writeAccess.ownerFor(
        fields.owner,
        credentials,
      );
      const folder = { adapter, bucket, prefix: `${fields.name}/` };
      // an upload that will write the manifest creates the dataset: it claims the name first
      if (!(await adapter.stat(bucket, `${folder.prefix}${MANIFEST_NAME}`))) {
        progress.claim = await options.claims.claim({
          location: `s3://${bucket}/${folder.prefix}`,
          entityRef: `dataset:default/${fields.name}`,
          owner,
          actor: credentials.principal.userEntityRef,
          action: 'upload',
          mayActFor: o => options.writeAccess.mayActFor(o, credentials),
        });
      }
      await options.writeAccess.checkFolder(
        { ...folder, name: fields.name },
        credentials,
      );
      const format = fields.format ?? formatOfFileName(fileName);
      if (!format) {
        throw new InputError(
          `Field "format" is needed: the name of the first file ("${fileName}") does not tell the format; send the field, or a data file first. Nothing was written.`,
        );
      }
      return { fields, owner, format };
    };

    const storeFile = async (
      fileName: string,
      stream: Readable,
      mimeType: string,
    ) => {
      checked ??= await checkFirst(fileName);
      prefix = `${checked.fields.name}/`;
      progress.prefix = prefix;
      const key = keyUnderPrefix(prefix, fileName, 'file name');
      checkUploadFileName(key.slice(prefix.length));
      if (await adapter.stat(bucket, key)) {
        throw new ConflictError(
          `Dataset "${checked.fields.name}" already has a file "${key.slice(
            prefix.length,
          )}"; rename the file, nothing was overwritten.`,
        );
      }
      const info = await adapter.write(bucket, key, stream, {
        contentType: mimeType,
      });
      stored.push({ key: key.slice(prefix.length), size: info.size });
    };

    await readMultipart(request, {
      maxFileBytes: maxUploadBytes,
      maxFiles: MAX_UPLOAD_FILES,
      field: (name, value) => fieldValues.set(name, value),
      file: storeFile,
    });

    if (!checked || stored.length === 0) {
      parseUploadFields(fieldValues);
      throw new InputError(
        'The upload holds no files; add at least one file after the fields.',
      );
    }
    const { fields, owner, format } = checked;
    const location = `s3://${bucket}/${prefix}`;
    const entity = uploadManifest(fields, format, location, owner, {
      bytes: stored.reduce((sum, o) => sum + o.size, 0),
      files: stored.length,
    });
    const manifestKey = `${prefix}${MANIFEST_NAME}`;
    // only the holder of the name's claim writes the manifest that decides the owner
    if (progress.claim) {
      progress.manifestWritten = true;
      await adapter.write(
        bucket,
        manifestKey,
        Readable.from([stringify(entity)]),
        { contentType: 'application/yaml' },
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
