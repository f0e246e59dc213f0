/** `promptgold run`: load suites, run them through the provider stack, write records, print a summary. */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadConfig, type PromptgoldConfig } from '../../config.js';
import { importSuites, loadSuite, type LoadedSuite, type SuiteOverrides } from '../../engine/loadSuite.js';
import { runBatchPhase } from '../../engine/batch.js';
import { runSuite, startRunRecord, type RunResult } from '../../engine/run.js';
import type { ProgressMode } from '../../engine/progress.js';
import { ExitCode, InputError } from '../../errors.js';
import { gitInfo } from '../../gitInfo.js';
import { CostBudget } from '../../providers/budget.js';
import { loadModelTable, smallestContextWindow, type ModelTable, type ModelTableJson } from '../../providers/pricing.js';
import { RateLimiter } from '../../providers/pacing.js';
import { withRecording } from '../../providers/record.js';
import { anthropicOptions, createProviderStack, defaultCacheDir, providerKindOf, type ProviderKind } from '../../providers/stack.js';
import type { Provider } from '../../providers/types.js';
import { readMeta, resolveRecordPath, newRunId } from '../../records/runDir.js';
import { readRecordHeader } from '../../records/reader.js';
import { formatRobustnessTable, formatSummaryTable } from '../../report/console.js';
import { TOOL_VERSION } from '../../version.js';
import { discoverSuiteFiles } from '../discover.js';
import { checkModelsKnown, enforceForecast, warnOnRetirement, warnOnSelfPreference, warnOnVersionDrift } from '../runChecks.js';
import { parseIntegerOption, parseListOption, parseNumberOption } from '../options.js';

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
  out?: string;
  json?: boolean;
  chaos?: boolean;
  timeout?: string;
  maxCost?: string;
  yes?: boolean;
  batch?: boolean;
  html?: boolean;
  progress?: boolean;
}

interface SuiteRunOutcome {
  suite: string;
  runDir: string;
  result: RunResult;
}

