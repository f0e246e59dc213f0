/**
 * Imports a TypeScript module (a suite or config file) at run time without a build step.
 *
 * esbuild bundles the file with its relative imports into one ES module, leaving every package
 * import external, and the result is imported from a file. Where that file lives decides how its
 * bare imports resolve: Node looks for `node_modules` from the importing file's folder upward, and
 * for the package scope (`"imports"`, the package's own name) in the nearest package.json. A data:
 * URL or the system temp folder would find neither. So the bundle goes to `.promptgold/bundles/`
 * in the suite's package root (see bundleFolder): the same `node_modules` folders and the same
 * package.json as the suite itself, away from the suite's own folder, and inside the hidden folder
 * promptgold already keeps its cache in (ignored by the `.gitignore` that `promptgold init`
 * writes). A relative `import()` whose path is computed at run time resolves from there (literal
 * and template-literal ones are bundled), and `import.meta.url`, `.filename` and `.dirname` keep
 * the suite's own values.
 *
 * The bundle is kept for the next process (see keptBundle.ts): bundling costs ~90 ms a file —
 * loading esbuild, starting its process, bundling — most of a small run's start-up.
 *
 * This keeps everything on the main thread: a module-loader hook (tsx's approach on Node 20)
 * runs in a worker that costs ~45 MB of memory and slows start-up, for every later import too.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleInputs, forgetIfSecret, keepBundle, keptBundle } from './keptBundle.js';
import type { BuiltBundle } from './keptBundle.js';

let imports = 0;

export async function importTypeScript(file: string): Promise<Record<string, unknown>> {
  const folder = bundleFolder(file);
  const kept = await keptBundle(folder, file);
  if (kept) {
    try {
      return await importOnce(folder, file, kept);
    } catch (error) {
      // Another process replaced the bundle in the moment between finding and importing it.
      if (existsSync(kept)) throw error;
    }
  }
  return importOnce(folder, file, await keepBundle(folder, file, await buildBundle(file)));
}

/** Evaluates the bundle afresh on every import, as a new temporary file did before bundles were kept. */
async function importOnce(folder: string, file: string, bundle: string): Promise<Record<string, unknown>> {
  try {
    return (await import(`${pathToFileURL(bundle).href}?import=${++imports}`)) as Record<string, unknown>;
  } finally {
    // Checked after the import too: evaluating the suite may have made a secret known (an apiKey in code).
    await forgetIfSecret(folder, file, bundle);
  }
}

async function buildBundle(file: string): Promise<BuiltBundle> {
  const esbuild = await import('esbuild');
  const workingDir = dirname(file);
  const result = await esbuild.build({
    entryPoints: [file],
    absWorkingDir: workingDir,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    metafile: true,
    sourcemap: 'inline',
    logLevel: 'silent',
    // The entry keeps its own location, so `new URL('./data.json', import.meta.url)` works as written.
    define: {
      'import.meta.url': JSON.stringify(pathToFileURL(file).href),
      'import.meta.filename': JSON.stringify(file),
      'import.meta.dirname': JSON.stringify(dirname(file)),
    },
  });
  const code = result.outputFiles[0]?.text ?? '';
  return { code, inputs: bundleInputs(code, workingDir, Object.keys(result.metafile.inputs)) };
}

/**
 * `.promptgold/bundles/` in the nearest folder, from the suite's own upward, that holds a
 * package.json or a node_modules folder (the package root, or the project root of a project
 * without one). Nothing between that folder and the suite takes part in resolving imports, so the
 * bundle resolves them exactly as the suite would.
 */
export function bundleFolder(file: string): string {
  const own = dirname(file);
  for (let dir = own; ; ) {
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'node_modules'))) return join(dir, '.promptgold', 'bundles');
    const parent = dirname(dir);
    if (parent === dir) return join(own, '.promptgold', 'bundles');
    dir = parent;
  }
}
