/**
 * Runs a loaded suite into a run folder: plan → ordered bounded-concurrency execution → record
 * lines streamed in plan order → summary. Resumes an interrupted run by merging the samples it
 * already has with the ones still to do, so each sample ends in the record exactly once.
 * A finished sample that waits behind a slow or stuck earlier one is saved to the held-back file
 * within HELD_BACK_AFTER_MS, so whatever finished is on disk even if the process is killed.
 */
import { errorMessage, InfrastructureError, InputError, withFailureAfter } from '../errors.js';
import { setMaxListeners } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { Provider, ProviderError } from '../providers/types.js';
import { countNotRun, noNotRun, notRunReason, notRunTotal } from '../records/completeness.js';
import { DigestBuilder, type FailureDigest } from '../records/digest.js';
import { PreviousRecord } from '../records/resume.js';
import { readMeta, writeMeta, type RunMeta } from '../records/runDir.js';
import { RunRecordWriter, startRecord } from '../records/runWriter.js';
import { isScored, SummaryBuilder } from '../records/summary.js';
import type { RecordHeader, RecordSummary, SampleRecord } from '../records/types.js';
import { stableStringify } from '../canonical.js';
import { callsAbandonedOn, executeSample, PreparedRequests, type ExecutedSample, type SampleEnvironment } from './executeSample.js';
import type { LoadedSuite } from './loadSuite.js';
import { planIndex, planSamples, type PlannedSample } from './plan.js';
import { ProgressReporter, type ProgressMode } from './progress.js';
import { buildRecordHeader, type HeaderContext } from './recordHeader.js';
import { runOrdered } from './scheduler.js';
import { SourceResults } from './sourceResults.js';

export interface RunOptions extends HeaderContext {
  provider: Provider;
  /** The run folder to write (created), or the folder of the run to resume. */
  runDir: string;
  runId: string;
  resume?: boolean;
  /** With `resume`: also redo the samples that ended in an error (`run --retry-errors`). */
  redoErrors?: boolean;
  progress?: ProgressMode;
  /** Graceful stop (first Ctrl-C): no new samples start, in-flight ones finish and are recorded. */
  stopSignal?: AbortSignal;
  /**
   * Hard stop (second Ctrl-C): in-flight samples are abandoned (--resume runs them), everything
   * finished is written, and the run ends as interrupted.
   */
  hardStopSignal?: AbortSignal;
  /** When this invocation's work on the run began (performance.now()), if before runSuite: a batch phase. */
  startedAtMs?: number;
  /** Providers for judge calls of rubric scorers, by judge model. */
  judge?: (model: string) => Provider;
  /** The run's judge layers around a judge Provider a rubric was given directly (see ScorerContext.ownJudge). */
  ownJudge?: (provider: Provider) => Provider;
  /** Extra fields for meta.json (the CLI stores its plan-shaping flags there). */
  meta?: Partial<RunMeta>;
}

export interface RunResult {
  runDir: string;
  status: RunMeta['status'];
  summary: RecordSummary | undefined;
  /** Why samples failed or errored, grouped (every sample of the record, kept ones included). */
  digest: FailureDigest;
  /** For an incomplete run: which samples were not run (budget skips, expired batch requests). */
  notRun?: string;
  /** Set when a provider error stopped the run (bad key, unknown model). */
  fatal?: ProviderError;
  planned: number;
  written: number;
}

/** Live figures for the progress line. */
interface LiveCounts {
  done: number;
  passed: number;
  scored: number;
  costUsd: number;
}

