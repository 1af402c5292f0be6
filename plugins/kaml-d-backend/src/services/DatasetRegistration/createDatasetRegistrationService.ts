import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  isError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DatasetObject,
  DatasetUploadResponse,
  datasetUploadPermission,
} from '@kaml-d/plugin-kaml-d-common';
import {
  DatasetUploadedEvent,
  KAML_D_DATASET_EVENTS_TOPIC,
  hiddenFolderOf,
} from '@kaml-d/plugin-kaml-d-node';
import { Readable } from 'node:stream';
import { stringify } from 'yaml';
import {
  MANIFEST_NAME,
  formatOfFileName,
  parseUploadFields,
  uploadManifest,
} from '../Datasets/uploadFields';
import { createDatasetWriteAccess } from '../Datasets/writeAccess';
import { DatasetNameClaims } from '../Datasets/nameClaims';
import { AuditLogService } from '../Audit';
import { StorageService } from '../Storage';
import {
  DatasetRegistrationRequest,
  DatasetRegistrationService,
} from './types';

/** Objects a registered folder may hold (the same bound as one upload's files). */
export const MAX_REGISTERED_OBJECTS = 100_000;

/**
 * Creates the {@link DatasetRegistrationService}. Every registration, refused ones included, is
 * appended to the audit log as `dataset.register`.
 */
