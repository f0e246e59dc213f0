/**
 * A run's own page, `<run folder>/report.html`, as `promptgold run` and the vitest reporter write it
 * once the run's record is whole.
 */
import { join } from 'node:path';
import { wordedError, type WordedError } from '../../errors.js';

/**
 * Writes the page; undefined when it was written. A page that cannot be written is said on stderr
 * (the run folder as `shownAs`, the reason, and how to write it again from the whole record) and
 * returned, for the caller's exit code. The renderer is heavy: imported only here, when a page is
 * written.
 */
export async function writeRunPage(runDir: string, shownAs: string): Promise<WordedError | undefined> {
  try {
    const { writeHtmlReport } = await import('./index.js');
    await writeHtmlReport({ runs: [{ dir: runDir }] }, join(runDir, 'report.html'));
    return undefined;
  } catch (error) {
    const worded = wordedError(error);
    const text =
      `the HTML report of ${shownAs} was not written: ${worded.text}\n` +
      `  The run's record is whole: once the cause is mended, \`promptgold report ${shownAs}\` writes the page (\`--html <file>\` puts it elsewhere).`;
    process.stderr.write(`promptgold: ${text}\n`);
    return { exitCode: worded.exitCode, text };
  }
}
