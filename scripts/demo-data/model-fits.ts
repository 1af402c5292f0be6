// The demo model versions: simple, honest baselines fitted on the generated datasets and measured
// on a held-out part of them. Each fit answers the versions of one model, oldest first, and which
// of them is promoted. Nothing here is a trained neural network: the methods are named as they are.

import {
  auc,
  bestThreshold,
  classification,
  groupMean,
  leastSquares,
  multiclass,
  regression,
  round,
} from './metrics.ts';

export interface FittedVersion {
  /** Folder of the artifact below the model's folder (`demo-v1`, …). */
  key: string;
  method: string;
  /** How it was fitted and measured, in one sentence. */
  evaluation: string;
  metrics: Record<string, number>;
  parameters: Record<string, unknown>;
  /** What the artifact file holds besides the parameters (tables, coefficients). */
  model: Record<string, unknown>;
}

export interface FittedModel {
  versions: FittedVersion[];
  /** Key of the version the `production` alias points at (the best on the held-out data). */
  production: string;
}

export function best(
  versions: FittedVersion[],
  metric: string,
  higherIsBetter: boolean,
): string {
  const sorted = [...versions].sort((a, b) =>
    higherIsBetter
      ? b.metrics[metric] - a.metrics[metric]
      : a.metrics[metric] - b.metrics[metric],
  );
  return sorted[0].key;
}

export const rounded = (m: Record<string, number>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v)]));

// ---------- fraud-detector: finance-transactions ----------

export interface Transaction {
  ts: string;
  category: string;
  country: string;
  amount: number;
  fraud: boolean;
}

export function fitFraud(rows: Transaction[]): FittedModel {
  const train = rows.filter(r => r.ts < '2024-04-01');
  const test = rows.filter(r => r.ts >= '2024-04-01');
  const evaluation = `fitted on Q1 2024 (${train.length} transactions), measured on Q2 2024 (${test.length})`;
  const medians = new Map<string, number>();
  for (const category of new Set(train.map(r => r.category))) {
    const amounts = train
      .filter(r => r.category === category)
      .map(r => r.amount)
      .sort((a, b) => a - b);
    medians.set(category, amounts[Math.floor(amounts.length / 2)]);
  }
  const ratio = (r: Transaction) => r.amount / (medians.get(r.category) ?? 1);
  const measure = (score: (r: Transaction) => number) => {
    const threshold = bestThreshold(
      train.map(score),
      train.map(r => r.fraud),
    );
    const scores = test.map(score);
    const labels = test.map(r => r.fraud);
    return {
      threshold,
      metrics: {
        auc: auc(scores, labels),
        ...classification(scores, labels, threshold),
      },
    };
  };

  const rule = measure(ratio);
  const v1: FittedVersion = {
    key: 'demo-v1',
    method:
      'amount rule: amount over the median amount of its merchant category',
    evaluation,
    metrics: rounded(rule.metrics),
    parameters: {
      method: 'amount-ratio-rule',
      threshold: round(rule.threshold, 3),
    },
    model: { categoryMedians: Object.fromEntries(medians) },
  };

  // naive Bayes over category, merchant country and the amount ratio's power-of-two bucket
  const bucket = (r: Transaction) =>
    String(Math.max(-3, Math.min(4, Math.floor(Math.log2(ratio(r))))));
  const features: Record<string, (r: Transaction) => string> = {
    category: r => r.category,
    country: r => r.country,
    amount_ratio_bucket: bucket,
  };
  const alpha = 1;
  const frauds = train.filter(r => r.fraud).length;
  const prior = Math.log(frauds / (train.length - frauds));
  const tables: Record<string, Record<string, number>> = {};
  for (const [name, f] of Object.entries(features)) {
    const values = [...new Set(train.map(f))];
    tables[name] = {};
    for (const value of values) {
      const inFraud = train.filter(r => r.fraud && f(r) === value).length;
      const inLegit = train.filter(r => !r.fraud && f(r) === value).length;
      tables[name][value] =
        Math.log((inFraud + alpha) / (frauds + alpha * values.length)) -
        Math.log(
          (inLegit + alpha) / (train.length - frauds + alpha * values.length),
        );
    }
  }
  const logOdds = (r: Transaction) =>
    prior +
    Object.entries(features).reduce(
      (sum, [name, f]) => sum + (tables[name][f(r)] ?? 0),
      0,
    );
  const bayes = measure(logOdds);
  const v2: FittedVersion = {
    key: 'demo-v2',
    method:
      'naive Bayes over merchant category, merchant country and the amount-ratio bucket',
    evaluation,
    metrics: rounded(bayes.metrics),
    parameters: {
      method: 'naive-bayes',
      features: Object.keys(features),
      smoothing: alpha,
      threshold: round(bayes.threshold, 3),
    },
    model: {
      prior,
      logLikelihoodRatios: tables,
      categoryMedians: Object.fromEntries(medians),
    },
  };
  const versions = [v1, v2];
  return { versions, production: best(versions, 'f1', true) };
}

// ---------- traffic-forecaster: traffic-counts ----------

export interface TrafficCount {
  station: string;
  /** `YYYY-MM-DD HH:MM:SS` (UTC). */
  hour: string;
  vehicles: number;
}

