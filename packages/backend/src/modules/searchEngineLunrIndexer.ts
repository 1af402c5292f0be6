import lunr from 'lunr';
import { BatchSearchEngineIndexer } from '@backstage/plugin-search-backend-node';

type IndexableDocument = Parameters<
  BatchSearchEngineIndexer['index']
>[0][number];

/**
 * The tokens Lunr's tokenizer cuts a string into with Backstage's separator
 * (`/[^\p{L}\p{N}]+/u`): runs of letters and digits. Lunr tests the separator on one UTF-16 unit
 * at a time, so a character outside the Basic Multilingual Plane (a surrogate pair) separates
 * tokens there; the lookahead keeps that.
 */
const TOKEN = /(?:(?=[\0-\uFFFF])[\p{L}\p{N}])+/gu;

/** Lunr's `utils.asString`. */
function asString(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/**
 * The token strings Lunr's tokenizer (with Backstage's separator) makes of a field value: array
 * elements whole, other values split into runs of letters and digits, all lowercased. The same
 * tokens as `lunr.tokenizer`, without its per-token objects and per-character regular expression.
 */
export function tokenize(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(v => asString(v).toLowerCase());
  return asString(value).toLowerCase().match(TOKEN) ?? [];
}

/**
 * Each token of a field value with its offset and length in the lowercased value (Lunr's
 * `position` metadata), for highlighting. Array values have no positions in Lunr, so none here.
 */
export function tokenPositions(
  value: unknown,
): Array<{ token: string; start: number; length: number }> {
  if (value === undefined || value === null || Array.isArray(value)) return [];
  const positions: Array<{ token: string; start: number; length: number }> = [];
  for (const m of asString(value).toLowerCase().matchAll(TOKEN)) {
    positions.push({ token: m[0], start: m.index, length: m[0].length });
  }
  return positions;
}

/** The pipeline Backstage's Lunr indexer runs on indexed tokens. */
export function createIndexPipeline(): lunr.Pipeline {
  const pipeline = new lunr.Pipeline();
  pipeline.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);
  return pipeline;
}

/**
 * A token → terms memo over a pipeline whose functions depend on the token's text only
 * (trimmer, stop word filter, stemmer): a vocabulary of column names repeats the same tokens in
 * every document, and Porter stemming is most of the cost of indexing them.
 */
export class TermCache {
  private readonly terms = new Map<string, string[]>();

  constructor(
    private readonly pipeline: lunr.Pipeline,
    private readonly maxSize = Infinity,
  ) {}

  of(token: string): string[] {
    let terms = this.terms.get(token);
    if (!terms) {
      terms = this.pipeline.runString(token);
      if (this.terms.size >= this.maxSize) this.terms.clear();
      this.terms.set(token, terms);
    }
    return terms;
  }
}

/**
 * The attributes of `lunr.Builder` (Lunr 2.3.9) that `add` fills; `@types/lunr` declares older
 * names for some of them.
 */
interface BuilderInternals {
  _ref: string;
  _fields: Record<
    string,
    { boost?: number; extractor?: (doc: object) => unknown }
  >;
  _documents: Record<string, object>;
  invertedIndex: Record<string, Record<string, unknown>>;
  fieldTermFrequencies: Record<string, Record<string, number>>;
  fieldLengths: Record<string, number>;
  documentCount: number;
  termIndex: number;
  metadataWhitelist: string[];
}

/**
 * What Lunr stores for one term in one field of one document when no metadata is whitelisted:
 * an empty object. One shared, frozen object instead of one per posting (tens of millions at
 * 50,000 datasets): Lunr only reads whitelisted keys from it.
 */
const NO_METADATA: object = Object.freeze(Object.create(null));
const NO_ATTRIBUTES: object = Object.freeze({});

