/**
 * Runs a loaded suite into a run folder: plan → ordered bounded-concurrency execution → record
 * lines streamed in plan order → summary. Resumes an interrupted run by merging the samples it
 * already has with the ones still to do, so each sample ends in the record exactly once.
 */
import { setMaxListeners } from 'node:events';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stableStringify } from '../canonical.js';
import { InputError } from '../errors.js';
import { isResumableError, type Provider, type ProviderError } from '../providers/types.js';
import { readRecordLines, checkHeader } from '../records/reader.js';
import { readMeta, runPaths, writeMeta, type RunMeta } from '../records/runDir.js';
import { SummaryBuilder } from '../records/summary.js';
import { RECORD_VERSION, type PromptStoreLine, type RecordHeader, type RecordSummary, type SampleRecord } from '../records/types.js';
import { JsonlWriter } from '../records/writer.js';
import type { Scorer } from '../scoring/types.js';
import { executeSample, type ExecutedSample, type SourceResult } from './executeSample.js';
import type { LoadedSuite } from './loadSuite.js';
import { planHash, planSamples, planSize, type PlannedSample, type PlanShape } from './plan.js';
import { ProgressReporter, type ProgressMode } from './progress.js';
import { runOrdered } from './scheduler.js';

export interface RunOptions {
  provider: Provider;
  /** The run folder to write (created), or the folder of the run to resume. */
  runDir: string;
  runId: string;
  resume?: boolean;
  progress?: ProgressMode;
  /** Graceful stop (first Ctrl-C): no new samples start, in-flight ones finish and are recorded. */
  stopSignal?: AbortSignal;
  /** Context for judge calls of rubric scorers. */
  judge?: (model: string) => Provider;
  git?: RecordHeader['git'];
  toolVersion?: string;
  /** Extra fields for meta.json (the CLI stores its plan-shaping flags there). */
  meta?: Partial<RunMeta>;
}

export interface RunResult {
  runDir: string;
  status: RunMeta['status'];
  summary: RecordSummary | undefined;
  /** Set when a provider error stopped the run (bad key, unknown model). */
  fatal?: ProviderError;
  planned: number;
  written: number;
}

