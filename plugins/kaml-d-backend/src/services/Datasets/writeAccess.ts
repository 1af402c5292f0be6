import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  datasetAssignOwnerPermission,
  datasetWritePermission,
} from '@kaml-d/plugin-kaml-d-common';
import { StorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import { parse } from 'yaml';
import { MANIFEST_NAME } from './uploadFields';

/** Largest manifest read to learn the owner of a folder the catalog does not know yet. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/** A folder of the upload bucket that an upload or a registration is about to write into. */
export interface DatasetFolder {
  adapter: StorageAdapter;
  bucket: string;
  /** `<folder>/`, directly in the bucket. */
  prefix: string;
  /** The entity name the upload or registration gives the dataset. */
  name: string;
}

/**
 * Who may give a dataset an owner and write into a dataset's folder. Both questions are asked
 * before any byte is written; the answers come from the caller's ownership references
 * (UserInfoService) and the permission framework, never from the request alone.
 */
export interface DatasetWriteAccess {
  /**
   * The owner a new dataset gets: `requested` (a User or Group reference; a bare name means a
   * Group) when it is the caller or one of the groups they belong to, else the caller. Another
   * owner needs `kaml-d.dataset.assign-owner` (admins); NotAllowedError otherwise.
   */
  ownerFor(
    requested: string | undefined,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<string>;
  /** Whether the caller may act for `owner`: is it, belongs to it, or may assign any owner. */
  mayActFor(
    owner: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<boolean>;
  /**
   * Refuses writing into `folder` unless it is free or the caller may write the dataset there:
   * - a catalog Dataset bound to the folder (its `spec.location`) needs `kaml-d.dataset.write`
   *   on that entity;
   * - a Dataset of the same name bound elsewhere is a conflict (the name is taken);
   * - a folder the catalog does not know yet but whose manifest names an owner needs the caller
   *   to own it (or `kaml-d.dataset.assign-owner`);
   * - a folder holding files no manifest describes needs `kaml-d.dataset.assign-owner`.
   * Answers the entity ref of the dataset already there, if any.
   */
  checkFolder(
    folder: DatasetFolder,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<{ existing?: string }>;
}

/** `group:default/finance` form of an owner, lower case; InputError when it is no User/Group. */
export function normaliseOwnerRef(owner: string): string {
  let ref;
  try {
    ref = parseEntityRef(owner.trim(), {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
  } catch {
    ref = undefined;
  }
  const kind = ref?.kind.toLocaleLowerCase('en-US');
  if (!ref || (kind !== 'user' && kind !== 'group')) {
    throw new InputError(
      `Field "owner" must be a User or Group reference such as "group:default/data-engineering" or "user:default/alice"; got "${owner}".`,
    );
  }
  return stringifyEntityRef({ ...ref, kind }).toLocaleLowerCase('en-US');
}

/** Creates the {@link DatasetWriteAccess} checks. */
export function createDatasetWriteAccess(options: {
  catalog: CatalogService;
  auth: AuthService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
}): DatasetWriteAccess {
  const { catalog, auth, permissions, userInfo } = options;

  async function ownedRefs(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<Set<string>> {
    const info = await userInfo.getUserInfo(credentials);
    return new Set(
      [credentials.principal.userEntityRef, ...info.ownershipEntityRefs].map(
        r => r.toLocaleLowerCase('en-US'),
      ),
    );
  }

  async function mayAssignAnyOwner(credentials: BackstageCredentials) {
    const [decision] = await permissions.authorize(
      [{ permission: datasetAssignOwnerPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Datasets bound to the folder, or named like the upload, whoever may read them. */
  async function datasetsAt(folder: DatasetFolder): Promise<Entity[]> {
    const location = `s3://${folder.bucket}/${folder.prefix}`;
    const { items } = await catalog.getEntities(
      {
        filter: [
          {
            kind: 'Dataset',
            'spec.location': [location, location.replace(/\/$/, '')],
          },
          {
            kind: 'Dataset',
            'metadata.namespace': 'default',
            'metadata.name': folder.name,
          },
        ],
        fields: ['kind', 'metadata', 'spec.location', 'spec.owner'],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return items;
  }

  async function manifestOwner(
    folder: DatasetFolder,
  ): Promise<string | undefined> {
    const key = `${folder.prefix}${MANIFEST_NAME}`;
    const info = await folder.adapter.stat(folder.bucket, key);
    if (!info) return undefined;
    if (info.size > MAX_MANIFEST_BYTES) {
      return '(unreadable manifest)';
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await folder.adapter.read(folder.bucket, key)) {
      chunks.push(Buffer.from(chunk));
    }
    try {
      const owner = parse(Buffer.concat(chunks).toString('utf8'))?.spec?.owner;
      return typeof owner === 'string'
        ? normaliseOwnerRef(owner)
        : '(no owner)';
    } catch {
      return '(unreadable manifest)';
    }
  }

  async function holdsObjects(folder: DatasetFolder): Promise<boolean> {
    for await (const _object of folder.adapter.listRecursive(
      folder.bucket,
      folder.prefix,
    )) {
      return true;
    }
    return false;
  }

  return {
    async ownerFor(requested, credentials) {
      const caller = credentials.principal.userEntityRef;
      if (requested === undefined || requested.trim() === '') return caller;
      const owner = normaliseOwnerRef(requested);
      if ((await ownedRefs(credentials)).has(owner)) return owner;
      if (await mayAssignAnyOwner(credentials)) return owner;
      throw new NotAllowedError(
        `You may not make ${owner} the owner: name yourself (${caller}) or a group you belong to, or ask an admin (kaml-d.dataset.assign-owner).`,
      );
    },

    async mayActFor(owner, credentials) {
      return (
        (await ownedRefs(credentials)).has(owner.toLocaleLowerCase('en-US')) ||
        mayAssignAnyOwner(credentials)
      );
    },

    async checkFolder(folder, credentials) {
      const location = `s3://${folder.bucket}/${folder.prefix}`;
      const datasets = await datasetsAt(folder);
      const bound = datasets.filter(
        e => String(e.spec?.location ?? '').replace(/\/?$/, '/') === location,
      );
      const sameName = datasets.find(
        e => !bound.includes(e) && e.metadata.name === folder.name,
      );
      if (sameName) {
        throw new ConflictError(
          `The name "${folder.name}" is taken by ${stringifyEntityRef(
            sameName,
          )} at ${String(
            sameName.spec?.location,
          )}; choose another name, nothing was written.`,
        );
      }
      if (bound.length > 0) {
        const refs = bound.map(e => stringifyEntityRef(e));
        const decisions = await permissions.authorize(
          refs.map(resourceRef => ({
            permission: datasetWritePermission,
            resourceRef,
          })),
          { credentials },
        );
        const denied = refs.filter(
          (_, i) => decisions[i].result !== AuthorizeResult.ALLOW,
        );
        if (denied.length > 0) {
          throw new NotAllowedError(
            `${location} holds ${denied.join(', ')} (owner ${bound
              .map(e => String(e.spec?.owner))
              .join(
                ', ',
              )}); you may not add to it (kaml-d.dataset.write): ask its owner, or use another name. Nothing was written.`,
          );
        }
        return { existing: refs[0] };
      }
      const owner = await manifestOwner(folder);
      if (owner !== undefined) {
        if (
          (await ownedRefs(credentials)).has(owner) ||
          (await mayAssignAnyOwner(credentials))
        ) {
          return {};
        }
        throw new NotAllowedError(
          `${location} holds a dataset of ${owner} the catalog has not registered yet; you may not add to it (kaml-d.dataset.write): ask its owner, or use another name. Nothing was written.`,
        );
      }
      if (
        (await holdsObjects(folder)) &&
        !(await mayAssignAnyOwner(credentials))
      ) {
        throw new NotAllowedError(
          `${location} already holds files that no dataset describes; only an admin (kaml-d.dataset.assign-owner) may give them an owner. Use another name, or wait for discovery to register the folder. Nothing was written.`,
        );
      }
      return {};
    },
  };
}
