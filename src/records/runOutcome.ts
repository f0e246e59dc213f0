/**
 * How a run ended, read back from its folder, and the exit code `promptgold run` gave it: 3 when it
 * stopped on an error, left samples unrun or unscored beyond maxErrorRate; 130 when interrupted; 1
 * when a cell is below the threshold; else 0. `promptgold report <run>` ends with it, so a CI step
 * that only writes the page still fails as the run did.
 */
import { dirname } from 'node:path';
import { ExitCode, strongestExitCode } from '../errors.js';
import { countNotRun, noNotRun, notRunTotal, runIncompleteCause, type RunIncompleteCause } from './completeness.js';
import { BUDGET_SKIP } from './errorKinds.js';
import { readRecordHeader, readRecordLines, readRecordSummary } from './reader.js';
import { readMeta, type RunMeta } from './runDir.js';
import { SummaryBuilder, summaryPolicyOf } from './summary.js';
import type { RecordSummary } from './types.js';

export type RunEnd =
  /** The run stopped on a fatal error (meta.json `aborted`), with its message when known. */
  | { kind: 'stopped'; reason?: string; samples: number; planned: number }
  /** Ctrl-C (meta.json `interrupted`). */
  | { kind: 'interrupted'; samples: number; planned: number }
  /** Samples left unrun (the budget, expired batches), a record short of its plan, or one with no summary line. */
  | { kind: 'incomplete'; cause: RunIncompleteCause; reason?: string; samples: number; planned: number; part?: RunPart }
  /** Every planned sample has its line: judged by its summary. */
  | { kind: 'finished'; summary: RecordSummary };

/** What a run's exit code is decided by. A run that stopped early has no summary: no tooManyErrors, no failing cells. */
export interface RunExitFacts {
  /** It stopped on a fatal error. */
  fatal?: boolean;
  /** Samples left unrun (the budget, expired batches), a record short of its plan, or one with no summary line. */
  incomplete?: boolean;
  /** Ctrl-C. */
  interrupted?: boolean;
  /** Its summary's maxErrorRate decision. */
  tooManyErrors?: boolean;
  /** How many cells are below the threshold. */
  failingCells?: number;
}

/** The one rule for every command that ends as a run did (`run`, `report <run>`, `merge`). */
export function runExitCode(facts: RunExitFacts): ExitCode {
  const codes = [
    facts.fatal || facts.incomplete || facts.tooManyErrors ? ExitCode.infrastructure : ExitCode.passed,
    facts.interrupted ? ExitCode.interrupted : ExitCode.passed,
    (facts.failingCells ?? 0) > 0 ? ExitCode.evaluationFailed : ExitCode.passed,
  ];
  return strongestExitCode(codes) ?? ExitCode.passed;
}

/**
 * A record that is not a run of its own, so `--resume` does not finish it: a vitest shard's part
 * (with how many of its samples never ran), or what `promptgold merge` joined (from how many parts).
 */
export type RunPart = { kind: 'shard'; index: number; count: number; notRun: number } | { kind: 'merge'; parts: number };

export function runEndExitCode(end: RunEnd): ExitCode {
  if (end.kind === 'finished') return runExitCode({ tooManyErrors: end.summary.tooManyErrors, failingCells: end.summary.failingCells.length });
  return runExitCode({ fatal: end.kind === 'stopped', interrupted: end.kind === 'interrupted', incomplete: end.kind === 'incomplete' });
}

/**
 * How the run of `recordFile` ended. A finished record is judged by the summary line the run wrote
 * (read from the end of the file); only a record without one, or with one from before summaries
 * said `tooManyErrors`, is read through to rebuild it.
 */
export async function readRunEnd(recordFile: string): Promise<RunEnd> {
  const header = await readRecordHeader(recordFile);
  const meta = await readMeta(dirname(recordFile));
  const written = await readRecordSummary(recordFile);
  const tally = written && typeof written.tooManyErrors === 'boolean' ? fromSummary(written) : await tallyRecord(recordFile);
  const planned = header.planned;
  const counts = { samples: tally.samples, planned };
  if (meta?.status === 'aborted') return { kind: 'stopped', ...(meta.reason ? { reason: meta.reason } : {}), ...counts };
  if (meta?.status === 'interrupted') return { kind: 'interrupted', ...counts };
  const cause = runIncompleteCause({ hasSummary: written !== undefined, samples: tally.samples, planned, notRun: meta?.status === 'incomplete' ? Math.max(1, tally.notRun) : tally.notRun });
  if (cause) {
    const part = meta ? runPartOf(meta, tally.notRun) : undefined;
    return { kind: 'incomplete', cause, ...(meta?.status === 'incomplete' && meta.reason ? { reason: meta.reason } : {}), ...counts, ...(part && { part }) };
  }
  return { kind: 'finished', summary: tally.summary };
}

/** What meta.json says the record is part of, when it says so in a shape it could have been written in. */
function runPartOf(meta: RunMeta, notRun: number): RunPart | undefined {
  const { shard, mergedFrom } = meta;
  if (Array.isArray(mergedFrom)) return { kind: 'merge', parts: mergedFrom.length };
  if (shard && Number.isInteger(shard.index) && Number.isInteger(shard.count)) return { kind: 'shard', index: shard.index, count: shard.count, notRun };
  return undefined;
}

interface RecordTally {
  summary: RecordSummary;
  samples: number;
  notRun: number;
}

function fromSummary(summary: RecordSummary): RecordTally {
  const notRun = summary.cells.reduce((total, cell) => total + (cell.errors[BUDGET_SKIP] ?? 0), 0);
  return { summary, samples: summary.totals.samples, notRun };
}

async function tallyRecord(recordFile: string): Promise<RecordTally> {
  let builder: SummaryBuilder | undefined;
  let samples = 0;
  const notRun = noNotRun();
  for await (const { value } of readRecordLines(recordFile)) {
    if (value.type === 'header') builder = new SummaryBuilder(summaryPolicyOf(value));
    else if (value.type === 'sample' && builder) {
      builder.add(value);
      samples++;
      countNotRun(notRun, value);
    }
  }
  return { summary: builder!.build(), samples, notRun: notRunTotal(notRun) };
}
