/** `promptgold run`: load suites, run them through the provider stack, write records, print a summary. */
import { join, relative, resolve } from 'node:path';
import { displayPath } from '../../displayPath.js';
import { RunSession } from '../../engine/assemble.js';
import { importSuites, type LoadedSuite, type SuiteOverrides } from '../../engine/loadSuite.js';
import type { ProgressMode } from '../../engine/progress.js';
import { runSuite, startRunRecord, type RunResult } from '../../engine/run.js';
import type { ErroredSuite } from '../../report/runJunit.js';
import { ExitCode, InputError, fileWriteError, strongestExitCode, wordedError, type WordedError } from '../../errors.js';
import { checkOutputPath, flagOutput } from '../../outputPath.js';
import { readRecordHeader, readRecordLines } from '../../records/reader.js';
import type { RecordSummary } from '../../records/types.js';
import { isResumableError } from '../../providers/types.js';
import { formatFailingSample, formatFailureDigest } from '../../report/digest.js';
import { plural } from '../../text.js';
import { tooManyErrorsText } from '../../report/notScored.js';
import { chaosCoverageLines, chaosNotConfiguredLine } from '../../report/chaosCoverage.js';
import type { ChaosCoverage } from '../../chaos/coverage.js';
import type { Suite } from '../../suite.js';
import { finishedSampleIndices } from '../../records/resume.js';
import { readMeta, resolveRecordPath, runPaths, writeMeta } from '../../records/runDir.js';
import { runExitCode } from '../../records/runOutcome.js';
import { writeRunPage } from '../../report/html/runPage.js';
import { formatFieldAccuracyTable, formatRobustnessTable, formatSummaryTable, formatToolCallLines } from '../../report/console.js';
import { TOOL_VERSION } from '../../version.js';
import { discoverSuiteFiles } from '../discover.js';
import { parseIntegerOption, parseListOption, parseNumberOption, parseSuiteFieldOption, parseTimerMsOption, refuseFlagsGiven } from '../options.js';

export interface RunFlags {
  version?: string[];
  model?: string[];
  repeat?: string;
  concurrency?: string;
  filter?: string[];
  limit?: string;
  sample?: string;
  seed?: string;
  provider?: string;
  record?: boolean;
  cache?: boolean;
  resume?: string;
  retryErrors?: string;
  out?: string;
  json?: boolean;
  junit?: string;
  chaos?: boolean;
  timeout?: string;
  maxErrorRate?: string;
  maxCost?: string;
  yes?: boolean;
  batch?: boolean;
  html?: boolean;
  progress?: boolean;
  verbose?: boolean;
}

export interface SuiteRunOutcome {
  suite: string;
  /** What `--chaos` made: the coverage of the suite's chaos part, or `not-configured` (another suite's chaos ran). */
  chaos?: ChaosCoverage | 'not-configured';
  runDir: string;
  result: RunResult;
  /** Why the run's HTML report was not written, when it was not. */
  reportFailure?: WordedError;
  /** Errors after the run finished (closing its provider, printing it): said and counted, the outcome kept. */
  laterFailures?: WordedError[];
}

/** A suite of the run with no outcome: refused, stopped by an error, or never started. */
export interface SuiteWithoutOutcome {
  suite: string;
  /**
   * `not run`: refused before its run folder was claimed, or not started because an earlier suite
   * stopped the run; `aborted`: an error after its run folder was claimed (the folder keeps what was written).
   */
  status: 'not run' | 'aborted';
  /** The run folder, once claimed (or the one resumed); null when the suite never had one. */
  runDir: string | null;
  /** What stopped it: the error, with its exit code, or why it was not started (no code of its own: the cause has one). */
  error: { text: string; exitCode?: ExitCode };
  /** How many outcomes had been printed when it was said. */
  before: number;
}

/** How far a suite's job got: whatever it throws is reported by this, not as a refusal. */
export interface JobProgress {
  /** Set once the run folder is claimed (at the start for a resumed run). */
  runDir: string | null;
  /** Set once the run finished and its outcome is listed. */
  outcome?: SuiteRunOutcome;
  /** An error closing the provider, which does not take the run's result with it. */
  closeFailure?: WordedError;
}

