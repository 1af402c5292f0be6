// PNG and WAV encoders and the synthetic fingerprints and voice clips of the demo data.

import { deflateSync, crc32 } from 'node:zlib';
import { rng } from './random.ts';

// ---------- PNG (grayscale, 8 bit) ----------

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** Encodes width×height 8-bit grayscale pixels (row-major) as a PNG. */
export function encodePng(width: number, height: number, pixels: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: grayscale
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A fingerprint-like ridge pattern: distorted concentric/loop ridges around a core. */
export function fingerprint(subject: number, finger: number, size: number): Uint8Array {
  const r = rng(7000 + subject * 10 + finger);
  const px = new Uint8Array(size * size);
  const cx = size * (0.45 + 0.1 * r());
  const cy = size * (0.45 + 0.1 * r());
  const freq = 0.55 + 0.15 * r();
  const whorl = r() < 0.4;
  const warp = [r() * 6, r() * 6, r() * 6, r() * 6];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x - cx;
      const dy = y - cy;
      const ex = (dx / (size * 0.42)) ** 2 + (dy / (size * 0.5)) ** 2;
      if (ex > 1) {
        px[y * size + x] = 255;
        continue;
      }
      const angle = Math.atan2(dy, dx);
      const radius = Math.sqrt(dx * dx + dy * dy * (whorl ? 1 : 1.6));
      const loop = whorl ? 0 : 6 * Math.sin(angle * 2 + warp[0]);
      const d = radius + loop + 1.8 * Math.sin(x / 9 + warp[1]) + 1.5 * Math.cos(y / 11 + warp[2]) + 0.5 * Math.sin((x + y) / 5 + warp[3]);
      const ridge = 0.5 + 0.5 * Math.sin(d * freq);
      const noise = 0.12 * (r() - 0.5);
      const edge = Math.min(1, (1 - ex) * 6);
      const v = 255 - Math.round(255 * Math.min(1, Math.max(0, ridge + noise)) * edge * 0.9);
      px[y * size + x] = v;
    }
  }
  return px;
}

// ---------- WAV (16-bit PCM mono) ----------

/** Encodes mono float samples in [-1, 1] as a 16-bit PCM WAV file. */
export function encodeWav(sampleRate: number, samples: Float32Array): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767), i * 2);
  }
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16); // fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28); // byte rate
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

export function voiceClip(pitchHz: number, seed: number, seconds: number, rate: number): Float32Array {
  const r = rng(seed);
  const n = Math.round(seconds * rate);
  const out = new Float32Array(n);
  const vibratoHz = 5 + r();
  const vibratoDepth = 0.012 + 0.01 * r();
  const harmonics = [1, 0.5 + 0.2 * r(), 0.3 * r(), 0.15 * r(), 0.08];
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const f = pitchHz * (1 + vibratoDepth * Math.sin(2 * Math.PI * vibratoHz * t));
    phase += (2 * Math.PI * f) / rate;
    let s = 0;
    for (let k = 0; k < harmonics.length; k++) s += harmonics[k] * Math.sin((k + 1) * phase);
    const envelope = Math.min(1, t / 0.05) * Math.min(1, (seconds - t) / 0.08);
    out[i] = 0.35 * envelope * s + 0.01 * (r() - 0.5);
  }
  return out;
}
