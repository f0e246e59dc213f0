/**
 * Reading an earlier record to continue it (`--resume`): which samples are finished and kept, the
 * header line to keep byte for byte, the stored prompts, and a cursor that hands the kept sample
 * lines back in plan order so the new record interleaves them with fresh samples.
 */
import { access } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { isResumableError } from '../providers/types.js';
import { readPromptStoreLines } from './promptStore.js';
import { checkHeader, readRecordLines, type ReadLine } from './reader.js';
import { runPaths } from './runDir.js';
import type { RecordLine, SampleAttempt, SampleRecord } from './types.js';

/**
 * Whether a recorded sample is finished. Samples that never ran are not (budget skips, batch
 * requests that expired or were canceled): --resume runs them. With `redoErrors`
 * (`run --retry-errors`), no sample that ended in an error is.
 */
export function isFinishedSample(sample: SampleRecord, redoErrors = false): boolean {
  return redoErrors ? sample.error === undefined : !isResumableError(sample.error);
}

/** The history a redone sample carries: its earlier attempts' errors (a budget skip was no attempt). */
function historyOf(sample: SampleRecord): SampleAttempt[] | undefined {
  const earlier = sample.history ?? [];
  if (!sample.error || isResumableError(sample.error)) return earlier.length ? earlier : undefined;
  const attempt: SampleAttempt = { error: { kind: sample.error.kind, message: sample.error.message } };
  if (sample.attempts !== undefined) attempt.attempts = sample.attempts;
  return [...earlier, attempt];
}

export interface KeptSample {
  index: number;
  text: string;
  sample: SampleRecord;
}

export interface PreviousRecordOptions {
  /** The plan hash of the suite as loaded now: resuming a different plan is refused. */
  planHash: string;
  planned: number;
  /** Redo the samples that ended in an error, keeping their errors in the new line's `history`. */
  redoErrors?: boolean;
  /** Called for each kept sample while the record is first read. */
  onKept?: (sample: SampleRecord) => void;
}

export class PreviousRecord {
  private cursor: KeptSample | undefined;
  private exhausted = false;
  private lines: AsyncGenerator<ReadLine> | undefined;

  private constructor(
    readonly file: string,
    readonly headerText: string,
    /** Indices of the samples kept from this record. */
    readonly kept: ReadonlySet<number>,
    /** The earlier prompt store, hash → its line. */
    readonly promptLines: ReadonlyMap<string, string>,
    private readonly histories: ReadonlyMap<number, SampleAttempt[]>,
  ) {}

  /** The earlier attempts of a sample that is being redone, for its new line. */
  historyOf(index: number): SampleAttempt[] | undefined {
    return this.histories.get(index);
  }

  /** Reads the record of `runDir` once to find the kept samples; checks that it is one plan, in order, without duplicates. */
  static async open(runDir: string, options: PreviousRecordOptions): Promise<PreviousRecord> {
    const paths = runPaths(runDir);
    let headerText: string | undefined;
    const kept = new Set<number>();
    const histories = new Map<number, SampleAttempt[]>();
    const seen = new Map<number, number>();
    let lastIndex = -1;
    for await (const { value, text, line } of readRecordLines(paths.record)) {
      if (value.type === 'header') {
        const header = checkHeader(value, paths.record, line);
        if (header.planHash !== options.planHash) {
          throw new InputError(
            'the suite changed since this run started (prompt versions, models, cases or repeats differ), so it cannot be resumed',
            { file: paths.record, line, field: 'planHash' },
            'start a new run, or restore the suite as it was',
          );
        }
        headerText = text;
      } else if (value.type === 'sample') {
        if (headerText === undefined) throw new InputError('a sample line comes before the header', { file: paths.record, line }, 'the record is damaged: start a new run');
        checkSampleLine(value, { file: paths.record, line, seen, lastIndex, planned: options.planned });
        seen.set(value.index, line);
        lastIndex = value.index;
        if (isFinishedSample(value, options.redoErrors)) {
          kept.add(value.index);
          options.onKept?.(value);
        } else {
          const history = historyOf(value);
          if (history) histories.set(value.index, history);
        }
      }
    }
    if (headerText === undefined) throw new InputError('the record has no header line: nothing to resume', { file: paths.record, line: 1 }, 'start a new run');
    const promptLines = new Map<string, string>();
    for await (const { value, text } of readPromptStoreLines(paths.prompts)) promptLines.set(value.hash, text);
    return new PreviousRecord(paths.record, headerText, kept, promptLines, histories);
  }

  /** Hands every kept sample whose index is below `index` to `sink`, in plan order. */
  async copyUntil(index: number, sink: (kept: KeptSample) => Promise<void>): Promise<void> {
    for (;;) {
      if (!this.cursor) {
        if (this.exhausted) return;
        this.cursor = await this.nextKept();
        if (!this.cursor) {
          this.exhausted = true;
          return;
        }
      }
      if (this.cursor.index >= index) return;
      const current = this.cursor;
      this.cursor = undefined;
      await sink(current);
    }
  }

  private async nextKept(): Promise<KeptSample | undefined> {
    this.lines ??= readRecordLines(this.file);
    for (;;) {
      const next = await this.lines.next();
      if (next.done) return undefined;
      const value: RecordLine = next.value.value;
      if (value.type !== 'sample' || !this.kept.has(value.index)) continue;
      return { index: value.index, text: next.value.text, sample: value };
    }
  }
}

function checkSampleLine(
  sample: SampleRecord,
  at: { file: string; line: number; seen: Map<number, number>; lastIndex: number; planned: number },
): void {
  const where = { file: at.file, line: at.line, field: 'index' };
  if (!Number.isInteger(sample.index) || sample.index < 0 || sample.index >= at.planned) {
    throw new InputError(`sample index ${String(sample.index)} is outside the plan of ${at.planned} samples`, where, 'the record is damaged: delete this line and resume again');
  }
  const earlier = at.seen.get(sample.index);
  if (earlier !== undefined) {
    throw new InputError(
      `sample ${sample.index} (${sample.caseId}) is recorded twice, also on line ${earlier}`,
      where,
      'keep one of the two lines (delete the other) and resume again',
    );
  }
  if (sample.index < at.lastIndex) {
    throw new InputError(`samples are out of plan order (index ${sample.index} after ${at.lastIndex})`, where, 'the record was edited: restore the order of the lines and resume again');
  }
}

/** Indices of the finished samples in a run folder's record (none when it has no record yet). */
export async function finishedSampleIndices(runDir: string, redoErrors = false): Promise<Set<number>> {
  const done = new Set<number>();
  const file = runPaths(runDir).record;
  if (!(await access(file).then(() => true, () => false))) return done;
  for await (const { value } of readRecordLines(file)) {
    if (value.type === 'sample' && isFinishedSample(value, redoErrors)) done.add(value.index);
  }
  return done;
}
