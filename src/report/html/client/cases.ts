/** Cases: the filterable, sortable, paged list of cases, driven by mouse or keyboard. */
import { RowFlag, type CaseListRow, type SideSummary } from '../types.js';
import { renderCaseDetail } from './caseDetail.js';
import { caseDetail, cases, cellLabel, data, isCompare } from './data.js';
import { append, byId, clear, closest, el } from './dom.js';
import { int, num, signed } from './format.js';
import { PAGE_SIZE, pageCount, state, type CaseSort } from './state.js';
import { badge, deltaSpan } from './widgets.js';

type FlagName = keyof typeof RowFlag;
const FLAG_NAMES = Object.keys(RowFlag) as FlagName[];
const CHIP_LABELS: Partial<Record<FlagName, string>> = { skipped: 'skipped (budget)' };

/** Lower-case search text per case (id, tags, outputs, errors), built when first searched. */
const haystacks: Array<string | undefined> = [];
let renders = 0;

/** The Cases view, drawn the first time it is shown (the page must be loaded: see `whenLoaded`). */
export function drawCases(): void {
  renderCaseFilters();
  setupCaseTable();
  applyFilters();
}

/** Lists the cases of one cell. */
export function showCell(cell: number): void {
  state.cell = cell;
  state.page = 0;
  applyFilters();
}

export function applyFilters(): void {
  const rows = cases();
  const visible = rows.flatMap((row, i) => (matches(row, i) ? [i] : []));
  if (state.sort !== 'order') {
    const direction = state.sort === 'asc' ? 1 : -1;
    visible.sort((a, b) => direction * (sortKey(rows[a]!) - sortKey(rows[b]!)) || a - b);
  }
  state.visible = visible;
  state.page = Math.min(state.page, pageCount() - 1);
  renderCaseRows();
}

function haystack(i: number): string {
  let text = haystacks[i];
  if (text === undefined) {
    const { row, detail } = caseDetail(i);
    const parts = [row.id, row.tags.join(' ')];
    for (const side of [detail.baseline, detail.candidate]) {
      for (const r of side?.repeats ?? []) {
        if (r.o) parts.push(r.o);
        if (r.err) parts.push(r.err.kind, r.err.message);
      }
    }
    text = haystacks[i] = parts.join('\n').toLowerCase();
  }
  return text;
}

function scorerFailed(side: SideSummary | undefined, scorer: number): boolean {
  return !!side?.failed?.includes(scorer);
}

function matches(row: CaseListRow, i: number): boolean {
  if (state.flag && !(row.flags & state.flag)) return false;
  if (state.cell >= 0 && row.candidate?.cell !== state.cell && row.baseline?.cell !== state.cell) return false;
  if (state.tag && !row.tags.includes(state.tag)) return false;
  if (state.scorer >= 0 && !scorerFailed(row.candidate, state.scorer)) return false;
  if (state.text && !haystack(i).includes(state.text)) return false;
  return true;
}

function sortKey(row: CaseListRow): number {
  if (isCompare) return row.delta ?? 0;
  // A case with no scored repeat sorts below every score.
  return row.candidate ? (row.candidate.score ?? -1) : 0;
}

