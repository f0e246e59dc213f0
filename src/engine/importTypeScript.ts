/**
 * Imports a TypeScript module (a suite or config file) at run time without a build step.
 *
 * esbuild bundles the file with its relative imports into one ES module, leaving every package
 * import external, and the result is imported from a temporary file beside the original, so bare
 * imports (`promptgold`, the user's own packages) resolve exactly as they would from the source.
 * This keeps everything on the main thread: a module-loader hook (tsx's approach on Node 20)
 * runs in a worker that costs ~45 MB of memory and slows start-up, for every later import too.
 */
import { rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function importTypeScript(file: string): Promise<Record<string, unknown>> {
  const esbuild = await import('esbuild');
  const fileUrl = pathToFileURL(file).href;
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
    // The entry keeps its own URL, so `new URL('./data.json', import.meta.url)` works as written.
    define: { 'import.meta.url': JSON.stringify(fileUrl) },
  });
  const code = result.outputFiles[0]?.text ?? '';
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.promptgold.mjs`);
  await writeFile(temporary, code);
  try {
    return (await import(pathToFileURL(temporary).href)) as Record<string, unknown>;
  } finally {
    await rm(temporary, { force: true });
  }
}
