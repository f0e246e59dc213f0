/**
 * The report's second pass: the case rows with their repeats, one chunk of `DETAIL_CHUNK` rows at
 * a time, read again from the records and prompt stores the first pass planned (outline.ts).
 * Only one chunk's outputs, reasons and prompts are in memory at once (plus what the records'
 * order makes a reader hold ahead: see GroupCursor and PromptCursor).
 */
import type { SampleRecord } from '../../records/types.js';
import { caseRowOf, type GroupRef, type GroupView } from './caseRows.js';
import { GroupCursor } from './groupCursor.js';
import type { Interner } from './interner.js';
import type { ReportOutline } from './outline.js';
import { DETAIL_CHUNK } from './pageData.js';
import { PromptCursor } from './promptCursor.js';
import { expectedView, toRepeatView, type RepeatContext } from './repeatView.js';
import type { CaseRow, PromptText } from './types.js';

export interface DetailRows {
  rows: CaseRow[];
  /** The reasons the rows' scores refer to. */
  strings: Interner;
  /** The prompts the rows refer to, by hash (a hash no store holds is absent). */
  prompts: Map<string, PromptText>;
}

/**
 * The rows in chunks, in order. `strings` gives each chunk its reason table: a new one per chunk
 * keeps memory flat; one shared table serves a report built in memory.
 */
export async function* detailRows(outline: ReportOutline, strings: () => Interner): AsyncGenerator<DetailRows> {
  const groups = outline.cursors.map((plan) => new GroupCursor(outline.runs[plan.run]!.recordFile, plan.keys));
  const prompts = outline.runs.map((run, index) => new PromptCursor(run.promptsFile, index, outline.prompts, outline.promptChars));
  try {
    for (let start = 0, chunk = 0; start < outline.rows.length; start += DETAIL_CHUNK, chunk++) {
      const context: RepeatContext = { scorers: outline.scorers, strings: strings(), outputChars: outline.outputChars, truncated: { outputs: 0 } };
      const rows: CaseRow[] = [];
      for (const row of outline.rows.slice(start, start + DETAIL_CHUNK)) {
        const baseline = row.baselineGroup && groupView(await take(groups, row.baselineGroup), context);
        const candidate = row.candidateGroup && groupView(await take(groups, row.candidateGroup), context);
        rows.push(caseRowOf(row, { ...(baseline ? { baseline } : {}), ...(candidate ? { candidate } : {}) }, context));
      }
      const texts = new Map<string, PromptText>();
      for (const hash of promptHashes(rows)) {
        const plan = outline.prompts.get(hash);
        const text = plan && plan.run >= 0 ? await prompts[plan.run]!.take(hash, chunk) : undefined;
        if (text) texts.set(hash, text);
      }
      yield { rows, strings: context.strings, prompts: texts };
      for (const cursor of prompts) cursor.release(chunk);
    }
  } finally {
    for (const cursor of [...groups, ...prompts]) await cursor.close();
  }
}

function take(cursors: GroupCursor[], group: GroupRef): Promise<SampleRecord[]> {
  return cursors[group.cursor]!.take(group.key, group.samples);
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

/** The prompt hashes the rows show, in the order they first appear. */
function promptHashes(rows: CaseRow[]): Set<string> {
  const hashes = new Set<string>();
  for (const row of rows) {
    for (const side of [row.baseline, row.candidate]) {
      if (!side) continue;
      hashes.add(side.p);
      for (const repeat of side.repeats) if (repeat.p) hashes.add(repeat.p);
    }
  }
  return hashes;
}
