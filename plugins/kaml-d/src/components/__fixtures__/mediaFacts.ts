import {
  ANNOTATION_KAML_D_MEDIA_FACTS,
  DatasetEntityV1alpha1,
  DatasetMediaFacts,
} from '@kaml-d/plugin-kaml-d-common';
import { fingerprintImages } from './entities';

// Media facts as the catalog module measures them on the demo datasets (scripts/demo-data).

export const fingerprintFacts: DatasetMediaFacts = {
  format: 'images',
  mediaFiles: 36,
  mediaBytes: 221_940,
  smallestBytes: 5_870,
  largestBytes: 6_688,
  extensions: [
    { extension: 'png', media: true, count: 36, bytes: 221_940 },
    { extension: 'csv', media: false, count: 1, bytes: 1_742 },
  ],
  sample: { files: 16, of: 36, unreadable: 0 },
  dimensions: [{ width: 96, height: 96, count: 16 }],
};

export const singerFacts: DatasetMediaFacts = {
  format: 'audio',
  mediaFiles: 24,
  mediaBytes: 403_264,
  smallestBytes: 14_444,
  largestBytes: 19_244,
  extensions: [
    { extension: 'wav', media: true, count: 24, bytes: 403_264 },
    { extension: 'csv', media: false, count: 1, bytes: 1_203 },
  ],
  sample: { files: 24, of: 24, unreadable: 0 },
  durationSeconds: { min: 0.9, max: 1.2, mean: 1.05 },
  sampleRates: [{ hz: 8000, count: 24 }],
  channels: [{ channels: 1, count: 24 }],
};

/** The entity with its media-facts annotation set to `value` (JSON of facts, or anything). */
export function withMediaFacts(
  entity: DatasetEntityV1alpha1,
  value: DatasetMediaFacts | string,
): DatasetEntityV1alpha1 {
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        ...entity.metadata.annotations,
        [ANNOTATION_KAML_D_MEDIA_FACTS]:
          typeof value === 'string' ? value : JSON.stringify(value),
      },
    },
  };
}

export const singerVoiceRecordings: DatasetEntityV1alpha1 = {
  ...fingerprintImages,
  metadata: {
    name: 'singer-voice-recordings',
    namespace: 'default',
    title: 'Singer voice recordings',
  },
  spec: {
    ...fingerprintImages.spec,
    format: 'audio',
    location: 's3://kaml-datasets/singer-voice-recordings/',
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/data-science' }],
};
