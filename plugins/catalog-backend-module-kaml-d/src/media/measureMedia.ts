import {
  DatasetMediaExtension,
  DatasetMediaFacts,
} from '@kaml-d/plugin-kaml-d-common';
import { StorageAdapter, StorageObjectInfo } from '@kaml-d/plugin-kaml-d-node';
import { formatOfKey, isDataKey } from '../discovery/formats';
import { readBytes } from '../discovery/readBytes';
import { mapWithConcurrency } from '../providers/concurrency';
import { AudioHeader, ImageHeader, audioHeader, imageHeader } from './headers';

/**
 * Media files whose headers {@link measureMedia} reads unless told otherwise.
 *
 * @public
 */
export const DEFAULT_MEDIA_SAMPLE_FILES = 16;
/**
 * Bytes read from the start of each sampled file unless told otherwise.
 *
 * @public
 */
export const DEFAULT_MEDIA_HEAD_BYTES = 64 * 1024;
/** Extensions kept in the facts (the most numerous). */
const MAX_EXTENSIONS = 20;
/** Distinct dimensions, sample rates or channel counts kept in the facts. */
const MAX_DISTINCT = 10;
/** Header reads in flight at once. */
const READ_CONCURRENCY = 4;

/**
 * Options of {@link measureMedia}.
 *
 * @public
 */
export interface MeasureMediaOptions {
  /** How many media files to read headers of, the first in key order (default 16). */
  sampleFiles?: number;
  /** Bytes read from the start of each sampled file (default 64 KiB). */
  headBytes?: number;
}

/** Lower-case extension of a key's last segment, without the dot; '' when it has none. */
export function extensionOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** Keeps the `limit` smallest keys seen, in key order (listings are usually sorted already). */
function keepFirst(
  sample: StorageObjectInfo[],
  object: StorageObjectInfo,
  limit: number,
) {
  if (sample.length >= limit && object.key >= sample[sample.length - 1].key) {
    return;
  }
  let at = sample.length;
  while (at > 0 && sample[at - 1].key > object.key) at--;
  sample.splice(at, 0, object);
  if (sample.length > limit) sample.pop();
}

function mostFrequent<T>(
  counts: Map<string, { value: T; count: number }>,
): Array<T & { count: number }> {
  return [...counts.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, MAX_DISTINCT)
    .map(({ value, count }) => ({ ...value, count }));
}

function tally<T>(
  counts: Map<string, { value: T; count: number }>,
  key: string,
  value: T,
) {
  const entry = counts.get(key);
  if (entry) entry.count++;
  else counts.set(key, { value, count: 1 });
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * File-level facts of an `images` or `audio` Dataset: files and bytes per extension and the
 * smallest and largest media file, from the listing alone; image dimensions, or audio duration,
 * sample rate and channels, from the headers of a sample of media files (the first
 * `sampleFiles` in key order), each read with one ranged read of at most `headBytes` bytes.
 *
 * Manifests and hidden files (`catalog-info.yaml`, `.name`) are not counted. A sampled file whose
 * header cannot be read or parsed counts as unreadable; the facts are still returned.
 *
 * @public
 */
export async function measureMedia(
  adapter: StorageAdapter,
  bucket: string,
  objects: Iterable<StorageObjectInfo>,
  format: 'images' | 'audio',
  options: MeasureMediaOptions = {},
): Promise<DatasetMediaFacts> {
  const sampleFiles = Math.max(
    0,
    options.sampleFiles ?? DEFAULT_MEDIA_SAMPLE_FILES,
  );
  const headBytes = Math.max(1, options.headBytes ?? DEFAULT_MEDIA_HEAD_BYTES);
  const byExtension = new Map<string, DatasetMediaExtension>();
  const sample: StorageObjectInfo[] = [];
  let mediaFiles = 0;
  let mediaBytes = 0;
  let smallestBytes: number | undefined;
  let largestBytes: number | undefined;
  for (const object of objects) {
    if (!isDataKey(object.key)) continue;
    const extension = extensionOf(object.key);
    const media = formatOfKey(object.key) === format;
    const entry = byExtension.get(extension) ?? {
      extension,
      media,
      count: 0,
      bytes: 0,
    };
    entry.count++;
    entry.bytes += object.size;
    byExtension.set(extension, entry);
    if (!media) continue;
    mediaFiles++;
    mediaBytes += object.size;
    smallestBytes = Math.min(smallestBytes ?? object.size, object.size);
    largestBytes = Math.max(largestBytes ?? object.size, object.size);
    if (sampleFiles > 0) keepFirst(sample, object, sampleFiles);
  }

  const headers = await mapWithConcurrency(
    sample,
    READ_CONCURRENCY,
    async (object): Promise<ImageHeader | AudioHeader | undefined> => {
      if (object.size === 0) return undefined;
      let head: Buffer;
      try {
        head = await readBytes(
          adapter,
          bucket,
          object.key,
          0,
          Math.min(object.size, headBytes) - 1,
        );
      } catch {
        // gone since the listing, or not readable: counted as unreadable
        return undefined;
      }
      return format === 'images'
        ? imageHeader(head)
        : audioHeader(head, object.size, extensionOf(object.key));
    },
  );

  const facts: DatasetMediaFacts = {
    format,
    mediaFiles,
    mediaBytes,
    smallestBytes,
    largestBytes,
    extensions: [...byExtension.values()]
      .sort(
        (a, b) => b.count - a.count || a.extension.localeCompare(b.extension),
      )
      .slice(0, MAX_EXTENSIONS),
    sample: {
      files: sample.length,
      of: mediaFiles,
      unreadable: headers.filter(h => h === undefined).length,
    },
  };
  if (format === 'images') {
    const dimensions = new Map<
      string,
      { value: { width: number; height: number }; count: number }
    >();
    for (const header of headers as Array<ImageHeader | undefined>) {
      if (!header) continue;
      const { width, height } = header;
      tally(dimensions, `${width}x${height}`, { width, height });
    }
    facts.dimensions = mostFrequent(dimensions);
    return facts;
  }
  const rates = new Map<string, { value: { hz: number }; count: number }>();
  const channels = new Map<
    string,
    { value: { channels: number }; count: number }
  >();
  const durations: number[] = [];
  for (const header of headers as Array<AudioHeader | undefined>) {
    if (!header) continue;
    if (header.sampleRate) {
      tally(rates, String(header.sampleRate), { hz: header.sampleRate });
    }
    if (header.channels) {
      tally(channels, String(header.channels), { channels: header.channels });
    }
    if (header.durationSeconds) durations.push(header.durationSeconds);
  }
  facts.sampleRates = mostFrequent(rates);
  facts.channels = mostFrequent(channels);
  if (durations.length > 0) {
    facts.durationSeconds = {
      min: round3(Math.min(...durations)),
      max: round3(Math.max(...durations)),
      mean: round3(durations.reduce((a, b) => a + b, 0) / durations.length),
    };
  }
  return facts;
}