export async function runCommand(suiteArgs: string[], flags: RunFlags): Promise<number> {
  const root = process.cwd();
  const { config } = await loadConfig(root);
  const outDir = resolve(flags.out ?? join(config.outDir ?? 'reports', 'runs'));
  const models = loadModelTable((config.models ?? {}) as Partial<ModelTableJson>);
  const git = await gitInfo(root);

  const stop = new AbortController();
  const removeSignalHandler = installInterruptHandler(stop, flags.json === true);
  const outcomes: SuiteRunOutcome[] = [];
  let limiter: RateLimiter | undefined;
  try {
    const jobs = flags.resume ? await resumeJobs(flags.resume, outDir, root, models) : await freshJobs(suiteArgs, flags, config, root, models);
    const budget = flags.maxCost ? new CostBudget(parseNumberOption(flags.maxCost, '--max-cost')) : config.maxCostUsd ? new CostBudget(config.maxCostUsd) : undefined;
    for (const job of jobs) {
      if (stop.signal.aborted) break;
      const kind = providerKindOf(job.loaded, job.provider);
      if (kind !== 'replay' && kind !== 'function') checkModelsKnown(job.loaded, models);
      if (budget && kind === 'anthropic' && !flags.resume) enforceForecast(job.loaded, models, budget, flags.yes === true);
      if (!job.resume) await warnOnVersionDrift(job.loaded, outDir, root);
      if (kind === 'anthropic') warnOnRetirement(job.loaded, models);
      limiter ??= kind === 'anthropic' || flags.batch ? createLimiter(config, jobs) : undefined;
      const stackOptions = {
        record: flags.record === true,
        cache: flags.cache !== false,
        cacheDir: defaultCacheDir(root, config),
        models,
        config,
        ...(budget ? { budget } : {}),
        ...(limiter ? { limiter } : {}),
      };
      const batch = flags.batch === true || job.overrides.batch === true;
      let resume = job.resume;
      let provider: Provider;
      if (batch) {
        if (kind !== 'anthropic') throw new InputError('--batch sends the run through the Message Batches API', { field: '--batch' }, 'use it with --provider anthropic');
        if (!resume) {
          await startRunRecord(job.loaded, { runDir: job.runDir, runId: job.runId, git, toolVersion: TOOL_VERSION, meta: { overrides: { ...job.overrides, batch: true }, provider: kind } });
          resume = true;
        }
        provider = await batchProvider(job, { config, models, limiter, record: flags.record === true, signal: stop.signal, quiet: flags.json === true });
      } else {
        provider = await createProviderStack(job.loaded, { kind, ...stackOptions });
      }
      const judge = judgeFactory(provider, kind, () =>
        createProviderStack(job.loaded, { kind: 'anthropic', ...stackOptions }),
      );
      warnOnSelfPreference(job.loaded);
      let result: RunResult;
      try {
        result = await runSuite(job.loaded, {
          provider,
          judge: judge.get,
          runDir: job.runDir,
          runId: job.runId,
          resume,
          progress: progressMode(flags),
          stopSignal: stop.signal,
          git,
          toolVersion: TOOL_VERSION,
          // A batch run stays one on --resume: its requests never ran go in a new batch, not live.
          meta: { overrides: batch ? { ...job.overrides, batch: true } : job.overrides, provider: kind },
        });
      } finally {
        await provider.close?.();
        await judge.close();
      }
      outcomes.push({ suite: job.loaded.suite.name, runDir: job.runDir, result });
      if (!flags.json) printOutcome(job.loaded, result, root);
      if (flags.html !== false && result.written > 0) await writeRunReport(job.runDir, result, root, flags.json === true);
      if (result.fatal) break;
    }
  } finally {
    removeSignalHandler();
  }
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify(outcomes.map((o) => ({ suite: o.suite, runDir: relative(root, o.runDir), status: o.result.status, summary: o.result.summary ?? null })), null, 2)}\n`,
    );
  }
  return exitCodeOf(outcomes, stop.signal.aborted);
}

interface Job {
  loaded: LoadedSuite;
  runDir: string;
  runId: string;
  resume: boolean;
  provider: string | undefined;
  overrides: StoredOverrides;
}

/** The flags that shape a plan, stored in meta.json so --resume rebuilds the same plan. */
interface StoredOverrides {
  suiteOverrides: SuiteOverrides;
  provider?: string;
  batch?: boolean;
}

async function freshJobs(suiteArgs: string[], flags: RunFlags, config: PromptgoldConfig, root: string, models: ModelTable): Promise<Job[]> {
  const overrides = overridesFrom(flags);
  const files = await discoverSuiteFiles(suiteArgs, config.suites);
  const jobs: Job[] = [];
  const outDir = resolve(flags.out ?? join(config.outDir ?? 'reports', 'runs'));
  const now = new Date();
  for (const file of files) {
    for (const suite of await importSuites(file)) {
      const loaded = await loadSuite(suite, file, withContextWindow(overrides, suite.models, models), root);
      const runId = uniqueRunId(outDir, newRunId(suite.name, now), jobs);
      jobs.push({
        loaded,
        runDir: join(outDir, runId),
        runId,
        resume: false,
        provider: flags.provider,
        overrides: { suiteOverrides: overrides, ...(flags.provider ? { provider: flags.provider } : {}) },
      });
    }
  }
  return jobs;
}

/** Two runs of a suite in the same second get `-2`, `-3` … rather than sharing a folder. */
function uniqueRunId(outDir: string, base: string, planned: Job[]): string {
  const taken = (id: string) => existsSync(join(outDir, id)) || planned.some((job) => job.runId === id);
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

async function resumeJobs(reference: string, outDir: string, root: string, models: ModelTable): Promise<Job[]> {
  const recordFile = await resolveRecordPath(reference, outDir);
  const runDir = resolve(recordFile, '..');
  const meta = await readMeta(runDir);
  const { suiteFile, suite: suiteName } = await readRecordHeader(recordFile);
  if (meta?.status === 'complete') throw new InputError('this run is already complete', { file: relative(root, runDir) }, 'start a new run instead');
  const suites = await importSuites(resolve(root, suiteFile));
  const suite = suites.find((s) => s.name === suiteName);
  if (!suite) throw new InputError(`the suite "${suiteName}" is no longer exported`, { file: suiteFile });
  const overrides = (meta?.overrides as StoredOverrides | undefined) ?? { suiteOverrides: {} };
  const loaded = await loadSuite(suite, resolve(root, suiteFile), withContextWindow(overrides.suiteOverrides, suite.models, models), root);
  return [
    {
      loaded,
      runDir,
      runId: meta?.runId ?? relative(outDir, runDir),
      resume: true,
      provider: overrides.provider,
      overrides,
    },
  ];
}

/** Padding chaos operators fill a fraction of the smallest context window among the suite's models. */
function withContextWindow(overrides: SuiteOverrides, suiteModels: string[], table: ModelTable): SuiteOverrides {
  const window = smallestContextWindow(overrides.models ?? suiteModels, table);
  return window ? { ...overrides, contextWindowTokens: window } : overrides;
}

function overridesFrom(flags: RunFlags): SuiteOverrides {
  const overrides: SuiteOverrides = {};
  const versions = parseListOption(flags.version);
  if (versions) overrides.versions = versions;
  const modelIds = parseListOption(flags.model);
  if (modelIds) overrides.models = modelIds;
  if (flags.repeat) overrides.repeats = parseIntegerOption(flags.repeat, '--repeat', 1);
  if (flags.concurrency) overrides.concurrency = parseIntegerOption(flags.concurrency, '--concurrency', 1);
  if (flags.timeout) overrides.timeoutMs = parseIntegerOption(flags.timeout, '--timeout', 1);
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

/**
 * One limiter for everything the invocation sends (all suites, judges): limits from the config,
 * concurrency capped at the largest suite concurrency unless the config says otherwise.
 */
function createLimiter(config: PromptgoldConfig, jobs: Job[]): RateLimiter {
  const anthropic = config.anthropic ?? {};
  return new RateLimiter({
    ...(anthropic.limits ?? {}),
    ...(anthropic.targetFraction !== undefined ? { targetFraction: anthropic.targetFraction } : {}),
    maxConcurrency: anthropic.maxConcurrency ?? Math.max(...jobs.map((job) => job.loaded.concurrency)),
  });
}

async function batchProvider(
  job: Job,
  options: { config: PromptgoldConfig; models: ModelTable; limiter: RateLimiter | undefined; record: boolean; signal: AbortSignal; quiet: boolean },
): Promise<Provider> {
  const { createBatchClient } = await import('../../providers/anthropic/index.js');
  const transport = createBatchClient(anthropicOptions(job.loaded, options));
  const phase = await runBatchPhase(job.loaded, {
    transport,
    runDir: job.runDir,
    recordFile: join(job.runDir, 'run.jsonl'),
    signal: options.signal,
    ...(options.config.anthropic?.batchPollMs ? { pollMs: options.config.anthropic.batchPollMs } : {}),
    onProgress: (line) => {
      if (!options.quiet) process.stderr.write(`${job.loaded.suite.name}: ${line}\n`);
    },
  });
  return options.record ? withRecording(phase.provider, job.loaded.recordingsFile) : phase.provider;
}

/**
 * Judge calls (rubric scorers) go through the same provider stack as the generator — cache,
 * pacing, budget, recording, replay — except when the generator is the user's own function, where
 * judges need a real model.
 */
function judgeFactory(generator: Provider, kind: ProviderKind, createModelStack: () => Promise<Provider>) {
  let modelStack: Promise<Provider> | undefined;
  const lazy: Provider = {
    id: 'judge',
    async generate(request, context) {
      modelStack ??= createModelStack();
      return (await modelStack).generate(request, context);
    },
  };
  const shared = kind === 'function' ? lazy : generator;
  return {
    get: (_model: string) => shared,
    close: async () => {
      if (modelStack) await (await modelStack).close?.();
    },
  };
}

/**
 * Above this many samples the HTML report is not written automatically: the page would weigh tens
 * of megabytes and building it would cost more memory than the run itself. `promptgold report`
 * still writes it on request.
 */
const AUTO_REPORT_MAX_SAMPLES = 20_000;

async function writeRunReport(runDir: string, result: RunResult, root: string, quiet: boolean): Promise<void> {
  if (result.written > AUTO_REPORT_MAX_SAMPLES) {
    if (!quiet) process.stdout.write(`report: not written automatically for runs over ${AUTO_REPORT_MAX_SAMPLES.toLocaleString('en-US')} samples; \`promptgold report ${relative(root, runDir)}\` writes it\n`);
    return;
  }
  const { writeHtmlReport } = await import('../../report/html/index.js');
  const file = await writeHtmlReport({ runs: [{ dir: runDir }] }, join(runDir, 'report.html'));
  if (!quiet) process.stdout.write(`report: ${relative(root, file)}\n`);
}

