import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_KAML_D_MEDIA_FACTS } from './annotations';

/**
 * Files of one extension in a media Dataset.
 *
 * @public
 */
export interface DatasetMediaExtension {
  /** Lower-case extension without the dot, such as `png`; empty for files without one. */
  extension: string;
  /** Whether files of this extension are media of the dataset's format (`png` in `images`). */
  media: boolean;
  count: number;
  bytes: number;
}

/**
 * Minimum, maximum and mean of a measured quantity.
 *
 * @public
 */
export interface DatasetMediaRange {
  min: number;
  max: number;
  mean: number;
}

/**
 * What was measured about the files of an `images` or `audio` Dataset, the JSON value of
 * {@link ANNOTATION_KAML_D_MEDIA_FACTS}.
 *
 * @remarks
 *
 * Counts and sizes cover every file. Dimensions and durations come from the headers of a sample
 * of the media files (`sample.files` of `sample.of`, the first in key order); a file whose header
 * could not be read counts in `sample.unreadable`.
 *
 * @public
 */
export interface DatasetMediaFacts {
  format: 'images' | 'audio';
  /** Media files (extensions with `media: true`). */
  mediaFiles: number;
  /** Bytes of the media files. */
  mediaBytes: number;
  /** Size of the smallest and of the largest media file. */
  smallestBytes?: number;
  largestBytes?: number;
  /** Every file by extension, the most numerous first (at most 20 extensions). */
  extensions: DatasetMediaExtension[];
  sample: {
    /** Media files whose headers were read. */
    files: number;
    /** Media files in the dataset (the sample is complete when equal to `files`). */
    of: number;
    /** Sampled files whose header gave no dimensions or duration. */
    unreadable: number;
  };
  /** Images: distinct width × height among the sampled files, the most frequent first. */
  dimensions?: Array<{ width: number; height: number; count: number }>;
  /** Audio: duration in seconds of the sampled files. */
  durationSeconds?: DatasetMediaRange;
  /** Audio: distinct sample rates (Hz) among the sampled files, the most frequent first. */
  sampleRates?: Array<{ hz: number; count: number }>;
  /** Audio: distinct channel counts among the sampled files, the most frequent first. */
  channels?: Array<{ channels: number; count: number }>;
}

type Check = (value: unknown) => boolean;

const count: Check = v => Number.isSafeInteger(v) && (v as number) >= 0;
const positive: Check = v => typeof v === 'number' && v > 0 && isFinite(v);
const finite: Check = v => typeof v === 'number' && isFinite(v);

function record(shape: Record<string, Check>, optional: string[] = []) {
  return (value: unknown): boolean => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return false;
    }
    const object = value as Record<string, unknown>;
    return Object.entries(shape).every(([key, check]) =>
      object[key] === undefined ? optional.includes(key) : check(object[key]),
    );
  };
}

function list(item: Check): Check {
  return v => Array.isArray(v) && v.every(item);
}

const isMediaFacts = record(
  {
    format: v => v === 'images' || v === 'audio',
    mediaFiles: count,
    mediaBytes: count,
    smallestBytes: count,
    largestBytes: count,
    extensions: list(
      record({
        extension: v => typeof v === 'string',
        media: v => typeof v === 'boolean',
        count,
        bytes: count,
      }),
    ),
    sample: record({ files: count, of: count, unreadable: count }),
    dimensions: list(record({ width: positive, height: positive, count })),
    durationSeconds: record({ min: finite, max: finite, mean: finite }),
    sampleRates: list(record({ hz: positive, count })),
    channels: list(record({ channels: positive, count })),
  },
  [
    'smallestBytes',
    'largestBytes',
    'dimensions',
    'durationSeconds',
    'sampleRates',
    'channels',
  ],
);

/**
 * The media facts of a Dataset from its {@link ANNOTATION_KAML_D_MEDIA_FACTS} annotation, or
 * `undefined` when it has none or the value is not valid {@link DatasetMediaFacts} JSON.
 *
 * @public
 */
export function parseMediaFacts(entity: Entity): DatasetMediaFacts | undefined {
  const raw = entity.metadata.annotations?.[ANNOTATION_KAML_D_MEDIA_FACTS];
  if (!raw) {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  return isMediaFacts(value) ? (value as DatasetMediaFacts) : undefined;
}
