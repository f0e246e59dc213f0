/** The HTML page of each run folder the reporter writes. */
import { writeRunPage as writeRunFolderPage } from '../report/html/runPage.js';

/** As in `promptgold run`; a page not written fails the test run's exit code, unless it has failed already. */
export async function writeRunPage(dir: string): Promise<void> {
  const failure = await writeRunFolderPage(dir, dir);
  if (failure && !process.exitCode) process.exitCode = failure.exitCode;
}
