/**
 * The catalog side of bench/workbench-scale.bench.ts, run in a child process of its own: a real
 * Backstage catalog backend (`createBackend` from @backstage/backend-defaults with
 * @backstage/plugin-catalog-backend) on a database of the rig's PostgreSQL, with KAML-D's
 * Dataset processor and a bulk entity provider that adds the bench's Dataset entities when the
 * parent asks (`{ seed: n }` over IPC), as delta mutations of 1,000 entities. Every entity goes
 * through the catalog's own processing and stitching (validation by KamlDEntitiesProcessor,
 * relations, search rows); nothing is written to the catalog's tables directly. Mode `seed`
 * processes (and stitches) what the provider adds; mode `serve` answers reads only
 * (`catalog.processingInterval: false`, as a read replica runs).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './metadata-build.ts';

const requireFromRoot = createRequire(join(root, 'package.json'));

/** Where the bench's entities say they come from; the binding policy trusts it. */
export const BENCH_ORIGIN = { type: 'bench-bulk', target: 'workbench-scale' };
const ORIGIN = `${BENCH_ORIGIN.type}:${BENCH_ORIGIN.target}`;
/** Static external-access token the bench's client sends, as a browser sends a user's token. */
export const BENCH_TOKEN = 'workbench-scale-bench-token-0123456789abcdef';

const WORDS = ['sales', 'orders', 'clicks', 'sensor', 'claims', 'payments', 'churn', 'images', 'audio', 'fraud',
  'inventory', 'shipments', 'weather', 'traffic', 'reviews', 'tickets', 'logs', 'metrics', 'genomics', 'energy',
  'returns', 'loans', 'trades', 'prices', 'visits', 'sessions', 'devices', 'alerts', 'scans', 'surveys',
  'leads', 'invoices', 'contracts', 'stores', 'routes', 'flights', 'meters', 'readings', 'events', 'profiles',
  'patients', 'labs', 'claims-history', 'campaigns', 'emails', 'calls', 'chats', 'documents', 'videos', 'maps'];
const FORMATS = ['csv', 'parquet', 'jsonl', 'json', 'images', 'audio', 'avro', 'orc'];
const TYPES = ['varchar', 'bigint', 'double', 'boolean', 'timestamp', 'date'];
/** 120 tags, 40 owner groups and 10 users, 400 projects (Systems). */
const TAGS = Array.from({ length: 120 }, (_, i) => `${WORDS[i % WORDS.length]}-${Math.floor(i / WORDS.length) || 'core'}`);
const OWNERS = [
  ...Array.from({ length: 40 }, (_, i) => `group:default/team-${String(i).padStart(2, '0')}`),
  ...Array.from({ length: 10 }, (_, i) => `user:default/user-${i}`),
];
const PROJECTS = 400;

/** A deterministic pseudo-random number in [0, 1) for (i, salt). */
function rnd(i: number, salt: number): number {
  let x = (i * 2654435761 + salt * 40503) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 2246822507) >>> 0;
  x ^= x >>> 13;
  return (x >>> 0) / 4294967296;
}

/**
 * The i-th bench Dataset, shaped like what the object-store discovery emits: title,
 * description, 2–3 tags, owner, project for 90 %, format, location, an inferred schema of 8–16
 * columns, size and the discovery annotations (last modified for 95 %).
 */
export function benchDataset(i: number): Record<string, any> {
  const word = WORDS[i % WORDS.length];
  const name = `${word}-${String(i).padStart(6, '0')}`;
  const format = FORMATS[Math.floor(rnd(i, 1) * FORMATS.length)];
  const tags = [...new Set([0, 1, 2].slice(0, 2 + Math.floor(rnd(i, 2) * 2)).map(k => TAGS[Math.floor(rnd(i, 3 + k) * TAGS.length)]))];
  const columns = Array.from({ length: 8 + Math.floor(rnd(i, 6) * 9) }, (_, c) => ({
    name: `${WORDS[(i + c * 7) % WORDS.length].replace(/-/g, '_')}_${c}`,
    type: TYPES[Math.floor(rnd(i, 10 + c) * TYPES.length)],
  }));
  const bytes = Math.floor(rnd(i, 7) * 5e9);
  const files = 1 + Math.floor(rnd(i, 8) * 200);
  const modified = new Date(Date.UTC(2025, 0, 1) + Math.floor(rnd(i, 9) * 365 * 86_400_000)).toISOString();
  const location = `s3://kaml-bench/${name}/`;
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name,
      namespace: 'default',
      title: `${word[0].toUpperCase()}${word.slice(1).replace(/-/g, ' ')} ${i}`,
      description: `${format} files in ${location} (${files} files), found by discovery.`,
      tags,
      annotations: {
        'backstage.io/managed-by-location': ORIGIN,
        'backstage.io/managed-by-origin-location': ORIGIN,
        'kaml-d.io/discovered-by': 'kaml-d-storage:bench',
        ...(rnd(i, 11) < 0.95 ? { 'kaml-d.io/last-modified': modified } : {}),
        'kaml-d.io/size-bytes': String(bytes),
        'kaml-d.io/object-count': String(files),
      },
    },
    spec: {
      owner: OWNERS[Math.floor(rnd(i, 12) * OWNERS.length)],
      lifecycle: 'production',
      ...(rnd(i, 13) < 0.9 ? { system: `project-${String(Math.floor(rnd(i, 14) * PROJECTS)).padStart(3, '0')}` } : {}),
      format,
      location,
      schema: { columns },
      size: { bytes, files },
    },
  };
}

