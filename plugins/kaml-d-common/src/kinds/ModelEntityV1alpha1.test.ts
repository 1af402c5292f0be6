import {
  ModelEntityV1alpha1,
  modelEntityV1alpha1Schema,
  modelEntityV1alpha1Validator as validator,
  isModelEntity,
} from './ModelEntityV1alpha1';
import { withField } from './mutate.testHelper';

describe('modelEntityV1alpha1Validator', () => {
  const entity: ModelEntityV1alpha1 = {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Model',
    metadata: {
      name: 'traffic-forecaster',
      links: [
        {
          url: 'https://jupyter.kaml-d.example/lab/tree/eda.ipynb',
          title: 'EDA',
        },
      ],
    },
    spec: {
      owner: 'data-science',
      lifecycle: 'production',
      system: 'smart-city',
      framework: 'tensorflow',
      task: 'forecasting',
      trainedOn: ['traffic-counts', 'dataset:default/weather-observations'],
      artifact: {
        location: 's3://kaml-models/traffic-forecaster/',
        format: 'savedmodel',
      },
      serving: {
        servedBy: [
          'component:traffic-forecaster-service',
          'api:traffic-forecaster-api',
        ],
        endpoint:
          'http://traffic-forecaster.kaml-d-models.svc:8501/v1/models/traffic-forecaster',
        runtime: 'tensorflow-serving',
      },
      notebooks: [
        {
          url: 'https://jupyter.kaml-d.example/lab/tree/train.ipynb',
          title: 'Train',
        },
      ],
    },
  };

  it('accepts a valid model', async () => {
    await expect(validator.check(entity)).resolves.toBe(true);
    expect(isModelEntity(entity)).toBe(true);
  });

  it.each([
    ['no trainedOn', 'spec.trainedOn', undefined],
    ['an empty trainedOn', 'spec.trainedOn', []],
    ['no artifact', 'spec.artifact', undefined],
    ['no serving (not deployed)', 'spec.serving', undefined],
    ['serving without endpoint', 'spec.serving.endpoint', undefined],
    ['no notebooks', 'spec.notebooks', undefined],
    ['a notebook without title', 'spec.notebooks.0.title', undefined],
  ])('accepts %s', async (_name, path, value) => {
    await expect(validator.check(withField(entity, path, value))).resolves.toBe(
      true,
    );
  });

  it.each([
    ['a foreign apiVersion', 'apiVersion', 'kaml-d.io/v1'],
    ['a foreign kind', 'kind', 'API'],
    ['the Dataset kind', 'kind', 'Dataset'],
  ])('says "not mine" (false) for %s', async (_name, path, value) => {
    const foreign = withField(entity, path, value);
    await expect(validator.check(foreign)).resolves.toBe(false);
    expect(isModelEntity(foreign)).toBe(false);
  });

  it.each([
    ['missing spec', 'spec', undefined, /spec/],
    ['missing owner', 'spec.owner', undefined, /owner/],
    ['empty owner', 'spec.owner', '', /\/spec\/owner/],
    ['missing lifecycle', 'spec.lifecycle', undefined, /lifecycle/],
    ['wrong system', 'spec.system', 3, /\/spec\/system/],
    ['missing framework', 'spec.framework', undefined, /framework/],
    ['unknown framework', 'spec.framework', 'caffe-9000', /\/spec\/framework/],
    ['missing task', 'spec.task', undefined, /task/],
    ['empty task', 'spec.task', '', /\/spec\/task/],
    [
      'trainedOn not a list',
      'spec.trainedOn',
      'traffic-counts',
      /\/spec\/trainedOn/,
    ],
    ['an empty trainedOn ref', 'spec.trainedOn.1', '', /\/spec\/trainedOn\/1/],
    [
      'artifact without location',
      'spec.artifact.location',
      undefined,
      /location/,
    ],
    [
      'artifact location not a URL',
      'spec.artifact.location',
      'model.bin',
      /\/spec\/artifact\/location/,
    ],
    [
      'servedBy not a list',
      'spec.serving.servedBy',
      'component:x',
      /\/spec\/serving\/servedBy/,
    ],
    [
      'endpoint not a URL',
      'spec.serving.endpoint',
      'localhost:8501',
      /\/spec\/serving\/endpoint/,
    ],
    ['notebook without url', 'spec.notebooks.0.url', undefined, /url/],
    [
      'notebook url not http',
      'spec.notebooks.0.url',
      'train.ipynb',
      /\/spec\/notebooks\/0\/url/,
    ],
  ])(
    'rejects %s with an error naming the field',
    async (_name, path, value, message) => {
      await expect(
        validator.check(withField(entity, path, value)),
      ).rejects.toThrow(message);
    },
  );

  it('has examples that pass its own validator', async () => {
    for (const example of modelEntityV1alpha1Schema.examples) {
      await expect(validator.check(example)).resolves.toBe(true);
    }
  });
});
