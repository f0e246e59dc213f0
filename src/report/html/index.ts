/** The self-contained HTML report: one file, no network, safe with hostile model output. */
export { buildReportData, DEFAULT_OUTPUT_CHARS, DEFAULT_PROMPT_CHARS, type ReportInput } from './buildReportData.js';
export { renderHtmlReport } from './renderHtml.js';
export { writeHtmlReport } from './writeReport.js';
export type { ReportData, CaseRow, CellView, PairView, SideView, RepeatView, PromptView, PromptText, RobustnessRow, RowStatus, CalibrationView } from './types.js';
export { RowFlag } from './types.js';
