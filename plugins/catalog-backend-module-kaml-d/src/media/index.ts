export {
  measureMedia,
  DEFAULT_MEDIA_HEAD_BYTES,
  DEFAULT_MEDIA_SAMPLE_FILES,
} from './measureMedia';
export type { MeasureMediaOptions } from './measureMedia';
