// Deterministic demo data for KAML-D: `node scripts/demo-data/generate.ts <outDir>` (Node 22.18+).
//
// Writes <outDir>/<dataset-name>/... for every dataset in datasets.ts: CSV, Parquet (through
// DuckDB's COPY … (FORMAT parquet)), JSON lines, PNG images and WAV clips. The same input always
// gives the same bytes; files whose content is unchanged are not rewritten, so running it again
// is cheap and keeps modification times (and object ETags) stable.

import { mkdir, readFile, rename, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { DEMO_DATASETS } from './datasets.ts';
import { encodePng, encodeWav, fingerprint, voiceClip } from './media.ts';
import { csv, gauss, hex, pick, rng, round } from './random.ts';

export { encodePng, encodeWav } from './media.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

// ---------- writing ----------

let written = 0;
let unchanged = 0;

/** Writes a file only when its content differs (atomic rename). */
async function put(path: string, data: Buffer | string): Promise<void> {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (existsSync(path)) {
    const old = await readFile(path);
    if (old.equals(buf)) {
      unchanged++;
      return;
    }
  }
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, buf);
  await rename(tmp, path);
  written++;
}

// ---------- tabular datasets ----------

const FIRST = ['Ada', 'Ben', 'Chloe', 'Diego', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kofi', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Uma', 'Victor', 'Wen', 'Yara', 'Zoe'];
const LAST = ['Adams', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Ito', 'Jensen', 'Kowalski', 'Larsen', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Rossi', 'Silva', 'Tanaka', 'Weber'];
const MERCHANTS: [string, string][] = [
  ['Corner Grocery', 'grocery'], ['MetroRail', 'transport'], ['Bean & Leaf', 'restaurant'], ['Volt Electronics', 'electronics'],
  ['Skyline Air', 'travel'], ['PageTurn Books', 'books'], ['FitHub', 'sports'], ['QuickFuel', 'fuel'],
  ['StreamMax', 'subscription'], ['Luxe Jewels', 'jewelry'], ['CloudHost', 'online-services'], ['Pharma Plus', 'pharmacy'],
];
const COUNTRIES = ['DE', 'FR', 'NL', 'ES', 'IT', 'SE', 'PL', 'US', 'GB', 'JP'];

function financeTransactions(quarter: number): string {
  const r = rng(1000 + quarter);
  const start = Date.UTC(2024, (quarter - 1) * 3, 1);
  const rows: unknown[][] = [];
  const n = 2500;
  for (let i = 0; i < n; i++) {
    const first = pick(r, FIRST);
    const last = pick(r, LAST);
    const [merchant, category] = pick(r, MERCHANTS);
    const risky = category === 'jewelry' || category === 'electronics' || category === 'online-services';
    const fraud = r() < (risky ? 0.06 : 0.008);
    const base = { grocery: 40, transport: 6, restaurant: 25, electronics: 320, travel: 450, books: 22, sports: 60, fuel: 55, subscription: 12, jewelry: 900, 'online-services': 30, pharmacy: 18 }[category] ?? 50;
    const amount = round(base * Math.exp(gauss(r) * 0.5) * (fraud ? 2.5 : 1), 2);
    const ts = new Date(start + Math.floor(r() * 90 * DAY)).toISOString().replace('T', ' ').slice(0, 19);
    rows.push([
      `tx-${quarter}-${String(i).padStart(5, '0')}-${hex(r, 6)}`,
      ts,
      `${first} ${last}`,
      `${first}.${last}@example.com`.toLowerCase(),
      merchant,
      category,
      amount.toFixed(2),
      'EUR',
      fraud && r() < 0.6 ? pick(r, ['US', 'JP', 'GB']) : pick(r, COUNTRIES.slice(0, 7)),
      fraud ? 'true' : 'false',
    ]);
  }
  rows.sort((a, b) => String(a[1]).localeCompare(String(b[1])));
  return csv(['transaction_id', 'ts', 'card_holder', 'email', 'merchant', 'category', 'amount', 'currency', 'country', 'is_fraud'], rows);
}

