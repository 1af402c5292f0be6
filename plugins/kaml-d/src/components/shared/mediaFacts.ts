import { DatasetMediaFacts } from '@kaml-d/plugin-kaml-d-common';
import { formatCount } from './relations';

function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** `96×96 px`. */
export function formatDimensions(size: { width: number; height: number }) {
  return `${size.width}×${size.height} px`;
}

/** `8000` → `8 kHz`, `44100` → `44.1 kHz`, `500` → `500 Hz`. */
export function formatSampleRate(hz: number): string {
  return hz >= 1000 ? `${Number((hz / 1000).toFixed(3))} kHz` : `${hz} Hz`;
}

/** `1` → `mono`, `2` → `stereo`, `6` → `6 channels`. */
export function formatChannels(channels: number): string {
  if (channels === 1) return 'mono';
  if (channels === 2) return 'stereo';
  return `${channels} channels`;
}

/** `0.93` → `0.9 s`, `125` → `2:05 min`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  const s = String(whole % 60).padStart(2, '0');
  return `${Math.floor(whole / 60)}:${s} min`;
}

/** `0.9–1.2 s`, or one value when the shortest and longest agree. */
export function formatDurationRange(range: { min: number; max: number }) {
  const min = formatDuration(range.min);
  const max = formatDuration(range.max);
  if (min === max) return min;
  // one unit at the end when both ends share it: 0.9–1.2 s
  const unit = / (s|min)$/.exec(max)?.[0];
  return unit && min.endsWith(unit)
    ? `${min.slice(0, -unit.length)}–${max}`
    : `${min}–${max}`;
}

/** `36 PNG files`, `30 PNG and 6 JPG files`: the media files by extension. */
export function describeMediaFiles(facts: DatasetMediaFacts): string {
  const media = facts.extensions.filter(e => e.media);
  if (media.length === 0) return plural(facts.mediaFiles, 'media file');
  const parts = media.map(
    e => `${formatCount(e.count)} ${e.extension.toUpperCase()}`,
  );
  const listed =
    parts.length === 1
      ? parts[0]
      : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `${listed} ${facts.mediaFiles === 1 ? 'file' : 'files'}`;
}

/** `96×96 px`, or the most frequent size and how many others were seen. */
function describeDimensions(facts: DatasetMediaFacts): string | undefined {
  const [first, ...others] = facts.dimensions ?? [];
  if (!first) return undefined;
  return others.length === 0
    ? formatDimensions(first)
    : `mostly ${formatDimensions(first)} (${plural(
        others.length,
        'other size',
      )})`;
}

function describeSound(facts: DatasetMediaFacts): string[] {
  const rates = (facts.sampleRates ?? []).map(r => r.hz).sort((a, b) => a - b);
  const channels = (facts.channels ?? [])
    .map(c => c.channels)
    .sort((a, b) => a - b);
  const parts: string[] = [];
  if (rates.length === 1) parts.push(formatSampleRate(rates[0]));
  else if (rates.length > 1) {
    parts.push(
      `${formatSampleRate(rates[0])}–${formatSampleRate(
        rates[rates.length - 1],
      )}`,
    );
  }
  if (channels.length > 0) parts.push(channels.map(formatChannels).join('/'));
  const sound = parts.length ? [parts.join(' ')] : [];
  return facts.durationSeconds
    ? [...sound, formatDurationRange(facts.durationSeconds)]
    : sound;
}

/**
 * One line for a details card: `36 PNG files · 96×96 px`, `24 WAV files · 8 kHz mono · 0.9–1.2 s`.
 */
export function describeMedia(facts: DatasetMediaFacts): string {
  const measured =
    facts.format === 'images'
      ? [describeDimensions(facts)].filter((p): p is string => !!p)
      : describeSound(facts);
  return [describeMediaFiles(facts), ...measured].join(' · ');
}

/**
 * Where the dimensions or durations come from when not from every file: `Dimensions from a
 * sample of 16 of 36 files.`; undefined when every media file was read.
 */
export function describeSample(facts: DatasetMediaFacts): string | undefined {
  const { files, of, unreadable } = facts.sample;
  const what = facts.format === 'images' ? 'Dimensions' : 'Audio properties';
  const notes: string[] = [];
  if (files < of) {
    notes.push(
      `${what} from a sample of ${formatCount(files)} of ${plural(
        of,
        'file',
      )}.`,
    );
  }
  if (unreadable > 0) {
    notes.push(`${plural(unreadable, 'sampled file')} could not be read.`);
  }
  return notes.length ? notes.join(' ') : undefined;
}
