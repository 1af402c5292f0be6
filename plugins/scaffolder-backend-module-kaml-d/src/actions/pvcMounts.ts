import { InputError } from '@backstage/errors';
import { parsePvcLocation } from '@kaml-d/plugin-kaml-d-common';
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';

/** Where a `pvc://` dataset's claim is mounted in the training container. */
export const PVC_DATASET_MOUNT_ROOT = '/kaml/datasets';

/**
 * The read-only volumes of the `pvc://` datasets among a run's locations: each claim (a dataset's
 * own, or one restored from a snapshot) becomes a `persistentVolumeClaim` volume with
 * `readOnly: true`, mounted read-only at `/kaml/datasets/<claim>`. A pod mounts claims of its own
 * namespace only, so a claim elsewhere is refused with the namespace to use.
 */
export function pvcDatasetMounts(
  locations: string[],
  namespace: string,
): { volumes: V1Volume[]; volumeMounts: V1VolumeMount[] } {
  const volumes: V1Volume[] = [];
  const volumeMounts: V1VolumeMount[] = [];
  const seen = new Set<string>();
  for (const location of locations) {
    let pvc;
    try {
      pvc = parsePvcLocation(location);
    } catch (error) {
      throw new InputError((error as Error).message);
    }
    if (!pvc || seen.has(pvc.name)) continue;
    if (pvc.namespace !== namespace) {
      throw new InputError(
        `dataset location ${location} is a claim in namespace ${pvc.namespace}, but the run is created in ${namespace}; a pod mounts claims of its own namespace only: set namespace to ${pvc.namespace} or move the claim`,
      );
    }
    seen.add(pvc.name);
    const name = `dataset-${volumes.length}`;
    volumes.push({
      name,
      persistentVolumeClaim: { claimName: pvc.name, readOnly: true },
    });
    volumeMounts.push({
      name,
      mountPath: `${PVC_DATASET_MOUNT_ROOT}/${pvc.name}`,
      readOnly: true,
    });
  }
  return { volumes, volumeMounts };
}
