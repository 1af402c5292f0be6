// Elasticsearch through @elastic/elasticsearch, the client behind Backstage's Elasticsearch search
// engine: create an index with mappings, bulk-index dataset documents, search by text, tag and
// column name, aggregate, alias swap (as the search engine does on each refresh), delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@elastic/elasticsearch';
import { DEMO_DATASETS } from '../../../scripts/demo-data/datasets.ts';
import { requireEnv } from './env.ts';

test('index, search and aggregate demo dataset documents', async () => {
  const client = new Client({ node: requireEnv('KAML_RIG_ES_URL') });
  // (the integ-test distribution has no rest-root module, so GET / — client.info() — is absent)
  const health = await client.cluster.health({ wait_for_status: 'yellow', timeout: '10s' });
  assert.ok(['green', 'yellow'].includes(health.status), health.status);

  const index = `kaml-rig-test-${process.pid}-${Date.now()}`;
  const alias = `${index}-alias`;
  try {
    await client.indices.create({
      index,
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        properties: {
          name: { type: 'keyword' },
          title: { type: 'text' },
          text: { type: 'text' },
          format: { type: 'keyword' },
          tags: { type: 'keyword' },
          columns: { type: 'text' },
          location: { type: 'keyword' },
        },
      },
    });
    const operations = DEMO_DATASETS.flatMap(ds => [
      { index: { _index: index, _id: ds.name } },
      {
        name: ds.name,
        title: ds.name.replace(/-/g, ' '),
        text: ds.description,
        format: ds.format,
        tags: ds.tags,
        columns: (ds.columns ?? []).map(c => c.name).join(' '),
        location: `s3://kaml-datasets/${ds.name}/`,
      },
    ]);
    const bulk = await client.bulk({ operations, refresh: 'wait_for' });
    assert.equal(bulk.errors, false);
    assert.equal(bulk.items.length, DEMO_DATASETS.length);

    // full-text over description/title/columns, as the portal's one search box does
    const byText = await client.search<{ name: string }>({
      index,
      query: { multi_match: { query: 'fraud card transactions', fields: ['title^3', 'text', 'columns'] } },
    });
    assert.equal(byText.hits.hits[0]._source?.name, 'finance-transactions');

    // by column name
    const byColumn = await client.search<{ name: string }>({ index, query: { match: { columns: 'rainfall_mm' } } });
    assert.deepEqual(byColumn.hits.hits.map(h => h._source?.name), ['agriculture-yields']);

    // by tag, with a terms aggregation over formats
    const byTag = await client.search<{ name: string }>({
      index,
      query: { term: { tags: 'pii' } },
      aggs: { formats: { terms: { field: 'format' } } },
      size: 10,
    });
    assert.deepEqual(byTag.hits.hits.map(h => h._source?.name).sort(), ['finance-transactions', 'fingerprint-images']);
    const buckets = (byTag.aggregations?.formats as { buckets: { key: string; doc_count: number }[] }).buckets;
    assert.deepEqual(buckets.map(b => b.key).sort(), ['csv', 'images']);

    // alias swap and count through the alias
    await client.indices.updateAliases({ actions: [{ add: { index, alias } }] });
    const aliases = await client.cat.aliases({ name: alias, format: 'json' });
    assert.deepEqual(aliases.map(a => a.index), [index]);
    const count = await client.count({ index: alias });
    assert.equal(count.count, DEMO_DATASETS.length);

    // highlight, used for the result snippets
    const hl = await client.search({ index: alias, query: { match: { text: 'vibrato' } }, highlight: { fields: { text: {} } } });
    assert.match(String(hl.hits.hits[0].highlight?.text?.[0]), /<em>vibrato<\/em>/);
  } finally {
    await client.indices.delete({ index, ignore_unavailable: true });
    await client.close();
  }
});
