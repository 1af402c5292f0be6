import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessorResult,
  LocationSpec,
} from '@backstage/plugin-catalog-node';
import {
  DatasetEntityV1alpha1,
  ModelEntityV1alpha1,
} from '@kaml-d/plugin-kaml-d-common';
import { ConfigReader } from '@backstage/config';
import {
  originLocationRef,
  readDatasetBindingPolicy,
} from '@kaml-d/plugin-kaml-d-node';
import { KamlDEntitiesProcessor } from './KamlDEntitiesProcessor';

const location: LocationSpec = { type: 'file', target: 'catalog/models.yaml' };
/** The datasets below come from a catalog file the admin trusts to bind storage. */
const SEED = originLocationRef('file', 'catalog/all.yaml');
const bindingPolicy = readDatasetBindingPolicy(
  new ConfigReader({
    kamlD: {
      bindings: {
        trustedOrigins: [{ type: 'file', target: 'catalog/all.yaml' }],
      },
    },
  }),
  {},
);

const dataset: DatasetEntityV1alpha1 = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: {
    name: 'traffic-counts',
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-location': SEED,
      'backstage.io/managed-by-origin-location': SEED,
    },
  },
  spec: {
    owner: 'data-engineering',
    lifecycle: 'production',
    system: 'smart-city',
    format: 'parquet',
    location: 's3://kaml-datasets/traffic-counts/',
  },
};

const model: ModelEntityV1alpha1 = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Model',
  metadata: { name: 'traffic-forecaster', namespace: 'ml' },
  spec: {
    owner: 'user:default/alice',
    lifecycle: 'production',
    system: 'system:default/smart-city',
    framework: 'tensorflow',
    task: 'forecasting',
    trainedOn: ['dataset:default/traffic-counts', 'weather-observations'],
    serving: {
      servedBy: [
        'traffic-forecaster-service',
        'api:default/traffic-forecaster-api',
      ],
      runtime: 'tensorflow-serving',
    },
  },
};

async function relationsOf(entity: Entity): Promise<string[]> {
  const processor = new KamlDEntitiesProcessor({ bindingPolicy });
  const emitted: CatalogProcessorResult[] = [];
  const result = await processor.postProcessEntity(entity, location, r =>
    emitted.push(r),
  );
  expect(result).toBe(entity);
  return emitted.map(r => {
    if (r.type !== 'relation') {
      throw new Error(`unexpected ${r.type} result`);
    }
    const { source, type, target } = r.relation;
    return `${source.kind}:${source.namespace}/${source.name} ${type} ${target.kind}:${target.namespace}/${target.name}`;
  });
}