export function createDatasetRegistrationService(options: {
  events: EventsService;
  permissions: PermissionsService;
  storage: StorageService;
  logger: LoggerService;
  /** Datasets already bound to the folder (read with the plugin's own credentials). */
  catalog: CatalogService;
  auth: AuthService;
  /** The caller's groups: the owner must be the caller or one of them (admins excepted). */
  userInfo: UserInfoService;
  audit: AuditLogService;
  /** Who is creating which new dataset right now: one upload or registration per name. */
  claims: DatasetNameClaims;
}): DatasetRegistrationService {
  const { events, permissions, storage, logger, audit } = options;
  const writeAccess = createDatasetWriteAccess(options);

  return {
    async register(request, credentials) {
      const actor = credentials.principal.userEntityRef;
      try {
        const result = await register(request, credentials);
        await audit.append({
          actor,
          action: 'dataset.register',
          entityRef: result.entityRef,
          outcome: 'success',
          details: {
            location: result.location,
            fileCount: result.objects.length,
            bytes: result.objects.reduce((sum, o) => sum + o.size, 0),
          },
        });
        return result;
      } catch (error) {
        await audit
          .append({
            actor,
            action: 'dataset.register',
            ...(/^[a-z0-9][a-z0-9._-]{0,62}$/.test(request.name)
              ? {
                  entityRef: stringifyEntityRef({
                    kind: 'dataset',
                    namespace: 'default',
                    name: request.name,
                  }),
                }
              : {}),
            outcome: 'failure',
            details: {
              error: isError(error) ? error.message : String(error),
              location: request.location,
              ...(request.owner ? { owner: request.owner } : {}),
            },
          })
          .catch(auditError =>
            logger.error(
              `Could not audit a refused registration: ${auditError}`,
            ),
          );
        throw error;
      }
    },
  };

  async function register(
    request: DatasetRegistrationRequest,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<DatasetUploadResponse> {
    const [decision] = await permissions.authorize(
      [{ permission: datasetUploadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        'You may not register datasets (kaml-d.dataset.upload).',
      );
    }
    const fields = parseUploadFields(
      new Map(
        Object.entries({
          name: request.name,
          owner: request.owner,
          format: request.format,
          description: request.description,
          tags: request.tags?.join(','),
          system: request.system,
          lifecycle: request.lifecycle,
        }).filter((e): e is [string, string] => e[1] !== undefined),
      ),
    );
    // URL parsing would quietly resolve "." and ".." segments: refuse them instead
    if (/(^|\/)\.\.?(\/|$)/.test(request.location.replace(/^s3:\/\//, ''))) {
      throw new InputError(
        `Field "location" may not hold "." or ".." segments; got "${request.location}".`,
      );
    }
    const location = storage.resolveLocation(request.location);
    const bucket = storage.uploadBucket;
    const folders = location.prefix.split('/').filter(Boolean);
    if (
      location.adapter !== storage.defaultAdapter ||
      location.bucket !== bucket ||
      folders.length !== 1
    ) {
      throw new InputError(
        `Field "location" must be a folder directly in s3://${bucket}/, where datasets are discovered, such as s3://${bucket}/${fields.name}/; got "${request.location}". Copy the data there or upload it.`,
      );
    }
    const hidden = hiddenFolderOf(location.prefix);
    if (hidden !== undefined) {
      throw new InputError(
        `Field "location" names the folder "${hidden}", which starts with "." and is never a dataset (the snapshot store .kaml-d-snapshots/, partial uploads and other hidden folders); register a folder whose name does not start with ".".`,
      );
    }
    const prefix = `${folders[0]}/`;
    // the owner and the folder before anything is read or written: a folder a Dataset is
    // bound to needs kaml-d.dataset.write on it, files no dataset describes an admin
    const owner = await writeAccess.ownerFor(fields.owner, credentials);
    await writeAccess.checkFolder(
      { adapter: location.adapter, bucket, prefix, name: fields.name },
      credentials,
    );
    const manifestKey = `${prefix}${MANIFEST_NAME}`;
    const objects: DatasetObject[] = [];
    let manifestExists = false;
    for await (const object of location.adapter.listRecursive(bucket, prefix)) {
      if (object.key === manifestKey) {
        manifestExists = true;
        continue;
      }
      objects.push({
        key: object.key.slice(prefix.length),
        size: object.size,
      });
      if (objects.length > MAX_REGISTERED_OBJECTS) {
        throw new InputError(
          `s3://${bucket}/${prefix} holds more than ${MAX_REGISTERED_OBJECTS} objects; register a smaller folder.`,
        );
      }
    }
    if (manifestExists) {
      throw new ConflictError(
        `s3://${bucket}/${prefix} is already registered: it holds a ${MANIFEST_NAME}; edit that file to change the dataset, nothing was written.`,
      );
    }
    if (objects.length === 0) {
      throw new InputError(
        `s3://${bucket}/${prefix} holds no files; upload the data first or check the folder name.`,
      );
    }
    const format =
      fields.format ??
      objects.map(o => formatOfFileName(o.key)).find(f => f !== undefined);
    if (!format) {
      throw new InputError(
        'Field "format" is needed: the file names do not tell the format.',
      );
    }
    const uri = `s3://${bucket}/${prefix}`;
    const entity = uploadManifest(fields, format, uri, owner, {
      bytes: objects.reduce((sum, o) => sum + o.size, 0),
      files: objects.length,
    });
    // the manifest decides the owner: the name and the folder are claimed first, so a concurrent
    // upload or registration of the same name or folder gets a 409 instead of a second manifest
    const claim = await options.claims.claim({
      location: uri,
      entityRef: `dataset:default/${fields.name}`,
      owner,
      actor: credentials.principal.userEntityRef,
      action: 'registration',
      mayActFor: o => writeAccess.mayActFor(o, credentials),
    });
    try {
      if (await location.adapter.stat(bucket, manifestKey)) {
        throw new ConflictError(
          `s3://${bucket}/${prefix} was registered meanwhile: it holds a ${MANIFEST_NAME} now; edit that file to change the dataset, nothing was written.`,
        );
      }
      await location.adapter.write(
        bucket,
        manifestKey,
        Readable.from([stringify(entity)]),
        { contentType: 'application/yaml' },
      );
    } catch (error) {
      await claim.release();
      throw error;
    }
    await claim.complete();
    const event: DatasetUploadedEvent = {
      action: 'uploaded',
      entity,
      location: uri,
      bucket,
      manifestKey,
      keys: [],
      uploadedBy: credentials.principal.userEntityRef,
    };
    await events.publish({
      topic: KAML_D_DATASET_EVENTS_TOPIC,
      eventPayload: event,
    });
    logger.info(
      `Registered ${uri} (${objects.length} file(s)) as dataset ${fields.name} for ${owner}`,
    );
    return {
      entityRef: stringifyEntityRef({
        kind: 'dataset',
        namespace: 'default',
        name: fields.name,
      }),
      location: uri,
      objects,
      manifestKey: MANIFEST_NAME,
      registration: 'discovery',
    };
  }
}
