/**
 * One case: its facts, the chaos source, per-scorer means, each repeat's outputs side by side with a
 * word diff, and the rendered prompts.
 */
import { BUDGET_SKIP } from '../../../records/errorKinds.js';
import { wordDiff, type DiffPart } from '../../wordDiff.js';
import type { CaseDetail, CaseListRow, DetailRepeat, ScoreTuple, SideDetail } from '../types.js';
import { caseDetail, cases, cellLabel, data, isCompare, type OpenedCase } from './data.js';
import { append, byId, clear, el, type Child } from './dom.js';
import { int, ms, num, signed, unique, usd } from './format.js';
import { badge, deltaSpan, headRow } from './widgets.js';

interface CaseActions {
  /** Opens another case (the chaos source). */
  open(index: number, moveFocus: boolean): void;
  /** Returns to the case list. */
  back(): void;
}

export function renderCaseDetail(index: number, moveFocus: boolean, actions: CaseActions): void {
  const root = byId('case-detail');
  clear(root);
  root.hidden = false;
  const opened = caseDetail(index);
  const { row, detail } = opened;
  const heading = el('h2', { tabindex: '-1', id: 'case-title' }, ['Case ', el('span', { class: 'mono' }, row.id), ' ', badge(row.status)]);
  const back = el('button', { type: 'button', class: 'link no-print' }, 'back to the list (Esc)');
  back.addEventListener('click', () => actions.back());
  append(root, [heading, back]);
  const facts: string[] = [];
  if (row.pair !== null) facts.push(`cells: ${data.pairs[row.pair]?.label}`);
  else if (row.candidate) facts.push(`cell: ${cellLabel(row.candidate.cell)}`);
  if (row.delta !== null) facts.push(`Δ mean score ${signed(row.delta)}`);
  if (row.tags.length) facts.push(`tags: ${row.tags.join(', ')}`);
  root.appendChild(el('p', { class: 'sub' }, facts.join(' · ')));
  if (row.chaos) root.appendChild(chaosNote(row, row.chaos, actions));
  if (detail.expected !== undefined) root.appendChild(el('details', null, [el('summary', null, 'Expected'), el('pre', { class: 'out' }, detail.expected)]));
  root.appendChild(scorerTable(detail));
  const repeats = Math.max(0, ...[detail.baseline, detail.candidate].map((side) => side?.repeats.length ?? 0));
  for (let r = 0; r < repeats; r++) root.appendChild(repeatBlock(r, opened));
  root.appendChild(promptBlock(opened));
  if (moveFocus) heading.focus();
  else root.scrollIntoView({ block: 'start' });
}

/** The source case of a chaos case, in the same pair (or the same cell of a single run). */
function chaosNote(row: CaseListRow, chaos: NonNullable<CaseListRow['chaos']>, actions: CaseActions): HTMLElement {
  const source = cases().findIndex(
    (other) =>
      other.id === chaos.source &&
      other.pair === row.pair &&
      (row.pair !== null || (!!other.candidate && !!row.candidate && other.candidate.cell === row.candidate.cell)),
  );
  const parts: Child[] = [`chaos operator: ${chaos.operators.join(' + ')} · source case: `];
  if (source >= 0) {
    const link = el('button', { type: 'button', class: 'link mono' }, chaos.source);
    link.addEventListener('click', () => actions.open(source, true));
    parts.push(link);
  } else parts.push(el('span', { class: 'mono' }, `${chaos.source} (not in this report)`));
  return el('p', { class: 'chaos' }, parts);
}

/** Mean score per scorer index over the side's repeats. */
function scorerMeans(side: SideDetail | undefined): Map<number, number> {
  const sums = new Map<number, { total: number; count: number }>();
  for (const r of side?.repeats ?? []) {
    for (const [scorer, score] of r.s) {
      const sum = sums.get(scorer) ?? { total: 0, count: 0 };
      sum.total += score;
      sum.count++;
      sums.set(scorer, sum);
    }
  }
  return new Map([...sums].map(([scorer, sum]) => [scorer, sum.total / sum.count]));
}

function scorerTable(detail: CaseDetail): HTMLElement {
  const base = scorerMeans(detail.baseline);
  const cand = scorerMeans(detail.candidate);
  const ids = unique([...base.keys(), ...cand.keys()]).sort((a, b) => a - b);
  if (!ids.length) return el('p', { class: 'sub' }, 'No scores.');
  const head = isCompare ? ['scorer', 'baseline (mean over repeats)', 'candidate', 'Δ'] : ['scorer', 'mean over repeats'];
  const rows = ids.map((id) => {
    const cells: HTMLElement[] = [el('td', null, data.scorers[id])];
    const b = base.get(id);
    const c = cand.get(id);
    if (isCompare) {
      cells.push(el('td', { class: 'num' }, num(b)), el('td', { class: 'num' }, num(c)));
      const d = b !== undefined && c !== undefined ? c - b : null;
      cells.push(el('td', { class: 'num' }, d === null ? '—' : deltaSpan(d, signed(d))));
    } else cells.push(el('td', { class: 'num' }, num(c)));
    return el('tr', null, cells);
  });
  return el('div', { class: 'scroll' }, el('table', { class: 'scorer-table' }, [headRow(head, (i) => i > 0), el('tbody', null, rows)]));
}

function repeatBlock(r: number, opened: OpenedCase): HTMLElement {
  const a = opened.detail.baseline?.repeats[r];
  const b = opened.detail.candidate?.repeats[r];
  const parts = a && b && a.o !== null && b.o !== null ? wordDiff(a.o, b.o) : null;
  const columns: HTMLElement[] = [];
  if (isCompare) columns.push(sideColumn('baseline', a, parts, 'removed', opened.strings));
  columns.push(sideColumn(isCompare ? 'candidate' : 'output', b, parts, 'added', opened.strings));
  return el('section', { class: 'repeat' }, [el('h3', null, `Repeat ${r + 1}${parts ? ' — word diff' : ''}`), el('div', { class: `sides${isCompare ? '' : ' one'}` }, columns)]);
}

