import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_KAML_D_MEDIA_FACTS } from './annotations';
import { DatasetMediaFacts, parseMediaFacts } from './mediaFacts';

const facts: DatasetMediaFacts = {
  format: 'audio',
  mediaFiles: 24,
  mediaBytes: 403_264,
  smallestBytes: 14_444,
  largestBytes: 19_244,
  extensions: [
    { extension: 'wav', media: true, count: 24, bytes: 403_264 },
    { extension: 'csv', media: false, count: 1, bytes: 1_203 },
  ],
  sample: { files: 16, of: 24, unreadable: 0 },
  durationSeconds: { min: 0.9, max: 1.2, mean: 1.05 },
  sampleRates: [{ hz: 8000, count: 16 }],
  channels: [{ channels: 1, count: 16 }],
};

const dataset = (value?: string): Entity => ({
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: {
    name: 'singer-voice-recordings',
    annotations:
      value === undefined ? {} : { [ANNOTATION_KAML_D_MEDIA_FACTS]: value },
  },
});

describe('parseMediaFacts', () => {
  it('reads the facts the annotation holds', () => {
    expect(parseMediaFacts(dataset(JSON.stringify(facts)))).toEqual(facts);
    const images = {
      ...facts,
      format: 'images',
      durationSeconds: undefined,
      sampleRates: undefined,
      channels: undefined,
      dimensions: [{ width: 96, height: 96, count: 16 }],
    };
    expect(parseMediaFacts(dataset(JSON.stringify(images)))).toEqual(
      JSON.parse(JSON.stringify(images)),
    );
  });

  it('gives undefined without the annotation, for invalid JSON and for another shape', () => {
    expect(parseMediaFacts(dataset())).toBeUndefined();
    expect(parseMediaFacts(dataset('{"format":'))).toBeUndefined();
    expect(parseMediaFacts(dataset('[1,2]'))).toBeUndefined();
    expect(parseMediaFacts(dataset('null'))).toBeUndefined();
    const broken = [
      { ...facts, format: 'video' },
      { ...facts, mediaFiles: -1 },
      { ...facts, mediaBytes: '403264' },
      { ...facts, extensions: [{ extension: 'wav', count: 1, bytes: 2 }] },
      { ...facts, sample: { files: 1, of: 2 } },
      { ...facts, sampleRates: [{ hz: 0, count: 1 }] },
      { ...facts, durationSeconds: { min: 1, max: 2 } },
      { ...facts, dimensions: 'many' },
    ];
    for (const value of broken) {
      expect(parseMediaFacts(dataset(JSON.stringify(value)))).toBeUndefined();
    }
  });
});
