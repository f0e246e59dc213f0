/**
 * Reading an earlier record to continue it (`--resume`): which samples are finished and kept, the
 * header line to keep byte for byte, the stored prompts, and a cursor that hands the kept sample
 * lines back in plan order so the new record interleaves them with fresh samples. Samples saved in
 * the held-back file (finished, but still waiting for an earlier one when the run stopped) are
 * kept too, merged into plan order.
 */
import { access } from 'node:fs/promises';
import { stableStringify } from '../canonical.js';
import { InputError } from '../errors.js';
import { isResumableError } from '../providers/types.js';
import { hasAnswer } from './errorKinds.js';
import { readPromptStoreLines } from './promptStore.js';
import { checkHeader, readJsonlObjects, readRecordLines, type ReadLine } from './reader.js';
import { judgingOptionChange, judgingOptionRefusal } from './resumeOptions.js';
import { runPaths } from './runDir.js';
import { checkSampleFields } from './sampleCheck.js';
import type { HeldBackLine, RecordLine, SampleAttempt, SampleError, SampleRecord } from './types.js';

/**
 * Whether a recorded sample is finished. Budget skips (never sent, or answered but not judged)
 * and batch requests that expired or were canceled are not: --resume runs them. With `redoErrors`
 * (`run --retry-errors`), no sample that ended in an error is.
 */
export function isFinishedSample(sample: SampleRecord, redoErrors = false): boolean {
  return redoErrors ? sample.error === undefined : !isResumableError(sample.error);
}

/**
 * The history a redone sample carries: its earlier tries, each with its error and what it spent, so
 * the cost totals keep money that was paid. A sample that never ran (a budget skip before its
 * answer, a batch request that expired) was no try; one the budget stopped at its judge was.
 */
function historyOf(sample: SampleRecord): SampleAttempt[] | undefined {
  const earlier = sample.history ?? [];
  if (!sample.error || (isResumableError(sample.error) && !hasAnswer(sample))) return earlier.length ? earlier : undefined;
  return [...earlier, attemptOf(sample, sample.error)];
}

function attemptOf(sample: SampleRecord, error: SampleError): SampleAttempt {
  const attempt: SampleAttempt = { error: { kind: error.kind, message: error.message } };
  if (sample.attempts !== undefined) attempt.attempts = sample.attempts;
  if (sample.costUsd > 0) attempt.costUsd = sample.costUsd;
  const judgeCostUsd = sample.judge?.costUsd ?? 0;
  if (judgeCostUsd > 0) attempt.judgeCostUsd = judgeCostUsd;
  return attempt;
}

export interface KeptSample {
  index: number;
  text: string;
  sample: SampleRecord;
}

export interface PreviousRecordOptions {
  /** The plan hash of the suite as loaded now: resuming a different plan is refused. */
  planHash: string;
  /** The dataset's hash as read now: finished samples were scored against the cases as they were. */
  datasetHash: string;
  /** The header options of the suite as loaded now: its scorers, threshold and maxErrorRate must be the record's (see resumeOptions.ts). */
  runOptions: Record<string, unknown>;
  planned: number;
  /** Redo the samples that ended in an error, keeping their errors in the new line's `history`. */
  redoErrors?: boolean;
  /** Called for each kept sample while the record is first read, with where it was read (the held-back file has no line). */
  onKept?: (sample: SampleRecord, where: { file: string; line?: number }) => void;
}

export class PreviousRecord {
  private cursor: KeptSample | undefined;
  private exhausted = false;
  private lines: AsyncGenerator<ReadLine> | undefined;
  /** The next kept line of the record file, read ahead to merge with the held-back samples. */
  private fromFile: KeptSample | undefined;
  private fileDone = false;
  private heldBackPosition = 0;

  private constructor(
    readonly file: string,
    readonly headerText: string,
    /** Indices of the samples kept from this record (its file and its held-back samples). */
    readonly kept: ReadonlySet<number>,
    private readonly keptInFile: ReadonlySet<number>,
    /** The earlier prompt store, hash → its line. */
    readonly promptLines: ReadonlyMap<string, string>,
    /** Kept samples found only in the held-back file, in plan order. */
    private readonly heldBack: readonly KeptSample[],
    private readonly histories: ReadonlyMap<number, SampleAttempt[]>,
  ) {}

