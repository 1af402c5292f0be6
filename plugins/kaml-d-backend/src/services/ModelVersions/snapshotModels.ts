import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DatasetSnapshotModelVersion } from '@kaml-d/plugin-kaml-d-common';
import { Knex } from 'knex';

const VERSION_DATASETS = 'kaml_d_model_version_datasets';
const ALIASES = 'kaml_d_model_aliases';
/** Model refs per catalog and alias request. */
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    out.push(items.slice(i, i + CHUNK));
  }
  return out;
}

/**
 * The model versions trained on each snapshot of a dataset, keyed by snapshot id: one query
 * for the links of the dataset, one catalog request for the models the caller can see, one for
 * their aliases, however many snapshots the dataset has. Needs the dataset visible to the caller
 * in the catalog, like the per-snapshot lineage route.
 */
export async function modelVersionsBySnapshot(
  options: { db: Knex; catalog: CatalogService },
  dataset: CompoundEntityRef,
  credentials: BackstageCredentials,
): Promise<Map<string, DatasetSnapshotModelVersion[]>> {
  const { db, catalog } = options;
  const datasetRef = stringifyEntityRef({ ...dataset, kind: 'dataset' });
  const entity = await catalog.getEntityByRef(datasetRef, { credentials });
  if (!entity) {
    throw new NotFoundError(`No dataset ${datasetRef} in the catalog.`);
  }
  const links: Array<{
    entity_ref: string;
    version: number;
    snapshot_id: string;
  }> = await db(VERSION_DATASETS)
    .where({ dataset_ref: datasetRef })
    .select('entity_ref', 'version', 'snapshot_id');
  const result = new Map<string, DatasetSnapshotModelVersion[]>();
  if (links.length === 0) return result;

  const models = [...new Set(links.map(l => l.entity_ref))];
  // only models the caller can see in the catalog
  const allowed = new Set<string>();
  const aliases = new Map<string, string[]>();
  for (const refs of chunks(models)) {
    const visible = await catalog.getEntitiesByRefs(
      {
        entityRefs: refs,
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    for (const e of visible.items) {
      if (e) allowed.add(stringifyEntityRef(e));
    }
    const rows: Array<{ entity_ref: string; alias: string; version: number }> =
      await db(ALIASES)
        .whereIn('entity_ref', refs)
        .orderBy('alias')
        .select('entity_ref', 'alias', 'version');
    for (const row of rows) {
      const key = `${row.entity_ref}#${Number(row.version)}`;
      aliases.set(key, [...(aliases.get(key) ?? []), row.alias]);
    }
  }

  const ordered = links
    .filter(l => allowed.has(l.entity_ref))
    .sort(
      (a, b) =>
        a.entity_ref.localeCompare(b.entity_ref) ||
        Number(b.version) - Number(a.version),
    );
  for (const link of ordered) {
    const version = Number(link.version);
    result.set(link.snapshot_id, [
      ...(result.get(link.snapshot_id) ?? []),
      {
        entityRef: link.entity_ref,
        version,
        aliases: aliases.get(`${link.entity_ref}#${version}`) ?? [],
      },
    ]);
  }
  return result;
}
