// KAML-D's embedded search engine. It is kept over Backstage's own Lunr engine for its measured
// margin (≈ 230× lower CPU p95 per query at 10,000 datasets; see the class comment and
// bench/search-lunr-datasets.bench.ts, which prints the margin on every run).
import {
  LunrSearchEngine,
  LunrSearchEngineIndexer,
  MissingIndexError,
} from '@backstage/plugin-search-backend-node';
import { KamlDLunrIndexer } from './searchEngineLunrIndexer';
import {
  CompiledIndex,
  IndexableResultSet,
  LunrIndex,
  SearchQuery,
  compileIndex,
  expandWord,
  queryWords,
} from './searchEngineLunrCompiled';
import {
  allowedDocuments,
  compareMatches,
  decodePage,
  encodePage,
  highlightFields,
  matchIndex,
} from './searchEngineLunrMatch';

export { SEARCH_FIELD_BOOSTS, queryWords } from './searchEngineLunrCompiled';

const DEFAULT_PAGE_SIZE = 25;

/**
 * The embedded default search engine (Backstage's `LunrSearchEngine`: a Lunr index per document
 * type, same fields, terms, scores and result shape) made to stay fast on tens of thousands of
 * documents:
 *
 * - the index keeps no term positions ({@link KamlDLunrIndexer}): highlights are computed from the
 *   stored documents of the page of results returned, so an index of 50,000 datasets with their
 *   columns needs a small part of the memory and build time;
 * - each query word matches its exact (stemmed) term and at most 32 terms
 *   it starts, in the `SEARCH_FIELD_BOOSTS` fields only — no edit-distance expansion of
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
 *
 * Why it is kept instead of Backstage's engine: `bench/search-lunr-datasets.bench.ts` measures
 * both on the same 10,000 dataset documents and prints the margin; on 2026-11-26 Backstage's
 * engine took CPU p95 1.31–1.37 s per query against 5.1–5.9 ms here (≈ 230×; wall p95 3.8–5.2 s
 * against 18–21 ms), 9.7 s of CPU and 893 MB of heap to build against 6 s and 168 MB, and could
 * not build 50,000 documents in an 8 GB heap. The engine stays only while that margin is ≥ 10×.
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
