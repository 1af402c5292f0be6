/**
 * Initial JavaScript of the portal's app bundle with the KAML-D plugins vs without them.
 *
 * Builds packages/app twice in this run: as it is, and as a copy whose `src/kamlDFeatures.ts`
 * installs no KAML-D plugin (the only difference between the two apps). "Initial JavaScript" is
 * what a browser downloads before the first render: the scripts index.html references. Lazy
 * chunks (pages, tabs, cards loaded on navigation) are reported but not part of the ratio.
 *
 * Ends with `bundle-size: <with/without>`; target ≤ 1.05.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'bench', '.out');
const appDir = join(root, 'packages', 'app');
const baselineDir = join(out, 'app-without-kaml-d');

interface BundleFigures {
  initialBytes: number;
  initialGzipBytes: number;
  totalJsBytes: number;
  initialFiles: number;
}

function build(dir: string): void {
  // the CLI binary itself: the baseline copy is not a workspace, so `yarn backstage-cli` refuses it
  execFileSync(join(root, 'node_modules', '.bin', 'backstage-cli'), ['package', 'build'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function measure(dist: string): BundleFigures {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map(m => m[1]);
  let initialBytes = 0;
  let initialGzipBytes = 0;
  for (const src of scripts) {
    const file = join(dist, src.replace(/^.*?\/static\//, 'static/'));
    const body = readFileSync(file);
    initialBytes += body.length;
    initialGzipBytes += gzipSync(body).length;
  }
  const staticDir = join(dist, 'static');
  const totalJsBytes = readdirSync(staticDir)
    .filter(f => f.endsWith('.js'))
    .reduce((sum, f) => sum + statSync(join(staticDir, f)).size, 0);
  return { initialBytes, initialGzipBytes, totalJsBytes, initialFiles: scripts.length };
}

function prepareBaseline(): void {
  rmSync(baselineDir, { recursive: true, force: true });
  cpSync(appDir, baselineDir, {
    recursive: true,
    filter: src => !/\/(node_modules|dist|dist-types)(\/|$)/.test(src.slice(appDir.length)),
  });
  // the app's own unhoisted dependencies, if any, resolve as they do for packages/app
  if (existsSync(join(appDir, 'node_modules'))) {
    symlinkSync(join(appDir, 'node_modules'), join(baselineDir, 'node_modules'));
  }
  writeFileSync(
    join(baselineDir, 'src', 'kamlDFeatures.ts'),
    '/** Baseline of the bundle-size benchmark: no KAML-D plugin. */\nexport const kamlDFeatures = [];\n',
  );
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

prepareBaseline();
const t0 = Date.now();
build(appDir);
const withKaml = measure(join(appDir, 'dist'));
const t1 = Date.now();
build(baselineDir);
const without = measure(join(baselineDir, 'dist'));
const t2 = Date.now();

console.log(`build with KAML-D:    ${((t1 - t0) / 1000).toFixed(0)} s`);
console.log(`build without KAML-D: ${((t2 - t1) / 1000).toFixed(0)} s`);
console.log(`initial JS with KAML-D:    ${kb(withKaml.initialBytes)} (${kb(withKaml.initialGzipBytes)} gzip, ${withKaml.initialFiles} files)`);
console.log(`initial JS without KAML-D: ${kb(without.initialBytes)} (${kb(without.initialGzipBytes)} gzip, ${without.initialFiles} files)`);
console.log(`all JS (incl. lazy chunks) with / without: ${kb(withKaml.totalJsBytes)} / ${kb(without.totalJsBytes)}`);
console.log(`gzip ratio: ${(withKaml.initialGzipBytes / without.initialGzipBytes).toFixed(4)}`);
console.log(`bundle-size: ${(withKaml.initialBytes / without.initialBytes).toFixed(4)}`);
