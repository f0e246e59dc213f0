/**
 * The report data embedded in the page (see ../renderHtml.ts and ../pageData.ts): the overview,
 * read at once, and the cases, read on first use. The script runs before the browser has read the
 * cases, so whatever needs them waits for the page to be loaded (`whenLoaded`).
 */
import type { CaseDetail, CaseListRow, DetailChunk, PageData, RowStatus } from '../types.js';
import { byId } from './dom.js';

/** Written by `jsonForScriptTag`; the page trusts its own embedded data's shape. */
function embedded<T>(id: string): T {
  return JSON.parse(byId(id).textContent ?? 'null') as T;
}

export const data = embedded<PageData>('report-data');

export const isCompare = data.mode === 'comparison';

/** Runs `then` once the whole page, cases included, has been read. */
export function whenLoaded(then: () => void): void {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', then, { once: true });
  else then();
}

let list: CaseListRow[] | undefined;

/** The rows of the case list (read on first call; the page must be loaded). */
export function cases(): CaseListRow[] {
  list ??= embedded<CaseListRow[]>('report-cases');
  return list;
}

const chunks = new Map<number, DetailChunk>();

/** A case's outputs, scores and prompts, with the tables of the chunk they were stored in. */
export interface OpenedCase {
  row: CaseListRow;
  detail: CaseDetail;
  strings: string[];
  prompts: DetailChunk['prompts'];
}

export function caseDetail(index: number): OpenedCase {
  const number = Math.floor(index / data.detailChunk);
  let chunk = chunks.get(number);
  if (!chunk) {
    chunk = embedded<DetailChunk>(`report-details-${number}`);
    chunks.set(number, chunk);
  }
  return { row: cases()[index]!, detail: chunk.cases[index - number * data.detailChunk]!, strings: chunk.strings, prompts: chunk.prompts };
}

/** `run: version × model` (the run only when the report has several). */
export function cellLabel(index: number): string {
  const cell = data.cells[index];
  if (!cell) return '?';
  const prefix = data.runs.length > 1 ? `${data.runs[cell.run]?.label ?? '?'}: ` : '';
  return `${prefix}${cell.version} × ${cell.model}`;
}

const STATUS_TEXT: Partial<Record<RowStatus, string>> = {
  'unchanged-pass': 'unchanged pass',
  'unchanged-fail': 'unchanged fail',
  'error-changed': 'error changed',
  'flaky-run': 'flaky',
  skipped: 'skipped (budget)',
};

export function statusText(status: RowStatus | 'inconclusive'): string {
  return (status !== 'inconclusive' && STATUS_TEXT[status]) || status;
}
