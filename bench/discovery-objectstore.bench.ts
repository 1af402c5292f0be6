/**
 * Dataset discovery vs catalog-info Locations, over the same DATASETS datasets (OBJECTS objects
 * each, small CSV files) on the file storage adapter.
 *
 * - discovery: `ObjectStoreDatasetProvider.refresh()` — one recursive listing per dataset folder
 *   (sizes and times from the listing), one ranged read of one CSV header per dataset, the
 *   entity built — then each emitted entity validated by the catalog's entity policies and the
 *   KAML-D processor (what the catalog does with any entity it ingests).
 * - Locations (the baseline): what the catalog does for a dataset registered as a Location whose
 *   target is a catalog-info.yaml with the same entity (written once per dataset beside the
 *   data): the Location entity built and validated (`locationSpecToLocationEntity` + policies),
 *   the file read, `parseEntityYaml`, then the same validation of the Dataset entity. It leaves
 *   out the catalog's database round trips and its processing loop for the extra Location entity,
 *   so it favours the baseline.
 *
 * Layout under bench/.out/discovery/ (generated once): store/kaml-bench/ds-<i>/part-<j>.csv and
 * manifests/ds-<i>/catalog-info.yaml.
 *
 * Runs alternate, three of each; the best wall time of each is compared, and their CPU times
 * (user + system of the process) are printed too, since on a shared, loaded machine the wall
 * time of many small file-system calls is mostly waiting for a core.
 *
 * Ends with `discovery-objectstore: <Location ms / discovery ms>` (a speed-up; target ≥ 5).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { out } from './metadata-build.ts';
import { loadDiscoveryLib, quietLogger, requireFromRoot } from './discovery-build.ts';

const DATASETS = Number(process.env.KAML_BENCH_DATASETS ?? 10_000);
const OBJECTS = Number(process.env.KAML_BENCH_OBJECTS_PER_DATASET ?? 10);
const bucket = 'kaml-bench';
const base = join(out, 'discovery');
const store = join(base, 'store');
const manifests = join(base, 'manifests');
const done = join(base, `.done-${DATASETS}-${OBJECTS}`);

const lib = loadDiscoveryLib();
const { ConfigReader } = requireFromRoot('@backstage/config');
const catalogNode = requireFromRoot('@backstage/plugin-catalog-node');
const model = requireFromRoot('@backstage/catalog-model');
const { stringify } = requireFromRoot('yaml');

function manifestOf(i: number) {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name: `ds-${i}`, description: `Dataset ${i}` },
    spec: {
      owner: 'data-engineering',
      lifecycle: 'experimental',
      format: 'csv',
      location: `s3://${bucket}/ds-${i}/`,
      schema: { columns: [{ name: 'id', type: 'bigint' }, { name: 'name', type: 'varchar' }, { name: 'amount', type: 'double' }] },
      size: { bytes: 25 * OBJECTS, files: OBJECTS },
    },
  };
}

if (!existsSync(done)) {
  const started = performance.now();
  for (let i = 0; i < DATASETS; i++) {
    const dir = join(store, bucket, `ds-${i}`);
    mkdirSync(dir, { recursive: true });
    for (let j = 0; j < OBJECTS; j++) writeFileSync(join(dir, `part-${j}.csv`), `id,name,amount\n${i},n${j},${j}.5\n`);
    const manifestDir = join(manifests, `ds-${i}`);
    mkdirSync(manifestDir, { recursive: true });
    writeFileSync(join(manifestDir, 'catalog-info.yaml'), stringify(manifestOf(i)));
  }
  writeFileSync(done, '');
  console.log(`generated ${DATASETS * OBJECTS} objects in ${DATASETS} datasets in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const policy = model.EntityPolicies.allOf([
  new model.DefaultNamespaceEntityPolicy(),
  new model.FieldFormatEntityPolicy(),
  new model.NoForeignRootFieldsEntityPolicy(),
  new model.SchemaValidEntityPolicy(),
]);
const processor = new lib.KamlDEntitiesProcessor();
async function validate(entity: unknown): Promise<void> {
  const checked = await policy.enforce(entity);
  if (!checked) throw new Error('entity refused by the policies');
  if (!(await processor.validateEntityKind(checked))) throw new Error('not a KAML-D kind');
}

interface Emitted {
  entity: { metadata: { name: string }; spec: { schema: { columns: Array<{ name: string; type: string }> } } };
}
let emitted: Emitted[] = [];
const connection = {
  async applyMutation(mutation: { entities: Emitted[] }) {
    emitted = mutation.entities;
  },
  async refresh() {},
};
const [provider] = lib.ObjectStoreDatasetProvider.fromConfig(
  new ConfigReader({ catalog: { providers: { kamlD: { objectStore: [{ id: 'bench', location: `s3://${bucket}/`, owner: 'data-engineering' }] } } } }),
  {
    logger: quietLogger,
    auth: { getOwnServiceCredentials: async () => ({ $$type: '@backstage/BackstageCredentials', principal: { type: 'service', subject: 'bench' } }) },
    catalog: { getEntities: async () => ({ items: [] }) },
    schedule: { run: async () => {} },
    adapter: new lib.FileStorageAdapter(store),
  },
);
await provider.connect(connection);

async function discovery() {
  const result = await provider.refresh(quietLogger);
  for (const { entity } of emitted) await validate(entity);
  return result.datasets as number;
}

async function locations() {
  let count = 0;
  for (let i = 0; i < DATASETS; i++) {
    const target = join(manifests, `ds-${i}`, 'catalog-info.yaml');
    const locationEntity = catalogNode.locationSpecToLocationEntity({ location: { type: 'file', target } });
    await validate(locationEntity).catch(() => undefined); // a Location is not a KAML-D kind
    await policy.enforce(locationEntity);
    const data = await readFile(target);
    for (const result of catalogNode.parseEntityYaml(data, { type: 'file', target })) {
      if (result.type !== 'entity') throw new Error(`${target}: ${result.type}`);
      await validate(result.entity);
      count++;
    }
  }
  return count;
}

// warm the file system cache and the JIT once
await discovery();
await locations();

// runs alternate (discovery, Locations, discovery, ...) so that both see the same load on a
// shared machine; best wall time of 3 each, and the CPU time (user + system, thread pool
// included) of that process over each run
const best = (runs: Array<{ ms: number; cpuMs: number; value: number }>) =>
  runs.reduce((a, b) => (b.ms < a.ms ? b : a));
async function timed(fn: () => Promise<number>) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, value };
}
const discoveryRuns = [];
const locationRuns = [];
for (let i = 0; i < 3; i++) {
  discoveryRuns.push(await timed(discovery));
  locationRuns.push(await timed(locations));
}
const d = best(discoveryRuns);
const l = best(locationRuns);
if (d.value !== DATASETS || l.value !== DATASETS) {
  throw new Error(`discovery found ${d.value}, Locations parsed ${l.value}, expected ${DATASETS}`);
}
const sample = emitted[0].entity;
console.log(`discovery  ${d.ms.toFixed(0).padStart(6)} ms (CPU ${d.cpuMs.toFixed(0)} ms)  ${d.value} datasets from ${DATASETS * OBJECTS} objects (listings + ${DATASETS} ranged header reads), e.g. ${sample.metadata.name}: ${sample.spec.schema.columns.map(c => `${c.name} ${c.type}`).join(', ')}`);
console.log(`locations  ${l.ms.toFixed(0).padStart(6)} ms (CPU ${l.cpuMs.toFixed(0)} ms)  ${l.value} catalog-info.yaml files read, parsed and validated`);
console.log(`CPU time ratio (Locations / discovery): ${(l.cpuMs / d.cpuMs).toFixed(2)}; load average ${loadavg().map(x => x.toFixed(1)).join(' ')}`);
console.log(`discovery-objectstore: ${(l.ms / d.ms).toFixed(2)}`);