export async function runCommand(suiteArgs: string[], flags: RunFlags): Promise<number> {
  const session = await RunSession.open({
    ...(flags.out ? { runsDir: resolve(flags.out) } : {}),
    record: flags.record === true,
    cache: flags.cache !== false,
    ...(flags.maxCost ? { maxCostUsd: parseNumberOption(flags.maxCost, '--max-cost') } : {}),
    confirmOverBudget: flags.yes === true,
  });
  const root = session.root;
  // Asked now, answered by the time a record header needs it: git runs while the suites load.
  void session.gitInfo();
  const stop = new AbortController();
  const hardStop = new AbortController();
  const interrupts = installInterruptHandler(stop, hardStop, flags.json === true);
  const outcomes: SuiteRunOutcome[] = [];
  /** Suites without an outcome: refused, stopped after their run folder was claimed, or never started. */
  const withoutOutcome: SuiteWithoutOutcome[] = [];
  const now = new Date();
  try {
    if (flags.resume && flags.retryErrors) throw new InputError('--resume and --retry-errors both continue a run: pass one', { field: '--retry-errors' }, '--retry-errors also finishes samples an interrupted run did not reach');
    // Before any sample is sent: a JUnit path that cannot take the file would otherwise fail after the run.
    if (flags.junit) await checkOutputPath(resolve(flags.junit), flagOutput('--junit', 'junit.xml'));
    const continued = flags.resume ?? flags.retryErrors;
    if (continued) refusePlanFlags(flags.resume ? '--resume' : '--retry-errors', suiteArgs, flags);
    const jobs = continued ? await continueJobs(session, continued, flags) : await freshJobs(session, suiteArgs, flags);
    for (const [index, job] of jobs.entries()) {
      const stoppedBy = stop.signal.aborted ? 'the run was interrupted (Ctrl-C or SIGTERM)' : fatalStop(outcomes.at(-1));
      if (stoppedBy) {
        // Listed, not left out: --json and --junit show every suite the command was given.
        for (const later of jobs.slice(index)) withoutOutcome.push({ suite: later.loaded.suite.name, status: 'not run', runDir: null, error: { text: `stopped before it started: ${stoppedBy}` }, before: outcomes.length });
        if (!flags.json) process.stderr.write(`promptgold: not started: ${jobs.slice(index).map((later) => later.loaded.suite.name).join(', ')} (${stoppedBy})\n`);
        break;
      }
      // A suite refused once the runs have begun (a model check, a provider it cannot have) stops
      // only itself: the runs before it keep their outcome, exit code, JSON and JUnit, and those
      // after it still run. Its error is said now and decides the exit code with the others.
      // How far the job got decides what the error is: a refusal, a failed run, or one after the run.
      const progress: JobProgress = { runDir: job.resume?.runDir ?? null };
      const thrown = await runJob(job, progress).then(
        () => undefined,
        (error: unknown) => wordedError(error),
      );
      const end = jobEnd(job.loaded.suite.name, progress, thrown, outcomes.length);
      for (const failure of end.said) process.stderr.write(`promptgold: ${failure.text}\n`);
      if (progress.outcome && end.laterFailures) progress.outcome.laterFailures = end.laterFailures;
      if (end.withoutOutcome) {
        withoutOutcome.push(end.withoutOutcome);
        if (end.withoutOutcome.runDir && !flags.json) process.stderr.write(`promptgold: ${end.withoutOutcome.suite} failed after its run began; its run folder: ${relative(root, end.withoutOutcome.runDir)}\n`);
      }
    }
  } finally {
    interrupts.remove();
  }
  // Said again at the end when later runs printed their own outcome after it, so it is not scrolled away.
  const closing = closingLine(withoutOutcome, outcomes, (dir) => relative(root, dir));
  if (closing && !flags.json) process.stderr.write(`promptgold: ${closing}\n`);
  return finishRun();

  async function runJob(job: Job, progress: JobProgress): Promise<void> {
    const batch = flags.batch ?? job.overrides.batch === true;
    const header = { git: await session.gitInfo(), toolVersion: TOOL_VERSION };
    // A batch run's wall time starts before its batch phase, which runs inside assemble().
    const startedAtMs = performance.now();
    // The folder is claimed once the checks pass, so a refused run leaves nothing behind.
    let folder = job.resume;
    const claim = async () => {
      folder ??= await session.claimRunFolder(job.loaded, now);
      progress.runDir = folder.runDir;
      return folder;
    };
    const assembled = await session.assemble(job.loaded, {
      ...(job.provider ? { provider: job.provider } : {}),
      resume: job.resume !== undefined,
      ...(batch
        ? {
            batch: {
              redoErrors: job.redoErrors,
              signal: stop.signal,
              onProgress: (line: string) => {
                if (!flags.json) process.stderr.write(`${job.loaded.suite.name}: ${line}\n`);
              },
              // A batch run's record exists before the batch is submitted, so a killed run resumes by collecting it.
              start: async () => {
                if (folder) return folder.runDir;
                const claimed = await claim();
                await startRunRecord(job.loaded, { ...claimed, ...header, meta: { overrides: job.overrides, provider: 'anthropic' } });
                return claimed.runDir;
              },
            },
          }
        : {}),
    });
    // A resumed run, or a batch run whose record was started before submitting, continues its record.
    const resume = folder !== undefined;
    const { runDir, runId } = await claim();
    let result: RunResult;
    interrupts.running = true;
    try {
      result = await runSuite(job.loaded, {
        provider: assembled.provider,
        judge: assembled.judge,
        ownJudge: assembled.ownJudge,
        runDir,
        runId,
        ...header,
        resume,
        redoErrors: job.redoErrors,
        progress: progressMode(flags),
        stopSignal: stop.signal,
        hardStopSignal: hardStop.signal,
        ...(batch ? { startedAtMs } : {}),
        // A batch run stays one on --resume and --retry-errors: requests that never ran go in a new batch, not live.
        meta: { overrides: batch ? { ...job.overrides, batch: true } : job.overrides, provider: assembled.kind },
      });
    } finally {
      interrupts.running = false;
      // Kept, not thrown: an error closing the provider (writing --record's file) must not take a finished run's result with it.
      await assembled.close().catch((error: unknown) => (progress.closeFailure = wordedError(error)));
    }
    const outcome: SuiteRunOutcome = { suite: job.loaded.suite.name, runDir, result };
    if (job.chaosSkipped) outcome.chaos = 'not-configured';
    else if (job.loaded.chaosCoverage) outcome.chaos = job.loaded.chaosCoverage;
    outcomes.push(outcome);
    progress.outcome = outcome;
    if (!flags.json) {
      printOutcome(job, result, root);
      if (flags.verbose) await printFailingSamples(runDir, job.loaded.repeats);
    }
    // Every run gets its page, whatever its size (it streams the record); one not written stops nothing else.
    if (flags.html !== false && result.written > 0) {
      const reportFailure = await writeRunPage(runDir, relative(root, runDir));
      if (reportFailure) outcome.reportFailure = reportFailure;
      else if (!flags.json) process.stdout.write(`report: ${relative(root, join(runDir, 'report.html'))}\n`);
    }
  }

  async function finishRun(): Promise<number> {
    if (flags.junit && (outcomes.length || withoutOutcome.length)) {
      const { writeRunJUnit } = await import('../../report/runJunit.js');
      const file = resolve(flags.junit);
      const errored: ErroredSuite[] = [
        ...withoutOutcome.map((n) => ({ suite: n.suite, kind: n.status, message: n.runDir ? `stopped after its run began (run folder ${relative(root, n.runDir)}): ${n.error.text}` : n.error.text })),
        ...outcomes.flatMap((o) => (o.laterFailures ?? []).map((f) => ({ suite: o.suite, kind: 'after run' as const, message: f.text }))),
      ];
      await writeRunJUnit(outcomes.map((o) => runPaths(o.runDir).record), file, errored).catch((error: unknown) => {
        throw fileWriteError(error, file, displayPath(file, root));
      });
      if (!flags.json) process.stdout.write(`junit: ${relative(root, file)}\n`);
    }
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify(
          [
            ...outcomes.map((o) => ({
              suite: o.suite,
              runDir: relative(root, o.runDir),
              status: o.result.status,
              summary: o.result.summary ?? null,
              // Why the run has no summary, as the console says it: samples left unrun, or the fatal error that stopped it.
              ...(o.result.notRun ? { notRun: o.result.notRun } : {}),
              ...(o.result.fatal ? { error: o.result.fatal.message } : {}),
              ...(o.chaos && { chaos: o.chaos }),
              ...(o.reportFailure ? { reportError: o.reportFailure.text } : {}),
              ...(o.laterFailures ? { errors: o.laterFailures.map((f) => f.text) } : {}),
            })),
            ...withoutOutcome.map((n) => ({ suite: n.suite, runDir: n.runDir && relative(root, n.runDir), status: n.status, summary: null, error: n.error.text })),
          ],
          null,
          2,
        )}\n`,
      );
    }
    const failureCodes = [...withoutOutcome.flatMap((n) => n.error.exitCode ?? []), ...outcomes.flatMap((o) => (o.laterFailures ?? []).map((f) => f.exitCode))];
    return exitCodeOf(outcomes, stop.signal.aborted, failureCodes);
  }
}

/** Why the suites after this outcome are not started: a fatal provider error stops the run. */
function fatalStop(last: SuiteRunOutcome | undefined): string | undefined {
  return last?.result.fatal ? `${last.suite} stopped on a fatal provider error (${last.result.fatal.message})` : undefined;
}

/**
 * What a job's end means, from how far it got: an error before its run folder was claimed is a
 * refusal (`not run`); one after, with no outcome, a failed run (`aborted`, with its folder); one
 * after its outcome was listed (closing its provider, printing it) is kept with that outcome, so
 * the suite is listed once. Every error is said (`said`) and counts in the exit code.
 */
export function jobEnd(
  suite: string,
  progress: Readonly<JobProgress>,
  thrown: WordedError | undefined,
  before: number,
): { said: WordedError[]; withoutOutcome?: SuiteWithoutOutcome; laterFailures?: WordedError[] } {
  if (progress.outcome) {
    const later = [progress.closeFailure, thrown].filter((f): f is WordedError => f !== undefined);
    return later.length ? { said: later, laterFailures: later } : { said: [] };
  }
  const failures = [thrown, progress.closeFailure].filter((f): f is WordedError => f !== undefined);
  const [first] = failures;
  if (!first) return { said: [] };
  const text = failures.map((f) => f.text).join('\n');
  const exitCode = strongestExitCode(failures.map((f) => f.exitCode)) ?? first.exitCode;
  return { said: failures, withoutOutcome: { suite, status: progress.runDir ? 'aborted' : 'not run', runDir: progress.runDir, error: { text, exitCode }, before } };
}

/**
 * The closing line naming the suites that did not run, failed, or failed after their run, when
 * outcomes printed after one of them would scroll its error away; undefined when nothing is buried.
 */
export function closingLine(withoutOutcome: readonly SuiteWithoutOutcome[], outcomes: readonly SuiteRunOutcome[], shown: (runDir: string) => string): string | undefined {
  const failed = withoutOutcome.filter((n) => n.error.exitCode !== undefined);
  const laterFailed = outcomes.filter((o) => o.laterFailures);
  const buried = failed.some((n) => n.before < outcomes.length) || laterFailed.some((o) => o !== outcomes.at(-1));
  if (!buried) return undefined;
  const suites = (n: number) => plural(n, 'suite');
  const refused = failed.filter((n) => n.runDir === null);
  const aborted = failed.filter((n) => n.runDir !== null);
  const parts = [
    refused.length ? `${suites(refused.length)} did not run: ${refused.map((n) => `${n.suite} (exit ${n.error.exitCode})`).join(', ')}` : '',
    aborted.length ? `${suites(aborted.length)} failed: ${aborted.map((n) => `${n.suite} (exit ${n.error.exitCode}; run folder ${shown(n.runDir!)})`).join(', ')}` : '',
    laterFailed.length ? `${suites(laterFailed.length)} failed after the run finished: ${laterFailed.map((o) => `${o.suite} (exit ${o.laterFailures![0]!.exitCode})`).join(', ')}` : '',
  ].filter(Boolean);
  const count = refused.length + aborted.length + laterFailed.length;
  return `${parts.join('; ')}; the error${count === 1 ? ' is' : 's are'} above`;
}

interface Job {
  loaded: LoadedSuite;
  /** The run folder of the run being resumed; a fresh job claims a folder when it starts. */
  resume?: { runDir: string; runId: string };
  /** Redo the samples that ended in an error (`--retry-errors`). */
  redoErrors: boolean;
  provider: string | undefined;
  overrides: StoredOverrides;
  /** `--chaos` ran other suites' chaos, but this suite configures none: said with its results. */
  chaosSkipped?: boolean;
}

/** The flags that shape a plan, stored in meta.json so --resume rebuilds the same plan. */
interface StoredOverrides {
  suiteOverrides: SuiteOverrides;
  provider?: string;
  batch?: boolean;
}

async function freshJobs(session: RunSession, suiteArgs: string[], flags: RunFlags): Promise<Job[]> {
  const overrides = overridesFrom(flags);
  const files = await discoverSuiteFiles(suiteArgs, session.config.suites);
  const suites: Array<{ suite: Suite; file: string }> = [];
  for (const file of files) for (const suite of await importSuites(file)) suites.push({ suite, file });
  if (overrides.chaos) refuseChaosNowhere(suites, session.root);
  // --chaos over several suites runs the chaos of those that configure it; the others run their
  // golden cases, and say so. A suite alone without chaos is refused by loadSuite, naming its file.
  const someChaos = suites.some(({ suite }) => suite.chaos);
  const jobs: Job[] = [];
  for (const { suite, file } of suites) {
    const chaosSkipped = overrides.chaos === true && someChaos && !suite.chaos;
    const suiteOverrides = chaosSkipped ? withoutChaos(overrides) : overrides;
    jobs.push({
      loaded: await session.loadSuite(suite, file, suiteOverrides),
      redoErrors: false,
      provider: flags.provider,
      overrides: { suiteOverrides, ...(flags.provider ? { provider: flags.provider } : {}), ...(flags.batch ? { batch: true } : {}) },
      ...(chaosSkipped && { chaosSkipped }),
    });
  }
  return jobs;
}

/** `--chaos` when no suite to run configures chaos: nothing it asked for could be made. */
function refuseChaosNowhere(suites: ReadonlyArray<{ suite: Suite; file: string }>, root: string): void {
  if (suites.length === 0 || suites.some(({ suite }) => suite.chaos)) return;
  if (suites.length === 1) return; // loadSuite says it of the one suite, naming its file and field
  const named = suites.map(({ suite, file }) => `${suite.name} (${relative(root, file)})`).join(', ');
  throw new InputError(
    `--chaos: none of the suites run configures chaos (${named}): no chaos case can be made`,
    { field: '--chaos' },
    "add chaos: { operators: […], invariants: […] } to a suite, or run without --chaos",
  );
}

function withoutChaos(overrides: SuiteOverrides): SuiteOverrides {
  const { chaos: _chaos, ...rest } = overrides;
  return rest;
}

/** The flags of a fresh run's plan, as the command line spells them. */
const PLAN_FLAGS: ReadonlyArray<[keyof RunFlags, string]> = [
  ['model', '--model'],
  ['version', '--version'],
  ['repeat', '--repeat'],
  ['filter', '--filter'],
  ['limit', '--limit'],
  ['sample', '--sample'],
  ['seed', '--seed'],
  ['chaos', '--chaos'],
];

/**
 * `--resume` and `--retry-errors` finish the run's plan as it started; a flag or suite path that
 * would shape another plan is refused rather than dropped unsaid.
 */
function refusePlanFlags(continuing: '--resume' | '--retry-errors', suiteArgs: readonly string[], flags: RunFlags): void {
  if (suiteArgs.length) {
    throw new InputError(`the suites ${suiteArgs.join(', ')} cannot apply to a resumed run: it continues its own suite`, { field: continuing }, `drop them: ${continuing} <run> finds the suite in the run's record`);
  }
  refuseFlagsGiven(PLAN_FLAGS, flags, {
    cannot: 'cannot apply to a resumed run: it keeps its own plan (models, prompt versions, repeats, cases, chaos)',
    field: continuing,
    fix: 'drop them to finish the run as it started, or start a new run to change its plan',
  });
}

