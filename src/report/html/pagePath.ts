/**
 * A report page's path, checked before any record is read, so that a path that cannot take a page
 * fails at once rather than after a long read (or, for `upgrade-check`, after paid runs).
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../../errors.js';

/** Refuses a page path that is a folder (or a link to one), or that would go under a file. */
export async function checkPagePath(path: string): Promise<void> {
  // stat follows links: a link to a folder is refused as the folder is.
  const found = await stat(path).catch(() => undefined);
  if (found?.isDirectory()) {
    throw new InputError('the report page is a folder', { file: path }, `give a file for the page, e.g. ${join(path, 'report.html')}, or move the folder`);
  }
  if (found) return;
  // The nearest part of the path that exists must be a folder: missing folders are made when the page is written.
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const above = await stat(dir).catch(() => undefined);
    if (above) {
      if (above.isDirectory()) return;
      throw new InputError(`the report page would go under ${dir}, which is a file`, { file: path }, 'give a page path whose folders are folders or do not exist yet');
    }
    if (dirname(dir) === dir) return;
  }
}
