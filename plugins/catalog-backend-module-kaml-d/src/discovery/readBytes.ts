import { StorageAdapter } from '@kaml-d/plugin-kaml-d-node';

/** Bytes `start`..`end` (inclusive) of an object, through one ranged read. */
export async function readBytes(
  adapter: StorageAdapter,
  bucket: string,
  key: string,
  start: number,
  end: number,
): Promise<Buffer> {
  const stream = await adapter.read(bucket, key, { start, end });
  const chunks: Buffer[] = [];
  let total = 0;
  const limit = end - start + 1;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    chunks.push(buffer);
    total += buffer.length;
    // a ranged stream ends by itself after `limit` bytes; leaving the loop early would destroy
    // it with an AbortError (an Error and its stack trace per read); only an adapter that
    // ignored the range is cut short
    if (total > limit) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, limit);
}
