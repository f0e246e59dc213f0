/**
 * The page: a static skeleton, the inline stylesheet, the overview data as JSON, the script (the
 * typed client in `client/`, bundled at build time; see clientBundle.ts), then the case list and
 * the case details as JSON (see pageData.ts). The script comes before the cases, so the browser
 * shows the overview while it still reads them; the page reads them when the Cases view opens.
 * The same data always gives the same bytes (no clock, no randomness), so reports can be diffed
 * and cached. The CSP is written unescaped: it is built from constants and base64 hashes only.
 */
import { reportScript } from './clientBundle.js';
import { contentSecurityPolicy, escapeHtml, jsonForScriptTag } from './embed.js';
import { caseListRowOf, detailChunkOf, pageDataOf } from './pageData.js';
import { REPORT_CSS } from './styles.js';
import type { CaseListRow, DetailChunk, PageData, ReportData } from './types.js';

/**
 * Case list rows serialised per piece, so no string grows with the size of the report. A piece
 * stays well under V8's 128 KB limit for ordinary heap objects (a row is ~150 bytes): a larger
 * string is mapped fresh and unmapped again, and a 200,000-sample report's 1,000-row pieces cost
 * ~14,000 page faults that way.
 */
const LIST_ROWS_PER_PIECE = 250;

/** The whole page as one string (small reports, tests); `htmlReportParts` streams it. */
export function renderHtmlReport(data: ReportData): string {
  return Array.from(htmlReportParts(data)).join('');
}

/** The page in pieces, in order; joined they are the page. */
export function* htmlReportParts(data: ReportData): Generator<string> {
  const page = pageDataOf(data);
  yield pageHead(page);
  yield* caseListParts(data.cases, caseListRowOf);
  for (let start = 0, chunk = 0; start < data.cases.length; start += page.detailChunk, chunk++) {
    const rows = data.cases.slice(start, start + page.detailChunk);
    yield detailPart(detailChunkOf(rows, data.strings, (hash) => (Object.hasOwn(data.prompts, hash) ? data.prompts[hash] : undefined)), chunk);
  }
  yield PAGE_END;
}

/** The page up to its cases: skeleton, styles, the overview data and the script. */
export function pageHead(page: PageData): string {
  const title = escapeHtml(page.title);
  const script = reportScript();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(script, REPORT_CSS)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header class="page">
<h1 id="title">${title}</h1>
<div class="sub" id="subtitle"></div>
<noscript><p>This report needs JavaScript to show its data.</p></noscript>
</header>
<nav class="tabs" id="tabs" role="tablist" aria-label="report views">
<button type="button" role="tab" id="tab-overview" aria-controls="overview">Overview</button>
<button type="button" role="tab" id="tab-matrix" aria-controls="matrix">Matrix</button>
<button type="button" role="tab" id="tab-cases" aria-controls="cases">Cases</button>
<button type="button" role="tab" id="tab-charts" aria-controls="charts">Charts</button>
<button type="button" role="tab" id="tab-robustness" aria-controls="robustness">Robustness</button>
<button type="button" role="tab" id="tab-calibration" aria-controls="calibration">Calibration</button>
</nav>
<main>
<section id="overview" role="tabpanel" aria-labelledby="tab-overview"></section>
<section id="matrix" role="tabpanel" aria-labelledby="tab-matrix" hidden><h2>Prompt versions × models</h2></section>
<section id="cases" role="tabpanel" aria-labelledby="tab-cases" hidden>
<h2>Cases</h2>
<div class="filters" id="case-filters"></div>
<div class="pager"><span id="case-count" role="status"></span><span id="cell-filter"></span><button type="button" id="page-prev">previous</button><span id="page-info"></span><button type="button" id="page-next">next</button></div>
<p class="sub">Arrow keys move through the list, Enter opens a case, Page Up/Down turn pages, Esc returns from a case.</p>
<div class="scroll"><table id="case-table"><thead><tr id="case-head"></tr></thead><tbody id="case-rows"></tbody></table></div>
<section id="case-detail" class="detail" aria-labelledby="case-title" hidden></section>
</section>
<section id="charts" role="tabpanel" aria-labelledby="tab-charts" hidden><h2>Charts</h2><div class="charts" id="chart-grid"></div></section>
<section id="robustness" role="tabpanel" aria-labelledby="tab-robustness" hidden><h2>Robustness</h2></section>
<section id="calibration" role="tabpanel" aria-labelledby="tab-calibration" hidden><h2>Calibration: judge against human labels</h2></section>
</main>
<script type="application/json" id="report-data">${jsonForScriptTag(page)}</script>
<script>${script}</script>
`;
}

/**
 * The case list as one JSON array, serialised a piece at a time so no string grows with the
 * report; `listRowOf` makes each row's entry as its piece is written.
 */
export function* caseListParts<T>(rows: readonly T[], listRowOf: (row: T) => CaseListRow): Generator<string> {
  yield '<script type="application/json" id="report-cases">[';
  for (let start = 0; start < rows.length; start += LIST_ROWS_PER_PIECE) {
    // A piece's rows without the brackets of their array: the pieces join into one array.
    const piece = jsonForScriptTag(rows.slice(start, start + LIST_ROWS_PER_PIECE).map(listRowOf));
    // The comma is a part of its own: joined to the piece, the piece would be copied once more.
    if (start) yield ',';
    yield piece.slice(1, -1);
  }
  yield ']</script>\n';
}

/** The details of chunk `index`. */
export function detailPart(details: DetailChunk, index: number): string {
  return `<script type="application/json" id="report-details-${index}">${jsonForScriptTag(details)}</script>\n`;
}

/**
 * The text around the parts of chunk `index` when they are serialised apart: before its strings'
 * JSON, between them and its prompts', between those and its cases' array, and after it.
 * `JSON.stringify` of a chunk is its tables' and its cases' JSON joined in the chunk's key order,
 * so the bytes are `detailPart`'s.
 */
export function detailPartFrame(index: number): [open: string, beforePrompts: string, beforeCases: string, close: string] {
  return [`<script type="application/json" id="report-details-${index}">{"strings":`, ',"prompts":', ',"cases":', '}</script>\n'];
}

export const PAGE_END = '</body>\n</html>\n';