/** One side of a repeat; with a diff, this side's text with its own changes marked. */
function sideColumn(name: string, repeat: DetailRepeat | undefined, parts: DiffPart[] | null, keep: 'removed' | 'added', strings: string[]): HTMLElement {
  const column = el('div', { class: `side side-${name}` }, el('h4', null, name));
  if (!repeat) {
    column.appendChild(el('p', { class: 'sub' }, 'no sample'));
    return column;
  }
  // A repeat the budget stopped (never sent, or answered but not judged): not a failure, and no error of the run's.
  const skipped = repeat.err?.kind === BUDGET_SKIP;
  column.appendChild(
    el('div', { class: 'meta' }, [
      el('span', null, ['score ', el('strong', null, num(repeat.score))]),
      badge(skipped ? 'skipped' : repeat.pass ? 'pass' : 'fail'),
      ' ',
      el('span', null, `tokens ${int(repeat.in)} in / ${int(repeat.out)} out`),
      el('span', null, usd(repeat.usd)),
      el('span', null, ms(repeat.ms)),
      repeat.ttft !== undefined ? el('span', null, `first token ${ms(repeat.ttft)}`) : null,
      el('span', null, `stop: ${repeat.stop || '—'}`),
      repeat.cached ? el('span', null, 'cached') : null,
    ]),
  );
  if (repeat.err) column.appendChild(skipped ? el('p', { class: 'sub' }, `skipped (budget): ${repeat.err.message}`) : el('p', { class: 'err' }, `error ${repeat.err.kind}: ${repeat.err.message}`));
  if (repeat.refused) column.appendChild(el('p', { class: 'err' }, repeat.refused));
  if (repeat.tc?.length) {
    column.appendChild(el('h5', null, 'tool calls'));
    column.appendChild(el('ol', { class: 'tool-calls mono' }, repeat.tc.map((call) => el('li', null, call))));
  }
  if (repeat.o !== null) {
    const pre = el('pre', { class: 'out', 'data-side': name });
    if (parts) {
      for (const part of parts) {
        if (part.kind === 'same') pre.appendChild(document.createTextNode(part.text));
        else if (part.kind === keep) pre.appendChild(el(keep === 'removed' ? 'del' : 'ins', null, part.text));
      }
    } else pre.textContent = repeat.o;
    if (repeat.cut) pre.appendChild(el('span', { class: 'cut' }, `… cut: showing ${int(repeat.o.length)} of ${int(repeat.cut)} characters`));
    column.appendChild(pre);
  }
  column.appendChild(el('ul', { class: 'scores' }, repeat.s.map((tuple) => scoreLine(tuple, strings))));
  return column;
}

function scoreLine(tuple: ScoreTuple, strings: string[]): HTMLElement {
  const [scorer, score, pass, reason] = tuple;
  const error = tuple.length === 5 ? tuple[4] : undefined;
  return el('li', null, [
    el('strong', null, data.scorers[scorer]),
    ' ',
    num(score),
    ' ',
    badge(pass ? 'pass' : 'fail'),
    ' ',
    strings[reason],
    error ? el('span', { class: 'err' }, ` — scorer error: ${error}`) : null,
  ]);
}

function promptText(lines: number[], strings: string[]): string {
  return lines.map((i) => strings[i]).join('\n');
}

/** The rendered prompt of each side, once per distinct prompt hash. */
function promptBlock(opened: OpenedCase): HTMLElement {
  const wrap = el('div', { class: 'prompts' });
  const seen = new Set<number | string>();
  const sides: Array<[string, SideDetail | undefined]> = [
    ['baseline', opened.detail.baseline],
    [isCompare ? 'candidate' : 'run', opened.detail.candidate],
  ];
  const text = (lines: number[]): string => promptText(lines, opened.strings);
  for (const [label, side] of sides) {
    for (const r of side?.repeats ?? []) {
      // A prompt index into the chunk's prompts, or the hash of a prompt the record does not store.
      const ref = r.p ?? side!.p;
      if (seen.has(ref)) continue;
      seen.add(ref);
      const prompt = typeof ref === 'number' ? opened.prompts[ref] : undefined;
      const body: Child[] = [];
      if (!prompt) body.push(el('p', { class: 'sub' }, `The prompt text is not stored with this record (hash ${String(ref).slice(0, 12)}).`));
      else if (prompt.turns) {
        const last = prompt.turns.length - 1;
        prompt.turns.forEach((part, i) => {
          const title = part.role === 'assistant' && i === last ? 'assistant (prefill)' : part.role;
          body.push(el('h4', null, title), el('pre', { class: 'out' }, [text(part.lines), cutNote(part.cut)]));
        });
      } else {
        if (prompt.system !== undefined) body.push(el('h4', null, 'system'), el('pre', { class: 'out' }, [text(prompt.system), cutNote(prompt.systemCut)]));
        body.push(el('h4', null, 'user'), el('pre', { class: 'out' }, [text(prompt.user ?? []), cutNote(prompt.userCut)]));
      }
      wrap.appendChild(el('details', null, [el('summary', null, `Rendered prompt (${label})`), body]));
    }
  }
  return wrap;
}

function cutNote(fullLength: number | undefined): HTMLElement | null {
  return fullLength ? el('span', { class: 'cut' }, `… cut: ${int(fullLength)} characters in full`) : null;
}
