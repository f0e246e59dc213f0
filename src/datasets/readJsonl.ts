import { describeJsonError } from './jsonError.js';
import type { ProblemList } from './problems.js';
import type { RawCase } from './rawCase.js';

/** One JSON value per line; blank lines are skipped. Every bad line is reported, not just the first. */
export function readJsonl(text: string, problems: ProblemList): RawCase[] {
  const cases: RawCase[] = [];
  const lines = text.split('\n');
  lines.forEach((rawLine, index) => {
    const content = rawLine.replace(/\r$/, '');
    if (content.trim() === '') return;
    const line = index + 1;
    try {
      cases.push({ value: JSON.parse(content), line });
    } catch (error) {
      problems.add({ line, message: describeJsonError(error, content).message });
    }
  });
  return cases;
}