  /** The earlier attempts of a sample that is being redone, for its new line. */
  historyOf(index: number): SampleAttempt[] | undefined {
    return this.histories.get(index);
  }

  /** Reads the record of `runDir` once to find the kept samples; checks that it is one plan, in order, without duplicates. */
  static async open(runDir: string, options: PreviousRecordOptions): Promise<PreviousRecord> {
    const paths = runPaths(runDir);
    const keep = (sample: SampleRecord) => isFinishedSample(sample, options.redoErrors);
    let headerText: string | undefined;
    const kept = new Set<number>();
    const histories = new Map<number, SampleAttempt[]>();
    const samples = new RecordSampleCheck(paths.record, options.planned);
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
        if (header.dataset.hash !== options.datasetHash) {
          throw new InputError(
            `the dataset ${header.dataset.path} changed since this run started (content hash ${header.dataset.hash.slice(0, 12)} → ${options.datasetHash.slice(0, 12)}): its finished samples were scored against the cases as they were, and would be mixed with samples of the new ones`,
            { file: paths.record, line, field: 'dataset.hash' },
            'start a new run, or restore the dataset as it was',
          );
        }
        const change = judgingOptionChange(header.options, options.runOptions);
        if (change) {
          const { message, fix } = judgingOptionRefusal(change);
          throw new InputError(message, { file: paths.record, line, field: `options.${change.field}` }, fix);
        }
        headerText = text;
      } else if (value.type === 'sample') {
        if (headerText === undefined) throw new InputError('a sample line comes before the header', { file: paths.record, line }, 'the record is damaged: start a new run');
        samples.check(value, line);
        if (keep(value)) {
          kept.add(value.index);
          options.onKept?.(value, { file: paths.record, line });
        } else {
          const history = historyOf(value);
          if (history) histories.set(value.index, history);
        }
      }
    }
    if (headerText === undefined) throw new InputError('the record has no header line: nothing to resume', { file: paths.record, line: 1 }, 'start a new run');
    const promptLines = new Map<string, string>();
    for await (const { value, text } of readPromptStoreLines(paths.prompts)) promptLines.set(value.hash, text);
    const keptInFile = new Set(kept);
    const heldBack: KeptSample[] = [];
    for await (const { sample, prompt } of readHeldBack(paths.heldBack, options.planned)) {
      // Already kept: written into the record in its turn as well, or saved twice.
      if (kept.has(sample.index)) continue;
      if (!keep(sample)) {
        const history = historyOf(sample);
        if (history) histories.set(sample.index, history);
        continue;
      }
      histories.delete(sample.index);
      if (prompt && !promptLines.has(prompt.hash)) promptLines.set(prompt.hash, stableStringify(prompt));
      kept.add(sample.index);
      options.onKept?.(sample, { file: paths.heldBack });
      heldBack.push({ index: sample.index, text: stableStringify(sample), sample });
    }
    heldBack.sort((a, b) => a.index - b.index);
    return new PreviousRecord(paths.record, headerText, kept, keptInFile, promptLines, heldBack, histories);
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

  /** The kept sample with the lowest index of the two sources (record file, held-back samples). */
  private async nextKept(): Promise<KeptSample | undefined> {
    if (!this.fromFile && !this.fileDone) {
      this.fromFile = await this.nextKeptInFile();
      this.fileDone = this.fromFile === undefined;
    }
    const held = this.heldBack[this.heldBackPosition];
    if (held && (!this.fromFile || held.index < this.fromFile.index)) {
      this.heldBackPosition++;
      return held;
    }
    const next = this.fromFile;
    this.fromFile = undefined;
    return next;
  }

  private async nextKeptInFile(): Promise<KeptSample | undefined> {
    this.lines ??= readRecordLines(this.file);
    for (;;) {
      const next = await this.lines.next();
      if (next.done) return undefined;
      const value: RecordLine = next.value.value;
      if (value.type !== 'sample' || !this.keptInFile.has(value.index)) continue;
      return { index: value.index, text: next.value.text, sample: value };
    }
  }
}

