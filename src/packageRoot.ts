/**
 * Files of the package itself (package.json, data/, the built report script), found from the
 * package root: the nearest folder above this module whose package.json names promptgold. A path
 * relative to the module would break once the module is bundled into dist/chunks/ by the build
 * (scripts/bundle-dist.mjs); the root is found the same way from src/, dist/ or a bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'promptgold';

let root: string | undefined;

export function packageRoot(): string {
  root ??= findRoot(dirname(fileURLToPath(import.meta.url)));
  return root;
}

/** A file of the package, by its path from the package root. */
export function packagePath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}

/** Whether this code runs from the TypeScript sources (tests, tsx) rather than from dist/. */
export function runningFromSource(): boolean {
  return fileURLToPath(import.meta.url).startsWith(join(packageRoot(), 'src') + sep);
}

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`promptgold: cannot find the package's own package.json above ${from}`);
  }
}
