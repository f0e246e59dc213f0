/**
 * A report page's path, checked before any record is read, so that a path that cannot take a page
 * fails at once rather than after a long read (or, for `upgrade-check`, after paid runs); and what
 * is said when a run's own page was not written.
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError, wordedError, type WordedError } from '../../errors.js';

/**
 * A run's page that was not written, worded for stderr (`promptgold run`, the vitest reporter): the
 * run folder, the reason, and how to write the page once the reason is mended. The record is whole.
 */
export function runPageNotWritten(runFolder: string, error: unknown): WordedError {
  const worded = wordedError(error);
  return {
    exitCode: worded.exitCode,
    text:
      `the HTML report of ${runFolder} was not written: ${worded.text}\n` +
      `  The run's record is whole: once the cause is mended, \`promptgold report ${runFolder}\` writes the page (\`--html <file>\` puts it elsewhere).`,
  };
}

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
