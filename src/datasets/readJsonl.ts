import { describeJsonError } from './jsonError.js';
import type { ProblemList } from './problems.js';
import type { RawCase } from './rawCase.js';

/**
 * One JSON value per line; blank lines are skipped. Every bad line is reported, not just the
 * first. Lines are yielded one at a time so a 100,000-line file is never held as an array of
 * lines and an array of parsed values at once.
 */
export function* readJsonl(text: string, problems: ProblemList): Generator<RawCase> {
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const content = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (content.trim() === '') continue;
    try {
      yield { value: JSON.parse(content), line };
    } catch (error) {
      problems.add({ line, message: describeJsonError(error, content).message });
    }
  }
}
