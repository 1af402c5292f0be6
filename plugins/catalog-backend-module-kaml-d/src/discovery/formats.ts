/** Formats recognised from file extensions, in order of preference for a mixed folder. */
const EXTENSIONS: Array<[RegExp, string]> = [
  [/\.parquet$/i, 'parquet'],
  [/\.csv(\.gz)?$/i, 'csv'],
  [/\.tsv$/i, 'tsv'],
  [/\.jsonl$|\.ndjson$/i, 'jsonl'],
  [/\.json$/i, 'json'],
  [/\.orc$/i, 'orc'],
  [/\.avro$/i, 'avro'],
  [/\.(png|jpe?g|gif|bmp|tiff?|webp)$/i, 'images'],
  [/\.(wav|mp3|flac|ogg|m4a)$/i, 'audio'],
  [/\.(mp4|mov|mkv|avi|webm)$/i, 'video'],
  [/\.(txt|md)$/i, 'text'],
];

/**
 * Keys never counted as data (manifests and hidden files).
 *
 * @public
 */
export function isDataKey(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name !== 'catalog-info.yaml' && !name.startsWith('.');
}

/**
 * Format of one key from its extension, or undefined.
 *
 * @public
 */
export function formatOfKey(key: string): string | undefined {
  return EXTENSIONS.find(([pattern]) => pattern.test(key))?.[1];
}

/**
 * The format of a folder of objects: its most frequent recognised extension (so images with a
 * labels CSV are `images`), the most preferred one on a tie (parquet, csv, tsv, jsonl, json, …);
 * `binary` when none is recognised.
 *
 * @public
 */
export function formatOfObjects(keys: string[]): string {
  const counts = new Map<string, number>();
  for (const key of keys) {
    const format = formatOfKey(key);
    if (format) counts.set(format, (counts.get(format) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [format, count] of counts) {
    if (count > bestCount) {
      best = format;
      bestCount = count;
    }
  }
  return best ?? 'binary';
}
