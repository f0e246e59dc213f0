/** What the case list shows: its filters, sort and page, the matching rows and the open case. */

export type CaseSort = 'order' | 'asc' | 'desc';

interface CaseListState {
  /** A `RowFlag` bit, or 0 for every row. */
  flag: number;
  /** A tag, or '' for any. */
  tag: string;
  /** Index into `data.scorers` of a scorer that must have failed, or -1. */
  scorer: number;
  /** Lower-case search text, or ''. */
  text: string;
  /** Index into `data.cells`, or -1 for every cell. */
  cell: number;
  sort: CaseSort;
  page: number;
  /** Index into `data.cases` of the open case, or -1. */
  selected: number;
  /** Indexes into `data.cases` of the rows that pass the filters, in display order. */
  visible: number[];
}

export const PAGE_SIZE = 100;

export const state: CaseListState = { flag: 0, tag: '', scorer: -1, text: '', cell: -1, sort: 'order', page: 0, selected: -1, visible: [] };

export function pageCount(): number {
  return Math.max(1, Math.ceil(state.visible.length / PAGE_SIZE));
}
