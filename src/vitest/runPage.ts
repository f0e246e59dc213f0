/** The HTML page of each run folder the reporter writes. */
import { join } from 'node:path';
import { runPageNotWritten } from '../report/html/pagePath.js';

/**
 * The renderer is heavy: imported only when a record is written. A page that cannot be written is
 * said on stderr and fails the test run's exit code (unless it has failed already), as in
 * `promptgold run`: the record is whole, and `promptgold report` writes the page again.
 */
export async function writeRunPage(dir: string): Promise<void> {
  try {
    const { writeHtmlReport } = await import('../report/html/index.js');
    await writeHtmlReport({ runs: [{ dir }] }, join(dir, 'report.html'));
  } catch (error) {
    const failure = runPageNotWritten(dir, error);
    process.stderr.write(`promptgold: ${failure.text}\n`);
    if (!process.exitCode) process.exitCode = failure.exitCode;
  }
}