function progressMode(flags: RunFlags): ProgressMode {
  if (flags.progress === false || flags.json) return 'none';
  return process.stderr.isTTY && !process.env.CI ? 'tty' : 'plain';
}

function printOutcome(loaded: LoadedSuite, result: RunResult, root: string): void {
  const where = relative(root, result.runDir);
  if (result.summary) {
    process.stdout.write(`\n${formatSummaryTable(loaded.suite.name, result.summary)}\n`);
    const robustness = formatRobustnessTable(result.summary);
    if (robustness) process.stdout.write(`\n${robustness}\n`);
  }
  if (result.status === 'complete') process.stdout.write(`record: ${where}/run.jsonl\n`);
  else if (result.status === 'incomplete') {
    process.stdout.write(`record: ${where}/run.jsonl (incomplete: budget reached; finish with \`promptgold run --resume ${where}\`)\n`);
  } else if (result.status === 'interrupted') {
    process.stdout.write(`interrupted after ${result.written}/${result.planned} samples; finish with \`promptgold run --resume ${where}\`\n`);
  } else if (result.fatal) {
    process.stderr.write(`run stopped: ${result.fatal.message}\nrecorded ${result.written}/${result.planned} samples in ${where}; fix the cause and \`promptgold run --resume ${where}\`\n`);
  }
}

/** 3 when the provider failed, 130 on Ctrl-C, 1 when a cell is below threshold, else 0. */
function exitCodeOf(outcomes: SuiteRunOutcome[], interrupted: boolean): number {
  if (outcomes.some((o) => o.result.fatal || (o.result.summary?.totals.infrastructureErrors ?? 0) > 0)) return ExitCode.infrastructure;
  if (interrupted || outcomes.some((o) => o.result.status === 'interrupted')) return 130;
  if (outcomes.some((o) => (o.result.summary?.failingCells.length ?? 0) > 0)) return ExitCode.evaluationFailed;
  return ExitCode.passed;
}

/** First Ctrl-C: stop starting samples and finish the in-flight ones. Second: quit now. */
function installInterruptHandler(stop: AbortController, quiet: boolean): () => void {
  const onSignal = () => {
    if (stop.signal.aborted) {
      process.stderr.write('\nstopping now; the record keeps every sample already written\n');
      process.exit(130);
    }
    stop.abort();
    if (!quiet) process.stderr.write('\nstopping: finishing in-flight samples (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
