import {
  LunrSearchEngine,
  LunrSearchEngineIndexer,
  MissingIndexError,
} from '@backstage/plugin-search-backend-node';
import {
  KamlDLunrIndexer,
  TermCache,
  createIndexPipeline,
  tokenPositions,
  tokenize,
} from './searchEngineLunrIndexer';

type SearchQuery = Parameters<LunrSearchEngine['query']>[0];
type IndexableResultSet = Awaited<ReturnType<LunrSearchEngine['query']>>;
type IndexableDocument = IndexableResultSet['results'][number]['document'];
type LunrIndex = ReturnType<LunrSearchEngineIndexer['buildIndex']>;

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
const DEFAULT_PAGE_SIZE = 25;
/** Tokens → indexed terms for highlighting (the indexer's pipeline; bounded). */
const highlightTerms = new TermCache(createIndexPipeline(), 100_000);

/**
 * What Lunr 2 keeps in an index (the attributes of `lunr.Index`, as `lunr.Index.load` takes
 * them): per term, its vector position and per field the documents having it; per `field/ref`,
 * the BM25 weight of each term.
 */
interface LunrIndexAttributes {
  fields: string[];
  invertedIndex: Record<
    string,
    { _index: number } & Record<string, Record<string, object>>
  >;
  fieldVectors: Record<string, { elements: number[] }>;
  pipeline: { runString(value: string): string[] };
}

/** One term's documents and weights in one field. */
interface Postings {
  docs: Int32Array;
  weights: Float32Array;
}

/** An index compiled for fast scoring: documents numbered, postings as typed arrays. */
interface CompiledIndex {
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

/**
 * The embedded default search engine (Backstage's `LunrSearchEngine`: a Lunr index per document
 * type, same fields, terms, scores and result shape) made to stay fast on tens of thousands of
 * documents:
 *
 * - the index keeps no term positions ({@link KamlDLunrIndexer}): highlights are computed from the
 *   stored documents of the page of results returned, so an index of 50,000 datasets with their
 *   columns needs a small part of the memory and build time;
 * - each query word matches its exact (stemmed) term and at most {@link MAX_PREFIX_TERMS} terms
 *   it starts, in the {@link SEARCH_FIELD_BOOSTS} fields only — no edit-distance expansion of
 *   every word, which makes Lunr look up thousands of terms;
 * - documents must match every word (all words are required); when none does, documents
 *   matching the most words come first;
 * - documents having a column named exactly as the query, or titled so, rank first;
 * - scoring runs over postings compiled once per index into typed arrays, into buffers reused by
 *   every query (Lunr's own query builds match metadata for every posting of every term before
 *   it pages), then only the requested page is looked up and highlighted.
 *
 * An empty term lists the documents matching the filters (all of them without filters), in
 * index order, as Lunr does.
 */
export class KamlDLunrSearchEngine extends LunrSearchEngine {
  private readonly compiled = new WeakMap<LunrIndex, CompiledIndex>();

  /** Backstage's engine `getIndexer`, with KAML-D's indexer and the index compiled when swapped in. */
  async getIndexer(type: string): Promise<LunrSearchEngineIndexer> {
    const indexer = new KamlDLunrIndexer();
    const logger = this.logger.child({ documentType: type });
    let errorThrown: Error | undefined;
    indexer.on('error', (error: Error) => {
      errorThrown = error;
    });
    indexer.on('close', () => {
      const documents = indexer.getDocumentStore();
      const replacing = this.lunrIndices[type] !== undefined;
      if (errorThrown || Object.keys(documents).length === 0) {
        logger.warn(
          `Index for ${type} was not ${replacing ? 'replaced' : 'created'}: ${
            errorThrown
              ? 'an error was encountered'
              : 'indexer received 0 documents'
          }`,
        );
        return;
      }
      try {
        const index = indexer.buildIndex();
        this.docStore = { ...this.docStore, ...documents };
        this.compile(index);
        this.lunrIndices[type] = index;
      } catch (error) {
        logger.error(`Index for ${type} could not be built`, error as Error);
      }
    });
    // the search backend uses an indexer as the writable stream it is; the base class's return
    // type names Backstage's Lunr indexer class, which the package does not export
    return indexer as unknown as LunrSearchEngineIndexer;
  }

