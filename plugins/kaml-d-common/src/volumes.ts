import { isDnsLabel, isKubernetesName } from './kubernetesNames';

/**
 * Where a PersistentVolumeClaim-backed Dataset lives: `pvc://<cluster>/<namespace>/<claim>`.
 *
 * @public
 */
export interface PvcLocation {
  /** The cluster's name as KAML-D knows it (`kamlD.volumes.cluster`). */
  cluster: string;
  namespace: string;
  /** The PersistentVolumeClaim's name. */
  name: string;
}

/**
 * Label of a PersistentVolumeClaim that makes it a Dataset: its value is the Dataset's name.
 *
 * @public
 */
export const PVC_DATASET_LABEL = 'kaml-d.io/dataset';
/**
 * Label of a VolumeSnapshot KAML-D took: the snapshot id (also the VolumeSnapshot's name).
 *
 * @public
 */
export const PVC_SNAPSHOT_ID_LABEL = 'kaml-d.io/snapshot-id';
/**
 * Label of a PersistentVolumeClaim restored from a snapshot: the snapshot id it came from.
 *
 * @public
 */
export const PVC_RESTORED_FROM_LABEL = 'kaml-d.io/restored-from';

/**
 * Parses a `pvc://cluster/namespace/claim` location; undefined for another scheme. A pvc://
 * location that is malformed throws an error naming the part to change.
 *
 * @public
 */
export function parsePvcLocation(location: string): PvcLocation | undefined {
  if (!location.startsWith('pvc://')) return undefined;
  const parts = location.slice('pvc://'.length).replace(/\/$/, '').split('/');
  if (parts.length !== 3) {
    throw new Error(
      `The location "${location}" must be pvc://<cluster>/<namespace>/<claim>: three parts after pvc://, got ${parts.length}.`,
    );
  }
  const [cluster, namespace, name] = parts;
  if (!isDnsLabel(cluster)) {
    throw new Error(
      `The cluster "${cluster}" of ${location} must be lowercase letters, digits and dashes (at most 63).`,
    );
  }
  if (!isDnsLabel(namespace)) {
    throw new Error(
      `The namespace "${namespace}" of ${location} is not a Kubernetes namespace name (lowercase letters, digits and dashes, at most 63).`,
    );
  }
  if (!isKubernetesName(name)) {
    throw new Error(
      `The claim "${name}" of ${location} is not a Kubernetes object name (lowercase letters, digits, dots and dashes).`,
    );
  }
  return { cluster, namespace, name };
}

/**
 * The `pvc://` location of a claim.
 *
 * @public
 */
export function pvcLocation(location: PvcLocation): string {
  return `pvc://${location.cluster}/${location.namespace}/${location.name}`;
}