/**
 * `--resume` and `--retry-errors`: the run's own plan (rebuilt from meta.json), with the provider
 * flags of this command line overriding the stored ones, and the flags a resumed run takes.
 */
async function continueJobs(session: RunSession, reference: string, flags: RunFlags): Promise<Job[]> {
  const root = session.root;
  const recordFile = await resolveRecordPath(reference, session.runsDir);
  const runDir = resolve(recordFile, '..');
  const shown = relative(root, runDir);
  const meta = await readMeta(runDir);
  if (!meta) {
    throw new InputError(`the run folder has no meta.json, which holds the flags that shaped its plan`, { file: shown }, 'restore meta.json from a copy, or start a new run');
  }
  if (meta.shard || meta.mergedFrom) {
    // A shard's plan is its share of the suite, and a merge has no run of its own to continue.
    throw new InputError(
      meta.shard ? `this is shard ${meta.shard.index}/${meta.shard.count} of a vitest run, not a run of its own: --resume and --retry-errors cannot finish it` : `this run was joined by promptgold merge from ${meta.mergedFrom!.length} parts: --resume and --retry-errors cannot finish it`,
      { file: shown },
      meta.shard
        ? `run the shard again (vitest run --shard=${meta.shard.index}/${meta.shard.count}), then join the shards with promptgold merge`
        : 'finish or run again the parts it came from, then merge them again',
    );
  }
  const redoErrors = flags.retryErrors !== undefined || meta.retryingErrors === true;
  const { suiteFile, suite: suiteName, planned } = await readRecordHeader(recordFile);
  if (meta.status === 'complete' && !redoErrors) {
    // The record is read with the checks a resume makes, so damage is named here rather than by a later compare or report.
    await finishedSampleIndices(runDir, { planned });
    throw new InputError('this run is already complete', { file: shown }, 'start a new run instead, or redo its errored samples with --retry-errors');
  }
  const suites = await importSuites(resolve(root, suiteFile));
  const suite = suites.find((s) => s.name === suiteName);
  if (!suite) throw new InputError(`the suite "${suiteName}" is no longer exported`, { file: suiteFile });
  const stored = (meta.overrides as StoredOverrides | undefined) ?? { suiteOverrides: {} };
  const overrides = { ...stored, suiteOverrides: { ...stored.suiteOverrides, ...continuingOverridesFrom(flags) } };
  if (redoErrors && meta.status === 'complete' && (await finishedSampleIndices(runDir, { planned, redoErrors: true })).size === planned) {
    process.stdout.write(`no sample ended in an error in ${shown}: nothing to retry\n`);
    return [];
  }
  if (flags.retryErrors !== undefined && !meta.retryingErrors) {
    // A retry pass submits batches of its own; a kill during it is finished with --resume.
    const { batches, ...rest } = meta;
    await writeMeta(runDir, { ...rest, retryingErrors: true, ...(batches?.length ? { earlierBatches: [...(meta.earlierBatches ?? []), ...batches] } : {}) });
  }
  return [
    {
      loaded: await session.loadSuite(suite, resolve(root, suiteFile), overrides.suiteOverrides),
      resume: { runDir, runId: meta.runId ?? relative(session.runsDir, runDir) },
      redoErrors,
      provider: flags.provider ?? overrides.provider,
      overrides,
    },
  ];
}

