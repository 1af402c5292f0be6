import {
  LunrSearchEngine,
  LunrSearchEngineIndexer,
} from '@backstage/plugin-search-backend-node';
import { tokenize } from './searchEngineLunrIndexer';

/*
 * The index the KAML-D Lunr engine scores over: Lunr's index compiled once into typed arrays,
 * and the expansion of query words into its terms.
 */

export type SearchQuery = Parameters<LunrSearchEngine['query']>[0];
export type IndexableResultSet = Awaited<ReturnType<LunrSearchEngine['query']>>;
export type IndexableDocument =
  IndexableResultSet['results'][number]['document'];
export type LunrIndex = ReturnType<LunrSearchEngineIndexer['buildIndex']>;

/**
 * Fields searched, with their weight. Other fields (locations, sizes, the authorization object)
 * are not matched by the search term, only by filters.
 */
export const SEARCH_FIELD_BOOSTS: Readonly<Record<string, number>> = {
  title: 10,
  name: 8,
  columns: 5,
  tags: 5,
  owner: 2,
  format: 2,
  kind: 1,
  type: 1,
  componentType: 1,
  lifecycle: 1,
  system: 1,
  text: 1,
};
/** Weight of a term that only starts with the query word (the exact term weighs 1). */
const PREFIX_WEIGHT = 0.2;
/** Most index terms one query word expands to by prefix. */
const MAX_PREFIX_TERMS = 32;
/** Query words shorter than this are matched exactly only. */
const MIN_PREFIX_LENGTH = 3;

/**
 * What Lunr 2 keeps in an index (the attributes of `lunr.Index`, as `lunr.Index.load` takes
 * them): per term, its vector position and per field the documents having it; per `field/ref`,
 * the BM25 weight of each term.
 */
export interface LunrIndexAttributes {
  fields: string[];
  invertedIndex: Record<
    string,
    { _index: number } & Record<string, Record<string, object>>
  >;
  fieldVectors: Record<string, { elements: number[] }>;
  pipeline: { runString(value: string): string[] };
}

/** One term's documents and weights in one field. */
export interface Postings {
  docs: Int32Array;
  weights: Float32Array;
}

/** An index compiled for fast scoring: documents numbered, postings as typed arrays. */
export interface CompiledIndex {
  index: LunrIndex;
  /** document number → ref, in index order */
  refs: string[];
  docOf: Map<string, number>;
  /** term → field → postings (only the searched fields) */
  postings: Map<string, Map<string, Postings>>;
  /** Every term, sorted, for prefix expansion. */
  terms: string[];
  /** lowercased column name → documents having that column */
  columns: Map<string, Int32Array>;
  /** lowercased title or name → documents */
  titles: Map<string, Int32Array>;
  /**
   * Per-document score and matched-words buffers and the list of documents touched, reused by
   * every query of this index (a query runs synchronously, and clears the entries it touched),
   * so that a query allocates next to nothing however many documents match.
   */
  scores: Float64Array;
  wordMasks: Uint32Array;
  touched: Int32Array;
}

/** The query's words, split and lowercased like the indexer does (Lunr's trimmer applied). */
export function queryWords(term: string): string[] {
  return tokenize(term)
    .map(word => word.replace(/^\W+/, '').replace(/\W+$/, ''))
    .filter(Boolean);
}