export async function runSuite(loaded: LoadedSuite, options: RunOptions): Promise<RunResult> {
  const header = buildRecordHeader(loaded, options);
  await mkdir(options.runDir, { recursive: true });

  const sources = new SourceResults(loaded.chaosSources);
  const keptSamples = new Map<number, KeptIdentity>();
  const previous = options.resume
    ? await PreviousRecord.open(options.runDir, {
        planHash: header.planHash,
        datasetHash: header.dataset.hash,
        runOptions: header.options,
        planned: header.planned,
        redoErrors: options.redoErrors === true,
        onKept: (sample, where) => {
          keptSamples.set(sample.index, { identity: sampleIdentity(sample), where });
          sources.resolveRecorded(sample);
        },
      })
    : undefined;
  // Before anything is sent: a kept line that is not the plan's sample at its index (a record edited
  // or merged by hand) would be counted in the wrong case, and a chaos variant could wait forever
  // for a source result keyed by the line's own fields.
  checkKeptSamplesMatchPlan(loaded, keptSamples);
  keptSamples.clear();
  // The header goes first: a fresh record is created exclusively, so a folder another run writes
  // to fails here, before this run touches its meta.json.
  const writer = new RunRecordWriter(options.runDir, previous !== undefined);
  await writer.header(previous ? previous.headerText : stableStringify(header)).catch(async (error: unknown) => {
    await writer.abandon();
    throw error;
  });
  const previousMeta = previous ? await readMeta(options.runDir) : undefined;
  const meta: RunMeta = {
    ...withoutStopReason(previousMeta),
    ...(options.meta ?? {}),
    runId: options.runId,
    suite: loaded.suite.name,
    status: 'running',
    startedAt: previousMeta?.startedAt ?? new Date().toISOString(),
  };
  await writeMeta(options.runDir, meta);
  const startedAt = options.startedAtMs ?? performance.now();

  const summary = new SummaryBuilder(loaded);
  for (const prompt of loaded.prompts) for (const model of loaded.models) summary.declareCell(prompt.template.version, model);

  const runController = new AbortController();
  // Every in-flight sample listens for a hard stop: more than Node's default of 10 is expected.
  setMaxListeners(Number.POSITIVE_INFINITY, runController.signal);
  const callsInFlight = callsAbandonedOn(runController.signal);
  const hardStop = () => runController.abort(new Error('stopped by the user'));
  if (options.hardStopSignal?.aborted) hardStop();
  options.hardStopSignal?.addEventListener('abort', hardStop, { once: true });
  let fatal: ProviderError | undefined;
  let written = 0;
  /** Samples recorded as not run, which --resume runs: budget skips, batch requests that expired or were canceled, or had no result. */
  const notRun = noNotRun();
  const live: LiveCounts = { done: previous?.kept.size ?? 0, passed: 0, scored: 0, costUsd: 0 };

  const digest = new DigestBuilder();
  const record = (sample: SampleRecord) => {
    summary.add(sample);
    digest.add(sample);
    written++;
  };
  const copyPreviousUntil = async (index: number) => {
    await previous?.copyUntil(index, async (kept) => {
      await writer.copiedSample(kept.text, kept.sample.promptHash, previous.promptLines.get(kept.sample.promptHash));
      record(kept.sample);
    });
  };

  const onResult = async (executed: ExecutedSample | undefined, planned: PlannedSample) => {
    if (!executed) return; // aborted mid-flight: not done, --resume runs it
    if (previous) {
      await copyPreviousUntil(planned.index);
      const history = previous.historyOf(planned.index);
      if (history) executed.record.history = history;
    }
    const writing = writer.sample(executed.record, executed.prompt);
    if (writing) await writing;
    record(executed.record);
    countLive(live, executed.record);
    countNotRun(notRun, executed.record);
    if (executed.fatal && !fatal) {
      fatal = executed.fatal;
      runController.abort(fatal);
    }
  };

  const progress = new ProgressReporter(options.progress ?? 'none', () => ({ label: loaded.suite.name, total: header.planned, ...live }));
  progress.start();

  const environment: SampleEnvironment = {
    provider: options.provider,
    requests: new PreparedRequests(loaded.checkedRenders),
    scorersFor: (p) => loaded.scorersFor(p.case),
    timeoutMs: loaded.timeoutMs,
    scorerTimeoutMs: loaded.scorerTimeoutMs,
    runSignal: runController.signal,
    callsInFlight,
    scorerContext: { signal: runController.signal, ...(options.judge && { judge: options.judge }), ...(options.ownJudge && { ownJudge: options.ownJudge }) },
    sourceResult: (sample) => sources.awaitSource(sample),
  };

  let status: RunMeta['status'] = 'running';
  /** Why the run ended early when an error stopped it (e.g. a dataset changed under it). */
  let failedWith: string | undefined;
  /** The error that ended the run early, thrown on once meta.json says so. */
  let stoppedBy: { error: unknown } | undefined;
  try {
    await runOrdered(pendingSamples(loaded, previous?.kept), {
      concurrency: loaded.concurrency,
      shouldStop: () => runController.signal.aborted || Boolean(options.stopSignal?.aborted),
      worker: (planned) => sources.settling(planned, () => executeSample(planned, environment)),
      onResult,
      heldBack: {
        afterMs: HELD_BACK_AFTER_MS,
        save: async (executed) => {
          if (executed) await writer.heldBack(executed.record, executed.prompt);
        },
      },
    });
    await copyPreviousUntil(Number.POSITIVE_INFINITY);

    const complete = written === header.planned;
    status = fatal ? 'aborted' : !complete ? 'interrupted' : notRunTotal(notRun) > 0 ? 'incomplete' : 'complete';
    const built = summary.build();
    if (complete) await writer.summary(built);
    await writer.commit();
    const result: RunResult = { runDir: options.runDir, status, summary: complete ? built : undefined, digest: digest.build(), fatal, planned: header.planned, written };
    if (status === 'incomplete') result.notRun = notRunReason(notRun);
    return result;
  } catch (error) {
    status = 'aborted';
    failedWith = errorMessage(error);
    stoppedBy = { error };
    // A failed resume leaves the previous record untouched; a failed fresh run keeps what it wrote.
    await writer.abandon();
    throw error;
  } finally {
    options.hardStopSignal?.removeEventListener('abort', hardStop);
    progress.stop();
    const reason = fatal ? fatal.message : status === 'incomplete' ? notRunReason(notRun) : failedWith;
    // A finished retry pass is over; an interrupted one is continued by --resume.
    if (status === 'complete' || status === 'incomplete') delete meta.retryingErrors;
    const writing = writeMeta(options.runDir, {
      ...meta,
      status,
      finishedAt: new Date().toISOString(),
      wallMs: Math.round(performance.now() - startedAt),
      ...(reason ? { reason } : {}),
    });
    // After an error, or a fatal provider error, a meta.json that cannot be written (a full disk) is said under it, never in its place.
    await writing.catch((failure: unknown) => {
      const stopping = stoppedBy ? stoppedBy.error : fatal ? fatalStopError(fatal) : undefined;
      throw stopping === undefined ? failure : withFailureAfter(stopping, failure, 'marking the run aborted');
    });
  }
}

