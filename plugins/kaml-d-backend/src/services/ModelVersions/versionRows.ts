import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import {
  ModelVersion,
  ModelVersionComparison,
  ModelVersionDatasetRef,
  ModelVersionRun,
} from '@kaml-d/plugin-kaml-d-common';

/** DNS-label-like alias names: `champion`, `staging-2`. */
export const ALIAS_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** One model version as stored in the plugin database. */
export interface VersionRow {
  entity_ref: string;
  version: number;
  description: string | null;
  artifact_uri: string;
  artifact_digest: string | null;
  metrics: string;
  parameters: string;
  run: string | null;
  created_at: string | Date;
  created_by: string;
}

/** Parsed JSON of a column, or the fallback when it is empty or not JSON. */
export function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** 400 unless the alias is a DNS-label-like name. */
export function checkAlias(alias: string): void {
  if (!ALIAS_PATTERN.test(alias)) {
    throw new InputError(
      `Alias "${alias}" is not valid: use lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters.`,
    );
  }
}

/** The full dataset ref of `trainedOn[i]`; 400 when it names no dataset. */
export function trainedOnDatasetRef(
  entry: ModelVersionDatasetRef,
  i: number,
): string {
  try {
    const parsed = parseEntityRef(entry.datasetRef, {
      defaultKind: 'dataset',
      defaultNamespace: 'default',
    });
    if (parsed.kind.toLocaleLowerCase('en-US') !== 'dataset') {
      throw new Error('not a dataset');
    }
    return stringifyEntityRef(parsed);
  } catch {
    throw new InputError(
      `trainedOn[${i}]: "${entry.datasetRef}" is not a dataset entity ref such as dataset:default/finance-transactions.`,
    );
  }
}

/** A stored version with the snapshots it was trained on and the aliases pointing at it. */
export function toModelVersion(
  row: VersionRow,
  trainedOn: ModelVersionDatasetRef[],
  aliases: string[],
): ModelVersion {
  const run = parseJson<ModelVersionRun | null>(row.run, null);
  return {
    entityRef: row.entity_ref,
    version: Number(row.version),
    ...(row.description ? { description: row.description } : {}),
    artifactUri: row.artifact_uri,
    ...(row.artifact_digest ? { artifactDigest: row.artifact_digest } : {}),
    metrics: parseJson<Record<string, number>>(row.metrics, {}),
    parameters: parseJson<JsonObject>(row.parameters, {}),
    trainedOn,
    ...(run ? { run } : {}),
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    aliases,
  };
}

/**
 * Metrics of the versions side by side, in the order asked for: every metric any of them has,
 * sorted, null where a version lacks it. 404 naming the versions the model does not have.
 */
export function compareVersions(
  entityRef: string,
  versions: number[],
  rows: VersionRow[],
): ModelVersionComparison {
  const byVersion = new Map(rows.map(r => [Number(r.version), r]));
  const missing = versions.filter(v => !byVersion.has(v));
  if (missing.length > 0) {
    throw new NotFoundError(
      `${entityRef} has no version ${missing.join(', ')}.`,
    );
  }
  const metricsOf = new Map(
    versions.map(v => [
      v,
      parseJson<Record<string, number>>(byVersion.get(v)!.metrics, {}),
    ]),
  );
  const metrics = [
    ...new Set([...metricsOf.values()].flatMap(m => Object.keys(m))),
  ].sort();
  return {
    entityRef,
    versions,
    metrics,
    rows: versions.map(version => ({
      version,
      values: metrics.map(name => {
        const value = metricsOf.get(version)![name];
        return typeof value === 'number' ? value : null;
      }),
    })),
  };
}
