/**
 * Committed baselines: `<suite dir>/<suite>.baseline.jsonl`, a compact, stable digest of a run
 * made to be reviewed in a pull request. Line 1 is the run's header (plus `baseline`); then one
 * `baseline-case` line per cell × case, sorted by version, model, case id, each holding its repeats.
 * Every line is written key-sorted (canonical.ts), so saving the same run twice gives the
 * same bytes and a changed case shows as a one-line diff. Numbers keep full precision (format 2):
 * a run compared with its own baseline must differ by exactly zero everywhere — format 1 rounded
 * scores to 6 decimals, and a Levenshtein score of 0.6853932584… against 0.685393 read as a
 * (tiny) change. Format-1 files still load.
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { stableStringify } from '../canonical.js';
import { InputError, fileWriteError } from '../errors.js';
import { replaceFileWith } from '../replaceFile.js';
import { isResumableError } from '../providers/types.js';
import { redactKnownSecrets } from '../secrets.js';
import { countNotRun, noNotRun, notFinishedText, notRunReason, notRunTotal, runIncompleteCause, type NotRunCounts } from '../records/completeness.js';
import { isNotScoredKind } from '../records/errorKinds.js';
import { cellKey, isScored, summaryPolicyOf, tooManyUnscored } from '../records/summary.js';
import { readRecordLines, checkHeader } from '../records/reader.js';
import { SampleLineCheck } from '../records/sampleCheck.js';
import type { NotExercisedReason } from '../chaos/exercised.js';
import type { RecordHeader, SampleRecord } from '../records/types.js';
import type { ComparableSample } from './caseReducer.js';

export const BASELINE_FORMAT = 2;
export const BASELINE_SUFFIX = '.baseline.jsonl';

export interface BaselineHeader extends RecordHeader {
  baseline: {
    format: number;
    /** The run it was saved from, relative to the project root. */
    sourceRun: string;
    /** False when saved from an incomplete run (the comparison then says so). */
    complete: boolean;
  };
}

export interface BaselineRepeat {
  repeat: number;
  pass: boolean;
  score: number;
  /** Scorer name → score. */
  scores: Record<string, number>;
  /** Scorer name → reason, only for scorers that failed (keeps the file small). */
  failed?: Record<string, string>;
  /** Scorer name → error, for scorers that threw. */
  scorerErrors?: Record<string, string>;
  output: string | null;
  error?: { kind: string; message: string };
  stopReason: string | null;
  costUsd: number;
  latencyMs: number | null;
  /** Every input token, prompt-cache reads and writes included. */
  inputTokens: number;
  outputTokens: number;
  cached?: boolean;
  /** Of `inputTokens`, those read from and written to the prompt cache, and what the reads saved (only when there were any). */
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  cacheSavedUsd?: number;
  /** What the sample's rubric and checklist judges cost (only when it had judges). */
  judgeCostUsd?: number;
  /** A chaos repeat's `chaos.notExercised` and `chaos.readMutatedVars` (see SampleRecord.chaos), when the run recorded them. */
  notExercised?: NotExercisedReason;
  readMutatedVars?: true;
  /** The parameters the request went without (see SampleRecord.droppedParams), when there were any. */
  droppedParams?: string[];
}

export interface BaselineCaseLine {
  type: 'baseline-case';
  version: string;
  model: string;
  caseId: string;
  tags: string[];
  promptHash: string;
  promptId: string;
  chaos?: { sourceCaseId: string; operators: string[] };
  repeats: BaselineRepeat[];
}

export function isBaselineHeader(header: RecordHeader): header is BaselineHeader {
  return typeof (header as Partial<BaselineHeader>).baseline === 'object';
}

/** `<suite dir>/<suite>.baseline.jsonl`, from the suite file named in a record header. */
export function defaultBaselinePath(header: Pick<RecordHeader, 'suite' | 'suiteFile'>, root: string): string {
  return join(resolve(root, dirname(header.suiteFile)), `${header.suite}${BASELINE_SUFFIX}`);
}

export function looksLikeBaselineFile(file: string): boolean {
  return basename(file).endsWith(BASELINE_SUFFIX);
}

