import { mockServices } from '@backstage/backend-test-utils';
import { MissingIndexError } from '@backstage/plugin-search-backend-node';
import { KamlDLunrSearchEngine, queryWords } from './searchEngineLunr';

type Doc = Record<string, unknown> & {
  title: string;
  text: string;
  location: string;
};

function dataset(
  name: string,
  columns: string[],
  extra: { description?: string; tags?: string[]; owner?: string } = {},
): Doc {
  const description = extra.description ?? `${name} data`;
  return {
    title: name,
    text: [description, ...columns.map(c => `${c} varchar`)].join('\n'),
    location: `/catalog/default/dataset/${name}`,
    kind: 'Dataset',
    name,
    owner: extra.owner ?? 'team-a',
    tags: extra.tags ?? [],
    format: 'csv',
    columns: columns.map(c => `${c} varchar`).join(', '),
  };
}

async function index(engine: KamlDLunrSearchEngine, type: string, docs: Doc[]) {
  const indexer = await engine.getIndexer(type);
  await indexer.initialize();
  await indexer.index(docs);
  await indexer.finalize();
  await new Promise<void>((resolve, reject) => {
    indexer.on('close', resolve);
    indexer.on('error', reject);
    indexer.end();
  });
}

const titles = (result: { results: Array<{ document: { title: string } }> }) =>
  result.results.map(r => r.document.title);

