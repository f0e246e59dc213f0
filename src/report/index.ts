/**
 * `promptgold/report`: the words and pages promptgold makes of records and comparisons — the
 * console tables, Markdown for pull requests, JUnit for CI, and the self-contained HTML report.
 */
export { formatSummaryTable, formatRobustnessTable } from './console.js';
export { formatFailureDigest } from './digest.js';
export { formatComparison } from './compareConsole.js';
export { renderMarkdown, type MarkdownOptions } from './markdown.js';
export { renderJUnit } from './junit.js';
export { verdictSentences } from './reasons.js';
export { writeHtmlReport, renderHtmlReport, buildReportData, type ReportInput, type ReportData } from './html/index.js';
