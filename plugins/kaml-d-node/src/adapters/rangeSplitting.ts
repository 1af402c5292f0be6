import { compareKeys, keyBetween } from './keyOrder';
import {
  boundsInside,
  KeyRange,
  knownSplit,
  MIN_SPLIT_KEYS,
  PAGE_KEYS,
  probe,
  RangeWalk,
  splitRange,
} from './keyRanges';

/** Ranges still listing that have listed a full page (likely to go on), the longest listed first. */
function splitCandidates(active: Set<KeyRange>): KeyRange[] {
  return [...active]
    .filter(r => !r.done && r.listed >= PAGE_KEYS)
    .sort((a, b) => b.listed - a.listed);
}

/**
 * The folders a range's position is in to list for split points, outermost first: the root,
 * and the folders below it only once a page of keys has been counted in the one below the root.
 */
function foldersAround(walk: RangeWalk, range: KeyRange): string[] {
  const { root } = walk;
  const position = range.position;
  const folders = [root];
  if (range.inTop >= PAGE_KEYS) {
    for (
      let slash = position.indexOf('/', root.length);
      slash >= 0;
      slash = position.indexOf('/', slash + 1)
    ) {
      folders.push(position.slice(0, slash + 1));
    }
  }
  return folders;
}

/**
 * Where to list the folder from for split points inside the rest of the range: the position, or
 * past what an earlier listing of it saw; undefined when it was listed past the range already.
 */
function probeFrom(
  walk: RangeWalk,
  folder: string,
  range: KeyRange,
  position: string,
): string | undefined {
  const seen = walk.probed.get(folder);
  const pending =
    seen === undefined ||
    (seen !== true &&
      (range.until === undefined || compareKeys(seen, range.until) < 0));
  if (!pending) return undefined;
  return seen === undefined || compareKeys(seen, position) < 0
    ? position
    : seen;
}

/**
 * In a folder of objects only: a key half-way between the range's position and the end of the
 * folder `position` (where the range was when the search began) is in.
 */
function splitInFolder(
  range: KeyRange,
  position: string,
): KeyRange | undefined {
  const folderEnd = `${position.slice(0, position.lastIndexOf('/') + 1)}\u007f`;
  const end =
    range.until !== undefined && compareKeys(range.until, folderEnd) < 0
      ? range.until
      : folderEnd;
  const at = keyBetween(range.position, end);
  return at ? splitRange(range, at) : undefined;
}

/**
 * Work for an idle listing: part of the active range most worth splitting, or undefined. First
 * at a known sub-prefix inside a long range; else at one found by listing, one page each, the
 * folders the longest range with no known sub-prefix ahead is in; else, in a big folder of
 * objects only, at a key half-way to its end.
 */
export async function stealWork(
  walk: RangeWalk,
  active: Set<KeyRange>,
): Promise<KeyRange | undefined> {
  const victims = splitCandidates(active);
  for (const victim of victims) {
    // a range a page or more into one dataset: its sub-folders are the split points to use
    // before the datasets after it
    if (
      victim.inTop >= PAGE_KEYS &&
      victim.top !== walk.root &&
      !walk.probed.has(victim.top)
    ) {
      await probe(walk, victim.top, victim.position);
    }
    const known = knownSplit(walk, victim);
    if (known) return splitRange(victim, known);
  }
  // no known sub-prefix inside any: look for some in the rest of the longest range whose
  // rest is unknown territory (past the sub-prefixes of the root listed so far) or a big folder
  const victim = victims.find(r => {
    const { from, to } = boundsInside(walk, r);
    return from >= to;
  });
  if (!victim) return undefined;
  // each folder from the position on, until one has a sub-folder inside
  const position = victim.position;
  for (const folder of foldersAround(walk, victim)) {
    if (victim.done) return undefined;
    const from = probeFrom(walk, folder, victim, position);
    if (from !== undefined) {
      await probe(walk, folder, from);
      const known = knownSplit(walk, victim);
      if (known) return splitRange(victim, known);
    }
  }
  if (victim.done || victim.inFolder < MIN_SPLIT_KEYS) return undefined;
  return splitInFolder(victim, position);
}
