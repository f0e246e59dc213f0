// Part of `npm run build`, last: bundles the package's entry points — `bin` and every `exports`
// target in package.json — from tsc's output into the same files, with the modules they share in
// dist/chunks/. Node 20 spends about half a millisecond on each file it loads, and every command
// starts with that load (issue 17).
//
// The CLI and a suite's `import 'promptgold'` (or 'promptgold/vitest' …) must share ONE instance
// of each module (registries, classes used with instanceof), so the entries are bundled together
// with esbuild's code splitting. Left to itself, splitting makes a chunk for every set of entries
// and lazily imported modules that reach a module, and `promptgold run` loaded ~60 of them. So:
//
// - The core is what `promptgold run` loads before its first sample: the CLI's main.js, the run
//   command, the package's root entry (what a suite imports), and everything they import statically.
// - Every other way into the core goes through a door: the root entry, a dynamic import of a core
//   module, and an import of a core module from outside the core (another command, the HTML report,
//   the vitest entries …) each become a small module that re-exports that module's exports from one
//   module re-exporting the whole core (under prefixed names). esbuild then sees every core module
//   reached by the same entries and puts them all in one chunk. Only main.js imports its few core
//   modules (errors, version …) directly, so that `--help` loads them and not the whole core.
// - Everything outside the core is split by esbuild as before.
//
// The entry files keep their paths, so package.json needs no change; the other files tsc wrote
// stay for deep imports (bench scripts) and beside their .d.ts files.
//
// Left out of the bundle: esbuild (finds its native binary from its own folder), the Anthropic
// SDK (loaded only for live runs), and the peer and test-only packages.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const BIN = 'dist/cli/main.js';
const ROOT_ENTRY = 'dist/index.js';
/** What `promptgold run` loads; the core is these and everything they import statically. */
const CORE_SEEDS = [BIN, ROOT_ENTRY, 'dist/cli/commands/run.js'];
const CORE = 'promptgold:core';

const targets = [
  ...Object.values(pkg.bin ?? {}),
  ...Object.values(pkg.exports ?? {}).map((target) => (typeof target === 'string' ? target : (target.default ?? target.import))),
];
const entryPoints = [
  ...new Set(targets.filter((target) => typeof target === 'string').map((target) => target.replace(/^\.\//, ''))),
].filter((target) => target.startsWith('dist/') && target.endsWith('.js'));

const options = {
  absWorkingDir: root,
  outdir: 'dist',
  outbase: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['esbuild', '@anthropic-ai/sdk', 'vitest', 'playwright-core'],
  logLevel: 'warning',
};

// The module graph, paths relative to the package root as esbuild's metafile names them.
const graph = (await build({ ...options, entryPoints, write: false, metafile: true })).metafile.inputs;
const core = staticClosure(CORE_SEEDS);
const doors = new Set([ROOT_ENTRY]);
for (const [path, { imports }] of Object.entries(graph)) {
  for (const { path: target, kind } of imports) {
    if (core.has(target) && target.startsWith('dist/') && (!core.has(path) || kind === 'dynamic-import')) doors.add(target);
  }
}
const exportsOf = await exportNames([...doors].sort());
const coreModule = [...doors]
  .sort()
  .map((path) => `export { ${exportsOf.get(path).map((name) => `${quoted(name)} as ${doorName(path, name)}`).join(', ')} } from './${path}';`)
  .join('\n');

const bundled = await build({
  ...options,
  metafile: true,
  entryPoints: entryPoints.map((entry) => ({ in: entry, out: entry.replace(/^dist\//, '').replace(/\.js$/, '') })),
  allowOverwrite: true,
  // CommonJS dependencies call require(); in an ES module bundle it has to be made.
  banner: { js: "import { createRequire as __promptgoldCreateRequire } from 'node:module';\nconst require = __promptgoldCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  legalComments: 'none',
  plugins: [
    {
      // handlebars require()s source-map (64 kB) for its SourceNode, which it needs only to write
      // source maps of templates compiled with a `srcName`; promptgold never gives one. When the
      // require yields no SourceNode, handlebars builds template code with its own small string
      // builder, as it does in browsers: the code differs (no hoisted `aliasN` variables) but
      // renders the same text and gives the same strict-mode errors (issue 17: every run compiled
      // source-map for nothing). vitest runs src/ against the real module, so the test suite
      // renders through both paths.
      name: 'handlebars-without-source-map',
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /^source-map$/ }, async (args) => {
          if (args.pluginData === 'resolving' || !/[\\/]handlebars[\\/]/.test(args.importer)) return undefined;
          // The real path, so that the source map names a file under node_modules.
          const result = await pluginBuild.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' });
          // The suffix gives the empty module an identity of its own: esbuild knows a module by path
          // and suffix, so another package requiring source-map would still get the real one.
          return { path: result.path, suffix: '?empty', pluginData: 'empty' };
        });
        pluginBuild.onLoad({ filter: /[\\/]source-map\.js$/ }, (args) => (args.pluginData === 'empty' ? { contents: 'module.exports = {};', loader: 'js' } : undefined));
      },
    },
    {
      name: 'core-doors',
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /^promptgold:core$/ }, () => ({ path: CORE, namespace: 'promptgold-core' }));
        pluginBuild.onLoad({ filter: /.*/, namespace: 'promptgold-core' }, () => ({ contents: coreModule, resolveDir: root, loader: 'js' }));
        pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
          if (args.namespace !== 'file' || args.pluginData === 'resolving') return undefined;
          const target = await resolved(pluginBuild, args);
          if (!doors.has(target)) return undefined;
          const importer = args.importer && relative(root, args.importer).split(sep).join('/');
          const through = args.kind === 'entry-point' || args.kind === 'dynamic-import' || !core.has(importer);
          return through ? { path: target, namespace: 'promptgold-door' } : undefined;
        });
        pluginBuild.onLoad({ filter: /.*/, namespace: 'promptgold-door' }, (args) => ({
          contents: `export { ${exportsOf.get(args.path).map((name) => `${doorName(args.path, name)} as ${quoted(name)}`).join(', ')} } from '${CORE}';\n`,
          resolveDir: root,
          loader: 'js',
        }));
      },
    },
  ],
});
await escapeNonAscii(Object.keys(bundled.metafile.outputs).filter((path) => path.endsWith('.js')));
console.log(`bundled ${entryPoints.join(', ')}; the core: ${[...core].filter((path) => path.startsWith('dist/')).length} of our modules, ${doors.size} with a door`);

