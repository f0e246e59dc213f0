// Part of `npm run build`, last: bundles the package's entry points — `bin` and every `exports`
// target in package.json — from tsc's output into the same files, with the modules they share in
// dist/chunks/. Node loads one bundle in about a third of the time it takes to load the ~300
// modules (ours, zod's, yaml's …) one by one, and every command starts with that load (issue 17).
// The entry files keep their paths, so package.json needs no change; the other files tsc wrote
// stay for deep imports (bench scripts) and beside their .d.ts files.
//
// Left out of the bundle: esbuild (finds its native binary from its own folder), the Anthropic
// SDK (loaded only for live runs), and the peer and test-only packages.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const targets = [
  ...Object.values(pkg.bin ?? {}),
  ...Object.values(pkg.exports ?? {}).map((target) => (typeof target === 'string' ? target : (target.default ?? target.import))),
];
const entryPoints = [
  ...new Set(targets.filter((target) => typeof target === 'string').map((target) => target.replace(/^\.\//, ''))),
].filter((target) => target.startsWith('dist/') && target.endsWith('.js'));

await build({
  absWorkingDir: root,
  entryPoints,
  outdir: 'dist',
  outbase: 'dist',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['esbuild', '@anthropic-ai/sdk', 'vitest', 'playwright-core'],
  // CommonJS dependencies call require(); in an ES module bundle it has to be made.
  banner: { js: "import { createRequire as __promptgoldCreateRequire } from 'node:module';\nconst require = __promptgoldCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`bundled ${entryPoints.join(', ')}`);