/** Runs the catalog until the parent disconnects. */
async function main() {
  const [port, pgUrl, prefix, bundle, mode] = process.argv.slice(2);
  const lib = createRequire(import.meta.url)(bundle);
  const { createBackend } = requireFromRoot('@backstage/backend-defaults');
  const { coreServices, createServiceFactory, createBackendModule } = requireFromRoot('@backstage/backend-plugin-api');
  const { ConfigReader } = requireFromRoot('@backstage/config');
  const { catalogProcessingExtensionPoint } = requireFromRoot('@backstage/plugin-catalog-node');
  const url = new URL(pgUrl.startsWith('sqlite:') ? 'postgresql://unused' : pgUrl);
  const kinds = ['Component', 'System', 'API', 'Resource', 'Location', 'Domain', 'Group', 'User', 'Template', 'Dataset', 'Model'];
  const config = new ConfigReader({
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { port: Number(port), host: '127.0.0.1' },
      // `sqlite:<folder>` only for a quick check of the bench itself (KAML_BENCH_DATABASE=sqlite)
      database: pgUrl.startsWith('sqlite:')
        ? { client: 'better-sqlite3', connection: { directory: pgUrl.slice('sqlite:'.length) } }
        : {
            client: 'pg',
            connection: { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) },
            prefix,
          },
      auth: { externalAccess: [{ type: 'static', options: { token: BENCH_TOKEN, subject: 'workbench-scale-bench' } }] },
    },
    // seeding: entities are processed once when added (a 24 h interval, so the catalog does not
    // start over while it is still stitching); serving: no processing at all (a read replica),
    // so that the reads are measured without the catalog re-processing 100k entities meanwhile
    catalog: { rules: [{ allow: kinds }], processingInterval: mode === 'seed' ? { hours: 24 } : false },
    kamlD: {
      storage: { adapter: 'file', file: { root: join(root, 'bench', '.out', 'workbench-scale-store') } },
      bindings: { trustedOrigins: [BENCH_ORIGIN] },
    },
  });
  const log = (level: string) => (message: string) => {
    if (level === 'error') process.stderr.write(`catalog ${level}: ${message}\n`);
  };
  const logger: any = { error: log('error'), warn: log('warn'), info: log('info'), debug() {}, child: () => logger };
  let connection: any;
  const backend = createBackend();
  backend.add(createServiceFactory({ service: coreServices.rootConfig, deps: {}, factory: () => config }));
  backend.add(createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => logger }));
  backend.add(requireFromRoot('@backstage/plugin-catalog-backend').default);
  backend.add(
    createBackendModule({
      pluginId: 'catalog',
      moduleId: 'workbench-scale-bench',
      register(reg: any) {
        reg.registerInit({
          deps: { processing: catalogProcessingExtensionPoint },
          async init({ processing }: any) {
            // KAML-D's processor with its binding rule; the exclusivity check gets no holders:
            // the real module re-reads every Dataset each 15 s and compares each entity with
            // every holder (2.4 ms a check at 100,000 holders, 4 min of CPU per pass), which
            // would add to the seeding, not to the reads measured here
            processing.addProcessor(
              new lib.KamlDEntitiesProcessor({ bindingPolicy: lib.readDatasetBindingPolicy(config, {}), bindingHolders: async () => [] }),
            );
            processing.addEntityProvider({
              getProviderName: () => 'bench-bulk',
              connect: async (c: unknown) => {
                connection = c;
              },
            });
          },
        });
      },
    }),
  );
  await backend.start();
  process.on('message', async (message: any) => {
    if (message?.seed === undefined) return;
    const started = performance.now();
    for (let from = message.from; from < message.seed; from += 1000) {
      const added = [];
      for (let i = from; i < Math.min(message.seed, from + 1000); i++) {
        added.push({ entity: benchDataset(i), locationKey: ORIGIN });
      }
      await connection.applyMutation({ type: 'delta', added, removed: [] });
    }
    process.send!({ seeded: message.seed, ms: performance.now() - started });
  });
  process.on('disconnect', () => {
    backend.stop().finally(() => process.exit(0));
  });
  process.send!({ ready: true });
}

if (process.argv[1] === import.meta.filename) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