  async query(query: SearchQuery): Promise<IndexableResultSet> {
    const words = queryWords(query.term);
    const pageSize = query.pageLimit || DEFAULT_PAGE_SIZE;
    const types = Object.keys(this.lunrIndices).filter(
      type => !query.types || query.types.includes(type),
    );
    if (query.types?.length && !types.length) {
      throw new MissingIndexError(
        `Missing index for ${query.types.toString()}. This could be because the index hasn't been created yet or there was a problem during index creation.`,
      );
    }

    const page = decodePage(query.pageCursor);
    const offset = page * pageSize;
    const compiled = types.map(type => this.compile(this.lunrIndices[type]));
    if (words.length === 0) {
      return this.filtersOnly(query, types, compiled, page, pageSize);
    }
    const expanded = compiled.map(c => words.map(word => expandWord(c, word)));
    // words in no document of any searched type (stop words, typos) do not count
    const effective = words
      .map((_, w) => w)
      .filter(w => expanded.some(terms => terms[w].length > 0))
      .slice(0, 32);
    if (effective.length === 0) {
      return { results: [], numberOfResults: 0 };
    }
    const perType = types.map((type, t) =>
      matchIndex(
        compiled[t],
        type,
        query,
        effective.map(w => expanded[t][w]),
        offset + pageSize,
      ),
    );
    // documents matching every word when there are any, else those matching the most words
    const allWords = perType.some(m => m.allWordsTotal > 0);
    const total = perType.reduce(
      (sum, m) => sum + (allWords ? m.allWordsTotal : m.total),
      0,
    );
    const kept = perType
      .flatMap(m => m.top)
      .filter(m => !allWords || m.words === m.wordCount);
    kept.sort(compareMatches);

    const pageMatches = kept.slice(offset, offset + pageSize);
    return {
      results: pageMatches.map((match, i) => {
        const document = this.docStore[match.ref];
        return {
          type: match.type,
          document,
          rank: offset + i + 1,
          highlight: {
            preTag: this.highlightPreTag,
            postTag: this.highlightPostTag,
            fields: highlightFields(
              this.compile(this.lunrIndices[match.type]),
              match,
              document,
              this.highlightPreTag,
              this.highlightPostTag,
            ),
          },
        };
      }),
      numberOfResults: total,
      nextPageCursor:
        total > offset + pageSize ? encodePage(page + 1) : undefined,
      previousPageCursor: page > 0 ? encodePage(page - 1) : undefined,
    };
  }

  /** An empty term: the documents matching the filters, type by type, in index order. */
  private filtersOnly(
    query: SearchQuery,
    types: string[],
    compiled: CompiledIndex[],
    page: number,
    pageSize: number,
  ): IndexableResultSet {
    const offset = page * pageSize;
    const pageResults: IndexableResultSet['results'] = [];
    let total = 0;
    types.forEach((type, t) => {
      const allowed = allowedDocuments(compiled[t], query);
      if (allowed === null) return;
      const count = allowed ? allowed.length : compiled[t].refs.length;
      for (
        let i = Math.max(0, offset - total);
        i < count && pageResults.length < pageSize;
        i++
      ) {
        const doc = allowed ? allowed[i] : i;
        pageResults.push({
          type,
          document: this.docStore[compiled[t].refs[doc]],
          rank: offset + pageResults.length + 1,
          highlight: {
            preTag: this.highlightPreTag,
            postTag: this.highlightPostTag,
            fields: {},
          },
        });
      }
      total += count;
    });
    return {
      results: pageResults,
      numberOfResults: total,
      nextPageCursor:
        total > offset + pageSize ? encodePage(page + 1) : undefined,
      previousPageCursor: page > 0 ? encodePage(page - 1) : undefined,
    };
  }

