// The voice demo model's versions: pitch estimators fitted on the generated voice clips (see
// model-fits.ts for the other demo models and the shared helpers).

import type { FittedModel, FittedVersion } from './model-fits.ts';
import { best, rounded } from './model-fits.ts';
import { groupMean, multiclass, round } from './metrics.ts';

// ---------- voice-classifier: singer-voice-recordings ----------

export interface VoiceClip {
  clip: string;
  voiceType: string;
  samples: Float32Array;
  rate: number;
}

/** Pitch from the rate of upward zero crossings (harmonics push it up). */
export function zeroCrossingPitch(c: VoiceClip): number {
  let crossings = 0;
  for (let i = 1; i < c.samples.length; i++)
    if (c.samples[i - 1] < 0 && c.samples[i] >= 0) crossings++;
  return crossings / (c.samples.length / c.rate);
}

/** Pitch from the first autocorrelation peak within 90 % of the highest, between 60 and 1000 Hz. */
export function autocorrelationPitch(c: VoiceClip): number {
  const x = c.samples;
  const minLag = Math.floor(c.rate / 1000);
  const maxLag = Math.ceil(c.rate / 60);
  const r: number[] = [];
  for (let lag = minLag; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = 0; i + lag < x.length; i++) s += x[i] * x[i + lag];
    r.push(s / (x.length - lag));
  }
  const top = Math.max(...r);
  for (let i = 1; i < r.length - 1; i++) {
    if (r[i] >= 0.9 * top && r[i] >= r[i - 1] && r[i] >= r[i + 1])
      return c.rate / (i + minLag);
  }
  return c.rate / (r.indexOf(top) + minLag);
}

export function fitVoice(clips: VoiceClip[]): FittedModel {
  const evaluation = `leave-one-clip-out over the ${clips.length} clips: each clip classified by the other clips' centroids`;
  const measure = (pitch: (c: VoiceClip) => number) => {
    const logPitch = clips.map(c => Math.log2(pitch(c)));
    const predicted = clips.map((_, i) => {
      const others = clips
        .map((c, j) => ({ type: c.voiceType, x: logPitch[j] }))
        .filter((_, j) => j !== i);
      const centroids = groupMean(
        others,
        o => o.type,
        o => o.x,
      );
      let bestType = '';
      let bestDistance = Infinity;
      for (const [type, centre] of centroids) {
        const d = Math.abs(centre - logPitch[i]);
        if (d < bestDistance) {
          bestDistance = d;
          bestType = type;
        }
      }
      return bestType;
    });
    const centroids = groupMean(
      clips.map((c, i) => ({ type: c.voiceType, x: logPitch[i] })),
      o => o.type,
      o => o.x,
    );
    return {
      metrics: rounded(
        multiclass(
          predicted,
          clips.map(c => c.voiceType),
        ),
      ),
      centroidsHz: Object.fromEntries(
        [...centroids].map(([k, v]) => [k, round(2 ** v, 1)]),
      ),
    };
  };
  const zcr = measure(zeroCrossingPitch);
  const acf = measure(autocorrelationPitch);
  const versions: FittedVersion[] = [
    {
      key: 'demo-v1',
      method: 'nearest centroid on the log pitch from the zero-crossing rate',
      evaluation,
      metrics: zcr.metrics,
      parameters: { method: 'zero-crossing-pitch-nearest-centroid' },
      model: { centroidsHz: zcr.centroidsHz },
    },
    {
      key: 'demo-v2',
      method: 'nearest centroid on the log pitch from the autocorrelation peak',
      evaluation,
      metrics: acf.metrics,
      parameters: {
        method: 'autocorrelation-pitch-nearest-centroid',
        minHz: 60,
        maxHz: 1000,
      },
      model: { centroidsHz: acf.centroidsHz },
    },
  ];
  return { versions, production: best(versions, 'accuracy', true) };
}
