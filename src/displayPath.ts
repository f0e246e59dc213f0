import { isAbsolute, relative } from 'node:path';

/** A path as the user would type it: relative to `base` (the working directory) when inside it, with forward slashes. */
export function displayPath(file: string, base = process.cwd()): string {
  if (!isAbsolute(file)) return file;
  const shown = relative(base, file);
  return shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown.split('\\').join('/') : file;
}