/**
 * A `lunr.Builder` that keeps no token metadata (no term positions: highlights are computed from
 * the stored document for the page of results shown) and adds documents without Lunr's per-token
 * objects. It builds the same `lunr.Index` — terms, fields, term frequencies, BM25 field vectors,
 * token set — as Lunr's `add` with an empty `metadataWhitelist`.
 */
class PositionlessBuilder extends lunr.Builder {
  private readonly cache: TermCache;

  constructor() {
    super();
    this.pipeline.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);
    this.searchPipeline.add(lunr.stemmer);
    this.metadataWhitelist = [];
    this.cache = new TermCache(this.pipeline);
  }

  add(doc: object, attributes?: { boost?: number }): void {
    const self = this as unknown as BuilderInternals;
    const record = doc as Record<string, unknown>;
    const docRef = asString(record[self._ref]);
    const fields = Object.keys(self._fields);
    self._documents[docRef] = attributes ?? NO_ATTRIBUTES;
    self.documentCount += 1;
    for (const fieldName of fields) {
      const { extractor } = self._fields[fieldName];
      const value = extractor ? extractor(doc) : record[fieldName];
      const fieldRef = `${fieldName}/${docRef}`; // lunr.FieldRef#toString
      const fieldTerms: Record<string, number> = Object.create(null);
      self.fieldTermFrequencies[fieldRef] = fieldTerms;
      let length = 0;
      for (const token of tokenize(value)) {
        for (const term of this.cache.of(token)) {
          length += 1;
          fieldTerms[term] = (fieldTerms[term] ?? 0) + 1;
          let posting = self.invertedIndex[term] as
            | Record<string, Record<string, object> | number>
            | undefined;
          if (posting === undefined) {
            posting = Object.create(null) as Record<
              string,
              Record<string, object> | number
            >;
            posting._index = self.termIndex;
            self.termIndex += 1;
            for (const f of fields) posting[f] = Object.create(null);
            self.invertedIndex[term] = posting;
          }
          const byDoc = posting[fieldName] as Record<string, object>;
          if (byDoc[docRef] === undefined) byDoc[docRef] = NO_METADATA;
        }
      }
      self.fieldLengths[fieldRef] = length;
    }
  }
}

/**
 * The Lunr indexer of KAML-D's engine: what Backstage's `LunrSearchEngineIndexer` does (batches
 * of 1,000; same fields — the keys of the first document —, ref `location`, tokenizer separator
 * and pipelines, so the same terms and scores) with the index built by
 * {@link PositionlessBuilder}: no term positions, which are most of the memory of an index of
 * dataset documents with their columns. The builder is released once the index is built.
 * (Backstage declares `LunrSearchEngineIndexer` in its types but does not export the class, so
 * this extends the exported `BatchSearchEngineIndexer` it is built on.)
 */
export class KamlDLunrIndexer extends BatchSearchEngineIndexer {
  private lunrBuilder: PositionlessBuilder | undefined =
    new PositionlessBuilder();
  private fieldsDeclared = false;
  private readonly documents: Record<string, IndexableDocument> = {};

  constructor() {
    super({ batchSize: 1000 });
  }

  async initialize(): Promise<void> {}

  async finalize(): Promise<void> {}

  async index(documents: IndexableDocument[]): Promise<void> {
    const builder = this.lunrBuilder;
    if (!builder) throw new Error('The Lunr index was already built');
    if (!this.fieldsDeclared && documents.length > 0) {
      for (const field of Object.keys(documents[0])) builder.field(field);
      builder.ref('location');
      this.fieldsDeclared = true;
    }
    for (const document of documents) {
      builder.add(document);
      this.documents[document.location] = document;
    }
  }

  buildIndex(): lunr.Index {
    const builder = this.lunrBuilder;
    if (!builder) throw new Error('The Lunr index was already built');
    this.lunrBuilder = undefined;
    return builder.build();
  }

  getDocumentStore(): Record<string, IndexableDocument> {
    return this.documents;
  }
}
