/** Finds suite files: the arguments (files or folders), or every `*.eval.{ts,mts,js,mjs}` under `suites/`. */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { byCodeUnits } from '../text.js';

const SUITE_FILE = /\.eval\.(ts|mts|js|mjs)$/;

export async function discoverSuiteFiles(args: string[], defaults: string[] = ['suites']): Promise<string[]> {
  const roots = args.length ? args : defaults;
  const files: string[] = [];
  for (const root of roots) {
    const info = await stat(root).catch(() => undefined);
    if (!info) throw new InputError('no such suite file or folder', { file: root }, 'pass a suite file (suites/x.eval.ts) or a folder of them');
    if (info.isFile()) files.push(resolve(root));
    else files.push(...(await walk(resolve(root))));
  }
  if (files.length === 0) throw new InputError(`no *.eval.ts suites found in ${roots.join(', ')}`, {}, 'create one with `promptgold init`');
  return [...new Set(files)].sort();
}

async function walk(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const found: string[] = [];
  // Code-unit order, like the final sort.
  for (const entry of entries.sort((a, b) => byCodeUnits(a.name, b.name))) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (SUITE_FILE.test(entry.name)) found.push(path);
  }
  return found;
}