export async function runSuite(loaded: LoadedSuite, options: RunOptions): Promise<RunResult> {
  const shape: PlanShape = { prompts: loaded.prompts, models: loaded.models, cases: loaded.cases, repeats: loaded.repeats };
  const header = buildRecordHeader(loaded, options);
  const paths = runPaths(options.runDir);
  await mkdir(options.runDir, { recursive: true });

  const previous = options.resume ? await readPrevious(paths.record, header, loaded) : undefined;
  const meta: RunMeta = {
    ...(previous?.meta ?? {}),
    ...(options.meta ?? {}),
    runId: options.runId,
    suite: loaded.suite.name,
    status: 'running',
    startedAt: previous?.meta?.startedAt ?? new Date().toISOString(),
  };
  await writeMeta(options.runDir, meta);
  const startedAt = performance.now();

  const summary = new SummaryBuilder(loaded.threshold);
  for (const prompt of shape.prompts) for (const model of shape.models) summary.declareCell(prompt.template.version, model);

  const recordTarget = previous ? `${paths.record}.resume.tmp` : paths.record;
  const writer = new JsonlWriter(recordTarget);
  // Unique prompts are stored once, in the order the plan first uses them; a resumed run rewrites
  // the store in that same order, so it ends byte-equal to an uninterrupted run's.
  const promptTarget = previous ? `${paths.prompts}.resume.tmp` : paths.prompts;
  const promptWriter = new JsonlWriter(promptTarget);
  const writtenPrompts = new Set<string>();
  const writePromptOnce = async (hash: string, line: () => string | undefined) => {
    if (writtenPrompts.has(hash)) return;
    const text = line();
    if (text === undefined) return;
    writtenPrompts.add(hash);
    await promptWriter.writeRaw(`${text}\n`);
  };
  const oldLines = previous ? readRecordLines(paths.record) : undefined;

  const sources = new SourceResults(shape.cases);
  previous?.sources.forEach((result, key) => sources.resolveKey(key, result));

  const runController = new AbortController();
  // Every in-flight sample listens for a hard stop: more than Node's default of 10 is expected.
  setMaxListeners(Number.POSITIVE_INFINITY, runController.signal);
  let fatal: ProviderError | undefined;
  let written = 0;
  let skippedForBudget = 0;
  const live = { done: previous?.done.size ?? 0, passed: 0, scored: 0, costUsd: 0 };

  /** Copy earlier samples whose index comes before `index` from the previous record. */
  const copyPreviousUntil = async (index: number) => {
    if (!oldLines || !previous) return;
    for (;;) {
      if (!previous.cursor) {
        if (previous.exhausted) return;
        previous.cursor = await nextKeptSample(oldLines, previous.done);
        if (!previous.cursor) {
          previous.exhausted = true;
          return;
        }
      }
      if (previous.cursor.index >= index) return;
      const copied = previous.cursor.sample;
      await writePromptOnce(copied.promptHash, () => previous.promptLines.get(copied.promptHash));
      await writer.writeRaw(`${previous.cursor.text}\n`);
      summary.add(copied);
      written++;
      previous.cursor = undefined;
    }
  };

  const onResult = async (executed: ExecutedSample | undefined, planned: PlannedSample) => {
    if (!executed) return; // aborted mid-flight: not done, --resume runs it
    await copyPreviousUntil(planned.index);
    const { record, prompt } = executed;
    await writePromptOnce(prompt.hash, () => stableStringify(prompt));
    await writer.write(record);
    summary.add(record);
    written++;
    live.done++;
    if (isResumableError(record.error)) skippedForBudget++;
    if (!record.error || record.scores.length) {
      live.scored++;
      if (record.pass) live.passed++;
    }
    live.costUsd += record.costUsd;
    if (executed.fatal && !fatal) {
      fatal = executed.fatal;
      runController.abort(fatal);
    }
  };

  const progress = new ProgressReporter(options.progress ?? 'none', () => ({
    label: loaded.suite.name,
    total: header.planned,
    ...live,
  }));
  progress.start();

  const scorersFor = (planned: PlannedSample): Scorer[] => loaded.scorersFor(planned.case);
  let status: RunMeta['status'] = 'running';
  try {
    await writer.writeRaw(previous ? `${previous.headerText}\n` : `${stableStringify(header)}\n`);
    const pending = filterPending(planSamples(shape), previous?.done);
    await runOrdered(pending, {
      concurrency: loaded.concurrency,
      shouldStop: () => runController.signal.aborted || Boolean(options.stopSignal?.aborted),
      worker: async (planned) => {
        const executed = await executeSample(planned, {
          provider: options.provider,
          scorersFor,
          timeoutMs: loaded.timeoutMs,
          runSignal: runController.signal,
          scorerContext: options.judge ? { judge: options.judge } : {},
          sourceResult: (sample) => sources.awaitSource(sample),
        });
        if (executed && !planned.case.chaos) sources.resolve(planned, executed.record);
        if (!executed) sources.resolve(planned, undefined);
        return executed;
      },
      onResult,
    });
    await copyPreviousUntil(Number.POSITIVE_INFINITY);

    const complete = written === header.planned;
    status = fatal ? 'aborted' : !complete ? 'interrupted' : skippedForBudget > 0 ? 'incomplete' : 'complete';
    const built = summary.build();
    if (complete) await writer.write(built);
    await writer.close();
    await promptWriter.close();
    if (previous) {
      await rename(promptTarget, paths.prompts);
      await rename(recordTarget, paths.record);
    }
    return { runDir: options.runDir, status, summary: complete ? built : undefined, fatal, planned: header.planned, written };
  } catch (error) {
    status = 'aborted';
    await writer.close().catch(() => undefined);
    await promptWriter.close().catch(() => undefined);
    // A failed resume leaves the previous record untouched; a failed fresh run keeps what it wrote.
    throw error;
  } finally {
    progress.stop();
    const reason = fatal ? fatal.message : status === 'incomplete' ? `${skippedForBudget} samples skipped: budget reached` : undefined;
    await writeMeta(options.runDir, {
      ...meta,
      status,
      finishedAt: new Date().toISOString(),
      wallMs: Math.round(performance.now() - startedAt),
      ...(reason ? { reason } : {}),
    });
  }
}

/**
 * Creates the run folder with its header line and meta.json before any sample exists, for runs
 * that must be resumable from their first moment (batch mode: the batch ids are saved next).
 */
export async function startRunRecord(loaded: LoadedSuite, options: Pick<RunOptions, 'runDir' | 'runId' | 'git' | 'toolVersion' | 'meta'>): Promise<void> {
  await mkdir(options.runDir, { recursive: true });
  await writeFile(runPaths(options.runDir).record, `${stableStringify(buildRecordHeader(loaded, options))}\n`);
  await writeMeta(options.runDir, {
    ...(options.meta ?? {}),
    runId: options.runId,
    suite: loaded.suite.name,
    status: 'running',
    startedAt: new Date().toISOString(),
  });
}

/** The record's header line for a loaded suite: what was run, with which content, at which commit. */
export function buildRecordHeader(loaded: LoadedSuite, options: Pick<RunOptions, 'git' | 'toolVersion'> = {}): RecordHeader {
  const shape: PlanShape = { prompts: loaded.prompts, models: loaded.models, cases: loaded.cases, repeats: loaded.repeats };
  return {
    type: 'header',
    recordVersion: RECORD_VERSION,
    suite: loaded.suite.name,
    suiteFile: loaded.relativeFile,
    prompts: loaded.prompts.map((p) => ({
      id: p.template.id,
      version: p.template.version,
      hash: p.template.hash,
      file: loaded.relative(p.template.file),
    })),
    models: loaded.models,
    dataset: { path: loaded.relative(loaded.dataset.path), hash: loaded.dataset.hash, cases: loaded.cases.length },
    options: loaded.headerOptions,
    planned: planSize(shape),
    planHash: planHash(shape),
    git: options.git ?? { commit: null, dirty: null },
    tool: { name: 'promptgold', version: options.toolVersion ?? '0.0.0' },
    seed: loaded.seed,
  };
}

