/**
 * Runs the selected samples of one describeEval through the engine once, in the background, with
 * the suite's concurrency; each test then awaits only its own sample. Keeps a running summary (for
 * the pass-rate test) but never the samples themselves: they travel to the reporter in task meta.
 */
import { setMaxListeners } from 'node:events';
import { callsAbandonedOn, executeSample, PreparedRequests, type ExecutedSample } from '../engine/executeSample.js';
import type { LoadedSuite } from '../engine/loadSuite.js';
import { planSamples, type PlannedSample } from '../engine/plan.js';
import { runOrdered } from '../engine/scheduler.js';
import { SourceResults } from '../engine/sourceResults.js';
import { errorMessage } from '../errors.js';
import type { Provider } from '../providers/types.js';
import { SummaryBuilder } from '../records/summary.js';
import type { RecordSummary } from '../records/types.js';

export interface ExecutionOptions {
  provider: Provider;
  judge?: (model: string) => Provider;
  ownJudge?: (provider: Provider) => Provider;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export class EvalExecution {
  private readonly results = new Map<number, Deferred<ExecutedSample | undefined>>();
  private readonly summary: SummaryBuilder;
  private readonly controller = new AbortController();
  private finished: Promise<void> | undefined;
  private executedCount = 0;
  private readonly selected = new Set<number>();
  /** Why samples stopped being run, when they did (a fatal provider error, an engine failure). */
  stopReason: string | undefined;
  /** The executed samples, kept only when start was asked to (no test of theirs will hand them on). */
  private kept: ExecutedSample[] | undefined;

  constructor(
    private readonly loaded: LoadedSuite,
    private readonly options: ExecutionOptions,
  ) {
    this.summary = new SummaryBuilder(loaded);
    for (const prompt of loaded.prompts) for (const model of loaded.models) this.summary.declareCell(prompt.template.version, model);
    setMaxListeners(Number.POSITIVE_INFINITY, this.controller.signal);
  }

  get started(): boolean {
    return this.finished !== undefined;
  }

  get executed(): number {
    return this.executedCount;
  }

  /**
   * Start the given samples (in plan order). Only the first call starts anything. `keep`: hold the
   * executed samples for `executedSamples()` (their own tests are not run to attach them).
   */
  start(samples: PlannedSample[], options: { keep?: boolean } = {}): void {
    if (this.finished) return;
    if (options.keep) this.kept = [];
    for (const planned of samples) {
      this.slot(planned.index);
      this.selected.add(planned.index);
    }
    const loaded = this.loaded;
    const sources = this.sourcesForSelected();
    const requests = new PreparedRequests();
    const scorerContext = { signal: this.controller.signal, ...(this.options.judge && { judge: this.options.judge }), ...(this.options.ownJudge && { ownJudge: this.options.ownJudge }) };
    const callsInFlight = callsAbandonedOn(this.controller.signal);
    this.finished = runOrdered(samples, {
      concurrency: loaded.concurrency,
      shouldStop: () => this.controller.signal.aborted,
      worker: async (planned) => {
        const executed = await sources.settling(planned, () =>
          executeSample(planned, {
            provider: this.options.provider,
            requests,
            scorersFor: (p) => loaded.scorersFor(p.case),
            timeoutMs: loaded.timeoutMs,
            scorerTimeoutMs: loaded.scorerTimeoutMs,
            runSignal: this.controller.signal,
            callsInFlight,
            scorerContext,
            sourceResult: (sample) => sources.awaitSource(sample),
          }),
        );
        if (executed) {
          this.summary.add(executed.record);
          this.kept?.push(executed);
          this.executedCount++;
          if (executed.fatal && !this.controller.signal.aborted) {
            this.stopReason = `the run stopped: ${executed.fatal.message}`;
            this.controller.abort(executed.fatal);
          }
        }
        this.slot(planned.index).resolve(executed);
        return executed;
      },
      onResult: () => undefined,
    }).then(
      () => this.settleRest(),
      (error: unknown) => {
        this.stopReason ??= `the engine failed: ${errorMessage(error)}`;
        this.settleRest();
      },
    );
  }

  /**
   * Golden results for chaos samples. A golden sample that is not selected (`-t`, a shard) will
   * never run, so its chaos variants are scored without it rather than waiting for it; a chaos
   * sample that is not selected will not ask for its source's result, which is then not kept for it.
   */
  private sourcesForSelected(): SourceResults {
    const sources = new SourceResults(this.loaded.chaosSources);
    for (const planned of planSamples(this.loaded.plan)) {
      if (this.selected.has(planned.index)) continue;
      if (planned.case.chaos) sources.skip(planned);
      else sources.resolve(planned, undefined);
    }
    return sources;
  }

  /** Whether the sample is among those started (selected by `-t` and the shard). */
  willRun(index: number): boolean {
    return this.selected.has(index);
  }

  /** The executed sample, or undefined when it was never run (the run stopped first). */
  result(index: number): Promise<ExecutedSample | undefined> {
    return this.slot(index).promise;
  }

  whenDone(): Promise<void> {
    return this.finished ?? Promise.resolve();
  }

  /** The executed samples in plan order, when start kept them. */
  executedSamples(): ExecutedSample[] | undefined {
    return this.kept?.slice().sort((a, b) => a.record.index - b.record.index);
  }

  summaryOfExecuted(): RecordSummary {
    return this.summary.build();
  }

  /** Stop starting samples (in-flight ones are aborted and end as not run). */
  stop(reason: string): void {
    this.stopReason ??= reason;
    this.controller.abort(new Error(reason));
  }

  private slot(index: number): Deferred<ExecutedSample | undefined> {
    let slot = this.results.get(index);
    if (!slot) {
      slot = deferred();
      this.results.set(index, slot);
    }
    return slot;
  }

  /** Samples the scheduler never started resolve as not run, so no test waits forever. */
  private settleRest(): void {
    for (const slot of this.results.values()) slot.resolve(undefined);
  }
}
