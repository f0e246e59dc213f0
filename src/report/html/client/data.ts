/** The report data embedded in the page (see renderHtml.ts), read once, and the labels built from it. */
import type { ReportData, RowStatus } from '../types.js';
import { byId } from './dom.js';

/** Written by `jsonForScriptTag` from a `ReportData`; the page trusts its own embedded data's shape. */
export const data = JSON.parse(byId('report-data').textContent ?? 'null') as ReportData;

export const isCompare = data.mode === 'comparison';

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
};

export function statusText(status: RowStatus | 'inconclusive'): string {
  return (status !== 'inconclusive' && STATUS_TEXT[status]) || status;
}
