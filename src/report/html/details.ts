/**
 * The report's second pass: each row's samples, chunk by chunk, read again from the records and
 * prompt stores the first pass planned (outline.ts). A row's samples are dropped once its chunk is
 * handed on; a chunk of `DETAIL_CHUNK` rows shares one table of reasons and prompts (plus what the
 * records' order makes a reader hold ahead: see GroupCursor and PromptCursor). The in-memory
 * report makes full rows of them (`caseRowOfDetail`); the streamed one serialises each row's
 * details straight from its samples (`DetailChunkBuilder.addDetail`).
 */
import type { SampleRecord } from '../../records/types.js';
import { caseRowOf, groupCell, type GroupRef, type GroupView, type RowOutline, type RowSide } from './caseRows.js';
import { GroupCursor } from './groupCursor.js';
import type { Interner } from './interner.js';
import type { ReportOutline } from './outline.js';
import { DETAIL_CHUNK } from './pageData.js';
import { PromptCursor } from './promptCursor.js';
import { expectedView, toRepeatView, type RepeatContext } from './repeatView.js';
import type { CaseListRow, CaseRow, PromptText } from './types.js';

/** A case's samples on one side, as its details show them. */
export interface SideSamples {
  /** The prompt hash of its first sample in record order; a repeat shows its own only when it differs. */
  p: string;
  /** Its samples in record order (the first gives the case's expected value). */
  samples: SampleRecord[];
  /** Its samples by repeat number, as the details list them. */
  byRepeat: SampleRecord[];
}

/** One case row with its samples, and the tables of its chunk (shared by the chunk's rows). */
export interface DetailRow {
  /** The row's detail chunk: rows `chunk * DETAIL_CHUNK` to `(chunk + 1) * DETAIL_CHUNK - 1`. */
  chunk: number;
  outline: RowOutline;
  /** The row's list entry (made once per row here). */
  list: CaseListRow;
  /** The sides whose samples the records hold; a side shown without them has a fallback or no repeats. */
  samples: { baseline?: SideSamples; candidate?: SideSamples };
  /** Its `strings` are the reasons the chunk's scores refer to. */
  context: RepeatContext;
  /** The prompts the chunk's rows refer to, by hash (a hash no store holds is absent). */
  prompts: Map<string, PromptText>;
}

/**
 * The rows in order, a detail chunk at a time, as soon as the chunk's samples and prompts are read
 * (one await per chunk rather than per row: on a large report the per-row turns of an async
 * generator added up). `strings` gives each chunk its reason table: a new one per chunk keeps
 * memory flat; one shared table serves a report built in memory.
 */
export async function* detailChunks(outline: ReportOutline, strings: () => Interner): AsyncGenerator<DetailRow[]> {
  const groups = outline.cursors.map((plan) => new GroupCursor(outline.runs[plan.run]!.recordFile, plan.only));
  const prompts = outline.runs.map((run, index) => new PromptCursor(run.promptsFile, index, outline.prompts, outline.promptChars));
  try {
    let context: RepeatContext | undefined;
    let texts = new Map<string, PromptText>();
    let rows: DetailRow[] = [];
    for (const [index, outlined] of outline.rows.entries()) {
      const chunk = Math.floor(index / DETAIL_CHUNK);
      if (index % DETAIL_CHUNK === 0) {
        if (chunk > 0) {
          yield rows;
          rows = [];
          for (const cursor of prompts) cursor.release(chunk - 1);
        }
        context = { scorers: outline.scorers, strings: strings(), outputChars: outline.outputChars, truncated: { outputs: 0 } };
        texts = new Map();
      }
      // A run's row makes its list entry when asked: once per row here.
      const list = outlined.list;
      const samples: DetailRow['samples'] = {};
      for (const side of SIDES) {
        const group = side === 'baseline' ? outlined.baselineGroup : outlined.candidateGroup;
        const read = group && samplesOf(outline, groups, group, list, side);
        const sideSamples = read && sideSamplesOf(Array.isArray(read) ? read : await read);
        if (sideSamples) samples[side] = sideSamples;
      }
      for (const hash of promptHashes(outlined, list, samples)) {
        if (texts.has(hash)) continue;
        const plan = outline.prompts.get(hash);
        if (!plan || plan.run < 0) continue;
        const cursor = prompts[plan.run]!;
        const text = cursor.find(hash, chunk, plan) ?? (await cursor.take(hash, chunk, plan));
        if (text) texts.set(hash, text);
      }
      rows.push({ chunk, outline: outlined, list, samples, context: context!, prompts: texts });
    }
    if (rows.length > 0) yield rows;
  } finally {
    for (const cursor of [...groups, ...prompts]) await cursor.close();
  }
}

