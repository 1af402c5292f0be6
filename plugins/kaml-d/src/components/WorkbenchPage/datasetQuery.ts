import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogApi } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_LAST_MODIFIED,
  DATASET_ROW_FIELDS,
  DatasetRow,
  datasetRows,
} from './datasetRows';

/** Rows on one page of the datasets table. */
export const PAGE_SIZE = 25;
/** The longest name filter the table sends to the catalog. */
export const MAX_NAME_FILTER = 100;

/** Columns the catalog can order by; other columns are not sortable. */
export type DatasetSort = 'name' | 'modified';

/**
 * What the datasets table shows, as the page's query string holds it: `tag`, `format`, `owner`
 * and `project` (short refs such as `data-science`), `q` (part of the name or title), `sort`,
 * `order` and `page` (from 1). Defaults are left out of the URL.
 */
export interface DatasetView {
  tag?: string;
  format?: string;
  owner?: string;
  project?: string;
  q?: string;
  sort: DatasetSort;
  order: 'asc' | 'desc';
  page: number;
}

const FILTER_KEYS = ['tag', 'format', 'owner', 'project', 'q'] as const;
/** Every query string key the table owns; others (of other cards) are kept as they are. */
export const VIEW_KEYS = [...FILTER_KEYS, 'sort', 'order', 'page'] as const;

const SORTS: Record<DatasetSort, { field: string; always: boolean }> = {
  // every entity has a name; a modified time only when discovery wrote one
  name: { field: 'metadata.name', always: true },
  modified: {
    field: `metadata.annotations.${ANNOTATION_LAST_MODIFIED}`,
    always: false,
  },
};

/** The table's view from a query string; values it does not understand fall back to defaults. */
export function viewFromParams(params: URLSearchParams): DatasetView {
  const text = (key: string, max = 253) => {
    const value = params.get(key)?.trim();
    return value ? value.slice(0, max) : undefined;
  };
  const sort = params.get('sort');
  const page = Number(params.get('page') ?? 1);
  return {
    tag: text('tag'),
    format: text('format'),
    owner: text('owner'),
    project: text('project'),
    q: text('q', MAX_NAME_FILTER),
    sort: sort === 'modified' ? 'modified' : 'name',
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
    page: Number.isSafeInteger(page) && page >= 1 ? page : 1,
  };
}

/** `params` with the view written into it (defaults left out), other keys untouched. */
export function paramsWithView(
  params: URLSearchParams,
  view: DatasetView,
): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of VIEW_KEYS) next.delete(key);
  for (const key of FILTER_KEYS) {
    if (view[key]) next.set(key, view[key]!);
  }
  if (view.sort !== 'name') next.set('sort', view.sort);
  if (view.order !== 'asc') next.set('order', view.order);
  if (view.page > 1) next.set('page', String(view.page));
  return next;
}

/** Whether any filter narrows the table. */
export function isFiltered(view: DatasetView): boolean {
  return FILTER_KEYS.some(key => !!view[key]);
}

/** `group:default/data-science` → `data-science`; `user:default/ada` → `user:ada`. */
export function shortRef(ref: string, defaultKind: string): string {
  try {
    const parsed = parseEntityRef(ref, {
      defaultKind,
      defaultNamespace: 'default',
    });
    const kind =
      parsed.kind.toLocaleLowerCase('en-US') === defaultKind
        ? ''
        : `${parsed.kind}:`;
    const namespace =
      parsed.namespace === 'default' ? '' : `${parsed.namespace}/`;
    return `${kind}${namespace}${parsed.name}`;
  } catch {
    return ref;
  }
}

function fullRef(short: string, defaultKind: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(short, { defaultKind, defaultNamespace: 'default' }),
    );
  } catch {
    return short;
  }
}

/** The catalog filter of the view's filters (kind, tag, format, owner and project). */
export function datasetFilter(view: DatasetView): Record<string, string> {
  return {
    kind: 'dataset',
    ...(view.tag ? { 'metadata.tags': view.tag } : {}),
    ...(view.format ? { 'spec.format': view.format } : {}),
    ...(view.owner
      ? { 'relations.ownedBy': fullRef(view.owner, 'group') }
      : {}),
    ...(view.project
      ? { 'relations.partOf': fullRef(view.project, 'system') }
      : {}),
  };
}

type QueryRequest = NonNullable<Parameters<CatalogApi['queryEntities']>[0]>;
/** A first-page request of `queryEntities` (not a cursor request). */
export type InitialQueryRequest = Exclude<QueryRequest, { cursor: string }>;
type Predicate = NonNullable<InitialQueryRequest['query']>;

/** One page of the table: its rows and how many datasets pass the filters. */
export interface DatasetPage {
  rows: DatasetRow[];
  /** Datasets that pass the filters, on every page together. */
  total: number;
}

/** The catalog requests of one page, built from the view (exported for the benchmark). */
export function pageRequests(
  view: DatasetView,
  pageSize = PAGE_SIZE,
): {
  offset: number;
  sorted: InitialQueryRequest;
  unsorted?: InitialQueryRequest;
} {
  const offset = (view.page - 1) * pageSize;
  const base = {
    filter: datasetFilter(view),
    fields: DATASET_ROW_FIELDS,
    ...(view.q
      ? {
          fullTextFilter: {
            term: view.q,
            fields: ['metadata.name', 'metadata.title'],
          },
        }
      : {}),
  };
  const { field, always } = SORTS[view.sort];
  const exists = { [field]: { $exists: true } } as Predicate;
  const sorted: InitialQueryRequest = {
    ...base,
    orderFields: { field, order: view.order },
    offset,
    limit: pageSize,
    // the catalog leaves out entities without the sort field; asked for explicitly so that
    // every catalog implementation agrees
    ...(always ? {} : { query: exists }),
  };
  const unsorted: InitialQueryRequest | undefined = always
    ? undefined
    : {
        ...base,
        query: { $not: exists },
        orderFields: { field: 'metadata.name', order: 'asc' },
      };
  return { offset, sorted, unsorted };
}

/**
 * One page of datasets, filtered, sorted and counted by the catalog. Sorting by a field some
 * datasets lack (the modified time) lists those with it first, then the others by name, so no
 * dataset drops out of the table.
 */
export async function loadDatasetPage(
  catalog: Pick<CatalogApi, 'queryEntities'>,
  view: DatasetView,
  pageSize = PAGE_SIZE,
): Promise<DatasetPage> {
  const { offset, sorted, unsorted } = pageRequests(view, pageSize);
  if (!unsorted) {
    const answer = await catalog.queryEntities(sorted);
    return { rows: datasetRows(answer.items), total: answer.totalItems };
  }
  const [known, rest] = await Promise.all([
    catalog.queryEntities(sorted),
    catalog.queryEntities({ ...unsorted, limit: 0 }),
  ]);
  const total = known.totalItems + rest.totalItems;
  let items = known.items;
  if (items.length < pageSize && offset + items.length < total) {
    const tail = await catalog.queryEntities({
      ...unsorted,
      offset: Math.max(0, offset - known.totalItems),
      limit: pageSize - items.length,
    });
    items = [...items, ...tail.items];
  }
  return { rows: datasetRows(items), total };
}