/**
 * The flags a resumed run takes besides the provider's: how samples are fetched, and
 * --max-error-rate, which the record's header must already state (the resume checks it).
 */
function continuingOverridesFrom(flags: RunFlags): SuiteOverrides {
  const overrides: SuiteOverrides = {};
  if (flags.concurrency) overrides.concurrency = parseSuiteFieldOption(flags.concurrency, '--concurrency', 'concurrency');
  if (flags.timeout) overrides.timeoutMs = parseTimerMsOption(flags.timeout, '--timeout');
  if (flags.maxErrorRate) overrides.maxErrorRate = parseFraction(flags.maxErrorRate, '--max-error-rate');
  return overrides;
}

function overridesFrom(flags: RunFlags): SuiteOverrides {
  const overrides: SuiteOverrides = continuingOverridesFrom(flags);
  const versions = parseListOption(flags.version);
  if (versions) overrides.versions = versions;
  const modelIds = parseListOption(flags.model);
  if (modelIds) overrides.models = modelIds;
  if (flags.repeat) overrides.repeats = parseSuiteFieldOption(flags.repeat, '--repeat', 'repeats');
  if (flags.seed) overrides.seed = parseIntegerOption(flags.seed, '--seed', 0);
  if (flags.chaos) overrides.chaos = true;
  const filter = parseListOption(flags.filter);
  const select: NonNullable<SuiteOverrides['select']> = {};
  if (filter) select.filter = filter;
  if (flags.limit) select.limit = parseIntegerOption(flags.limit, '--limit', 1);
  if (flags.sample) select.sample = parseIntegerOption(flags.sample, '--sample', 1);
  if (flags.seed) select.seed = overrides.seed!;
  if (Object.keys(select).length) overrides.select = select;
  return overrides;
}