/**
 * Leaves every bundled file ASCII. Node keeps a module's source in one byte per character only
 * when every character fits in Latin-1; a single dash or ellipsis makes the whole file two bytes per
 * character, slower to decode and to compile (the core by ~15% of its load, issue 17). esbuild
 * escapes such characters in strings, names and templates but copies comments and regular
 * expressions as written, so the ones in comments are escaped here. The code with comments dropped
 * must come out the same, so nothing else is touched: a non-ASCII character in a regular expression
 * stops the build (write it as a \u escape in the source).
 */
async function escapeNonAscii(paths) {
  for (const path of paths.map((output) => `${root}${output}`)) {
    const code = readFileSync(path, 'utf8');
    if (!/[^\x00-\x7f]/.test(code)) continue;
    const escaped = code.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const [before, after] = await Promise.all([code, escaped].map((text) => transform(text, { loader: 'js', minifyWhitespace: true, charset: 'utf8' })));
    if (before.code !== after.code) throw new Error(`${path}: a non-ASCII character outside a comment; write it as a \\u escape in the source`);
    writeFileSync(path, escaped);
  }
}

/** The modules the given ones import statically, themselves included. */
function staticClosure(seeds) {
  const found = new Set();
  const pending = [...seeds];
  while (pending.length > 0) {
    const path = pending.pop();
    if (found.has(path)) continue;
    found.add(path);
    for (const { path: target, kind, external } of graph[path]?.imports ?? []) {
      if (!external && (kind === 'import-statement' || kind === 'require-call')) pending.push(target);
    }
  }
  return found;
}

/** Each module's export names, as esbuild sees them (star re-exports resolved). */
async function exportNames(paths) {
  const { outputs } = (await build({ ...options, entryPoints: paths, write: false, metafile: true })).metafile;
  const names = new Map();
  for (const output of Object.values(outputs)) if (output.entryPoint) names.set(output.entryPoint, [...output.exports].sort());
  for (const path of paths) if (!names.has(path)) throw new Error(`no export names for ${path}`);
  return names;
}

/** The path esbuild resolves an import to, relative to the package root (undefined for externals). */
async function resolved(pluginBuild, args) {
  const result = await pluginBuild.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir ?? dirname(args.path), pluginData: 'resolving' });
  return result.external || result.errors.length > 0 ? undefined : relative(root, result.path).split(sep).join('/');
}

/** The name the core module exports a module's export under: unique per module. */
function doorName(path, name) {
  return `${path.replace(/[^A-Za-z0-9]+/g, '_')}$${name}`;
}

function quoted(name) {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}