function trafficCounts(): string {
  const r = rng(2000);
  const stations = [
    ['TS-001', 'A1', 'north'], ['TS-002', 'A1', 'south'], ['TS-003', 'Ring Road', 'clockwise'], ['TS-004', 'Ring Road', 'counter-clockwise'],
    ['TS-005', 'Harbour Street', 'east'], ['TS-006', 'Harbour Street', 'west'], ['TS-007', 'B12', 'north'], ['TS-008', 'B12', 'south'],
  ];
  const start = Date.UTC(2024, 2, 1);
  const rows: unknown[][] = [];
  for (const [id, road, dir] of stations) {
    const capacity = road.startsWith('A') ? 2400 : road === 'Ring Road' ? 1600 : 700;
    for (let h = 0; h < 28 * 24; h++) {
      const t = start + h * HOUR;
      const hourOfDay = h % 24;
      const weekday = new Date(t).getUTCDay();
      const weekend = weekday === 0 || weekday === 6;
      const peak = Math.exp(-((hourOfDay - 8) ** 2) / 4) + Math.exp(-((hourOfDay - 17) ** 2) / 5);
      const level = 0.08 + (weekend ? 0.5 : 1) * 0.85 * peak + 0.25 * Math.sin((Math.PI * hourOfDay) / 24);
      const vehicles = Math.max(0, Math.round(capacity * level * (1 + 0.1 * gauss(r))));
      const speedLimit = road.startsWith('A') ? 120 : road === 'Ring Road' ? 80 : 50;
      const congestion = Math.min(1, vehicles / capacity);
      rows.push([
        id, road, dir,
        new Date(t).toISOString().replace('T', ' ').slice(0, 19),
        vehicles,
        Math.round(vehicles * (0.08 + 0.04 * r())),
        round(speedLimit * (1 - 0.55 * congestion ** 2) + 3 * gauss(r), 1),
      ]);
    }
  }
  return csv(['station_id', 'road', 'direction', 'hour', 'vehicles', 'heavy_vehicles', 'avg_speed_kmh'], rows);
}

function agricultureYields(): string {
  const r = rng(3000);
  const regions = ['North Plains', 'River Valley', 'Highlands', 'Coastal Belt', 'Dry Steppe'];
  const crops: [string, number][] = [['wheat', 7.2], ['maize', 9.5], ['barley', 6.1], ['rapeseed', 3.4], ['potato', 42]];
  const rows: unknown[][] = [];
  let plot = 0;
  for (const region of regions) {
    const wet = { 'North Plains': 620, 'River Valley': 700, Highlands: 900, 'Coastal Belt': 780, 'Dry Steppe': 380 }[region] ?? 600;
    for (let p = 0; p < 60; p++) {
      plot++;
      const plotId = `P-${String(plot).padStart(4, '0')}`;
      const area = round(2 + r() * 40, 2);
      const soil = 0.8 + 0.4 * r();
      for (let year = 2016; year <= 2024; year++) {
        const [crop, potential] = crops[(p + year) % crops.length];
        const rain = Math.max(150, wet * (1 + 0.22 * gauss(r)));
        const temp = 9 + (region === 'Dry Steppe' ? 4 : region === 'Highlands' ? -2 : 0) + 1.2 * gauss(r) + 0.08 * (year - 2016);
        const fert = Math.max(0, 120 + 50 * gauss(r));
        const waterFactor = Math.min(1, rain / 650) * (rain > 1100 ? 0.85 : 1);
        const heatFactor = 1 - Math.max(0, temp - 12) * 0.04;
        const fertFactor = 0.6 + 0.4 * (1 - Math.exp(-fert / 90));
        const yieldTha = potential * soil * waterFactor * heatFactor * fertFactor * (1 + 0.06 * gauss(r));
        rows.push([plotId, region, crop, year, area, round(rain, 1), round(temp, 2), round(fert, 1), round(Math.max(0, yieldTha), 3)]);
      }
    }
  }
  return csv(['plot_id', 'region', 'crop', 'season_year', 'area_ha', 'rainfall_mm', 'avg_temp_c', 'fertilizer_kg_ha', 'yield_t_ha'], rows);
}

