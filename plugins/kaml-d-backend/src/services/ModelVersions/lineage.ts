import {
  ModelVersion,
  ModelVersionDeployment,
} from '@kaml-d/plugin-kaml-d-common';
import { ModelRunsResponse } from '../Runs';

/**
 * The registered version a Deployment's `kaml-d.io/model-version` label names: `3` or `v3`.
 * `undefined` when the label is missing or names no registered version (such as `1.4.0`).
 */
export function servedVersion(
  label: string | undefined,
  items: ModelVersion[],
): ModelVersion | undefined {
  const match = label?.trim().match(/^v?(\d{1,9})$/i);
  if (!match) return undefined;
  const version = Number(match[1]);
  return items.find(v => v.version === version);
}

/**
 * The model's serving Deployments, each with the version it serves and the dataset snapshots
 * behind that version: the lineage snapshot → version → deployment of the Versions tab.
 */
export function deploymentLineage(
  items: ModelVersion[],
  runs: Pick<ModelRunsResponse, 'deployments' | 'error'>,
): { deployments: ModelVersionDeployment[]; deploymentsError?: string } {
  const deployments = runs.deployments.map(d => {
    const served = servedVersion(d.version, items);
    return {
      ...(d.kind ? { kind: d.kind } : {}),
      name: d.name,
      namespace: d.namespace,
      ...(d.version ? { label: d.version } : {}),
      ...(d.track ? { track: d.track } : {}),
      desiredReplicas: d.desiredReplicas,
      readyReplicas: d.readyReplicas,
      ...(served
        ? {
            served: {
              version: served.version,
              aliases: served.aliases,
              trainedOn: served.trainedOn,
            },
          }
        : {}),
    };
  });
  return {
    deployments,
    ...(runs.error ? { deploymentsError: runs.error } : {}),
  };
}