/** Status chips, tag, failed scorer, sort and free-text search. */
function renderCaseFilters(): void {
  const counts = Object.fromEntries(FLAG_NAMES.map((name) => [name, cases().filter((row) => row.flags & RowFlag[name]).length])) as Record<FlagName, number>;
  const chipNames: FlagName[] = isCompare ? ['regressed', 'improved', 'flaky', 'failing', 'errored'] : ['failing', 'flaky', 'errored', 'skipped'];
  const chips = el('div', { class: 'chips', role: 'group', 'aria-label': 'status' }, [
    el('button', { type: 'button', 'data-flag': 'all', 'aria-pressed': 'true' }, `all ${int(data.caseCount)}`),
    chipNames.map((name) => el('button', { type: 'button', 'data-flag': name, 'aria-pressed': 'false' }, `${CHIP_LABELS[name] ?? name} ${int(counts[name])}`)),
  ]);
  chips.addEventListener('click', (event) => {
    const button = closest(event, 'button[data-flag]');
    if (!button) return;
    const name = button.getAttribute('data-flag');
    state.flag = FLAG_NAMES.find((n) => n === name) ? RowFlag[name as FlagName] : 0;
    state.page = 0;
    chips.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', b === button ? 'true' : 'false'));
    applyFilters();
  });
  const tag = el('select', { id: 'filter-tag' }, [el('option', { value: '' }, 'any tag'), data.tags.map((t) => el('option', { value: t }, t))]);
  tag.addEventListener('change', () => setFilter(() => (state.tag = tag.value)));
  const scorer = el('select', { id: 'filter-scorer' }, [el('option', { value: '-1' }, 'any scorer'), data.scorers.map((s, i) => el('option', { value: String(i) }, s))]);
  scorer.addEventListener('change', () => setFilter(() => (state.scorer = Number(scorer.value))));
  const text = el('input', { type: 'search', id: 'filter-text', placeholder: 'case id, tag or output text', 'aria-label': 'search cases' });
  let timer: number | undefined;
  text.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => setFilter(() => (state.text = text.value.trim().toLowerCase())), 150);
  });
  const sort = el('select', { id: 'sort' }, [
    el('option', { value: 'order' }, 'record order'),
    el('option', { value: 'asc' }, isCompare ? 'score delta, worst first' : 'score, lowest first'),
    el('option', { value: 'desc' }, isCompare ? 'score delta, best first' : 'score, highest first'),
  ]);
  sort.addEventListener('change', () => setFilter(() => (state.sort = sortOf(sort.value))));
  append(byId('case-filters'), [chips, el('label', null, ['tag', tag]), el('label', null, ['failed scorer', scorer]), el('label', null, ['sort', sort]), text]);
}

function setFilter(change: () => void): void {
  change();
  state.page = 0;
  applyFilters();
}

function sortOf(value: string): CaseSort {
  return value === 'asc' || value === 'desc' ? value : 'order';
}

function renderCaseRows(): void {
  const body = byId('case-rows');
  clear(body);
  const { visible } = state;
  const start = state.page * PAGE_SIZE;
  const end = Math.min(visible.length, start + PAGE_SIZE);
  const fragment = document.createDocumentFragment();
  for (let at = start; at < end; at++) fragment.appendChild(caseRow(visible[at]!, at === start));
  body.appendChild(fragment);
  const pages = pageCount();
  byId('case-count').textContent = `${int(visible.length)} of ${int(data.caseCount)} cases${visible.length ? ` · showing ${int(start + 1)}–${int(end)}` : ''}`;
  byId('page-info').textContent = `page ${state.page + 1} of ${pages}`;
  byId('page-prev', HTMLButtonElement).disabled = state.page === 0;
  byId('page-next', HTMLButtonElement).disabled = state.page >= pages - 1;
  const cellNote = byId('cell-filter');
  clear(cellNote);
  if (state.cell >= 0) {
    const clearButton = el('button', { type: 'button', class: 'link' }, 'show all cells');
    clearButton.addEventListener('click', () => showCell(-1));
    append(cellNote, [`cell: ${cellLabel(state.cell)} `, clearButton]);
  }
  // Lets tests wait for a filter to have been applied.
  renders++;
  document.documentElement.setAttribute('data-renders', String(renders));
}

function sideScore(side: SideSummary | undefined): string {
  return side ? `${num(side.score)} (${side.passes}/${side.n})` : '—';
}