function clickstreamDay(day: number): string {
  const r = rng(4000 + day);
  const start = Date.UTC(2024, 5, 1 + day);
  const pages = ['/', '/search', '/product/ml-book', '/product/gpu-rental', '/product/notebook', '/cart', '/checkout', '/account', '/help'];
  const types = ['page_view', 'page_view', 'page_view', 'click', 'click', 'scroll', 'add_to_cart', 'purchase'];
  const devices = ['desktop', 'mobile', 'mobile', 'tablet'];
  const lines: string[] = [];
  for (let s = 0; s < 220; s++) {
    const session = `s-${day}-${hex(r, 8)}`;
    const user = `u-${String(Math.floor(r() * 900)).padStart(4, '0')}`;
    const device = pick(r, devices);
    const country = pick(r, COUNTRIES);
    let t = start + Math.floor(r() * DAY);
    const events = 2 + Math.floor(r() * 8);
    for (let e = 0; e < events; e++) {
      const duration = Math.round(800 + 20000 * r() ** 2);
      lines.push(
        JSON.stringify({
          event_id: `e-${hex(r, 12)}`,
          ts: new Date(t).toISOString(),
          session_id: session,
          user_id: user,
          event_type: pick(r, types),
          page: pick(r, pages),
          device,
          country,
          duration_ms: duration,
        }),
      );
      t += duration + Math.floor(r() * 5000);
    }
  }
  lines.sort((a, b) => (JSON.parse(a).ts as string).localeCompare(JSON.parse(b).ts as string));
  return lines.join('\n') + '\n';
}

function customerChurn(): string {
  const r = rng(5000);
  const rows: unknown[][] = [];
  for (let i = 0; i < 3000; i++) {
    const contract = pick(r, ['month-to-month', 'month-to-month', 'one-year', 'two-year']);
    const internet = pick(r, ['fiber', 'fiber', 'dsl', 'none']);
    const tenure = Math.max(1, Math.round(contract === 'two-year' ? 30 + 20 * r() : 1 + 50 * r() ** 1.5));
    const monthly = round((internet === 'fiber' ? 75 : internet === 'dsl' ? 50 : 22) + 20 * r(), 2);
    const calls = Math.floor(-Math.log(Math.max(r(), 1e-9)) * 1.2);
    const logit = -1.8 + (contract === 'month-to-month' ? 1.6 : 0) - 0.045 * tenure + 0.35 * calls + (internet === 'fiber' ? 0.4 : 0);
    const churned = r() < 1 / (1 + Math.exp(-logit));
    rows.push([`C${String(100000 + i)}`, tenure, contract, internet, monthly.toFixed(2), (monthly * tenure * (0.95 + 0.1 * r())).toFixed(2), calls, churned ? 'true' : 'false']);
  }
  return csv(['customer_id', 'tenure_months', 'contract', 'internet_service', 'monthly_charges', 'total_charges', 'support_calls', 'churned'], rows);
}

function weatherObservations(): string {
  const r = rng(6000);
  const stations: [string, number, number][] = [['Harbour', 11, 900], ['Airport', 10, 700], ['Hilltop', 6, 1100], ['Valley', 12, 650], ['Desert Edge', 18, 250], ['Lakeside', 9, 800]];
  const rows: unknown[][] = [];
  const start = Date.UTC(2024, 0, 1);
  for (const [station, meanTemp, annualRain] of stations) {
    for (let d = 0; d < 366; d++) {
      const season = -Math.cos((2 * Math.PI * (d - 15)) / 366);
      const mid = meanTemp + 9 * season + 2.5 * gauss(r);
      const spread = 4 + 3 * r();
      const rainy = r() < 0.32;
      rows.push([
        station,
        new Date(start + d * DAY).toISOString().slice(0, 10),
        round(mid - spread, 1),
        round(mid + spread, 1),
        rainy ? round((annualRain / 117) * -Math.log(Math.max(r(), 1e-9)), 1) : 0,
        round(Math.min(100, Math.max(15, 70 + (rainy ? 15 : -5) + 10 * gauss(r))), 1),
        round(Math.max(0, 14 + 7 * gauss(r)), 1),
      ]);
    }
  }
  return csv(['station', 'obs_date', 'temp_min_c', 'temp_max_c', 'precipitation_mm', 'humidity_pct', 'wind_kmh'], rows);
}

// ---------- Parquet through DuckDB ----------