function progressMode(flags: RunFlags): ProgressMode {
  if (flags.progress === false || flags.json) return 'none';
  return process.stderr.isTTY && !process.env.CI ? 'tty' : 'plain';
}

function printOutcome(job: Pick<Job, 'loaded' | 'chaosSkipped'>, result: RunResult, root: string): void {
  const loaded = job.loaded;
  const where = relative(root, result.runDir);
  const record = relative(root, runPaths(result.runDir).record);
  if (result.summary) {
    process.stdout.write(`\n${formatSummaryTable(loaded.suite.name, result.summary)}\n`);
    const toolCalls = formatToolCallLines(result.summary);
    if (toolCalls) process.stdout.write(`${toolCalls}\n`);
    const robustness = formatRobustnessTable(result.summary);
    if (robustness) process.stdout.write(`\n${robustness}\n`);
  }
  const chaosLines = job.chaosSkipped ? [chaosNotConfiguredLine()] : loaded.chaosCoverage ? chaosCoverageLines(loaded.chaosCoverage) : [];
  if (chaosLines.length) process.stdout.write(`${chaosLines.join('\n')}\n`);
  if (result.summary) {
    const fieldAccuracy = formatFieldAccuracyTable(result.summary);
    if (fieldAccuracy) process.stdout.write(`\n${fieldAccuracy}\n`);
  }
  const digest = formatFailureDigest(result.digest, { repeats: loaded.repeats });
  if (digest) process.stdout.write(`\n${digest}\n`);
  if (result.summary?.tooManyErrors) process.stdout.write(`\n${tooManyErrorsLine(result.summary)}\n`);
  if (result.status === 'complete') {
    process.stdout.write(`record: ${record}\n`);
    const errors = result.summary?.totals.errors ?? 0;
    if (errors > 0) process.stdout.write(`${errors} sample${errors === 1 ? '' : 's'} ended in an error; run only ${errors === 1 ? 'it' : 'those'} again with \`promptgold run --retry-errors ${where}\`\n`);
  } else if (result.status === 'incomplete') {
    process.stdout.write(`record: ${record} (incomplete: ${result.notRun ?? 'some samples did not finish'}; finish with \`promptgold run --resume ${where}\`)\n`);
    process.stdout.write(`FAILED (exit 3): the run did not complete (${result.notRun ?? 'some samples did not finish'}), so its pass rates are over part of the plan\n`);
  } else if (result.status === 'interrupted') {
    process.stdout.write(`interrupted after ${result.written}/${result.planned} samples; finish with \`promptgold run --resume ${where}\`\n`);
  } else if (result.fatal) {
    process.stderr.write(`run stopped: ${result.fatal.message}\nrecorded ${result.written}/${result.planned} samples in ${where}; fix the cause and \`promptgold run --resume ${where}\`\n`);
  }
}