function caseRow(index: number, first: boolean): HTMLTableRowElement {
  const row = cases()[index]!;
  const cells: HTMLElement[] = [
    el('td', { class: 'mono case-id' }, row.id),
    el('td', null, row.pair !== null ? data.pairs[row.pair]?.label : cellLabel(row.candidate ? row.candidate.cell : -1)),
    el('td', { class: 'status' }, badge(row.status)),
    el('td', null, [row.tags.map((t) => el('span', { class: 'tag' }, t)), row.chaos ? el('span', { class: 'tag' }, `chaos: ${row.chaos.operators.join('+')}`) : null]),
  ];
  if (isCompare) cells.push(el('td', { class: 'num' }, sideScore(row.baseline)));
  cells.push(el('td', { class: 'num' }, sideScore(row.candidate)));
  if (isCompare) cells.push(el('td', { class: 'num delta' }, row.delta === null ? '—' : deltaSpan(row.delta, signed(row.delta))));
  return el('tr', { tabindex: first ? '0' : '-1', 'data-index': index, 'aria-selected': index === state.selected ? 'true' : 'false' }, cells);
}

/** The table head, row clicks, and keys: arrows, Home/End, Enter/Space, Page Up/Down. */
function setupCaseTable(): void {
  const head = ['case', isCompare ? 'cells' : 'cell', 'status', 'tags', ...(isCompare ? ['baseline score (passes)', 'candidate score (passes)', 'Δ score'] : ['score (passes)'])];
  const headRow = byId('case-head');
  head.forEach((h, i) => headRow.appendChild(el('th', { scope: 'col', class: i >= 4 ? 'num' : null }, h)));
  const body = byId('case-rows');
  const prev = byId('page-prev', HTMLButtonElement);
  const next = byId('page-next', HTMLButtonElement);
  body.addEventListener('click', (event) => {
    const tr = closest(event, 'tr[data-index]');
    if (tr) openCase(indexOf(tr), false);
  });
  body.addEventListener('keydown', (event) => {
    const tr = closest(event, 'tr[data-index]');
    if (!tr) return;
    let target: Element | null = null;
    if (event.key === 'ArrowDown') target = tr.nextElementSibling;
    else if (event.key === 'ArrowUp') target = tr.previousElementSibling;
    else if (event.key === 'Home') target = body.firstElementChild;
    else if (event.key === 'End') target = body.lastElementChild;
    else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      openCase(indexOf(tr), true);
      return;
    } else if (event.key === 'PageDown' && !next.disabled) {
      event.preventDefault();
      turnPage(1);
      return;
    } else if (event.key === 'PageUp' && !prev.disabled) {
      event.preventDefault();
      turnPage(-1);
      return;
    } else return;
    event.preventDefault();
    if (target instanceof HTMLTableRowElement) focusRow(target);
  });
  prev.addEventListener('click', () => turnPage(-1));
  next.addEventListener('click', () => turnPage(1));
}

function indexOf(tr: HTMLElement): number {
  return Number(tr.getAttribute('data-index'));
}

/** Moves the list's one tab stop to `tr` and focuses it. */
function focusRow(tr: HTMLElement): void {
  const current = byId('case-rows').querySelector<HTMLElement>('tr[tabindex="0"]');
  if (current) current.tabIndex = -1;
  tr.tabIndex = 0;
  tr.focus();
}

function turnPage(step: number): void {
  state.page += step;
  renderCaseRows();
  const first = byId('case-rows').firstElementChild;
  if (first instanceof HTMLElement) focusRow(first);
}

/** Marks the case's row as selected and shows the case below the list. */
function openCase(index: number, moveFocus: boolean): void {
  state.selected = index;
  const rows = byId('case-rows');
  rows.querySelectorAll('tr[aria-selected="true"]').forEach((tr) => tr.setAttribute('aria-selected', 'false'));
  const tr = rows.querySelector<HTMLElement>(`tr[data-index="${index}"]`);
  if (tr) {
    tr.setAttribute('aria-selected', 'true');
    focusRow(tr);
  }
  renderCaseDetail(index, moveFocus, { open: openCase, back: returnToList });
}

/** Focus back on the open case's row (or the first row), from the case view. */
export function returnToList(): void {
  const rows = byId('case-rows');
  const tr = rows.querySelector<HTMLElement>(`tr[data-index="${state.selected}"]`) ?? rows.firstElementChild;
  if (tr instanceof HTMLElement) focusRow(tr);
}
