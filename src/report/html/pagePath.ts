/** A report page's path, checked before any record is read (see outputPath.ts). */
import { checkOutputPath } from '../../outputPath.js';

/** Refuses a page path that is a folder (or a link to one), or that would go under a file. */
export function checkPagePath(path: string): Promise<void> {
  return checkOutputPath(path, { name: 'the report page', short: 'the page', example: 'report.html' });
}
