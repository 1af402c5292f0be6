import {
  createPermission,
  ResourcePermission,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Resource type of KAML-D permissions that target a catalog entity (a Dataset or a Model).
 * The same as the catalog's, so the catalog's conditional rules (is owner, has annotation, …)
 * apply to them.
 *
 * @public
 */
export const KAML_D_ENTITY_RESOURCE_TYPE = RESOURCE_TYPE_CATALOG_ENTITY;

/** Read the first rows, schema and profile of a dataset. @public */
export const datasetPreviewPermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'kaml-d.dataset.preview',
    attributes: { action: 'read' },
    resourceType: KAML_D_ENTITY_RESOURCE_TYPE,
  });

/** Run read-only SQL over a dataset. @public */
export const datasetQueryPermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'kaml-d.dataset.query',
    attributes: { action: 'read' },
    resourceType: KAML_D_ENTITY_RESOURCE_TYPE,
  });

/** Upload a new dataset or new files into one. @public */
export const datasetUploadPermission: BasicPermission = createPermission({
  name: 'kaml-d.dataset.upload',
  attributes: { action: 'create' },
});

/**
 * Ask discovery to look at the store again now: one dataset's folder, or every folder. The
 * policy gives it to data engineers and admins.
 *
 * @public
 */
export const datasetRescanPermission: BasicPermission = createPermission({
  name: 'kaml-d.dataset.rescan',
  attributes: { action: 'update' },
});

/**
 * Add files to an existing dataset (an upload into its folder) or register over the folder it
 * is bound to. The policy gives it to the dataset's owners and admins.
 *
 * @public
 */
export const datasetWritePermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'kaml-d.dataset.write',
    attributes: { action: 'update' },
    resourceType: KAML_D_ENTITY_RESOURCE_TYPE,
  });

/**
 * Give an uploaded or registered dataset an owner that is neither the caller nor one of their
 * groups. The policy gives it to admins only.
 *
 * @public
 */
export const datasetAssignOwnerPermission: BasicPermission = createPermission({
  name: 'kaml-d.dataset.assign-owner',
  attributes: { action: 'update' },
});

/** Restore a dataset snapshot as the current state. @public */
export const datasetSnapshotRestorePermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'kaml-d.dataset.snapshot.restore',
    attributes: { action: 'update' },
    resourceType: KAML_D_ENTITY_RESOURCE_TYPE,
  });

/** Launch a training run for a model. @public */
export const modelTrainPermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'kaml-d.model.train',
    attributes: { action: 'create' },
    resourceType: KAML_D_ENTITY_RESOURCE_TYPE,
  });

/** Deploy a model version. @public */
export const modelDeployPermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'kaml-d.model.deploy',
    attributes: { action: 'create' },
    resourceType: KAML_D_ENTITY_RESOURCE_TYPE,
  });

/** Move an alias (champion, challenger, …) to a model version. @public */
export const modelVersionPromotePermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'kaml-d.model.version.promote',
    attributes: { action: 'update' },
    resourceType: KAML_D_ENTITY_RESOURCE_TYPE,
  });

/** Read and export the KAML-D audit log. @public */
export const auditReadPermission: BasicPermission = createPermission({
  name: 'kaml-d.audit.read',
  attributes: { action: 'read' },
});

/**
 * Approve or deny requests for access to an entity. The policy gives it to the entity's owners
 * (and admins), not to roles.
 *
 * @public
 */
export const accessDecidePermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'kaml-d.access.decide',
    attributes: { action: 'update' },
    resourceType: KAML_D_ENTITY_RESOURCE_TYPE,
  });

/**
 * Every permission KAML-D defines.
 *
 * @public
 */
export const kamlDPermissions = [
  datasetPreviewPermission,
  datasetQueryPermission,
  datasetUploadPermission,
  datasetRescanPermission,
  datasetWritePermission,
  datasetAssignOwnerPermission,
  datasetSnapshotRestorePermission,
  modelTrainPermission,
  modelDeployPermission,
  modelVersionPromotePermission,
  auditReadPermission,
  accessDecidePermission,
];