/** Why a run with too many unscored samples exits 3, and where to read on. */
function tooManyErrorsLine(summary: RecordSummary): string {
  return `FAILED (exit 3): ${tooManyErrorsText(summary)} — see "When a run fails" in the README`;
}

/** `--verbose`: every failing or errored sample of the record, read back in plan order. */
async function printFailingSamples(runDir: string, repeats: number): Promise<void> {
  let shown = 0;
  for await (const { value } of readRecordLines(runPaths(runDir).record)) {
    if (value.type !== 'sample' || (value.pass && !value.error) || isResumableError(value.error)) continue;
    if (shown++ === 0) process.stdout.write('\nfailing samples:\n');
    process.stdout.write(`${formatFailingSample(value, repeats)}\n`);
  }
}

function parseFraction(text: string, flag: string): number {
  const value = parseNumberOption(text, flag);
  if (!(value >= 0 && value <= 1)) throw new InputError(`expected a share between 0 and 1, got ${text}`, { field: flag }, 'e.g. 0.02 allows 2% of samples to go unscored');
  return value;
}

function exitCodeOf(outcomes: SuiteRunOutcome[], interrupted: boolean, notRun: readonly ExitCode[] = []): number {
  const codes: ExitCode[] = [
    ...outcomes.map((o) => suiteRunExitCode(o.result)),
    interrupted ? ExitCode.interrupted : ExitCode.passed,
    ...outcomes.map((o) => o.reportFailure?.exitCode ?? ExitCode.passed),
    ...notRun,
  ];
  return strongestExitCode(codes) ?? ExitCode.passed;
}

