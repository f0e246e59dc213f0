/**
 * Imports a TypeScript module (a suite or config file) at run time without a build step.
 *
 * esbuild bundles the file with its relative imports into one ES module, leaving every package
 * import external, and the result is imported from a temporary file. Where that file lives decides
 * how its bare imports resolve: Node looks for `node_modules` from the importing file's folder
 * upward, and for the package scope (`"imports"`, the package's own name) in the nearest
 * package.json. A data: URL or the system temp folder would find neither. So the bundle goes to
 * `.promptgold/tmp/` in the suite's package root (see bundleFolder): the same `node_modules`
 * folders and the same package.json as the suite itself, away from the suite's own folder, and
 * inside the hidden folder promptgold already keeps its cache in (ignored by the `.gitignore` that
 * `promptgold init` writes). A bundle left by a killed process is removed by the next load. A
 * relative `import()` whose path is computed at run time resolves from there (literal and
 * template-literal ones are bundled), and `import.meta.url`, `.filename` and `.dirname` keep the
 * suite's own values.
 *
 * This keeps everything on the main thread: a module-loader hook (tsx's approach on Node 20)
 * runs in a worker that costs ~45 MB of memory and slows start-up, for every later import too.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isProcessAlive } from '../processAlive.js';

const BUNDLE_SUFFIX = '.promptgold.mjs';
/** A leftover older than this is removed even if its process id is in use again. */
const STALE_AFTER_MS = 60 * 60 * 1000;

export async function importTypeScript(file: string): Promise<Record<string, unknown>> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [file],
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
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
  const folder = bundleFolder(file);
  await mkdir(folder, { recursive: true });
  await removeLeftovers(folder);
  const temporary = join(folder, `${basename(file)}.${process.pid}.${Date.now()}${BUNDLE_SUFFIX}`);
  await writeFile(temporary, code);
  try {
    return (await import(pathToFileURL(temporary).href)) as Record<string, unknown>;
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * `.promptgold/tmp/` in the nearest folder, from the suite's own upward, that holds a package.json
 * or a node_modules folder (the package root, or the project root of a project without one).
 * Nothing between that folder and the suite takes part in resolving imports, so the bundle
 * resolves them exactly as the suite would.
 */
export function bundleFolder(file: string): string {
  const own = dirname(file);
  for (let dir = own; ; ) {
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'node_modules'))) return join(dir, '.promptgold', 'tmp');
    const parent = dirname(dir);
    if (parent === dir) return join(own, '.promptgold', 'tmp');
    dir = parent;
  }
}

/** Bundles whose process is gone (killed while loading a suite), or that are older than an hour. */
async function removeLeftovers(folder: string): Promise<void> {
  const names = await readdir(folder).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.endsWith(BUNDLE_SUFFIX))
      .map(async (name) => {
        const pid = Number(/\.(\d+)\.\d+\.promptgold\.mjs$/.exec(name)?.[1]);
        const path = join(folder, name);
        const age = Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? 0);
        if (pid === process.pid || (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) && age < STALE_AFTER_MS)) return;
        await rm(path, { force: true });
      }),
  );
}