export function compileIndex(
  index: LunrIndex,
  docStore: Record<string, IndexableDocument>,
): CompiledIndex {
  // lunr.Index keeps its attributes as public properties; its type declarations omit them
  const lunrIndex = index as unknown as LunrIndexAttributes;
  const searched = new Set(
    lunrIndex.fields.filter(f => f in SEARCH_FIELD_BOOSTS),
  );
  const refs: string[] = [];
  const docOf = new Map<string, number>();
  const termOf: string[] = [];
  for (const [term, posting] of Object.entries(lunrIndex.invertedIndex)) {
    termOf[posting._index] = term;
  }
  // per term index and field: how many postings, then the postings themselves
  const counts = new Map<string, Int32Array>();
  const fieldVectors = Object.entries(lunrIndex.fieldVectors);
  const parsed = fieldVectors.map(([fieldRef, vector]) => {
    const slash = fieldRef.indexOf('/');
    const field = fieldRef.slice(0, slash);
    const ref = fieldRef.slice(slash + 1);
    let doc = docOf.get(ref);
    if (doc === undefined) {
      doc = refs.length;
      refs.push(ref);
      docOf.set(ref, doc);
    }
    if (!searched.has(field)) return undefined;
    let byTerm = counts.get(field);
    if (!byTerm) {
      byTerm = new Int32Array(termOf.length);
      counts.set(field, byTerm);
    }
    const { elements } = vector;
    for (let i = 0; i < elements.length; i += 2) byTerm[elements[i]]++;
    return { field, doc, elements };
  });
  const lists = new Map<string, Array<Postings | undefined>>();
  for (const [field, byTerm] of counts) {
    lists.set(
      field,
      Array.from(byTerm, n =>
        n > 0
          ? { docs: new Int32Array(n), weights: new Float32Array(n) }
          : undefined,
      ),
    );
  }
  const filled = new Map<string, Int32Array>(
    [...counts.keys()].map(field => [field, new Int32Array(termOf.length)]),
  );
  for (const entry of parsed) {
    if (!entry) continue;
    const { field, doc, elements } = entry;
    const fieldLists = lists.get(field)!;
    const fieldFilled = filled.get(field)!;
    for (let i = 0; i < elements.length; i += 2) {
      const term = elements[i];
      const at = fieldFilled[term]++;
      const list = fieldLists[term]!;
      list.docs[at] = doc;
      list.weights[at] = elements[i + 1];
    }
  }
  const postings = new Map<string, Map<string, Postings>>();
  termOf.forEach((term, t) => {
    const byField = new Map<string, Postings>();
    for (const [field, fieldLists] of lists) {
      const list = fieldLists[t];
      if (list) byField.set(field, list);
    }
    if (byField.size > 0) postings.set(term, byField);
  });

  const columns = new Map<string, number[]>();
  const titles = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, doc: number) => {
    const list = map.get(key);
    if (!list) map.set(key, [doc]);
    else if (list[list.length - 1] !== doc) list.push(doc);
  };
  refs.forEach((ref, doc) => {
    const document = docStore[ref];
    if (!document) return;
    for (const key of ['title', 'name']) {
      const value: unknown = Reflect.get(document, key);
      if (typeof value === 'string') add(titles, value.toLowerCase(), doc);
    }
    // the KAML-D dataset collator writes `columns` as "name type, name type, ..."
    const columnList: unknown = Reflect.get(document, 'columns');
    if (typeof columnList === 'string') {
      for (const column of columnList.split(', ')) {
        const name = column.split(' ')[0];
        if (name) add(columns, name.toLowerCase(), doc);
      }
    }
  });
  const typed = (map: Map<string, number[]>) =>
    new Map([...map].map(([k, v]) => [k, Int32Array.from(v)]));
  return {
    index,
    refs,
    docOf,
    postings,
    terms: [...postings.keys()].sort(),
    columns: typed(columns),
    titles: typed(titles),
    scores: new Float64Array(refs.length),
    wordMasks: new Uint32Array(refs.length),
    touched: new Int32Array(refs.length),
  };
}

/** The index terms a query word matches: its stemmed form (weight 1) and terms it starts. */
export function expandWord(
  compiled: CompiledIndex,
  word: string,
): Array<[term: string, weight: number]> {
  const index = compiled.index as unknown as LunrIndexAttributes;
  const found = new Map<string, number>();
  for (const term of index.pipeline.runString(word)) {
    if (compiled.postings.has(term)) found.set(term, 1);
  }
  if (word.length >= MIN_PREFIX_LENGTH && !/^\p{N}+$/u.test(word)) {
    const { terms } = compiled;
    let low = 0;
    let high = terms.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (terms[mid] < word) low = mid + 1;
      else high = mid;
    }
    for (
      let i = low, n = 0;
      i < terms.length && n < MAX_PREFIX_TERMS && terms[i].startsWith(word);
      i++, n++
    ) {
      if (!found.has(terms[i])) found.set(terms[i], PREFIX_WEIGHT);
    }
  }
  return [...found];
}
