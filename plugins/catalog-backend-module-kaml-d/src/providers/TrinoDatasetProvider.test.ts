import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { originLocationRef } from '@kaml-d/plugin-kaml-d-node';
import { TrinoDatasetProvider } from './TrinoDatasetProvider';
import { quoteIdent } from '@kaml-d/plugin-kaml-d-node';
import { columnsQuery, schemasQuery } from './trinoSql';

const COLUMNS: Record<string, unknown[][]> = {
  kaml: [
    ['finance_transactions', 'transaction_id', 'varchar'],
    ['finance_transactions', 'amount', 'double'],
    ['traffic_counts', 'station', 'varchar'],
  ],
  "o'neil": [['t', 'c', 'bigint']],
};

function fakeTrino() {
  const queries: string[] = [];
  const runner = () => async (sql: string) => {
    queries.push(sql);
    if (sql.includes('information_schema.schemata')) {
      return Object.keys(COLUMNS).map(s => [s]);
    }
    const schema = Object.keys(COLUMNS).find(s =>
      sql.endsWith(
        `table_schema = '${s.replace(
          /'/g,
          "''",
        )}' ORDER BY table_name, ordinal_position`,
      ),
    );
    return schema ? COLUMNS[schema] : [];
  };
  return { queries, runner };
}

class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  async applyMutation(mutation: EntityProviderMutation) {
    this.mutations.push(mutation);
  }
  async refresh() {}
}

/** Where the admin's own catalog file is read from (a trusted origin in the config below). */
const SEED = originLocationRef('file', 'catalog/all.yaml');

function create(
  entry: Record<string, unknown>,
  trino = fakeTrino(),
  origin = SEED,
) {
  const [provider] = TrinoDatasetProvider.fromConfig(
    new ConfigReader({
      kamlD: {
        bindings: {
          trustedOrigins: [{ type: 'file', target: 'catalog/all.yaml' }],
        },
      },
      catalog: {
        providers: {
          kamlD: {
            trino: [
              {
                id: 'warehouse',
                server: 'http://trino.invalid:8080',
                catalog: 'hive',
                ...entry,
              },
            ],
          },
        },
      },
    }),
    {
      logger: mockServices.logger.mock(),
      auth: mockServices.auth(),
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'kaml-d.io/v1alpha1',
            kind: 'Dataset',
            metadata: {
              name: 'declared-traffic',
              annotations: {
                'backstage.io/managed-by-location': origin,
                'backstage.io/managed-by-origin-location': origin,
              },
            },
            spec: {
              owner: 'x',
              lifecycle: 'production',
              format: 'parquet',
              location: 'trino://hive/kaml/traffic_counts',
            },
          },
        ],
      }),
      schedule: { run: jest.fn(async () => {}) },
      runner: trino.runner,
    },
  );
  return { provider, trino };
}

describe('TrinoDatasetProvider', () => {
  it('lists schemas once, then reads each schema with one columns query', async () => {
    const { provider, trino } = create({ owner: 'data-engineering' });
    const connection = new RecordingConnection();
    await provider.connect(connection);
    const result = await provider.refresh();

    expect(provider.getProviderName()).toBe('kaml-d-trino:warehouse');
    expect(result).toEqual({
      datasets: 2,
      schemas: 2,
      queries: 3,
      declared: 1,
    });
    expect(trino.queries).toEqual([
      schemasQuery('hive', ['information_schema']),
      columnsQuery('hive', 'kaml'),
      columnsQuery('hive', "o'neil"),
    ]);
    expect(trino.queries[2]).toContain("table_schema = 'o''neil'");

    const mutation = connection.mutations[0];
    if (mutation.type !== 'full') throw new Error('expected a full mutation');
    const entities = mutation.entities.map(e => e.entity);
    expect(entities.map(e => e.metadata.name)).toEqual([
      expect.stringMatching(/^hive-kaml-finance_transactions$/),
      expect.stringMatching(/^hive-o-neil-t-[0-9a-f]{8}$/),
    ]);
    expect(entities[0]).toMatchObject({
      metadata: {
        title: 'hive.kaml.finance_transactions',
        annotations: {
          'kaml-d.io/trino-table': 'hive.kaml.finance_transactions',
          'kaml-d.io/discovered-by': 'kaml-d-trino:warehouse',
        },
      },
      spec: {
        owner: 'data-engineering',
        location: 'trino://hive/kaml/finance_transactions',
        schema: {
          columns: [
            { name: 'transaction_id', type: 'varchar' },
            { name: 'amount', type: 'double' },
          ],
        },
      },
    });
    expect(entities[1].spec?.location).toBe("trino://hive/o'neil/t");
  });

  it('attack: a Dataset from an untrusted location does not make discovery skip a table', async () => {
    const { provider } = create(
      { schemas: ['kaml'] },
      fakeTrino(),
      'url:https://git.example.com/mallory/catalog-info.yaml',
    );
    const connection = new RecordingConnection();
    await provider.connect(connection);
    await expect(provider.refresh()).resolves.toMatchObject({
      datasets: 2,
      declared: 0,
    });
  });

  it('sends no schema listing when the schemas are configured', async () => {
    const { provider, trino } = create({ schemas: ['kaml'] });
    await provider.connect(new RecordingConnection());
    const result = await provider.refresh();
    expect(result.queries).toBe(1);
    expect(trino.queries).toEqual([columnsQuery('hive', 'kaml')]);
  });

  it('quotes identifiers', () => {
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
    expect(columnsQuery('h"x', 's')).toContain(
      'FROM "h""x".information_schema.columns',
    );
  });

  it('rejects a server that is not a URL', () => {
    expect(() => create({ server: 'trino:8080:x' })).toThrow(/server must/);
  });
});
