import { EventParams } from '@backstage/plugin-events-node';
import {
  DatasetUploadedEvent,
  isHiddenDatasetFolder,
  KAML_D_DATASET_EVENTS_TOPIC,
} from '@kaml-d/plugin-kaml-d-node';
import { ObjectStoreProviderConfig } from './config';
import { DATASET_MANIFEST_NAME } from './objectStoreDataset';

/** An upload event this provider should act on, with the dataset folder it names. */
export interface UploadedDataset {
  event: DatasetUploadedEvent;
  datasetPrefix: string;
}

/**
 * The upload of an event when it concerns this provider: the datasets topic, the provider's
 * bucket, and a manifest directly in a visible folder under the provider's prefix; else undefined.
 */
export function uploadedDatasetOf(
  params: EventParams,
  config: Pick<ObjectStoreProviderConfig, 'bucket' | 'prefix'>,
): UploadedDataset | undefined {
  if (params.topic !== KAML_D_DATASET_EVENTS_TOPIC) return undefined;
  const event = asUploadedEvent(params.eventPayload);
  if (!event || event.bucket !== config.bucket) return undefined;
  const datasetPrefix = event.manifestKey.slice(
    0,
    event.manifestKey.length - DATASET_MANIFEST_NAME.length,
  );
  if (
    !event.manifestKey.endsWith(DATASET_MANIFEST_NAME) ||
    !datasetPrefix.startsWith(config.prefix) ||
    isHiddenDatasetFolder(datasetPrefix.slice(config.prefix.length)) ||
    datasetPrefix.slice(config.prefix.length).replace(/\/$/, '').includes('/')
  ) {
    return undefined;
  }
  return { event, datasetPrefix };
}

function asUploadedEvent(payload: unknown): DatasetUploadedEvent | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const event = payload as Partial<DatasetUploadedEvent>;
  return event.action === 'uploaded' &&
    typeof event.bucket === 'string' &&
    typeof event.manifestKey === 'string' &&
    typeof event.location === 'string'
    ? (event as DatasetUploadedEvent)
    : undefined;
}
