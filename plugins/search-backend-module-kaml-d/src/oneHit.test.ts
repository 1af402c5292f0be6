import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import searchPlugin from '@backstage/plugin-search-backend';
import searchModuleCatalog from '@backstage/plugin-search-backend-module-catalog';
import request from 'supertest';
import searchModuleKamlD from '.';

/*
 * The search backend as the portal runs it (search plugin with its default Lunr engine, the
 * catalog's collator and KAML-D's module) over one catalog: each Dataset and Model is one hit.
 */

const ENTITIES: Entity[] = [
  {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name: 'weather-hourly',
      description: 'Hourly weather per station',
      tags: ['iot'],
    },
    spec: {
      owner: 'group:default/data-engineering',
      lifecycle: 'production',
      format: 'csv',
      location: 's3://kaml-datasets/weather-hourly/',
      schema: {
        columns: [
          { name: 'station_id', type: 'varchar' },
          { name: 'temperature_c', type: 'double' },
        ],
      },
    },
  },
  {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Model',
    metadata: { name: 'weather-forecaster', description: 'Hourly weather' },
    spec: {
      owner: 'group:default/data-science',
      lifecycle: 'experimental',
      framework: 'pytorch',
      task: 'forecasting',
      trainedOn: ['dataset:default/weather-hourly'],
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'weather-api', description: 'Serves hourly weather' },
    spec: { type: 'service', owner: 'group:default/web', lifecycle: 'production' },
  },
];

const schedule = {
  frequency: { minutes: 10 },
  timeout: { minutes: 1 },
  initialDelay: { seconds: 0 },
};

describe('search with the catalog and KAML-D collators', () => {
  it('finds each entity once, as the KAML-D document for datasets and models', async () => {
    const { server } = await startTestBackend({
      features: [
        searchPlugin,
        searchModuleCatalog,
        searchModuleKamlD,
        catalogServiceMock.factory({ entities: ENTITIES }),
        // each collator runs once as soon as the search plugin schedules it (the real schedule
        // waits its initial delay and repeats; what is indexed is the same)
        mockServices.scheduler.mock({
          createScheduledTaskRunner: () => ({
            run: async task => {
              await task.fn(new AbortController().signal);
            },
          }),
        }).factory,
        mockServices.rootConfig.factory({
          data: {
            search: {
              collators: {
                catalog: { schedule },
                kamlDDataset: { schedule },
              },
            },
          },
        }),
      ],
    });

    const search = async (query: string) => {
      const response = await request(server)
        .get(`/api/search/query?${query}`)
        .set('Authorization', mockCredentials.user.header());
      expect(response.status).toBe(200);
      return response.body.results as Array<{
        type: string;
        document: { location: string; kind: string; title: string };
      }>;
    };

    // the three collators run once at start; wait until every index answers
    const deadline = Date.now() + 60_000;
    let hits = await search('term=weather');
    while (
      new Set(hits.map(h => h.type)).size < 3 &&
      Date.now() < deadline
    ) {
      await new Promise(resolve => setTimeout(resolve, 200));
      hits = await search('term=weather');
    }

    const byLocation = new Map<string, string[]>();
    for (const hit of hits) {
      byLocation.set(hit.document.location, [
        ...(byLocation.get(hit.document.location) ?? []),
        hit.type,
      ]);
    }
    expect(Object.fromEntries(byLocation)).toEqual({
      '/catalog/default/dataset/weather-hourly': ['kaml-d-dataset'],
      '/catalog/default/model/weather-forecaster': ['kaml-d-model'],
      '/catalog/default/component/weather-api': ['software-catalog'],
    });

    // the catalog's filters keep working on KAML-D's documents (kind, owner, lifecycle)
    const models = await search('term=weather&filters[kind]=Model');
    expect(models.map(h => h.document.title)).toEqual(['weather-forecaster']);
    const production = await search(
      'term=weather&filters[lifecycle]=production',
    );
    expect(production.map(h => h.document.location).sort()).toEqual([
      '/catalog/default/component/weather-api',
      '/catalog/default/dataset/weather-hourly',
    ]);

    // result types: only datasets, only models
    const datasets = await search('term=temperature_c&types[0]=kaml-d-dataset');
    expect(datasets.map(h => h.document.title)).toEqual(['weather-hourly']);
    const byFramework = await search('term=pytorch&types[0]=kaml-d-model');
    expect(byFramework.map(h => h.document.title)).toEqual([
      'weather-forecaster',
    ]);
  }, 120_000);
});