/** A resumed run's meta.json without the reason its last invocation stopped: this one gives its own, or none. */
function withoutStopReason(meta: RunMeta | undefined): Partial<RunMeta> {
  if (!meta) return {};
  const { reason: _stopped, ...rest } = meta;
  return rest;
}

/** A fatal provider error, as a run that cannot return its result says it (the CLI's `run stopped:`, exit 3). */
function fatalStopError(fatal: ProviderError): InfrastructureError {
  return new InfrastructureError(`run stopped: ${fatal.message}`, 'fix the cause, then `promptgold run --resume <run folder>`', fatal);
}

/** How long a finished sample may wait in memory for an earlier one before it is saved to the held-back file. */
const HELD_BACK_AFTER_MS = 200;

/** The progress line's pass rate is the golden one, as in the summary: chaos and unscored samples are counted apart. */
function countLive(live: LiveCounts, record: SampleRecord): void {
  live.done++;
  if (!record.chaos && isScored(record)) {
    live.scored++;
    if (record.pass) live.passed++;
  }
  // What this sample cost: its answer and its judges' calls.
  live.costUsd += record.judge ? record.costUsd + record.judge.costUsd : record.costUsd;
}

interface KeptIdentity {
  identity: string;
  where: { file: string; line?: number };
}

/** What puts a sample at its index: its case (and a chaos case's source), version, model and repeat. */
function sampleIdentity(sample: { caseId: string; version: string; model: string; repeat: number; chaos?: { sourceCaseId: string } }): string {
  return `${sample.caseId} (${sample.version} × ${sample.model}, repeat ${sample.repeat}${sample.chaos ? `, chaos of ${sample.chaos.sourceCaseId}` : ''})`;
}

function plannedIdentity(planned: PlannedSample): string {
  const chaos = planned.case.chaos;
  return sampleIdentity({ caseId: planned.case.id, version: planned.prompt.template.version, model: planned.model, repeat: planned.repeat, ...(chaos && { chaos }) });
}

/**
 * Each kept sample must be the plan's sample at its index (the plan hash says the plan is the run's).
 * The cases are walked once, not once per version × model as planSamples would: a streamed dataset
 * is read again for it.
 */
function checkKeptSamplesMatchPlan(loaded: LoadedSuite, kept: ReadonlyMap<number, KeptIdentity>): void {
  if (kept.size === 0) return;
  const plan = loaded.plan;
  let position = 0;
  for (const goldenCase of plan.cases) {
    plan.prompts.forEach((prompt, p) => {
      plan.models.forEach((model, m) => {
        for (let repeat = 0; repeat < plan.repeats; repeat++) {
          const index = planIndex(plan, p, m, position, repeat);
          const found = kept.get(index);
          if (!found) continue;
          const expected = plannedIdentity({ index, case: goldenCase, prompt, model, repeat });
          if (found.identity !== expected) {
            throw new InputError(
              `sample ${index} is ${found.identity}, but the plan has ${expected} at that index: the line does not belong to this run`,
              { ...found.where, field: 'caseId' },
              'the record was edited or merged by hand: restore it, or start a new run',
            );
          }
        }
      });
    });
    position++;
  }
}

function* pendingSamples(loaded: LoadedSuite, done: ReadonlySet<number> | undefined): Generator<PlannedSample> {
  for (const planned of planSamples(loaded.plan)) if (!done?.has(planned.index)) yield planned;
}

/**
 * Creates the run folder with its header line and meta.json before any sample exists, for runs
 * that must be resumable from their first moment (batch mode: the batch ids are saved next).
 */
export async function startRunRecord(loaded: LoadedSuite, options: Pick<RunOptions, 'runDir' | 'runId' | 'git' | 'toolVersion' | 'meta'>): Promise<RecordHeader> {
  const header = buildRecordHeader(loaded, options);
  await mkdir(options.runDir, { recursive: true });
  await startRecord(options.runDir, stableStringify(header));
  await writeMeta(options.runDir, {
    ...(options.meta ?? {}),
    runId: options.runId,
    suite: loaded.suite.name,
    status: 'running',
    startedAt: new Date().toISOString(),
  });
  return header;
}