/** The samples a baseline line stands for, in the shape the comparison reads. */
export function baselineCaseToSamples(line: BaselineCaseLine): ComparableSample[] {
  return line.repeats.map((r) => {
    const scores = Object.keys(r.scores)
      .sort()
      .map((name) => {
        const failedReason = r.failed?.[name];
        const score: SampleRecord['scores'][number] = {
          name,
          score: r.scores[name]!,
          pass: failedReason === undefined,
          reason: failedReason ?? '',
        };
        const error = r.scorerErrors?.[name];
        if (error !== undefined) score.error = error;
        return score;
      });
    const sample: ComparableSample = {
      caseId: line.caseId,
      version: line.version,
      model: line.model,
      repeat: r.repeat,
      tags: line.tags,
      promptHash: line.promptHash,
      output: r.output ?? '',
      stopReason: r.stopReason,
      scores,
      score: r.score,
      pass: r.pass,
      costUsd: r.costUsd,
      latencyMs: r.latencyMs,
      usage: usageOf(r),
    };
    if (r.error) sample.error = r.error;
    if (r.cached) sample.cached = true;
    if (r.cacheSavedUsd !== undefined) sample.cacheSavedUsd = r.cacheSavedUsd;
    if (r.droppedParams?.length) sample.droppedParams = r.droppedParams;
    if (r.judgeCostUsd !== undefined) sample.judge = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: r.judgeCostUsd, latencyMs: 0, cached: 0 };
    if (line.chaos) {
      sample.chaos = { ...line.chaos, fields: [], ops: [], property: '' };
      if (r.notExercised) sample.chaos.notExercised = r.notExercised;
      if (r.readMutatedVars) sample.chaos.readMutatedVars = true;
    }
    return sample;
  });
}

/** A repeat's usage as the run recorded it: the cache's tokens apart from the rest of the input. */
function usageOf(r: BaselineRepeat): NonNullable<SampleRecord['usage']> {
  const read = r.cacheReadInputTokens ?? 0;
  const written = r.cacheCreationInputTokens ?? 0;
  const usage: NonNullable<SampleRecord['usage']> = { inputTokens: r.inputTokens - read - written, outputTokens: r.outputTokens };
  if (r.cacheReadInputTokens !== undefined) usage.cacheReadInputTokens = read;
  if (r.cacheCreationInputTokens !== undefined) usage.cacheCreationInputTokens = written;
  return usage;
}

export interface SavedBaseline {
  file: string;
  cells: number;
  cases: number;
  samples: number;
  complete: boolean;
}

/**
 * Streams a run record into a baseline file. A run that did not finish is refused unless
 * `allowIncomplete`: the cases it never ran would be left out of every comparison against it. So
 * is, always, a run with a cell that scored none of its golden samples, or with more samples
 * unscored than its maxErrorRate allows (the run failed with exit 3): a candidate compared with it
 * would be compared with nothing, or with the part that happened to answer.
 */
export async function saveBaseline(recordFile: string, options: { out?: string; root?: string; allowIncomplete?: boolean } = {}): Promise<SavedBaseline> {
  const root = options.root ?? process.cwd();
  let header: RecordHeader | undefined;
  let hasSummary = false;
  let samples = 0;
  const notRun = noNotRun();
  const lines = new Map<string, BaselineCaseLine>();
  const scoring = new ScoringTally();
  const checked = new SampleLineCheck(relative(root, recordFile));
  for await (const { value, line } of readRecordLines(recordFile)) {
    if (value.type === 'header') {
      header = checkHeader(value, recordFile, line);
      if (isBaselineHeader(header)) {
        throw new InputError('this is already a baseline file', { file: relative(root, recordFile) }, 'save a baseline from a run folder under reports/runs/');
      }
    } else if (value.type === 'sample') {
      samples++;
      const sample = checked.check(value, line);
      countNotRun(notRun, sample);
      scoring.add(sample);
      addSample(lines, sample);
    } else if (value.type === 'summary') hasSummary = true;
  }
  if (!header) throw new InputError('the record has no header line', { file: relative(root, recordFile), line: 1 }, 'is this a promptgold run.jsonl?');
  const complete = runIncompleteCause({ hasSummary, samples, planned: header.planned, notRun: notRunTotal(notRun) }) === undefined;
  if (!complete && !options.allowIncomplete) throw incompleteRunError(relative(root, recordFile), { samples, planned: header.planned, hasSummary, notRun });
  const unscored = unscoredRunError(relative(root, recordFile), toPosix(relative(root, dirname(recordFile))), scoring, summaryPolicyOf(header).maxErrorRate ?? 0);
  if (unscored) throw unscored;
  const out = resolve(root, options.out ?? defaultBaselinePath(header, root));
  const baselineHeader: BaselineHeader = {
    ...header,
    baseline: { format: BASELINE_FORMAT, sourceRun: toPosix(relative(root, dirname(recordFile))), complete },
  };
  const sorted = [...lines.values()].sort(compareLines);
  const text = [baselineHeader, ...sorted].map((value) => stableStringify(value)).join('\n') + '\n';
  try {
    await mkdir(dirname(out), { recursive: true });
    await replaceFileWith(out, redactKnownSecrets(text));
  } catch (error) {
    throw fileWriteError(error, out, relative(root, out));
  }
  const cells = new Set(sorted.map((l) => `${l.version}\u0000${l.model}`)).size;
  return { file: out, cells, cases: sorted.length, samples, complete };
}

