/**
 * The report's second pass: the case rows with their repeats, row by row, read again from the
 * records and prompt stores the first pass planned (outline.ts). A row's samples are dropped once
 * it is handed on; its chunk of `DETAIL_CHUNK` rows shares one table of reasons and prompts
 * (plus what the records' order makes a reader hold ahead: see GroupCursor and PromptCursor).
 */
import type { SampleRecord } from '../../records/types.js';
import { caseRowOf, groupCell, type GroupRef, type GroupView } from './caseRows.js';
import { GroupCursor } from './groupCursor.js';
import type { Interner } from './interner.js';
import type { ReportOutline } from './outline.js';
import { DETAIL_CHUNK } from './pageData.js';
import { PromptCursor } from './promptCursor.js';
import { expectedView, toRepeatView, type RepeatContext } from './repeatView.js';
import type { CaseListRow, CaseRow, PromptText } from './types.js';

/** One case row with its repeats, and the tables of its chunk (shared by the chunk's rows). */
export interface DetailRow {
  /** The row's detail chunk: rows `chunk * DETAIL_CHUNK` to `(chunk + 1) * DETAIL_CHUNK - 1`. */
  chunk: number;
  row: CaseRow;
  /** The reasons the chunk's scores refer to. */
  strings: Interner;
  /** The prompts the chunk's rows refer to, by hash (a hash no store holds is absent). */
  prompts: Map<string, PromptText>;
}

/**
 * The rows in order, each as soon as its samples and prompts are read. `strings` gives each chunk
 * its reason table: a new one per chunk keeps memory flat; one shared table serves a report built
 * in memory.
 */
export async function* detailRows(outline: ReportOutline, strings: () => Interner): AsyncGenerator<DetailRow> {
  const groups = outline.cursors.map((plan) => new GroupCursor(outline.runs[plan.run]!.recordFile, plan.only));
  const prompts = outline.runs.map((run, index) => new PromptCursor(run.promptsFile, index, outline.prompts, outline.promptChars));
  try {
    let context: RepeatContext | undefined;
    let texts = new Map<string, PromptText>();
    for (const [index, outlined] of outline.rows.entries()) {
      const chunk = Math.floor(index / DETAIL_CHUNK);
      if (index % DETAIL_CHUNK === 0) {
        if (chunk > 0) for (const cursor of prompts) cursor.release(chunk - 1);
        context = { scorers: outline.scorers, strings: strings(), outputChars: outline.outputChars, truncated: { outputs: 0 } };
        texts = new Map();
      }
      // A run's row makes its list entry when asked: once per row here.
      const list = outlined.list;
      const baselineSamples = outlined.baselineGroup && samplesOf(outline, groups, outlined.baselineGroup, list, 'baseline');
      const baseline = baselineSamples && groupView(Array.isArray(baselineSamples) ? baselineSamples : await baselineSamples, context!);
      const candidateSamples = outlined.candidateGroup && samplesOf(outline, groups, outlined.candidateGroup, list, 'candidate');
      const candidate = candidateSamples && groupView(Array.isArray(candidateSamples) ? candidateSamples : await candidateSamples, context!);
      const row = caseRowOf(outlined, list, { ...(baseline ? { baseline } : {}), ...(candidate ? { candidate } : {}) }, context!);
      for (const hash of promptHashes(row)) {
        if (texts.has(hash)) continue;
        const plan = outline.prompts.get(hash);
        const cursor = plan && plan.run >= 0 ? prompts[plan.run]! : undefined;
        const text = cursor && (cursor.find(hash, chunk) ?? (await cursor.take(hash, chunk)));
        if (text) texts.set(hash, text);
      }
      yield { chunk, row, strings: context!.strings, prompts: texts };
    }
  } finally {
    for (const cursor of [...groups, ...prompts]) await cursor.close();
  }
}

/**
 * The samples of a row's side: at once when they are read already (nearly always: an await per
 * row adds up on large runs), else a promise of them once the cursor has read on.
 */
function samplesOf(outline: ReportOutline, cursors: GroupCursor[], group: GroupRef, list: CaseListRow, side: 'baseline' | 'candidate'): SampleRecord[] | Promise<SampleRecord[]> {
  const cell = outline.overview.cells[groupCell(list, side, outline.overview.pairs)]!;
  const cursor = cursors[group.cursor]!;
  return cursor.ready(cell.version, cell.model, list.id, group.samples) ?? cursor.take(cell.version, cell.model, list.id, group.samples);
}

function groupView(samples: SampleRecord[], context: RepeatContext): GroupView | undefined {
  const first = samples[0];
  if (!first) return undefined;
  const view: GroupView = { p: first.promptHash, repeats: [] };
  if (first.expected !== undefined) view.expected = expectedView(first.expected, context.outputChars);
  for (const sample of samples) {
    const repeat = toRepeatView(sample, context);
    // 64 characters per repeat add up on large runs: the hash is kept once per case.
    if (repeat.p === view.p) repeat.p = undefined;
    view.repeats.push(repeat);
  }
  return view;
}

/** The prompt hashes a row shows. */
function promptHashes(row: CaseRow): Set<string> {
  const hashes = new Set<string>();
  for (const side of [row.baseline, row.candidate]) {
    if (!side) continue;
    hashes.add(side.p);
    for (const repeat of side.repeats) if (repeat.p) hashes.add(repeat.p);
  }
  return hashes;
}
