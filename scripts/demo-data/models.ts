// Demo model versions for KAML-D: `node scripts/demo-data/models.ts <datasetsDir> <modelsDir> <seedFile>`.
//
// Reads the datasets generate.ts wrote to <datasetsDir>, fits simple baselines for the demo models
// of catalog/models.yaml (model-fits.ts, voice-fit.ts), writes each fitted version as a JSON artifact to
// <modelsDir>/<model>/demo-vN/model.json and describes them all in <seedFile>. The backend loads
// that file when `kamlD.demo.seed.enabled` is set (the embedded portal): it takes a snapshot of
// each training dataset and registers the versions on it. Deterministic and idempotent: the
// same data gives the same bytes, and unchanged files are not rewritten.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type {
  FittedModel,
  Transaction,
  TrafficCount,
  Yield,
} from './model-fits.ts';
import { fitFraud, fitTraffic, fitYield } from './model-fits.ts';
import type { VoiceClip } from './voice-fit.ts';
import { fitVoice } from './voice-fit.ts';

/** Message of the snapshot the backend takes of each training dataset (also its idempotency key). */
export const DEMO_SNAPSHOT_MESSAGE =
  'Demo: the data the seeded demo model versions were fitted on (kamlD.demo.seed)';

let written = 0;

async function put(path: string, text: string): Promise<void> {
  const buf = Buffer.from(text, 'utf8');
  if (existsSync(path) && (await readFile(path)).equals(buf)) return;
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, buf);
  await rename(tmp, path);
  written++;
}

type Row = Record<string, string | number | boolean | null>;

async function query(sql: string): Promise<Row[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Row[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

const quote = (path: string) => `'${path.replace(/'/g, "''")}'`;

/** 16-bit PCM mono WAV (as generate.ts writes it) to floats in [-1, 1]. */
function readWav(buf: Buffer): { rate: number; samples: Float32Array } {
  const rate = buf.readUInt32LE(24);
  const dataAt = buf.indexOf('data', 12, 'latin1');
  const length = buf.readUInt32LE(dataAt + 4);
  const samples = new Float32Array(length / 2);
  for (let i = 0; i < samples.length; i++)
    samples[i] = buf.readInt16LE(dataAt + 8 + i * 2) / 32767;
  return { rate, samples };
}

interface DemoModel {
  name: string;
  /** Datasets each version is fitted on (names in catalog/datasets.yaml, namespace default). */
  trainedOn: string[];
  fit: (datasets: string) => Promise<FittedModel>;
}

const MODELS: DemoModel[] = [
  {
    name: 'fraud-detector',
    trainedOn: ['finance-transactions'],
    fit: async dir => {
      const rows = await query(
        `SELECT CAST(ts AS VARCHAR) AS ts, category, country, CAST(amount AS DOUBLE) AS amount, CAST(is_fraud AS BOOLEAN) AS fraud
         FROM read_csv(${quote(
           join(dir, 'finance-transactions', '*.csv'),
         )}, header = true) ORDER BY transaction_id`,
      );
      return fitFraud(rows as unknown as Transaction[]);
    },
  },
  {
    name: 'traffic-forecaster',
    trainedOn: ['traffic-counts'],
    fit: async dir => {
      const rows = await query(
        `SELECT station_id AS station, strftime(hour, '%Y-%m-%d %H:%M:%S') AS hour, CAST(vehicles AS DOUBLE) AS vehicles
         FROM read_parquet(${quote(
           join(dir, 'traffic-counts', '*.parquet'),
         )}) ORDER BY station_id, hour`,
      );
      return fitTraffic(rows as unknown as TrafficCount[]);
    },
  },
  {
    name: 'yield-predictor',
    trainedOn: ['agriculture-yields'],
    fit: async dir => {
      const rows = await query(
        `SELECT crop, CAST(season_year AS INTEGER) AS year, CAST(rainfall_mm AS DOUBLE) AS rainfall,
                CAST(avg_temp_c AS DOUBLE) AS temperature, CAST(fertilizer_kg_ha AS DOUBLE) AS fertilizer,
                CAST(yield_t_ha AS DOUBLE) AS yield
         FROM read_parquet(${quote(
           join(dir, 'agriculture-yields', '*.parquet'),
         )}) ORDER BY plot_id, season_year`,
      );
      return fitYield(rows as unknown as Yield[]);
    },
  },
  {
    name: 'voice-classifier',
    trainedOn: ['singer-voice-recordings'],
    fit: async dir => {
      const folder = join(dir, 'singer-voice-recordings');
      const meta = await query(
        `SELECT clip, voice_type FROM read_csv(${quote(
          join(folder, 'metadata.csv'),
        )}, header = true) ORDER BY clip`,
      );
      const clips: VoiceClip[] = [];
      for (const row of meta) {
        const wav = readWav(await readFile(join(folder, String(row.clip))));
        clips.push({
          clip: String(row.clip),
          voiceType: String(row.voice_type),
          ...wav,
        });
      }
      return fitVoice(clips);
    },
  },
];

async function main(
  datasetsDir: string,
  modelsDir: string,
  seedFile: string,
): Promise<void> {
  const seedModels = [];
  for (const model of MODELS) {
    const fitted = await model.fit(datasetsDir);
    const trainedOn = model.trainedOn.map(d => `dataset:default/${d}`);
    const versions = [];
    const uriOf = new Map<string, string>();
    for (const v of fitted.versions) {
      const artifact = `${JSON.stringify(
        {
          model: `model:default/${model.name}`,
          method: v.method,
          parameters: v.parameters,
          ...v.model,
        },
        null,
        1,
      )}\n`;
      await put(join(modelsDir, model.name, v.key, 'model.json'), artifact);
      const artifactUri = `s3://kaml-models/${model.name}/${v.key}/model.json`;
      uriOf.set(v.key, artifactUri);
      versions.push({
        description: `Demo version, fitted by scripts/demo-data/models.ts (not trained by the portal). Method: ${v.method}. Evaluation: ${v.evaluation}.`,
        artifactUri,
        artifactDigest: `sha256:${createHash('sha256')
          .update(artifact)
          .digest('hex')}`,
        metrics: v.metrics,
        parameters: v.parameters,
        trainedOn,
      });
    }
    seedModels.push({
      model: `model:default/${model.name}`,
      versions,
      aliases: { production: uriOf.get(fitted.production)! },
    });
  }
  const seed = { snapshotMessage: DEMO_SNAPSHOT_MESSAGE, models: seedModels };
  await put(seedFile, `${JSON.stringify(seed, null, 2)}\n`);
}

const [datasetsDir, modelsDir, seedFile] = process.argv.slice(2);
if (!datasetsDir || !modelsDir || !seedFile) {
  console.error(
    'usage: node scripts/demo-data/models.ts <datasetsDir> <modelsDir> <seedFile>',
  );
  process.exit(2);
}
const started = Date.now();
await main(resolve(datasetsDir), resolve(modelsDir), resolve(seedFile));
console.log(
  `demo-models: ${MODELS.length} models described in ${resolve(
    seedFile,
  )}: ${written} files written (${Date.now() - started} ms)`,
);
