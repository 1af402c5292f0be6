import { imageSize } from 'image-size';
import { parseBuffer } from 'music-metadata';

/** Width and height an image header declares. */
export interface ImageHeader {
  width: number;
  height: number;
}

/** Duration, sample rate and channels an audio header declares. */
export interface AudioHeader {
  durationSeconds?: number;
  sampleRate?: number;
  channels?: number;
}

/**
 * Dimensions from the first bytes of an image (PNG, JPEG, GIF, WebP, BMP, TIFF…), or undefined
 * when they are not an image header or the dimensions lie past them.
 */
export function imageHeader(head: Uint8Array): ImageHeader | undefined {
  try {
    const { width, height } = imageSize(head);
    return width > 0 && height > 0 ? { width, height } : undefined;
  } catch {
    // not an image, or a format whose dimensions come later than the bytes read
    return undefined;
  }
}

const AUDIO_MIME_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  m4a: 'audio/mp4',
};

/**
 * Duration, sample rate and channels from the first bytes of an audio file of `size` bytes.
 * Containers that declare the length in their header (WAV, FLAC, MP3 with a Xing/VBRI frame or a
 * constant bit rate, MP4) give a duration; the others only rate and channels. Undefined when the
 * bytes are not an audio header music-metadata reads.
 */
export async function audioHeader(
  head: Uint8Array,
  size: number,
  extension: string,
): Promise<AudioHeader | undefined> {
  try {
    const { format } = await parseBuffer(
      head,
      { mimeType: AUDIO_MIME_TYPES[extension], size },
      { duration: false, skipCovers: true, skipPostHeaders: true },
    );
    const header: AudioHeader = {
      durationSeconds: positiveOrUndefined(format.duration),
      sampleRate: positiveOrUndefined(format.sampleRate),
      channels: positiveOrUndefined(format.numberOfChannels),
    };
    return Object.values(header).some(v => v !== undefined)
      ? header
      : undefined;
  } catch {
    // not audio music-metadata knows, or a header cut short before its format block
    return undefined;
  }
}

function positiveOrUndefined(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0
    ? value
    : undefined;
}