function* filterPending(plan: Iterable<PlannedSample>, done: Set<number> | undefined): Generator<PlannedSample> {
  for (const planned of plan) if (!done?.has(planned.index)) yield planned;
}

interface PreviousRun {
  headerText: string;
  meta: RunMeta | undefined;
  /** Indices of samples that are finished and kept (budget skips are redone). */
  done: Set<number>;
  /** The previous prompt store, hash → its line. */
  promptLines: Map<string, string>;
  sources: Map<string, SourceResult>;
  cursor: { index: number; text: string; sample: SampleRecord } | undefined;
  exhausted: boolean;
}

async function readPrevious(file: string, header: RecordHeader, loaded: LoadedSuite): Promise<PreviousRun> {
  let headerText: string | undefined;
  const done = new Set<number>();
  const sources = new Map<string, SourceResult>();
  const chaosSources = new Set(loaded.cases.filter((c) => c.chaos).map((c) => c.chaos!.sourceCaseId));
  for await (const { value, text, line } of readRecordLines(file)) {
    if (value.type === 'header') {
      const previousHeader = checkHeader(value, file, line);
      if (previousHeader.planHash !== header.planHash) {
        throw new InputError(
          'the suite changed since this run started (prompt versions, models, cases or repeats differ), so it cannot be resumed',
          { file, line, field: 'planHash' },
          'start a new run, or restore the suite as it was',
        );
      }
      headerText = text;
    } else if (value.type === 'sample' && isFinishedSample(value)) {
      done.add(value.index);
      if (chaosSources.has(value.caseId)) {
        sources.set(sourceKey(value.version, value.model, value.repeat, value.caseId), {
          output: value.output ?? '',
          scores: value.scores,
          pass: value.pass,
        });
      }
    }
  }
  if (!headerText) throw new InputError('the record has no header line: nothing to resume', { file, line: 1 });
  const runDir = dirname(file);
  return { headerText, meta: await readMeta(runDir), done, promptLines: await readPromptLines(runPaths(runDir).prompts), sources, cursor: undefined, exhausted: false };
}

async function readPromptLines(file: string): Promise<Map<string, string>> {
  const lines = new Map<string, string>();
  const text = await readFile(file, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      lines.set((JSON.parse(line) as PromptStoreLine).hash, line);
    } catch {
      // a partial last line from a killed run: that sample is redone and writes its prompt again
    }
  }
  return lines;
}

/** Whether a recorded sample is finished. Budget skips are not: --resume runs them once the budget allows. */
export function isFinishedSample(sample: SampleRecord): boolean {
  return !isResumableError(sample.error);
}

async function nextKeptSample(
  lines: AsyncGenerator<{ value: { type: string }; text: string }>,
  done: Set<number>,
): Promise<{ index: number; text: string; sample: SampleRecord } | undefined> {
  for (;;) {
    const next = await lines.next();
    if (next.done) return undefined;
    const value = next.value.value;
    if (value.type !== 'sample') continue;
    const sample = value as SampleRecord;
    if (done.has(sample.index)) return { index: sample.index, text: next.value.text, sample };
  }
}

function sourceKey(version: string, model: string, repeat: number, caseId: string): string {
  return `${version}\u0000${model}\u0000${repeat}\u0000${caseId}`;
}

/** Golden results that chaos samples compare against, handed over through promises. */
class SourceResults {
  private readonly waiting = new Map<string, { promise: Promise<SourceResult | undefined>; resolve: (r: SourceResult | undefined) => void }>();
  private readonly wanted: Set<string>;

  constructor(cases: LoadedSuite['cases']) {
    this.wanted = new Set(cases.filter((c) => c.chaos).map((c) => c.chaos!.sourceCaseId));
  }

  private entry(key: string) {
    let entry = this.waiting.get(key);
    if (!entry) {
      let resolve!: (r: SourceResult | undefined) => void;
      const promise = new Promise<SourceResult | undefined>((r) => (resolve = r));
      entry = { promise, resolve };
      this.waiting.set(key, entry);
    }
    return entry;
  }

  resolveKey(key: string, result: SourceResult | undefined): void {
    this.entry(key).resolve(result);
  }

  resolve(planned: PlannedSample, record: SampleRecord | undefined): void {
    if (planned.case.chaos || !this.wanted.has(planned.case.id)) return;
    const key = sourceKey(planned.prompt.template.version, planned.model, planned.repeat, planned.case.id);
    this.resolveKey(key, record && !record.error ? { output: record.output ?? '', scores: record.scores, pass: record.pass } : undefined);
  }

  awaitSource(planned: PlannedSample): Promise<SourceResult | undefined> | undefined {
    const origin = planned.case.chaos;
    if (!origin || !this.wanted.has(origin.sourceCaseId)) return undefined;
    return this.entry(sourceKey(planned.prompt.template.version, planned.model, planned.repeat, origin.sourceCaseId)).promise;
  }
}