function incompleteRunError(file: string, run: { samples: number; planned: number; hasSummary: boolean; notRun: NotRunCounts }): InputError {
  const notRun = notRunTotal(run.notRun);
  const left = Math.max(0, run.planned - run.samples) + notRun;
  const state =
    notRun > 0 && run.hasSummary && run.samples >= run.planned
      ? notFinishedText(run.notRun, run.planned)
      : `${run.samples} of ${run.planned} planned samples${run.hasSummary ? '' : ', no summary line'}${notRun ? `, ${notRunReason(run.notRun)}` : ''}`;
  return new InputError(
    `the run is incomplete (${state}): a baseline from it would leave ${left ? `${left} planned sample${left === 1 ? '' : 's'}` : 'what it did not run'} out of every comparison against it`,
    { file },
    'finish the run with `promptgold run <suite> --resume <run>` and save that, or pass --allow-incomplete to save it anyway (comparisons against it then say so)',
  );
}

/**
 * What a baseline needs scored: over the run, every sample and those not scored, by kind, counted
 * as the run's summary counts them (so the maxErrorRate decision is the run's own); per cell, its
 * golden samples that ran and how many were scored.
 */
class ScoringTally {
  samples = 0;
  readonly notScored = new Map<string, number>();
  readonly cells = new Map<string, { golden: number; scored: number; notScored: Map<string, number> }>();

  add(sample: SampleRecord): void {
    this.samples++;
    const kind = sample.error?.kind;
    const unscored = kind !== undefined && isNotScoredKind(kind);
    if (unscored) this.notScored.set(kind, (this.notScored.get(kind) ?? 0) + 1);
    if (sample.chaos || isResumableError(sample.error)) return;
    const key = cellKey(sample.version, sample.model);
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { golden: 0, scored: 0, notScored: new Map() };
      this.cells.set(key, cell);
    }
    cell.golden++;
    if (isScored(sample)) cell.scored++;
    if (unscored) cell.notScored.set(kind, (cell.notScored.get(kind) ?? 0) + 1);
  }

  get notScoredCount(): number {
    return [...this.notScored.values()].reduce((a, b) => a + b, 0);
  }
}

