/**
 * The report's data in memory, from run records and, optionally, a comparison of them: both
 * passes (outline.ts, details.ts) with every row kept. For tests and library users; the file is
 * written by `writeHtmlReport`, which streams the second pass instead.
 */
import { caseRowOfDetail, detailChunks } from './details.js';
import { Interner } from './interner.js';
import { reportOutline, type ReportInput } from './outline.js';
import type { CaseRow, PromptText, ReportData } from './types.js';

export { DEFAULT_OUTPUT_CHARS, DEFAULT_PROMPT_CHARS, type ReportInput } from './outline.js';

export async function buildReportData(input: ReportInput): Promise<ReportData> {
  const outline = await reportOutline(input);
  const strings = new Interner();
  const cases: CaseRow[] = [];
  const prompts: Record<string, PromptText> = {};
  const chunkPrompts = new Set<Map<string, PromptText>>();
  for await (const rows of detailChunks(outline, () => strings)) {
    for (const detail of rows) {
      cases.push(caseRowOfDetail(detail));
      chunkPrompts.add(detail.prompts);
    }
  }
  for (const texts of chunkPrompts) for (const [hash, text] of texts) prompts[hash] = text;
  return { ...outline.overview, strings: strings.values, cases, prompts };
}
