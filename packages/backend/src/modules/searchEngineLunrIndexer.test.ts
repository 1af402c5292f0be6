import lunr from 'lunr';
import { mockServices } from '@backstage/backend-test-utils';
import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import {
  KamlDLunrIndexer,
  tokenPositions,
  tokenize,
} from './searchEngineLunrIndexer';

type Indexer = {
  on(event: string, listener: (...args: any[]) => void): unknown;
  end(): void;
  index(documents: object[]): Promise<void>;
  buildIndex(): lunr.Index;
};

// values the tokenizer and pipeline treat specially: case, punctuation, stop words, numbers,
// letters outside the Basic Multilingual Plane, array values (kept whole, null as ''), objects
const documents = [
  {
    title: 'Customer Orders',
    text: 'The customer_id of EVERY order; totals in €, ünïcode café İstanbul 𝐀lpha 😀emoji',
    location: '/catalog/default/dataset/customer-orders',
    tags: ['finance', 'Machine-Learning', null],
    size: 1234567,
    flag: true,
    authorization: { resourceRef: 'dataset:default/customer-orders' },
  },
  {
    title: 'sensor readings',
    text: 'station_id temp_c; readings are hourly; a an the of',
    location: '/catalog/default/dataset/sensor-readings',
    tags: [],
    size: 42,
    flag: false,
    authorization: { resourceRef: 'dataset:default/sensor-readings' },
  },
  {
    title: 'Running runners run',
    text: 'connection connected connecting',
    location: '/catalog/default/dataset/runs',
    tags: ['iot'],
    size: 0,
    flag: true,
    authorization: { resourceRef: 'dataset:default/runs' },
  },
];

async function build(indexer: Indexer): Promise<lunr.Index> {
  await indexer.index(documents);
  return indexer.buildIndex();
}

/** An index's attributes as `toJSON` writes them, term metadata left out. */
function withoutMetadata(index: lunr.Index) {
  const json = index.toJSON() as unknown as {
    invertedIndex: Array<[string, Record<string, unknown>]>;
  };
  return {
    ...json,
    invertedIndex: json.invertedIndex.map(([term, posting]) => [
      term,
      Object.fromEntries(
        Object.entries(posting).map(([field, docs]) => [
          field,
          field === '_index' ? docs : Object.keys(docs as object).sort(),
        ]),
      ),
    ]),
  };
}

describe('KamlDLunrIndexer', () => {
  it("builds the index Backstage's Lunr indexer builds, without term positions", async () => {
    const backstage = await new LunrSearchEngine({
      logger: mockServices.logger.mock(),
    }).getIndexer('kaml-d-dataset');
    const theirs = await build(backstage as unknown as Indexer);
    const ours = await build(new KamlDLunrIndexer() as unknown as Indexer);

    expect(withoutMetadata(ours)).toEqual(withoutMetadata(theirs));
    // Backstage's keeps the positions of every term in every document; ours keeps none
    const positions = (index: lunr.Index) =>
      JSON.stringify(index.toJSON()).split('"position"').length - 1;
    expect(positions(theirs)).toBeGreaterThan(40);
    expect(positions(ours)).toBe(0);
    // the same search results and scores through Lunr's own query
    expect(theirs.search('customer')).toHaveLength(1);
    expect(theirs.search('run*')).toHaveLength(1);
    for (const term of ['customer', 'run*', 'station_id', 'iot', 'ünïcode']) {
      expect(ours.search(term)).toEqual(
        theirs.search(term).map(r => ({
          ...r,
          matchData: expect.anything(),
        })),
      );
    }
  });

  it('keeps the documents by location and releases the builder once built', async () => {
    const indexer = new KamlDLunrIndexer();
    await indexer.index(documents);
    expect(Object.keys(indexer.getDocumentStore())).toEqual(
      documents.map(d => d.location),
    );
    indexer.buildIndex();
    expect(() => indexer.buildIndex()).toThrow('already built');
    await expect(indexer.index(documents)).rejects.toThrow('already built');
  });
});

describe('tokenize', () => {
  it("cuts values into the tokens Lunr's tokenizer makes with Backstage's separator", () => {
    // the separator Backstage's Lunr indexer sets on Lunr's tokenizer
    lunr.tokenizer.separator = /[^\p{L}\p{N}]+/u;
    const values = [
      ...documents.flatMap(d => Object.values(d)),
      'a-b_c  d',
      '  leading and trailing  ',
      'ÀÉÎ x²y ⅓ ١٢٣',
      '',
      7,
    ];
    for (const value of values) {
      expect(tokenize(value)).toEqual(
        lunr.tokenizer(value as string).map(token => token.toString()),
      );
    }
  });

  it('gives the offsets Lunr records as positions, none for arrays', () => {
    expect(tokenPositions('Customer_ID, total')).toEqual([
      { token: 'customer', start: 0, length: 8 },
      { token: 'id', start: 9, length: 2 },
      { token: 'total', start: 13, length: 5 },
    ]);
    expect(tokenPositions(['a', 'b'])).toEqual([]);
    const text = documents[0].text;
    expect(tokenPositions(text).map(p => [p.start, p.length])).toEqual(
      lunr
        .tokenizer(text)
        .map(
          token =>
            (token as unknown as { metadata: { position: [number, number] } })
              .metadata.position,
        ),
    );
  });
});