describe('KamlDEntitiesProcessor', () => {
  const processor = new KamlDEntitiesProcessor();

  describe('validateEntityKind', () => {
    it('accepts valid Datasets and Models', async () => {
      await expect(processor.validateEntityKind(dataset)).resolves.toBe(true);
      await expect(processor.validateEntityKind(model)).resolves.toBe(true);
    });

    it('leaves other kinds to other processors', async () => {
      const component: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
        spec: { type: 'service', owner: 'a', lifecycle: 'production' },
      };
      await expect(processor.validateEntityKind(component)).resolves.toBe(
        false,
      );
      await expect(
        processor.validateEntityKind({
          ...dataset,
          apiVersion: 'kaml-d.io/v2',
        }),
      ).resolves.toBe(false);
    });

    it.each([
      [
        'a Dataset without location',
        { ...dataset, spec: { ...dataset.spec, location: undefined } },
        /Invalid Dataset "traffic-counts": .*location/,
      ],
      [
        'a Dataset with an unknown format',
        { ...dataset, spec: { ...dataset.spec, format: 'xlsx' } },
        /Invalid Dataset "traffic-counts": \/spec\/format/,
      ],
      [
        'a Model without framework',
        { ...model, spec: { ...model.spec, framework: undefined } },
        /Invalid Model "traffic-forecaster": .*framework/,
      ],
      [
        'a Model whose trainedOn is a string',
        { ...model, spec: { ...model.spec, trainedOn: 'traffic-counts' } },
        /Invalid Model "traffic-forecaster": \/spec\/trainedOn/,
      ],
    ])(
      'rejects %s with an InputError naming the field',
      async (_n, entity, message) => {
        const check = processor.validateEntityKind(
          JSON.parse(JSON.stringify(entity)),
        );
        await expect(check).rejects.toThrow(message);
        await expect(check).rejects.toMatchObject({ name: 'InputError' });
      },
    );
  });

  describe('postProcessEntity', () => {
    it('emits owner and system relations of a Dataset in both directions', async () => {
      await expect(relationsOf(dataset)).resolves.toEqual([
        'Dataset:default/traffic-counts ownedBy Group:default/data-engineering',
        'Group:default/data-engineering ownerOf Dataset:default/traffic-counts',
        'Dataset:default/traffic-counts partOf System:default/smart-city',
        'System:default/smart-city hasPart Dataset:default/traffic-counts',
      ]);
    });

    it('emits ownership, system, lineage and serving relations of a Model in both directions', async () => {
      await expect(relationsOf(model)).resolves.toEqual([
        'Model:ml/traffic-forecaster ownedBy User:default/alice',
        'User:default/alice ownerOf Model:ml/traffic-forecaster',
        'Model:ml/traffic-forecaster partOf System:default/smart-city',
        'System:default/smart-city hasPart Model:ml/traffic-forecaster',
        'Model:ml/traffic-forecaster trainedOn Dataset:default/traffic-counts',
        'Dataset:default/traffic-counts trainingDataOf Model:ml/traffic-forecaster',
        // a ref without namespace inherits the model's
        'Model:ml/traffic-forecaster trainedOn Dataset:ml/weather-observations',
        'Dataset:ml/weather-observations trainingDataOf Model:ml/traffic-forecaster',
        'Model:ml/traffic-forecaster servedBy Component:ml/traffic-forecaster-service',
        'Component:ml/traffic-forecaster-service serves Model:ml/traffic-forecaster',
        'Model:ml/traffic-forecaster servedBy API:default/traffic-forecaster-api',
        'API:default/traffic-forecaster-api serves Model:ml/traffic-forecaster',
      ]);
    });

    it('emits nothing for a model without system, lineage or serving beyond its owner', async () => {
      const bare: ModelEntityV1alpha1 = {
        ...model,
        spec: {
          owner: 'data-science',
          lifecycle: 'experimental',
          framework: 'sklearn',
          task: 'regression',
        },
      };
      await expect(relationsOf(bare)).resolves.toEqual([
        'Model:ml/traffic-forecaster ownedBy Group:ml/data-science',
        'Group:ml/data-science ownerOf Model:ml/traffic-forecaster',
      ]);
    });

    it('leaves other kinds alone', async () => {
      const system: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'System',
        metadata: { name: 'smart-city' },
        spec: { owner: 'data-science' },
      };
      await expect(relationsOf(system)).resolves.toEqual([]);
    });

    it.each([
      [
        'a trainedOn ref of the wrong kind',
        {
          ...model,
          spec: { ...model.spec, trainedOn: ['traffic-counts', 'component:x'] },
        },
        /spec\.trainedOn\[1\] of model:ml\/traffic-forecaster: "component:x" is a component, but it must be a Dataset/,
      ],
      [
        'a servedBy ref of the wrong kind',
        {
          ...model,
          spec: { ...model.spec, serving: { servedBy: ['group:sre'] } },
        },
        /spec\.serving\.servedBy\[0\] .* must be a Component or API/,
      ],
      [
        'an owner that is a System',
        { ...model, spec: { ...model.spec, owner: 'system:smart-city' } },
        /spec\.owner .* must be a Group or User/,
      ],
      [
        'a malformed ref',
        { ...dataset, spec: { ...dataset.spec, system: 'system:' } },
        /spec\.system of dataset:default\/traffic-counts: "system:" is not an entity reference/,
      ],
    ])(
      'rejects %s with an InputError naming the field',
      async (_n, entity, message) => {
        await expect(relationsOf(entity)).rejects.toThrow(message);
      },
    );
  });
});