export function fitTraffic(rows: TrafficCount[]): FittedModel {
  const time = (r: TrafficCount) => Date.parse(`${r.hour.replace(' ', 'T')}Z`);
  const start = Math.min(...rows.map(time));
  const HOUR = 3600_000;
  const index = new Map(
    rows.map(r => [`${r.station}@${(time(r) - start) / HOUR}`, r.vehicles]),
  );
  const cut = 21 * 24; // three weeks to fit, the fourth week to measure
  const offset = (r: TrafficCount) => (time(r) - start) / HOUR;
  const train = rows.filter(r => offset(r) < cut);
  const test = rows.filter(r => offset(r) >= cut);
  const evaluation = `24 hours ahead for 8 stations; fitted on 1–21 March 2024, measured on 22–28 March (${test.length} station-hours)`;
  const weekday = (r: TrafficCount) => new Date(time(r)).getUTCDay();
  const hourOfDay = (r: TrafficCount) => new Date(time(r)).getUTCHours();
  const dayType = (r: TrafficCount) =>
    weekday(r) === 0 || weekday(r) === 6 ? 'weekend' : 'weekday';
  const actual = test.map(r => r.vehicles);
  const measure = (predict: (r: TrafficCount) => number) =>
    rounded(regression(test.map(predict), actual));

  const yesterday = (r: TrafficCount) =>
    index.get(`${r.station}@${offset(r) - 24}`) ?? 0;
  const weekKey = (r: TrafficCount) =>
    `${r.station}|${weekday(r)}|${hourOfDay(r)}`;
  const weekly = groupMean(train, weekKey, r => r.vehicles);
  const typeKey = (r: TrafficCount) =>
    `${r.station}|${dayType(r)}|${hourOfDay(r)}`;
  const profile = groupMean(train, typeKey, r => r.vehicles);
  const round1 = (m: Map<string, number>) =>
    Object.fromEntries([...m].map(([k, v]) => [k, round(v, 1)]));

  const versions: FittedVersion[] = [
    {
      key: 'demo-v1',
      method: 'seasonal naive: the count of the same hour one day earlier',
      evaluation,
      metrics: measure(yesterday),
      parameters: { method: 'seasonal-naive', lagHours: 24 },
      model: {},
    },
    {
      key: 'demo-v2',
      method:
        'hour-of-week profile: mean count per station, weekday and hour over the fitting weeks',
      evaluation,
      metrics: measure(r => weekly.get(weekKey(r)) ?? 0),
      parameters: { method: 'hour-of-week-mean', groups: weekly.size },
      model: { means: round1(weekly) },
    },
    {
      key: 'demo-v3',
      method:
        'day-type profile: mean count per station, weekday/weekend and hour over the fitting weeks',
      evaluation,
      metrics: measure(r => profile.get(typeKey(r)) ?? 0),
      parameters: { method: 'day-type-hour-mean', groups: profile.size },
      model: { means: round1(profile) },
    },
  ];
  return { versions, production: best(versions, 'mae', false) };
}

// ---------- yield-predictor: agriculture-yields ----------

export interface Yield {
  crop: string;
  year: number;
  rainfall: number;
  temperature: number;
  fertilizer: number;
  yield: number;
}

export function fitYield(rows: Yield[]): FittedModel {
  const train = rows.filter(r => r.year <= 2022);
  const test = rows.filter(r => r.year > 2022);
  const evaluation = `fitted on seasons 2016–2022 (${train.length} plot-seasons), measured on 2023–2024 (${test.length})`;
  const actual = test.map(r => r.yield);
  const cropMean = groupMean(
    train,
    r => r.crop,
    r => r.yield,
  );

  const names = ['rainfall', 'temperature', 'fertilizer'] as const;
  const stats = names.map(n => {
    const values = train.map(r => r[n]);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(
      values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length,
    );
    return { mean, sd };
  });
  const features = (r: Yield) => [
    1,
    ...names.map((n, i) => (r[n] - stats[i].mean) / stats[i].sd),
  ];
  const coefficients = new Map<string, number[]>();
  for (const crop of cropMean.keys()) {
    const rowsOfCrop = train.filter(r => r.crop === crop);
    coefficients.set(
      crop,
      leastSquares(
        rowsOfCrop.map(features),
        rowsOfCrop.map(r => r.yield),
      ),
    );
  }
  const linear = (r: Yield) => {
    const b = coefficients.get(r.crop) ?? [cropMean.get(r.crop) ?? 0];
    return features(r).reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
  };
  const pick = (m: { mae: number; rmse: number; r2: number }) =>
    rounded({ mae: m.mae, rmse: m.rmse, r2: m.r2 });

  const versions: FittedVersion[] = [
    {
      key: 'demo-v1',
      method: 'crop mean: the mean yield of the crop over the fitting seasons',
      evaluation,
      metrics: pick(
        regression(
          test.map(r => cropMean.get(r.crop) ?? 0),
          actual,
        ),
      ),
      parameters: { method: 'crop-mean' },
      model: {
        means: Object.fromEntries(
          [...cropMean].map(([k, v]) => [k, round(v, 3)]),
        ),
      },
    },
    {
      key: 'demo-v2',
      method:
        'linear regression per crop on rainfall, mean temperature and fertiliser (standardised)',
      evaluation,
      metrics: pick(regression(test.map(linear), actual)),
      parameters: { method: 'ols-per-crop', features: [...names] },
      model: {
        standardisation: Object.fromEntries(names.map((n, i) => [n, stats[i]])),
        coefficients: Object.fromEntries(
          [...coefficients].map(([k, b]) => [k, b.map(v => round(v, 5))]),
        ),
      },
    },
  ];
  return { versions, production: best(versions, 'rmse', false) };
}
