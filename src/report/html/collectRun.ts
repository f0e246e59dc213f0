/**
 * The report's first pass over one run record: the header, per-cell summaries, the failure digest,
 * and per case a small tally (how its repeats went, which scorers failed) — what the overview and
 * the case list show. Outputs, reasons and prompts are not kept: the second pass (details.ts)
 * reads them again, one chunk of cases at a time, so memory does not grow with the run's text.
 */
import { checkHeader, readRecordBatches } from '../../records/reader.js';
import { SampleLineCheck } from '../../records/sampleCheck.js';
import { recordDisplayName, runFilesOf } from '../../records/runDir.js';
import { DigestBuilder, type FailureDigest } from '../../records/digest.js';
import { countNotRun, noNotRun, notFinishedText, notRunTotal, runIncompleteCause, type NotRunCounts, type RunCounts } from '../../records/completeness.js';
import { BUDGET_SKIP } from '../../records/errorKinds.js';
import { isScored, SummaryBuilder, summaryPolicyOf } from '../../records/summary.js';
import type { CellSummary, RecordHeader, RecordSummary, SampleRecord } from '../../records/types.js';
import { InputError } from '../../errors.js';
import { count } from '../format.js';
import { baselineComplete, isBaselineCaseLine, samplesOfBaselineCase } from './baselineLines.js';
import type { Interner } from './interner.js';
import { round3 } from './repeatView.js';
import type { RunView } from './types.js';

/** A prompt version × model of a run: its cases, by id, in record order. */
export interface CellCases {
  version: string;
  model: string;
  cases: Map<string, CaseTally>;
}

/** One case of one cell of a run, as the first pass keeps it (large runs have hundreds of thousands). */
export interface CaseTally {
  caseId: string;
  cell: CellCases;
  tags: string[];
  chaos?: { operators: string[]; source: string };
  /** The prompt hash of the case's first sample. */
  p: string;
  /** Prompt hashes of other repeats, when they differ from `p`. */
  otherPrompts?: string[];
  samples: number;
  /** The first sample's repeat number and rounded score (NaN when it was not scored); `more` holds the others' as pairs. */
  repeat: number;
  score: number;
  more?: number[];
  passes: number;
  /** Some sample was not scored (see `isScored`; the run's JUnit errors it), a budget skip aside. */
  errored: boolean;
  /** Samples --max-cost stopped (never sent, or answered but not judged; the run's JUnit skips them); absent when none. */
  skipped?: number;
  /** Samples that were scored (see `isScored`), and of those the passed ones: for robustness. */
  scored: number;
  scoredPassed: number;
  /** Scored chaos samples that tested nothing (their request was their source's): in neither `scored` nor `scoredPassed`. */
  notExercised?: number;
  /** Scorer indexes that failed in some repeat, ascending. */
  failed?: number[];
}

export interface CollectedRun {
  view: RunView;
  cells: CellSummary[];
  /** The run's summary, rebuilt from its samples (totals, `tooManyErrors`, robustness). */
  summary: RecordSummary;
  /** Why its samples failed or were not scored. */
  digest: FailureDigest;
  /** Repeats per case the run planned. */
  repeats: number;
  threshold: number | null;
  /** A committed baseline file (no run: it has no exit code of its own). */
  isBaseline: boolean;
  /** The cases of each cell, by `cellKey(version, model)`, in record order. */
  cases: Map<string, CellCases>;
  recordFile: string;
  promptsFile: string;
}

export interface CollectContext {
  scorers: Interner;
  outputChars: number;
  /** Incremented for every output cut to `outputChars`. */
  truncated: { outputs: number };
}

/** Told each sample as the first pass reads it, with its case's tally (see firstPassDetails.ts). */
export interface SampleFollower {
  /** Once the record's header is read: the header, and the run's record and prompt store. */
  begin(header: RecordHeader, files: { record: string; prompts: string }): void;
  sample(sample: SampleRecord, tally: CaseTally): void;
  /** After each batch of lines; the next batch is read once this settles. */
  batchRead(): Promise<void>;
}

export function cellKey(version: string, model: string): string {
  return `${version}\u0000${model}`;
}

/** The samples of a record line: a sample line, or the repeats of a baseline file's case line. */
export function samplesOfLine(value: { type: string }): SampleRecord[] | undefined {
  if (value.type === 'sample') return [value as SampleRecord];
  if (isBaselineCaseLine(value)) return samplesOfBaselineCase(value);
  return undefined;
}

