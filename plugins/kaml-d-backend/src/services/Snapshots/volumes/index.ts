import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  CLUSTER_NOT_CONFIGURED_MESSAGE,
  readKamlDClusterAccess,
} from '@kaml-d/plugin-kaml-d-node';
import { Knex } from 'knex';
import { AuditLogService } from '../../Audit';
import { readVolumesConfig } from './config';
import { createVolumeApi } from './kube';
import { VolumeSnapshots, createVolumeSnapshots } from './volumeSnapshots';

export { readVolumesConfig } from './config';
export type { VolumesConfig } from './config';
export { createVolumeApi } from './kube';
export type { VolumeApi, VolumeSnapshotObject } from './kube';
export { createVolumeSnapshots } from './volumeSnapshots';
export type { VolumeDataset, VolumeSnapshots } from './volumeSnapshots';

/**
 * The volume snapshots of the workload cluster (`kamlD.workloadCluster`; `kamlD.volumes` for the
 * rest); without one every pvc:// request says so (503) and the backend stays up. `logger` gets
 * the warning of a deprecated cluster key.
 */
export function volumeSnapshotsFromConfig(options: {
  config: Config;
  db: Knex;
  audit: AuditLogService;
  logger?: LoggerService;
}): VolumeSnapshots {
  const access = readKamlDClusterAccess(options.config, {
    logger: options.logger,
  });
  return createVolumeSnapshots({
    db: options.db,
    audit: options.audit,
    config: readVolumesConfig(options.config),
    api: access ? createVolumeApi(access.kubeConfig) : undefined,
    unavailable: `${CLUSTER_NOT_CONFIGURED_MESSAGE}, so PersistentVolumeClaim datasets cannot be snapshotted`,
  });
}
