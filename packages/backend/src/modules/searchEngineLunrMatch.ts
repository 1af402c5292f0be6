import {
  TermCache,
  createIndexPipeline,
  tokenPositions,
} from './searchEngineLunrIndexer';
import {
  CompiledIndex,
  IndexableDocument,
  LunrIndexAttributes,
  SEARCH_FIELD_BOOSTS,
  SearchQuery,
  queryWords,
} from './searchEngineLunrCompiled';

/*
 * Scoring, filtering, ordering and highlighting of the KAML-D Lunr engine's results over a
 * compiled index.
 */

/** Tokens → indexed terms for highlighting (the indexer's pipeline; bounded). */
const highlightTerms = new TermCache(createIndexPipeline(), 100_000);

/** A document that matched: its score tier (exact column/title), words matched and score. */
export interface Match {
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
export interface IndexMatches {
  top: Match[];
  /** documents matching at least one word */
  total: number;
  /** documents matching every word */
  allWordsTotal: number;
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
export function allowedDocuments(
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

export function matchIndex(
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
export function compareMatches(a: Match, b: Match): number {
  return b.tier - a.tier || b.words - a.words || b.score - a.score;
}

/**
 * Highlighted fields of one result, as Lunr's engine shows them: in each field of the document
 * where a matched term is indexed, every token whose indexed term matched is wrapped in the tags
 * (positions in the lowercased value, as Lunr records them; array values are not highlighted).
 * Computed from the stored document, for the page of results only.
 */
export function highlightFields(
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
export function decodePage(cursor: string | undefined): number {
  if (!cursor) return 0;
  const page = Number(Buffer.from(cursor, 'base64').toString('utf-8'));
  return Number.isInteger(page) && page >= 0 ? page : 0;
}

export function encodePage(page: number): string {
  return Buffer.from(`${page}`, 'utf-8').toString('base64');
}
