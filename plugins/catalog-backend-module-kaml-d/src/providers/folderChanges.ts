import { EventParams } from '@backstage/plugin-events-node';
import {
  DatasetRescanEvent,
  isHiddenDatasetFolder,
  KAML_D_DATASET_EVENTS_TOPIC,
} from '@kaml-d/plugin-kaml-d-node';

/**
 * The dataset folder (`<prefix><folder>/`) a changed key belongs to, or `undefined` for a key
 * outside the prefix, a file directly under it, or a hidden folder (snapshots, partial uploads).
 */
export function datasetFolderOf(
  key: string,
  prefix: string,
): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const folder = rest.slice(0, slash);
  if (isHiddenDatasetFolder(folder)) return undefined;
  return `${prefix}${folder}/`;
}

/** What a rescan asks for: the folder of one `s3://bucket/prefix/folder/` location. */
export function folderOfLocation(
  location: string,
  bucket: string,
  prefix: string,
): string | undefined {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(location);
  if (!match || match[1] !== bucket) return undefined;
  const key = match[2].endsWith('/') ? match[2] : `${match[2]}/`;
  return datasetFolderOf(key, prefix);
}

/** The payload of a `rescan` event of the datasets topic, if it is one. */
export function rescanOf(params: EventParams): DatasetRescanEvent | undefined {
  if (params.topic !== KAML_D_DATASET_EVENTS_TOPIC) return undefined;
  const payload = params.eventPayload as Partial<DatasetRescanEvent> | null;
  if (payload?.action !== 'rescan') return undefined;
  return typeof payload.location === 'string' || payload.location === undefined
    ? (payload as DatasetRescanEvent)
    : undefined;
}
