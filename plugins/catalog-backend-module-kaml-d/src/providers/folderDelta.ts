import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { DatasetEntityV1alpha1 } from '@kaml-d/plugin-kaml-d-common';
import { toEntityName } from './entities';
import { errorMessage } from './objectStoreDataset';

/**
 * Applies changed dataset folders as one delta mutation: a folder that holds data again
 * (re)adds its Dataset; an emptied or deleted folder removes the Dataset it gave (its last known
 * name, or the name discovery gives the folder). A name another folder already gave is left to
 * the next full scan, which decides between them. Answers the entity names added and removed.
 */
export async function applyFolderChanges(options: {
  folders: string[];
  /** Folder → the entity name it gave last; kept up to date here. */
  names: Map<string, string>;
  prefix: string;
  locationKey: string;
  read(folder: string): Promise<DatasetEntityV1alpha1 | undefined>;
  connection: EntityProviderConnection;
  logger: LoggerService;
}): Promise<{ added: string[]; removed: string[] }> {
  const { names, prefix, locationKey, logger } = options;
  const added: DeferredEntity[] = [];
  const removed: Array<{ entityRef: string; locationKey: string }> = [];
  const refOf = (name: string) =>
    stringifyEntityRef({ kind: 'Dataset', namespace: 'default', name });
  for (const folder of options.folders) {
    let entity: DatasetEntityV1alpha1 | undefined;
    try {
      entity = await options.read(folder);
    } catch (error) {
      logger.warn(`Skipped the change in ${folder}: ${errorMessage(error)}`);
      continue;
    }
    const previous =
      names.get(folder) ??
      toEntityName(folder.slice(prefix.length).replace(/\/$/, ''));
    if (!entity) {
      removed.push({ entityRef: refOf(previous), locationKey });
      names.delete(folder);
      continue;
    }
    const name = entity.metadata.name;
    const holder = [...names].find(([f, n]) => n === name && f !== folder);
    if (holder) {
      logger.warn(
        `Skipped ${entity.spec.location}: the folder ${holder[0]} already gave a dataset the name "${name}"`,
      );
      continue;
    }
    if (previous !== name)
      removed.push({ entityRef: refOf(previous), locationKey });
    names.set(folder, name);
    added.push({ entity, locationKey });
  }
  if (added.length > 0 || removed.length > 0) {
    await options.connection.applyMutation({ type: 'delta', added, removed });
    logger.info(
      `Applied changes in storage: ${added.length} dataset(s) added or updated, ${removed.length} removed`,
    );
  }
  return {
    added: added.map(a => a.entity.metadata.name),
    removed: removed.map(r => r.entityRef),
  };
}