const HELD_BACK_HINT = 'the file holds finished samples saved ahead of their turn: delete the bad line (its sample is run again) and resume';

/**
 * The held-back file's samples (none when there is no file). A torn last line is ignored, like in
 * the record; any other damage is an input error with file and line.
 */
async function* readHeldBack(file: string, planned: number): AsyncGenerator<HeldBackLine> {
  if (!(await access(file).then(() => true, () => false))) return;
  for await (const { value, line } of readJsonlObjects(file)) {
    const { sample, prompt } = value as Partial<HeldBackLine>;
    if (sample === null || typeof sample !== 'object' || sample.type !== 'sample') {
      throw new InputError('expected { "sample": { "type": "sample", … } }', { file, line, field: 'sample' }, HELD_BACK_HINT);
    }
    if (!Number.isInteger(sample.index) || sample.index < 0 || sample.index >= planned) {
      throw new InputError(`sample index ${String(sample.index)} is outside the plan of ${planned} samples`, { file, line, field: 'sample.index' }, HELD_BACK_HINT);
    }
    // Kept samples count in the new summary as they are: a `"pass": "false"` would count as a pass.
    checkSampleFields(sample, { file, line, prefix: 'sample.', hint: HELD_BACK_HINT });
    const validPrompt = prompt !== null && typeof prompt === 'object' && typeof prompt.hash === 'string' ? prompt : undefined;
    yield validPrompt ? { sample, prompt: validPrompt } : { sample };
  }
}

/**
 * The checks a resume makes of each sample line of the record it keeps from: inside the plan, each
 * index once, in plan order, with fields of the right types. One per reading of the record.
 */
class RecordSampleCheck {
  private readonly seen = new Map<number, number>();
  private lastIndex = -1;

  constructor(
    private readonly file: string,
    private readonly planned: number,
  ) {}

  check(sample: SampleRecord, line: number): void {
    const where = { file: this.file, line, field: 'index' };
    if (!Number.isInteger(sample.index) || sample.index < 0 || sample.index >= this.planned) {
      throw new InputError(`sample index ${String(sample.index)} is outside the plan of ${this.planned} samples`, where, 'the record is damaged: delete this line and resume again');
    }
    const earlier = this.seen.get(sample.index);
    if (earlier !== undefined) {
      throw new InputError(
        `sample ${sample.index} (${sample.caseId}) is recorded twice, also on line ${earlier}`,
        where,
        'keep one of the two lines (delete the other) and resume again',
      );
    }
    if (sample.index < this.lastIndex) {
      throw new InputError(`samples are out of plan order (index ${sample.index} after ${this.lastIndex})`, where, 'the record was edited: restore the order of the lines and resume again');
    }
    checkSampleFields(sample, { file: this.file, line });
    this.seen.set(sample.index, line);
    this.lastIndex = sample.index;
  }
}

/**
 * Indices of the finished samples in a run folder's record and held-back file (none when it has no
 * record yet). The record's sample lines get the checks `--resume` makes of what it keeps: inside
 * the plan, in plan order, each once, with fields of the right types.
 */
export async function finishedSampleIndices(runDir: string, options: { planned: number; redoErrors?: boolean }): Promise<Set<number>> {
  const done = new Set<number>();
  const paths = runPaths(runDir);
  if (!(await access(paths.record).then(() => true, () => false))) return done;
  const samples = new RecordSampleCheck(paths.record, options.planned);
  for await (const { value, line } of readRecordLines(paths.record)) {
    if (value.type !== 'sample') continue;
    samples.check(value, line);
    if (isFinishedSample(value, options.redoErrors)) done.add(value.index);
  }
  for await (const { sample } of readHeldBack(paths.heldBack, options.planned)) {
    if (isFinishedSample(sample, options.redoErrors)) done.add(sample.index);
  }
  return done;
}