/**
 * 3 when the run stopped on a fatal error, too many samples went unscored, or samples were left unrun
 * (the budget was reached, batch requests expired: the verdict would be over part of the plan),
 * 130 on Ctrl-C, 1 when a cell is below threshold, else 0.
 */
function suiteRunExitCode(result: RunResult): ExitCode {
  return runExitCode({
    fatal: Boolean(result.fatal),
    incomplete: result.status === 'incomplete',
    interrupted: result.status === 'interrupted',
    tooManyErrors: result.summary?.tooManyErrors ?? false,
    failingCells: result.summary?.failingCells.length ?? 0,
  });
}

/**
 * First Ctrl-C: stop starting samples and finish the in-flight ones. Second, while a run is going:
 * abandon the in-flight ones (--resume runs them) and write everything finished, which takes
 * moments even when a scorer or a provider is stuck. Otherwise, or a third time: quit at once
 * (samples held back are already on disk in the run folder).
 */
function installInterruptHandler(stop: AbortController, hardStop: AbortController, quiet: boolean): { running: boolean; remove(): void } {
  const state = {
    running: false,
    remove: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
  const onSignal = () => {
    if (!stop.signal.aborted) {
      stop.abort();
      if (!quiet) process.stderr.write('\nstopping: finishing in-flight samples (Ctrl-C again to stop now, keeping every finished sample)\n');
    } else if (state.running && !hardStop.signal.aborted) {
      hardStop.abort();
      process.stderr.write('\nstopping now: in-flight samples are left for --resume; writing the finished ones (Ctrl-C again to quit at once)\n');
    } else {
      process.stderr.write('\nquitting; the run folder keeps every sample already written\n');
      process.exit(ExitCode.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return state;
}