describe('KamlDLunrSearchEngine', () => {
  let engine: KamlDLunrSearchEngine;

  beforeEach(async () => {
    engine = new KamlDLunrSearchEngine({ logger: mockServices.logger.mock() });
    await index(engine, 'kaml-d-dataset', [
      // mentions the words of the column in its description and other columns, but lacks it
      dataset('orders-by-customer', ['customer_name', 'order_id'], {
        description: 'customer id lookups for order totals',
        tags: ['finance'],
      }),
      dataset('customer-master', ['customer_id', 'customer_name'], {
        tags: ['pii'],
        owner: 'team-b',
      }),
      dataset('sensor-readings', ['station_id', 'temp_c'], {
        tags: ['iot'],
      }),
      dataset('customer-events', ['customer_id', 'event_ts'], {
        tags: ['clickstream'],
      }),
      dataset('weather', ['station_id', 'rain_mm'], { tags: ['iot'] }),
    ]);
  });

  it('ranks the datasets having a column named as the query first', async () => {
    const result = await engine.query({
      term: 'customer_id',
      types: ['kaml-d-dataset'],
    });
    expect(titles(result).slice(0, 2).sort()).toEqual([
      'customer-events',
      'customer-master',
    ]);
    expect(titles(result)).toContain('orders-by-customer');
    expect(titles(result)).not.toContain('weather');
  });

  it('requires every word, and falls back to the most words matched when none has all', async () => {
    const both = await engine.query({ term: 'station rain' });
    expect(titles(both)).toEqual(['weather']);
    expect(both.numberOfResults).toBe(1);

    const partly = await engine.query({ term: 'rain unicorn' });
    expect(titles(partly)).toEqual(['weather']);
  });

  it('finds words by prefix and tags exactly', async () => {
    expect(titles(await engine.query({ term: 'sens' }))).toEqual([
      'sensor-readings',
    ]);
    expect(titles(await engine.query({ term: 'iot' })).sort()).toEqual([
      'sensor-readings',
      'weather',
    ]);
  });

  it('pages results, numbering ranks across pages', async () => {
    const first = await engine.query({ term: 'customer', pageLimit: 2 });
    expect(first.numberOfResults).toBe(3);
    expect(first.results.map(r => r.rank)).toEqual([1, 2]);
    expect(first.nextPageCursor).toBeDefined();
    expect(first.previousPageCursor).toBeUndefined();

    const second = await engine.query({
      term: 'customer',
      pageLimit: 2,
      pageCursor: first.nextPageCursor,
    });
    expect(second.results.map(r => r.rank)).toEqual([3]);
    expect(second.nextPageCursor).toBeUndefined();
    expect(second.previousPageCursor).toBeDefined();
    expect(new Set([...titles(first), ...titles(second)])).toEqual(
      new Set(['customer-master', 'customer-events', 'orders-by-customer']),
    );
  });

  it('highlights the matched words of the results on the page', async () => {
    const result = await engine.query({ term: 'event_ts' });
    const [hit] = result.results;
    expect(hit.document.title).toBe('customer-events');
    const { preTag, postTag, fields } = hit.highlight!;
    expect(fields.columns).toBe(
      `customer_id varchar, ${preTag}event${postTag}_${preTag}ts${postTag} varchar`,
    );
  });

  it('highlights title and text as the search page shows them, on later pages too, keeping their case', async () => {
    const first = await engine.query({ term: 'Customer', pageLimit: 1 });
    const second = await engine.query({
      term: 'Customer',
      pageLimit: 1,
      pageCursor: first.nextPageCursor,
    });
    for (const result of [...first.results, ...second.results]) {
      const { preTag, postTag, fields } = result.highlight!;
      const document = result.document as Doc;
      // every occurrence of the word (stemmed alike) in the title and the text is wrapped
      expect(fields.title).toBe(
        document.title.replace(/customer/g, `${preTag}customer${postTag}`),
      );
      expect(fields.text).toBe(
        document.text.replace(/customer/g, `${preTag}customer${postTag}`),
      );
      expect(fields.tags).toBeUndefined();
    }
    const [stemmed] = (await engine.query({ term: 'Reading' })).results;
    expect(stemmed.highlight!.fields.title).toBe(
      `sensor-${stemmed.highlight!.preTag}readings${
        stemmed.highlight!.postTag
      }`,
    );
    // a field without the word is left out
    expect(stemmed.highlight!.fields.columns).toBeUndefined();

    await index(engine, 'software-catalog', [
      {
        title: 'The Customer API',
        text: 'CUSTOMERS and their orders',
        location: '/catalog/default/component/customer-api',
      },
    ]);
    const [api] = (
      await engine.query({ term: 'customer', types: ['software-catalog'] })
    ).results;
    const { preTag, postTag } = api.highlight!;
    expect(api.highlight!.fields).toEqual({
      title: `The ${preTag}Customer${postTag} API`,
      text: `${preTag}CUSTOMERS${postTag} and their orders`,
      // every indexed field, as in Backstage's engine
      location: `/catalog/default/component/${preTag}customer${postTag}-api`,
    });
  });

  it('lists the documents matching the filters for an empty term, in index order, paged', async () => {
    const all = await engine.query({ term: '', pageLimit: 3 });
    expect(all.numberOfResults).toBe(5);
    expect(titles(all)).toEqual([
      'orders-by-customer',
      'customer-master',
      'sensor-readings',
    ]);
    const rest = await engine.query({
      term: '',
      pageLimit: 3,
      pageCursor: all.nextPageCursor,
    });
    expect(titles(rest)).toEqual(['customer-events', 'weather']);
    expect(rest.results.map(r => r.rank)).toEqual([4, 5]);
    expect(rest.nextPageCursor).toBeUndefined();

    const iot = await engine.query({ term: ' ', filters: { tags: 'iot' } });
    expect(titles(iot)).toEqual(['sensor-readings', 'weather']);
    expect(iot.numberOfResults).toBe(2);
    const teamA = await engine.query({
      term: '',
      filters: { owner: 'team-a', tags: ['iot', 'finance'] },
    });
    expect(titles(teamA)).toEqual([
      'orders-by-customer',
      'sensor-readings',
      'weather',
    ]);
    // a field the documents do not have: nothing, as in Backstage's engine
    expect(
      (await engine.query({ term: '', filters: { namespace: 'x' } }))
        .numberOfResults,
    ).toBe(0);
  });

  it('applies filters to the field they name', async () => {
    const result = await engine.query({
      term: 'customer',
      filters: { owner: 'team-b' },
    });
    expect(titles(result)).toEqual(['customer-master']);
  });

  it('searches the requested types only and refuses unknown ones', async () => {
    await index(engine, 'software-catalog', [
      {
        title: 'customer-service',
        text: 'The customer API',
        location: '/catalog/default/component/customer-service',
        kind: 'Component',
      },
    ]);
    expect(titles(await engine.query({ term: 'customer api' }))).toEqual([
      'customer-service',
    ]);
    expect(
      titles(
        await engine.query({ term: 'customer', types: ['software-catalog'] }),
      ),
    ).toEqual(['customer-service']);
    await expect(
      engine.query({ term: 'customer', types: ['techdocs'] }),
    ).rejects.toBeInstanceOf(MissingIndexError);
  });

  it('searches a re-built index', async () => {
    await index(engine, 'kaml-d-dataset', [
      dataset('vehicle-trips', ['vehicle_id', 'distance_km']),
    ]);
    expect(titles(await engine.query({ term: 'vehicle_id' }))).toEqual([
      'vehicle-trips',
    ]);
    expect(titles(await engine.query({ term: 'customer' }))).toEqual([]);
  });

  it('splits query words like the indexer', () => {
    expect(queryWords('Customer_ID, event-ts ')).toEqual([
      'customer',
      'id',
      'event',
      'ts',
    ]);
  });
});