export async function collectRun(dir: string, label: string, context: CollectContext, follower?: SampleFollower): Promise<CollectedRun> {
  const files = await runFilesOf(dir);
  let header: RecordHeader | undefined;
  let summaryThreshold: number | null | undefined;
  let builder: SummaryBuilder | undefined;
  const tallies = new Tallies();
  const digest = new DigestBuilder();
  let samples = 0;
  /** Samples recorded as not finished (budget skips, batch requests that expired): the run is incomplete, summary line or not. */
  const notRun = noNotRun();
  const checked = new SampleLineCheck(files.record);
  for await (const batch of readRecordBatches(files.record)) {
    for (const { value, line } of batch) {
      if (value.type === 'header') {
        header = checkHeader(value, files.record, line);
        follower?.begin(header, files);
        // A run without chaos cases has no robustness table: no case's own results need keeping.
        builder = new SummaryBuilder({ ...summaryPolicyOf(header), ...(header.options['chaos'] === false ? { chaosSources: new Set<string>() } : {}) });
        for (const prompt of header.prompts) for (const model of header.models) builder.declareCell(prompt.version, model);
      } else if (value.type === 'summary') {
        summaryThreshold = value.threshold;
      } else {
        if (value.type === 'sample') checked.check(value, line);
        const lineSamples = samplesOfLine(value);
        if (!lineSamples) continue;
        if (!builder) throw new InputError(`a ${value.type === 'sample' ? 'sample' : 'case'} comes before the ${value.type === 'sample' ? 'record' : 'baseline'} header`, { file: files.record, line });
        for (const sample of lineSamples) {
          builder.add(sample);
          digest.add(sample);
          const tally = tallies.add(sample, context);
          follower?.sample(sample, tally);
          samples++;
          countNotRun(notRun, sample);
        }
      }
    }
    await follower?.batchRead();
  }
  if (!header || !builder) throw new InputError('the record has no header line', { file: files.record, line: 1 }, 'is this a promptgold run.jsonl?');
  const threshold = summaryThreshold !== undefined ? summaryThreshold : thresholdOf(header);
  const summary = builder.build();
  const incomplete = incompleteText(header, { hasSummary: summaryThreshold !== undefined, samples, planned: header.planned, notRun: notRunTotal(notRun) }, notRun);
  return {
    view: {
      label,
      source: recordDisplayName(files.record),
      suite: header.suite,
      complete: incomplete === undefined,
      ...(incomplete !== undefined && { incomplete }),
      samples,
      commit: header.git.commit,
      prompts: header.prompts.map(({ id, version, hash }) => ({ id, version, hash })),
      models: header.models,
      notScored: summary.totals.notScored,
      maxErrorRate: summary.maxErrorRate,
      tooManyErrors: summary.tooManyErrors,
    },
    cells: summary.cells.filter((cell) => cell.samples > 0),
    summary,
    digest: digest.build(),
    repeats: Number(header.options['repeats'] ?? 1),
    threshold,
    isBaseline: baselineComplete(header) !== undefined,
    cases: tallies.cells,
    recordFile: files.record,
    promptsFile: files.prompts,
  };
}

/** Why the run is not all of its plan, in words, by the rule compare and `baseline save` apply; undefined when it is. */
function incompleteText(header: RecordHeader, run: RunCounts, notRun: NotRunCounts): string | undefined {
  const baseline = baselineComplete(header);
  if (baseline !== undefined) return baseline ? undefined : 'a baseline saved from an incomplete run';
  switch (runIncompleteCause(run)) {
    case undefined:
      return undefined;
    case 'no_summary':
      return `no summary line (interrupted?): it shows the ${count(run.samples)} samples recorded so far`;
    case 'missing_samples':
      return `${count(run.samples)} of ${count(run.planned)} planned samples are recorded`;
    case 'not_run':
      return notFinishedText(notRun, run.planned, count);
  }
}

function thresholdOf(header: RecordHeader): number | null {
  const threshold = header.options.threshold;
  return typeof threshold === 'number' ? threshold : null;
}

/** The tallies of a record's cases, grouped by cell; tag lists are shared between cases that have the same tags. */
class Tallies {
  readonly cells = new Map<string, CellCases>();
  private last: CellCases | undefined;
  private readonly tagLists = new Map<string, string[]>();
  /** The first `FIRST_TAG_LISTS` values of `tagLists`. */
  private readonly firstTagLists: string[][] = [];

