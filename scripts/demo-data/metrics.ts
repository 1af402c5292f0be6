// Small, dependency-free evaluation helpers for the demo model versions (models.ts).

/** Rounds for a stable, readable seed file. */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Area under the ROC curve (Mann-Whitney U, ties counted half). */
export function auc(scores: number[], labels: boolean[]): number {
  const order = scores
    .map((s, i) => [s, i] as const)
    .sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(scores.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = rank;
    i = j + 1;
  }
  let positives = 0;
  let rankSum = 0;
  labels.forEach((label, i) => {
    if (label) {
      positives++;
      rankSum += ranks[i];
    }
  });
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (
    (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
  );
}

/** Precision, recall and F1 of `score >= threshold` as the positive prediction. */
export function classification(
  scores: number[],
  labels: boolean[],
  threshold: number,
) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    const predicted = s >= threshold;
    if (predicted && labels[i]) tp++;
    else if (predicted) fp++;
    else if (labels[i]) fn++;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 =
    precision + recall === 0
      ? 0
      : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** The threshold with the best F1 on the given (training) scores. */
export function bestThreshold(scores: number[], labels: boolean[]): number {
  const candidates = [...new Set(scores)].sort((a, b) => a - b);
  let best = candidates[0] ?? 0;
  let bestF1 = -1;
  for (const t of candidates) {
    const { f1 } = classification(scores, labels, t);
    if (f1 > bestF1) {
      bestF1 = f1;
      best = t;
    }
  }
  return best;
}

/** Mean absolute error, root mean squared error, weighted absolute percentage error, R². */
export function regression(predicted: number[], actual: number[]) {
  let abs = 0;
  let sq = 0;
  let total = 0;
  const mean = actual.reduce((a, b) => a + b, 0) / actual.length;
  let variance = 0;
  actual.forEach((y, i) => {
    const e = predicted[i] - y;
    abs += Math.abs(e);
    sq += e * e;
    total += Math.abs(y);
    variance += (y - mean) ** 2;
  });
  return {
    mae: abs / actual.length,
    rmse: Math.sqrt(sq / actual.length),
    wape: total === 0 ? 0 : abs / total,
    r2: variance === 0 ? 0 : 1 - sq / variance,
  };
}

/** Ordinary least squares: coefficients b with X·b ≈ y (normal equations, Gauss-Jordan). */
export function leastSquares(x: number[][], y: number[]): number[] {
  const p = x[0].length;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  x.forEach((row, n) => {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) a[i][j] += row[i] * row[j];
      a[i][p] += row[i] * y[n];
    }
  });
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++)
      if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const d = a[col][col];
    if (Math.abs(d) < 1e-12) continue;
    for (let j = col; j <= p; j++) a[col][j] /= d;
    for (let r = 0; r < p; r++) {
      if (r === col) continue;
      const f = a[r][col];
      for (let j = col; j <= p; j++) a[r][j] -= f * a[col][j];
    }
  }
  return a.map(row => row[p]);
}

/** Mean of the values grouped by key. */
export function groupMean<T>(
  items: T[],
  key: (t: T) => string,
  value: (t: T) => number,
): Map<string, number> {
  const sums = new Map<string, [number, number]>();
  for (const item of items) {
    const k = key(item);
    const [s, n] = sums.get(k) ?? [0, 0];
    sums.set(k, [s + value(item), n + 1]);
  }
  return new Map([...sums].map(([k, [s, n]]) => [k, s / n]));
}

/** Accuracy and macro-averaged F1 of predicted class labels. */
export function multiclass(predicted: string[], actual: string[]) {
  const classes = [...new Set(actual)];
  let correct = 0;
  predicted.forEach((p, i) => {
    if (p === actual[i]) correct++;
  });
  const f1s = classes.map(c => {
    const tp = predicted.filter((p, i) => p === c && actual[i] === c).length;
    const fp = predicted.filter((p, i) => p === c && actual[i] !== c).length;
    const fn = predicted.filter((p, i) => p !== c && actual[i] === c).length;
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return {
    accuracy: correct / actual.length,
    macro_f1: f1s.reduce((a, b) => a + b, 0) / classes.length,
  };
}
