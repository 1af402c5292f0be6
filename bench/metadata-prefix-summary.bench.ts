/**
 * Prefix summary (objects, bytes, last modified) over many objects on the file storage adapter:
 * the backend's parallel listing (level by level, fanning out over sub-prefixes, 16 listings in
 * flight) vs a sequential walk of the same tree, in the same run. Neither reads an object; the
 * counts must agree.
 *
 * Layout: bench/.out/prefix-summary/<bucket>/ds-<i>/part-<j>/obj-<k>.csv — DATASETS datasets,
 * PARTS partitions each, OBJECTS objects per partition (generated once, reused by later runs).
 *
 * Ends with `metadata-prefix-summary: <sequential ms / parallel ms>` (a speed-up; higher is better).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadMetadataLib, out } from './metadata-build.ts';

const DATASETS = Number(process.env.KAML_BENCH_DATASETS ?? 500);
const PARTS = 10;
const OBJECTS = 20;
const bucket = `kaml-bench-${DATASETS}`;
const storageRoot = join(out, 'prefix-summary');
const done = join(storageRoot, `.done-${DATASETS}-${PARTS}-${OBJECTS}`);

if (!existsSync(done)) {
  const started = performance.now();
  for (let d = 0; d < DATASETS; d++) {
    for (let p = 0; p < PARTS; p++) {
      const dir = join(storageRoot, bucket, `ds-${d}`, `part-${p}`);
      mkdirSync(dir, { recursive: true });
      for (let o = 0; o < OBJECTS; o++) writeFileSync(join(dir, `obj-${o}.csv`), `a,b\n${d},${p * o}\n`);
    }
  }
  writeFileSync(done, '');
  console.log(`generated ${DATASETS * PARTS * OBJECTS} objects in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const lib = loadMetadataLib();
const adapter = new lib.FileStorageAdapter(storageRoot);
const expected = DATASETS * PARTS * OBJECTS;

// warm the file system cache once so both variants read the same (cached) metadata
await lib.summarizePrefixSequential(adapter, bucket, '');

// alternate the variants (shared machine); best wall time of 3 each, with the CPU time (user +
// system, thread pool included) the process spent on that run: when it is close to the wall
// time, the listing is bound by the one core the event loop has, and parallelism cannot help
type Summary = { objects: number; bytes: number; childPrefixes: number; listCalls: number };
async function timed(fn: () => Promise<Summary>) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, value };
}
const runs: Record<'sequential' | 'parallel', Array<Awaited<ReturnType<typeof timed>>>> = { sequential: [], parallel: [] };
for (let i = 0; i < 3; i++) {
  runs.sequential.push(await timed(() => lib.summarizePrefixSequential(adapter, bucket, '')));
  runs.parallel.push(await timed(() => lib.summarizePrefixParallel(adapter, bucket, '', 16)));
}
const best = (list: typeof runs.sequential) => list.reduce((a, b) => (b.ms < a.ms ? b : a));
const sequential = best(runs.sequential);
const parallel = best(runs.parallel);
for (const [name, r] of [['sequential', sequential], ['parallel', parallel]] as const) {
  if (r.value.objects !== expected || r.value.childPrefixes !== DATASETS) {
    throw new Error(`${name} summary counted ${r.value.objects} objects in ${r.value.childPrefixes} datasets, expected ${expected} in ${DATASETS}`);
  }
  console.log(
    `${name.padEnd(10)} ${r.ms.toFixed(0).padStart(6)} ms (CPU ${r.cpuMs.toFixed(0)} ms)  ${r.value.objects} objects, ${r.value.bytes} bytes, ${r.value.childPrefixes} datasets, ${r.value.listCalls} listing calls, 0 object reads`,
  );
}
console.log(`load average ${loadavg().map(x => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
console.log(`objects per second: sequential ${Math.round(expected / (sequential.ms / 1000))}, parallel ${Math.round(expected / (parallel.ms / 1000))}`);
console.log(`metadata-prefix-summary: ${(sequential.ms / parallel.ms).toFixed(2)}`);