  add(sample: SampleRecord, context: CollectContext): CaseTally {
    const cell = this.cellOf(sample.version, sample.model);
    let tally = cell.cases.get(sample.caseId);
    if (!tally) {
      tally = {
        caseId: sample.caseId, cell, tags: this.tagsOf(sample.tags), p: sample.promptHash, samples: 0, repeat: sample.repeat, score: tallyScore(sample),
        passes: 0, errored: false, scored: 0, scoredPassed: 0,
      };
      if (sample.chaos) tally.chaos = { operators: sample.chaos.operators, source: sample.chaos.sourceCaseId };
      cell.cases.set(sample.caseId, tally);
    } else {
      (tally.more ??= []).push(sample.repeat, tallyScore(sample));
      if (sample.promptHash !== tally.p && !tally.otherPrompts?.includes(sample.promptHash)) (tally.otherPrompts ??= []).push(sample.promptHash);
    }
    tally.samples++;
    if (sample.pass) tally.passes++;
    // Errored is a sample not scored, as the run's JUnit errors it: a context overflow or a refusal is a scored
    // failure, and a budget skip was stopped by --max-cost (the JUnit skips it).
    if (sample.error?.kind === BUDGET_SKIP) tally.skipped = (tally.skipped ?? 0) + 1;
    else if (!isScored(sample)) tally.errored = true;
    else if (sample.chaos?.notExercised) tally.notExercised = (tally.notExercised ?? 0) + 1;
    else {
      tally.scored++;
      if (sample.pass) tally.scoredPassed++;
    }
    const scorers = context.scorers;
    const scores = sample.scores;
    for (let at = 0; at < scores.length; at++) {
      const score = scores[at]!;
      // Samples list their scorers in the same order: the name is nearly always the one at its position.
      const scorer = scorers.values[at] === score.name ? at : scorers.index(score.name);
      if (!score.pass) addFailed(tally, scorer);
    }
    if (sample.output !== null && sample.output.length > context.outputChars) context.truncated.outputs++;
    return tally;
  }

  private cellOf(version: string, model: string): CellCases {
    // Samples come cell by cell: the last cell is nearly always the one.
    if (this.last?.version === version && this.last.model === model) return this.last;
    const key = cellKey(version, model);
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = { version, model, cases: new Map() }));
    this.last = cell;
    return cell;
  }

  private tagsOf(tags: string[]): string[] {
    // Most runs have a few distinct tag lists: the first ones are compared before a key is made.
    for (const shared of this.firstTagLists) if (sameStrings(shared, tags)) return shared;
    const key = JSON.stringify(tags);
    let shared = this.tagLists.get(key);
    if (!shared) {
      this.tagLists.set(key, (shared = tags));
      if (this.firstTagLists.length < FIRST_TAG_LISTS) this.firstTagLists.push(shared);
    }
    return shared;
  }
}

const FIRST_TAG_LISTS = 8;

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let at = 0; at < a.length; at++) if (a[at] !== b[at]) return false;
  return true;
}

/** Adds a scorer to the case's failed ones, kept ascending and without repeats. */
export function addFailed(tally: { failed?: number[] }, scorer: number): void {
  const failed = (tally.failed ??= []);
  let at = failed.length;
  while (at > 0 && failed[at - 1]! > scorer) at--;
  if (at > 0 && failed[at - 1] === scorer) return;
  failed.splice(at, 0, scorer);
}

/**
 * A sample's rounded score as its case's tally keeps it: NaN when it was not scored (the provider,
 * a scorer or a judge failed), so that the case's mean leaves it out rather than count it as 0.
 */
function tallyScore(sample: SampleRecord): number {
  return isScored(sample) ? round3(sample.score) : NaN;
}

/**
 * The mean of a case's rounded scores of its scored repeats, taken in repeat order (as the case's
 * side in a comparison averages them); null when no repeat was scored.
 */
export function meanScoreOf(tally: CaseTally): number | null {
  // Most cases of a large run have one repeat: no array for them.
  if (!tally.more) return Number.isNaN(tally.score) ? null : tally.score;
  const pairs: Array<[number, number]> = [[tally.repeat, tally.score]];
  for (let at = 0; at < tally.more.length; at += 2) pairs.push([tally.more[at]!, tally.more[at + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let scored = 0;
  for (const [, score] of pairs) {
    if (Number.isNaN(score)) continue;
    total += score;
    scored++;
  }
  return scored ? round3(total / scored) : null;
}

/** The case `caseId` of a run's cell, if the run has it. */
export function tallyOf(cells: Map<string, CellCases>, version: string, model: string, caseId: string): CaseTally | undefined {
  return cells.get(cellKey(version, model))?.cases.get(caseId);
}