async function toParquet(csvText: string, columns: { name: string; type: string }[], target: string): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const dir = await mkdtemp(join(tmpdir(), 'kaml-demo-'));
  try {
    const src = join(dir, 'in.csv');
    const out = join(dir, 'out.parquet');
    await writeFile(src, csvText);
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const conn = await instance.connect();
    const cols = columns.map(c => `'${c.name}': '${c.type.toUpperCase()}'`).join(', ');
    await conn.run(
      `COPY (SELECT * FROM read_csv('${src}', header = true, columns = {${cols}})) TO '${out}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)`,
    );
    conn.closeSync();
    instance.closeSync();
    await put(target, await readFile(out));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------- main ----------

async function generate(outDir: string): Promise<void> {
  const root = resolve(outDir);
  const cols = (name: string) => DEMO_DATASETS.find(d => d.name === name)?.columns ?? [];

  // finance-transactions (csv, pii columns)
  for (const q of [1, 2]) {
    await put(join(root, 'finance-transactions', `transactions-2024-q${q}.csv`), financeTransactions(q));
  }
  // traffic-counts (parquet)
  await toParquet(trafficCounts(), cols('traffic-counts'), join(root, 'traffic-counts', 'traffic-counts-2024-03.parquet'));
  // agriculture-yields (parquet)
  await toParquet(agricultureYields(), cols('agriculture-yields'), join(root, 'agriculture-yields', 'yields-2016-2024.parquet'));
  // clickstream-events (jsonl, one file per day)
  for (let d = 0; d < 3; d++) {
    await put(join(root, 'clickstream-events', `events-2024-06-${String(d + 1).padStart(2, '0')}.jsonl`), clickstreamDay(d));
  }
  // fingerprint-images (png + labels)
  const labels: unknown[][] = [];
  const fingers = ['right-thumb', 'right-index', 'left-thumb', 'left-index'];
  for (let subject = 1; subject <= 9; subject++) {
    for (let f = 0; f < fingers.length; f++) {
      const file = `subject-${String(subject).padStart(2, '0')}-${fingers[f]}.png`;
      await put(join(root, 'fingerprint-images', 'images', file), encodePng(96, 96, fingerprint(subject, f, 96)));
      labels.push([`images/${file}`, `subject-${String(subject).padStart(2, '0')}`, fingers[f], round(0.6 + 0.4 * rng(subject * 31 + f)(), 2)]);
    }
  }
  await put(join(root, 'fingerprint-images', 'labels.csv'), csv(['image', 'subject_id', 'finger', 'quality'], labels));
  // singer-voice-recordings (wav + metadata)
  const singers: [string, string, number][] = [
    ['amara', 'soprano', 523.25], ['bruno', 'tenor', 261.63], ['celia', 'mezzo-soprano', 440], ['dmitri', 'bass', 98],
    ['esme', 'alto', 349.23], ['felix', 'baritone', 146.83],
  ];
  const meta: unknown[][] = [];
  const rate = 8000;
  for (let s = 0; s < singers.length; s++) {
    const [name, voice, basePitch] = singers[s];
    for (let take = 1; take <= 4; take++) {
      const pitch = basePitch * 2 ** ((take - 1) * 2 / 12);
      const seconds = 0.8 + 0.1 * take;
      const file = `${name}-take-${take}.wav`;
      await put(join(root, 'singer-voice-recordings', 'clips', file), encodeWav(rate, voiceClip(pitch, 8000 + s * 10 + take, seconds, rate)));
      meta.push([`clips/${file}`, name, voice, round(pitch, 2), seconds.toFixed(1), rate]);
    }
  }
  await put(join(root, 'singer-voice-recordings', 'metadata.csv'), csv(['clip', 'singer', 'voice_type', 'pitch_hz', 'duration_s', 'sample_rate_hz'], meta));
  // customer-churn, weather-observations (csv)
  await put(join(root, 'customer-churn', 'customers.csv'), customerChurn());
  await put(join(root, 'weather-observations', 'observations-2024.csv'), weatherObservations());
}

const outDir = process.argv[2];
if (!outDir || outDir === '-h' || outDir === '--help') {
  console.error('usage: node scripts/demo-data/generate.ts <outDir>');
  console.error(`datasets: ${DEMO_DATASETS.map(d => `${d.name} (${d.format})`).join(', ')}`);
  process.exit(outDir ? 0 : 2);
}
const started = Date.now();
await generate(outDir);
console.log(`demo-data: ${DEMO_DATASETS.length} datasets in ${resolve(outDir)}: ${written} files written, ${unchanged} unchanged (${Date.now() - started} ms)`);