  /** The compiled form of an index (built once per index the engine swaps in). */
  private compile(index: LunrIndex): CompiledIndex {
    let compiled = this.compiled.get(index);
    if (!compiled) {
      compiled = compileIndex(index, this.docStore);
      this.compiled.set(index, compiled);
    }
    return compiled;
  }
}

/** A document that matched: its score tier (exact column/title), words matched and score. */
interface Match {
  type: string;
  ref: string;
  doc: number;
  tier: number;
  words: number;
  wordCount: number;
  score: number;
  /** The index terms that matched, for highlighting. */
  terms: string[];
}

/** What one index contributes: its best matches and how many there are. */
interface IndexMatches {
  top: Match[];
  /** documents matching at least one word */
  total: number;
  /** documents matching every word */
  allWordsTotal: number;
}

/** The query's words, split and lowercased like the indexer does (Lunr's trimmer applied). */
export function queryWords(term: string): string[] {
  return tokenize(term)
    .map(word => word.replace(/^\W+/, '').replace(/\W+$/, ''))
    .filter(Boolean);
}

function compileIndex(
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
function expandWord(
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

/** The documents of one filter (all its words in the field), or undefined for no restriction. */
function filterDocuments(
  compiled: CompiledIndex,
  field: string,
  value: unknown,
): Set<number> | undefined {
  const values = (Array.isArray(value) ? value : [value]).filter(one =>
    ['string', 'number', 'boolean'].includes(typeof one),
  );
  if (values.length === 0) return undefined; // as Lunr: other values do not filter
  const allowed = new Set<number>();
  const lunrIndex = compiled.index as unknown as LunrIndexAttributes;
  for (const one of values) {
    let docs: Set<string> | undefined;
    for (const word of queryWords(String(one))) {
      const terms = lunrIndex.pipeline.runString(word);
      const refs = new Set<string>();
      for (const term of terms) {
        for (const ref of Object.keys(
          lunrIndex.invertedIndex[term]?.[field] ?? {},
        )) {
          refs.add(ref);
        }
      }
      if (terms.every(t => !lunrIndex.invertedIndex[t])) continue; // a stop word
      docs = docs ? new Set([...docs].filter(r => refs.has(r))) : refs;
    }
    if (!docs) return undefined; // only stop words: no restriction, as in Lunr
    for (const ref of docs) {
      const doc = compiled.docOf.get(ref);
      if (doc !== undefined) allowed.add(doc);
    }
  }
  return allowed;
}

/**
 * The documents matching every filter of the query, in index order; undefined when the filters
 * do not restrict; null when the index lacks a filtered field (as Lunr: nothing of that type).
 */
function allowedDocuments(
  compiled: CompiledIndex,
  query: SearchQuery,
): Int32Array | undefined | null {
  const lunrIndex = compiled.index as unknown as LunrIndexAttributes;
  let allowed: Set<number> | undefined;
  for (const [field, value] of Object.entries(query.filters ?? {})) {
    if (!lunrIndex.fields.includes(field)) return null;
    const docs = filterDocuments(compiled, field, value);
    if (docs) {
      allowed = allowed ? new Set([...allowed].filter(d => docs.has(d))) : docs;
    }
  }
  return allowed && Int32Array.from(allowed).sort();
}

function matchIndex(
  compiled: CompiledIndex,
  type: string,
  query: SearchQuery,
  expanded: Array<Array<[term: string, weight: number]>>,
  limit: number,
): IndexMatches {
  const allowedList = allowedDocuments(compiled, query);
  if (allowedList === null) return { top: [], total: 0, allWordsTotal: 0 };
  const allowed = allowedList && new Set(allowedList);

  const { scores, wordMasks, touched } = compiled;
  let touchedCount = 0;
  expanded.forEach((terms, w) => {
    const bit = 1 << w;
    for (const [term, weight] of terms) {
      for (const [field, postings] of compiled.postings.get(term) ?? []) {
        const boost = weight * (SEARCH_FIELD_BOOSTS[field] ?? 1);
        const { docs, weights } = postings;
        for (let i = 0; i < docs.length; i++) {
          const doc = docs[i];
          if (wordMasks[doc] === 0) touched[touchedCount++] = doc;
          wordMasks[doc] |= bit;
          scores[doc] += boost * weights[i];
        }
      }
    }
  });

  const phrase = queryWords(query.term).join(' ');
  const rawTerm = query.term.trim().toLowerCase();
  const tiers = new Map<number, number>();
  for (const doc of compiled.columns.get(rawTerm) ?? []) tiers.set(doc, 1);
  for (const key of new Set([rawTerm, phrase])) {
    for (const doc of compiled.titles.get(key) ?? []) tiers.set(doc, 2);
  }

  const wordCount = expanded.length;
  const full = wordCount === 32 ? 0xffffffff : 2 ** wordCount - 1;
  const matchedTerms = expanded.flatMap(terms => terms.map(([t]) => t));
  const wordsOf = (doc: number) => {
    let matched = 0;
    for (let mask = wordMasks[doc]; mask; mask &= mask - 1) matched++;
    return matched;
  };
  let total = 0;
  let allWordsTotal = 0;
  for (let i = 0; i < touchedCount; i++) {
    const doc = touched[i];
    if (allowed && !allowed.has(doc)) continue;
    total++;
    if (wordMasks[doc] === full) allWordsTotal++;
  }
  // the best `limit` candidates, kept in a small sorted array (limit is a page or a few)
  const top: Match[] = [];
  for (let i = 0; i < touchedCount; i++) {
    const doc = touched[i];
    if (allowed && !allowed.has(doc)) continue;
    if (allWordsTotal > 0 && wordMasks[doc] !== full) continue;
    const tier = tiers.get(doc) ?? 0;
    const score = scores[doc];
    const words = allWordsTotal > 0 ? wordCount : wordsOf(doc);
    if (top.length === limit) {
      // not better than the worst kept: skip without allocating (compareMatches order)
      const worst = top[top.length - 1];
      if (
        tier < worst.tier ||
        (tier === worst.tier &&
          (words < worst.words ||
            (words === worst.words && score <= worst.score)))
      ) {
        continue;
      }
    }
    const match: Match = {
      type,
      ref: compiled.refs[doc],
      doc,
      tier,
      words,
      wordCount,
      score,
      terms: matchedTerms,
    };
    let at = top.length;
    while (at > 0 && compareMatches(match, top[at - 1]) < 0) at--;
    if (at >= limit) continue;
    top.splice(at, 0, match);
    if (top.length > limit) top.pop();
  }
  for (let i = 0; i < touchedCount; i++) {
    const doc = touched[i];
    scores[doc] = 0;
    wordMasks[doc] = 0;
  }
  return { top, total, allWordsTotal };
}

/** Order of results: exact column/title first, then more words matched, then score. */
function compareMatches(a: Match, b: Match): number {
  return b.tier - a.tier || b.words - a.words || b.score - a.score;
}

/**
 * Highlighted fields of one result, as Lunr's engine shows them: in each field of the document
 * where a matched term is indexed, every token whose indexed term matched is wrapped in the tags
 * (positions in the lowercased value, as Lunr records them; array values are not highlighted).
 * Computed from the stored document, for the page of results only.
 */
function highlightFields(
  compiled: CompiledIndex,
  match: Match,
  document: IndexableDocument,
  preTag: string,
  postTag: string,
): Record<string, string> {
  const lunrIndex = compiled.index as unknown as LunrIndexAttributes;
  const matched = new Set(match.terms);
  const fields: Record<string, string> = {};
  for (const field of lunrIndex.fields) {
    const value: unknown = Reflect.get(document, field);
    if (!['string', 'number', 'boolean'].includes(typeof value)) continue;
    let found = false;
    for (const term of matched) {
      if (lunrIndex.invertedIndex[term]?.[field]?.[match.ref] !== undefined) {
        found = true;
        break;
      }
    }
    if (!found) continue;
    const text = String(value);
    let highlighted = '';
    let end = 0;
    for (const { token, start, length } of tokenPositions(text)) {
      if (!highlightTerms.of(token).some(term => matched.has(term))) continue;
      highlighted += `${text.substring(end, start)}${preTag}${text.substring(
        start,
        start + length,
      )}${postTag}`;
      end = start + length;
    }
    if (end > 0) fields[field] = highlighted + text.substring(end);
  }
  return fields;
}

/** Page cursors as Lunr's engine writes them (the page number, base64). */
function decodePage(cursor: string | undefined): number {
  if (!cursor) return 0;
  const page = Number(Buffer.from(cursor, 'base64').toString('utf-8'));
  return Number.isInteger(page) && page >= 0 ? page : 0;
}

function encodePage(page: number): string {
  return Buffer.from(`${page}`, 'utf-8').toString('base64');
}