/** Why a run cannot be a baseline for want of scored samples, or undefined when it can. */
function unscoredRunError(file: string, runDir: string, tally: ScoringTally, maxErrorRate: number): InputError | undefined {
  const hint = `fix what failed (the run's report lists the errors), run those samples again with \`promptgold run --retry-errors ${runDir}\`, and save that`;
  const empty = [...tally.cells.entries()].filter(([, cell]) => cell.golden > 0 && cell.scored === 0);
  if (empty.length) {
    const golden = empty.reduce((n, [, cell]) => n + cell.golden, 0);
    const notScored = empty.reduce((n, [, cell]) => n + [...cell.notScored.values()].reduce((a, b) => a + b, 0), 0);
    const kinds = new Map<string, number>();
    for (const [, cell] of empty) for (const [kind, n] of cell.notScored) kinds.set(kind, (kinds.get(kind) ?? 0) + n);
    const names = empty.map(([key]) => key).join(', ');
    return new InputError(
      `no golden sample of ${names} was scored (${notScored} of ${empty.length === 1 ? 'its' : 'their'} ${golden} golden samples not scored: ${kindsText(kinds)}): a baseline from it has nothing to compare a candidate with`,
      { file },
      hint,
    );
  }
  const notScored = tally.notScoredCount;
  if (tooManyUnscored({ samples: tally.samples, notScored }, maxErrorRate)) {
    return new InputError(
      `${notScored} of ${tally.samples} samples were not scored (${kindsText(tally.notScored)}); maxErrorRate allows ${Number((maxErrorRate * 100).toFixed(2))}%: the run failed (exit 3), and a baseline from it would leave them out of every comparison against it`,
      { file },
      hint,
    );
  }
  return undefined;
}

/** `judge_error 2, provider_error 5`. */
function kindsText(kinds: Map<string, number>): string {
  return [...kinds.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
}

function addSample(lines: Map<string, BaselineCaseLine>, sample: SampleRecord): void {
  const key = `${sample.version}\u0000${sample.model}\u0000${sample.caseId}`;
  let line = lines.get(key);
  if (!line) {
    line = {
      type: 'baseline-case',
      version: sample.version,
      model: sample.model,
      caseId: sample.caseId,
      tags: sample.tags ?? [],
      promptHash: sample.promptHash,
      promptId: sample.promptId,
      repeats: [],
    };
    if (sample.chaos) line.chaos = { sourceCaseId: sample.chaos.sourceCaseId, operators: sample.chaos.operators };
    lines.set(key, line);
  }
  line.repeats.push(toRepeat(sample));
  line.repeats.sort((a, b) => a.repeat - b.repeat);
}

function toRepeat(sample: SampleRecord): BaselineRepeat {
  const scores: Record<string, number> = {};
  const failed: Record<string, string> = {};
  const scorerErrors: Record<string, string> = {};
  for (const score of sample.scores) {
    scores[score.name] = score.score;
    if (!score.pass) failed[score.name] = score.reason;
    if (score.error) scorerErrors[score.name] = score.error;
  }
  const repeat: BaselineRepeat = {
    repeat: sample.repeat,
    pass: sample.pass,
    score: sample.score,
    scores,
    output: sample.output,
    stopReason: sample.stopReason,
    costUsd: sample.costUsd,
    latencyMs: sample.latencyMs,
    inputTokens: sample.usage ? sample.usage.inputTokens + (sample.usage.cacheCreationInputTokens ?? 0) + (sample.usage.cacheReadInputTokens ?? 0) : 0,
    outputTokens: sample.usage?.outputTokens ?? 0,
  };
  if (Object.keys(failed).length) repeat.failed = failed;
  if (Object.keys(scorerErrors).length) repeat.scorerErrors = scorerErrors;
  if (sample.error) repeat.error = { kind: sample.error.kind, message: sample.error.message };
  if (sample.cached) repeat.cached = true;
  const read = sample.usage?.cacheReadInputTokens ?? 0;
  const written = sample.usage?.cacheCreationInputTokens ?? 0;
  if (read > 0) repeat.cacheReadInputTokens = read;
  if (written > 0) repeat.cacheCreationInputTokens = written;
  if (sample.cacheSavedUsd !== undefined) repeat.cacheSavedUsd = sample.cacheSavedUsd;
  if (sample.droppedParams?.length) repeat.droppedParams = sample.droppedParams;
  if (sample.judge) repeat.judgeCostUsd = sample.judge.costUsd;
  if (sample.chaos?.notExercised) repeat.notExercised = sample.chaos.notExercised;
  if (sample.chaos?.readMutatedVars) repeat.readMutatedVars = true;
  return repeat;
}

function compareLines(a: BaselineCaseLine, b: BaselineCaseLine): number {
  return compareText(a.version, b.version) || compareText(a.model, b.model) || compareText(a.caseId, b.caseId);
}

/** Code-point order: independent of the machine's locale, so the file is the same everywhere. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toPosix(path: string): string {
  return path.split('\\').join('/');
}
