// Whose code a V8 CPU profile (node --cpu-prof) of a catalog backend spent its time in, for the
// discovery-catalog bench. KAML-D's code runs from one esbuild bundle whose `// <path>` comments
// mark where each source module starts; a sample is charged to KAML-D when any frame of its stack
// is in the bundle, to the part (provider, processors, shared library) of the OUTERMOST such frame
// (the call into KAML-D: the provider's refresh, a processor's hook), so what KAML-D calls into —
// the file system, YAML, ajv — counts as KAML-D's, except the catalog's own code (its
// applyMutation, its client), which is the catalog's processing. Samples of '(idle)' are left out.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const CATALOG_CODE = /\/@backstage\/plugin-catalog-(backend|node)\//;

export type Part = 'provider' | 'processors' | 'kaml-d library';

export interface ProfileShares {
  /**
   * Sampled time (ms) in the window that was not idle: the catalog's main thread at work (wall
   * time: on a loaded machine it includes time the thread was runnable but not running, for
   * KAML-D's samples and the others alike, so shares hold but these are not CPU times).
   */
  busyMs: number;
  byPart: Record<Part, number>;
  kamlDMs: number;
  /** Sampled ms of garbage collection, for reference. */
  gcMs: number;
  /** The calls into KAML-D that took most (module path without plugins/ : function, ms). */
  top: Array<{ frame: string; ms: number }>;
  /** Whether the window's bounds were inside the profile (same clock); else the whole profile counts. */
  windowed: boolean;
}

/** Module path of each bundle line (0-based), from the `// <path>` comments esbuild writes. */
function bundleSections(
  bundleFile: string,
): Array<{ line: number; path: string }> {
  const sections: Array<{ line: number; path: string }> = [];
  readFileSync(bundleFile, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const match =
        /^\/\/ ((?:\.\.\/)*(?:plugins|packages|node_modules)\/\S+)$/.exec(text);
      if (match) sections.push({ line, path: match[1] });
    });
  return sections;
}

function partOf(path: string): Part | undefined {
  if (path.includes('node_modules/')) return undefined;
  if (/catalog-backend-module-kaml-d\/src\/(providers|discovery)\//.test(path))
    return 'provider';
  if (/catalog-backend-module-kaml-d\/src\/(processor|media)\//.test(path))
    return 'processors';
  return 'kaml-d library';
}

export function profileShares(
  profileFile: string,
  bundleFile: string,
  fromUs: number,
  toUs: number,
): ProfileShares {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as Profile;
  const sections = bundleSections(bundleFile);
  const sectionAt = (line: number) => {
    let lo = 0;
    let hi = sections.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sections[mid].line <= line) {
        found = sections[mid].path;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const bundleName = bundleFile.split('/').pop()!;
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  // the part of the outermost KAML-D frame of each node's stack, top down from the root
  const part = new Map<number, { part: Part; frame: string } | undefined>();
  const root = profile.nodes[0];
  const stack: Array<{
    id: number;
    inherited?: { part: Part; frame: string };
  }> = [{ id: root.id }];
  while (stack.length) {
    const { id, inherited } = stack.pop()!;
    const node = byId.get(id)!;
    let own = inherited;
    // the catalog's own code called by KAML-D (the provider's applyMutation, its client) is the
    // catalog's processing: charged back to it, unless it calls KAML-D again (a processor)
    if (own && CATALOG_CODE.test(node.callFrame.url)) own = undefined;
    else if (own === undefined && node.callFrame.url.endsWith(bundleName)) {
      const path = sectionAt(node.callFrame.lineNumber);
      const p = path ? partOf(path) : undefined;
      if (p)
        own = {
          part: p,
          frame: `${path!.replace(/^plugins\//, '')}:${
            node.callFrame.functionName || '(anonymous)'
          }`,
        };
    }
    part.set(id, own);
    for (const child of node.children ?? [])
      stack.push({ id: child, inherited: own });
  }
  const frames = new Map<string, number>();
  const windowed =
    fromUs >= profile.startTime && toUs <= profile.endTime + 1_000_000;
  const byPart: Record<Part, number> = {
    provider: 0,
    processors: 0,
    'kaml-d library': 0,
  };
  let busyUs = 0;
  let gcUs = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    if (windowed && (at < fromUs || at > toUs)) continue;
    // a sample stands for the time until the next one
    const us = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i])!;
    const name = node.callFrame.functionName;
    if (name === '(idle)') continue;
    busyUs += us;
    if (name === '(garbage collector)') gcUs += us;
    const p = part.get(node.id);
    if (p) {
      byPart[p.part] += us;
      frames.set(p.frame, (frames.get(p.frame) ?? 0) + us);
    }
  }
  const ms = (us: number) => us / 1000;
  const kamlD = byPart.provider + byPart.processors + byPart['kaml-d library'];
  return {
    busyMs: ms(busyUs),
    byPart: {
      provider: ms(byPart.provider),
      processors: ms(byPart.processors),
      'kaml-d library': ms(byPart['kaml-d library']),
    },
    kamlDMs: ms(kamlD),
    gcMs: ms(gcUs),
    top: [...frames]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([frame, us]) => ({ frame, ms: ms(us) })),
    windowed,
  };
}
