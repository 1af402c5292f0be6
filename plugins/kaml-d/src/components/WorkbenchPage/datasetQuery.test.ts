import { Entity } from '@backstage/catalog-model';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { loadDatasetFacets } from './datasetFacets';
import {
  DatasetView,
  datasetFilter,
  loadDatasetPage,
  paramsWithView,
  viewFromParams,
} from './datasetQuery';

function dataset(i: number, modified?: string): Entity {
  const name = `ds-${String(i).padStart(3, '0')}`;
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name,
      namespace: 'default',
      tags: i % 2 ? ['odd'] : ['even'],
      ...(modified
        ? { annotations: { 'kaml-d.io/last-modified': modified } }
        : {}),
    },
    spec: {
      owner: i % 3 ? 'data-science' : 'user:default/ada',
      system: `project-${i % 4}`,
      format: 'csv',
      lifecycle: 'production',
      location: `s3://kaml-datasets/${name}/`,
    },
    relations: [
      {
        type: 'ownedBy',
        targetRef: i % 3 ? 'group:default/data-science' : 'user:default/ada',
      },
      { type: 'partOf', targetRef: `system:default/project-${i % 4}` },
    ],
  };
}

// 60 datasets; every third has a modified time, later for higher numbers
const entities = Array.from({ length: 60 }, (_, i) =>
  dataset(
    i,
    i % 3 === 0
      ? new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString()
      : undefined,
  ),
);

const view = (patch: Partial<DatasetView> = {}): DatasetView => ({
  sort: 'name',
  order: 'asc',
  page: 1,
  ...patch,
});

async function allPages(v: DatasetView) {
  const catalog = catalogApiMock({ entities });
  const names: string[] = [];
  const totals = new Set<number>();
  for (let page = 1; page <= 3; page++) {
    const answer = await loadDatasetPage(catalog, { ...v, page });
    names.push(...answer.rows.map(r => r.title));
    totals.add(answer.total);
  }
  return { names, totals };
}

describe('the datasets view in the URL', () => {
  it('round-trips every field and leaves out the defaults', () => {
    const v = view({
      tag: 'pii',
      format: 'parquet',
      owner: 'user:ada',
      project: 'fraud-detection',
      q: 'sales 2024',
      sort: 'modified',
      order: 'desc',
      page: 3,
    });
    const params = paramsWithView(new URLSearchParams('tab=other'), v);
    expect(params.toString()).toBe(
      'tab=other&tag=pii&format=parquet&owner=user%3Aada&project=fraud-detection&q=sales+2024&sort=modified&order=desc&page=3',
    );
    expect(viewFromParams(params)).toEqual(v);
    expect(paramsWithView(new URLSearchParams(), view()).toString()).toBe('');
  });

  it('falls back to the defaults for values it does not understand', () => {
    expect(
      viewFromParams(
        new URLSearchParams(
          `sort=size&order=up&page=-2&tag=%20&q=${'x'.repeat(300)}`,
        ),
      ),
    ).toEqual({ ...view(), q: 'x'.repeat(100) });
    expect(viewFromParams(new URLSearchParams('page=1.5')).page).toBe(1);
  });

  it('filters owners and projects by their full entity refs', () => {
    expect(
      datasetFilter(
        view({ owner: 'data-science', project: 'fraud-detection', tag: 'pii' }),
      ),
    ).toEqual({
      kind: 'dataset',
      'metadata.tags': 'pii',
      'relations.ownedBy': 'group:default/data-science',
      'relations.partOf': 'system:default/fraud-detection',
    });
    expect(
      datasetFilter(view({ owner: 'user:ada' }))['relations.ownedBy'],
    ).toBe('user:default/ada');
  });
});

describe('loadDatasetPage', () => {
  it('pages by name: every dataset once, in order, with the count', async () => {
    const { names, totals } = await allPages(view());
    expect(names).toEqual(entities.map(e => e.metadata.name));
    expect([...totals]).toEqual([60]);
  });

  it('sorts by modified time with the datasets that have none after them, by name', async () => {
    const dated = entities
      .filter((_, i) => i % 3 === 0)
      .map(e => e.metadata.name);
    const undated = entities
      .filter((_, i) => i % 3 !== 0)
      .map(e => e.metadata.name);

    const ascending = await allPages(view({ sort: 'modified' }));
    expect(ascending.names).toEqual([...dated, ...undated]);
    expect([...ascending.totals]).toEqual([60]);

    const descending = await allPages(
      view({ sort: 'modified', order: 'desc' }),
    );
    expect(descending.names).toEqual([...dated.reverse(), ...undated]);
  });

  it('counts and pages what the filters let through', async () => {
    const catalog = catalogApiMock({ entities });
    const page = await loadDatasetPage(
      catalog,
      view({ tag: 'odd', owner: 'user:ada', sort: 'modified' }),
    );
    // odd numbers divisible by 3: 3, 9, 15, … 57 — all of them dated
    expect(page.total).toBe(10);
    expect(page.rows.map(r => r.title)).toEqual(
      [3, 9, 15, 21, 27, 33, 39, 45, 51, 57].map(
        i => `ds-0${String(i).padStart(2, '0')}`,
      ),
    );
  });

  it('finds datasets by part of the name', async () => {
    const catalog = catalogApiMock({ entities });
    const page = await loadDatasetPage(catalog, view({ q: 'ds-05' }));
    expect(page.total).toBe(10);
    expect(page.rows[0].title).toBe('ds-050');
  });
});

describe('loadDatasetFacets', () => {
  it('counts datasets, tags, formats, owners and projects, one request per field', async () => {
    const catalog = catalogApiMock({ entities });
    const getEntityFacets = jest.spyOn(catalog, 'getEntityFacets');
    const facets = await loadDatasetFacets(catalog);
    expect(getEntityFacets.mock.calls.map(([r]) => r.facets)).toEqual([
      ['kind'],
      ['metadata.tags'],
      ['spec.format'],
      ['relations.ownedBy'],
      ['relations.partOf'],
    ]);
    expect(facets.total).toBe(60);
    expect(facets.tags).toEqual([
      { value: 'even', count: 30 },
      { value: 'odd', count: 30 },
    ]);
    expect(facets.formats).toEqual([{ value: 'csv', count: 60 }]);
    expect(facets.owners).toEqual([
      { value: 'data-science', count: 40 },
      { value: 'user:ada', count: 20 },
    ]);
    expect(facets.projects.map(p => [p.value, p.count])).toEqual([
      ['project-0', 15],
      ['project-1', 15],
      ['project-2', 15],
      ['project-3', 15],
    ]);
  });
});