const SIDES: readonly RowSide[] = ['baseline', 'candidate'];

/** The full row of a detail row: its repeats as `RepeatView`s, reasons interned in `context.strings`. */
export function caseRowOfDetail(detail: DetailRow): CaseRow {
  const { baseline, candidate } = detail.samples;
  const groups: { baseline?: GroupView; candidate?: GroupView } = {};
  if (baseline) groups.baseline = groupView(baseline, detail.context);
  if (candidate) groups.candidate = groupView(candidate, detail.context);
  return caseRowOf(detail.outline, detail.list, groups, detail.context);
}

/** The case's expected value as the details show it, from the candidate's samples else the baseline's. */
export function expectedOfDetail(detail: DetailRow, outputChars: number): string | undefined {
  for (const side of [detail.samples.candidate, detail.samples.baseline]) {
    const expected = side?.samples[0]!.expected;
    if (expected !== undefined) return expectedView(expected, outputChars);
  }
  return undefined;
}

/**
 * The samples of a row's side: at once when they are read already (nearly always: an await per
 * row adds up on large runs), else a promise of them once the cursor has read on.
 */
function samplesOf(outline: ReportOutline, cursors: GroupCursor[], group: GroupRef, list: CaseListRow, side: RowSide): SampleRecord[] | Promise<SampleRecord[]> {
  const cell = outline.overview.cells[groupCell(list, side, outline.overview.pairs)]!;
  const cursor = cursors[group.cursor]!;
  return cursor.ready(cell.version, cell.model, list.id, group.samples) ?? cursor.take(cell.version, cell.model, list.id, group.samples);
}

export function sideSamplesOf(samples: SampleRecord[]): SideSamples | undefined {
  const first = samples[0];
  if (!first) return undefined;
  // A stable sort: repeats with the same number keep their record order.
  return { p: first.promptHash, samples, byRepeat: samples.length > 1 ? [...samples].sort((a, b) => a.repeat - b.repeat) : samples };
}

function groupView(side: SideSamples, context: RepeatContext): GroupView {
  const view: GroupView = { p: side.p, repeats: [] };
  const expected = side.samples[0]!.expected;
  if (expected !== undefined) view.expected = expectedView(expected, context.outputChars);
  // Record order, so reasons are interned in the order they were recorded (caseRowOf sorts the repeats).
  for (const sample of side.samples) {
    const repeat = toRepeatView(sample, context);
    // 64 characters per repeat add up on large runs: the hash is kept once per case.
    if (repeat.p === view.p) repeat.p = undefined;
    view.repeats.push(repeat);
  }
  return view;
}

/** The prompt hashes a row shows, in the order its details first show them. */
function promptHashes(outline: RowOutline, list: CaseListRow, samples: DetailRow['samples']): Set<string> {
  const hashes = new Set<string>();
  for (const side of SIDES) {
    if (!list[side]) continue;
    const read = samples[side];
    if (!read) {
      hashes.add((side === 'baseline' ? outline.baselineFallback : outline.candidateFallback)?.promptHash ?? '');
      continue;
    }
    hashes.add(read.p);
    for (const sample of read.byRepeat) hashes.add(sample.promptHash);
  }
  return hashes;
}
