/**
 * The composition root. Every entry point — `promptgold run`, `describeEval`, `upgrade-check`,
 * `calibrate`, `compare --judge` — gets what a run needs from one `RunSession`: the project
 * configuration and price table, suites loaded with the context window of their models, the
 * provider stack (replay, function or Anthropic, with cache, budget and recording), the rate
 * limiter shared by everything the invocation sends, the judge stack, the pre-flight checks and
 * warnings, and a claimed run folder. A fix made here lands in every entry point at once.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type PromptgoldConfig } from '../config.js';
import { displayPath } from '../displayPath.js';
import { InfrastructureError, InputError } from '../errors.js';
import { gitInfo } from '../gitInfo.js';
import type { AnthropicProviderOptions } from '../providers/anthropic/client.js';
import { anthropicOptionsFromConfig } from '../providers/anthropic/configOptions.js';
import { CostBudget } from '../providers/budget.js';
import { CacheDamageTally, cacheWriteWarning } from '../providers/cache.js';
import { RateLimiter } from '../providers/pacing.js';
import { loadModelTable, smallestContextWindow, worstCaseCostUsd, type ModelTable, type ModelTableJson } from '../providers/pricing.js';
import { withRecording } from '../providers/record.js';
import { readRecordings } from '../providers/recordingFile.js';
import { createProviderStack, isProviderKind, PROVIDER_KINDS, withLayers, type BaseProviderSpec, type ProviderKind, type ProviderLayers } from '../providers/stack.js';
import { ProviderError, type GenerationRequest, type Provider } from '../providers/types.js';
import { claimRunFolder, newRunId } from '../records/runDir.js';
import type { RecordHeader } from '../records/types.js';
import type { Suite } from '../suite.js';
import { runBatchPhase } from './batch.js';
import { loadSuite, type LoadedSuite, type SuiteOverrides } from './loadSuite.js';
import {
  checkModelCapabilities,
  checkModelsKnown,
  enforceForecast,
  judgeModelsOf,
  promptCacheWarnings,
  retirementWarnings,
  scorersOfRun,
  selfPreferenceWarnings,
  versionDriftWarnings,
} from './preflight.js';

export interface SessionOptions {
  /** Project root: config, cache and run folders are relative to it. Default: the working directory. */
  root?: string;
  /** Project configuration; read from the root when absent. */
  config?: PromptgoldConfig;
  /** Where run folders go. Default `<outDir>/runs` from the config (`reports/runs`). */
  runsDir?: string;
  /** Who answers, overriding each suite's own `provider` (`--provider`, `PROMPTGOLD_PROVIDER`). */
  provider?: string;
  /** Write every response to the suite's recordings file. */
  record?: boolean;
  /** Use the response cache for live calls (default true). */
  cache?: boolean;
  /** Spend ceiling for everything the session sends; default the config's `maxCostUsd`. */
  maxCostUsd?: number;
  /** Start even when the cost forecast is over the budget. */
  confirmOverBudget?: boolean;
  /** Where warnings go (default: standard error). */
  onWarning?: (line: string) => void;
}

export interface AssembleOptions {
  /** The provider for this suite, overriding the session's and the suite's. */
  provider?: string;
  /** Continuing an existing run: no cost forecast, no version-drift warning. */
  resume?: boolean;
  /** Send the run through the Message Batches API; needs the run folder the batch ids are kept in. */
  batch?: {
    /**
     * Called once the checks passed, before anything is submitted: returns the run folder the
     * batch ids are kept in (a fresh run claims it and writes its record's header here).
     */
    start: () => Promise<string>;
    /** Also send the samples that ended in an error (`--retry-errors`). */
    redoErrors?: boolean;
    signal?: AbortSignal;
    onProgress?: (line: string) => void;
  };
}

export interface AssembledRun {
  kind: ProviderKind;
  /** The generator's provider stack. */
  provider: Provider;
  /** The provider stack for a judge model (rubric and checklist scorers, pairwise, calibration). */
  judge: (model: string) => Provider;
  /**
   * A judge Provider a rubric was given directly (`rubric({ judge: provider })`), behind the
   * session's budget: refused once it is spent, its answers' cost counted in it. Like the user's
   * own function under test, it holds no worst case in advance and is neither cached nor recorded.
   */
  ownJudge: (provider: Provider) => Provider;
  /** Releases sockets and writes recordings. */
  close(): Promise<void>;
}

export class RunSession {
  readonly root: string;
  readonly config: PromptgoldConfig;
  readonly models: ModelTable;
  readonly runsDir: string;
  readonly budget: CostBudget | undefined;
  private limiter: RateLimiter | undefined;
  private largestConcurrency = 1;
  private git: Promise<RecordHeader['git']> | undefined;
  private readonly warn: (line: string) => void;
  /** A response cache that cannot be written is said once a session, not once a sample. */
  private cacheWriteWarned = false;
  /** Damaged response cache entries met since it was last said: said when a run's stacks close. */
  private readonly cacheDamage = new CacheDamageTally();
  private readonly budgetedProviders = new WeakMap<Provider, Provider>();

  private constructor(private readonly options: SessionOptions, root: string, config: PromptgoldConfig) {
    this.root = root;
    this.config = config;
    this.models = loadModelTable((config.models ?? {}) as Partial<ModelTableJson>);
    this.runsDir = options.runsDir ? resolve(root, options.runsDir) : resolve(root, join(config.outDir ?? 'reports', 'runs'));
    const maxCost = options.maxCostUsd ?? config.maxCostUsd;
    this.budget = maxCost !== undefined ? new CostBudget(maxCost) : undefined;
    this.warn = options.onWarning ?? ((line) => process.stderr.write(`${line}\n`));
    if (options.provider !== undefined && !isProviderKind(options.provider)) throw unknownProvider(options.provider);
  }

  static async open(options: SessionOptions = {}): Promise<RunSession> {
    const root = resolve(options.root ?? process.cwd());
    const config = options.config ?? (await loadConfig(root)).config;
    return new RunSession(options, root, config);
  }

  /** The git commit of the project, for record headers (asked once). */
  gitInfo(): Promise<RecordHeader['git']> {
    this.git ??= gitInfo(this.root);
    return this.git;
  }

  /**
   * Loads a suite for this session: padding chaos operators see the smallest context window of its
   * models, and the config's `maxErrorRate` applies where neither the suite nor the command sets one.
   */
  async loadSuite(suite: Suite, file: string, overrides: SuiteOverrides = {}): Promise<LoadedSuite> {
    const models = overrides.models ?? suite.models;
    const window = models ? smallestContextWindow(models, this.models) : undefined;
    const fromConfig = suite.maxErrorRate === undefined && overrides.maxErrorRate === undefined ? this.config.maxErrorRate : undefined;
    const loaded = await loadSuite(
      suite,
      file,
      { ...overrides, ...(window ? { contextWindowTokens: window } : {}), ...(fromConfig !== undefined ? { maxErrorRate: fromConfig } : {}) },
      this.root,
    );
    this.largestConcurrency = Math.max(this.largestConcurrency, loaded.concurrency);
    return loaded;
  }

  /** Which provider answers a suite: the assembly's choice, the session's, the suite's, else replay. */
  providerKindOf(loaded: LoadedSuite, requested?: string): ProviderKind {
    const own = loaded.suite.provider;
    const kind = requested ?? this.options.provider ?? (typeof own === 'string' ? own : own ? 'function' : 'replay');
    if (!isProviderKind(kind)) throw unknownProvider(kind);
    return kind;
  }

  /** A new run folder for the suite under the session's runs folder, claimed so no other run can share it. */
  claimRunFolder(loaded: LoadedSuite, now = new Date()): Promise<{ runId: string; runDir: string }> {
    return claimRunFolder(this.runsDir, newRunId(loaded.suite.name, now));
  }

  /** Checks, warnings and the provider and judge stacks for one suite. */
  async assemble(loaded: LoadedSuite, options: AssembleOptions = {}): Promise<AssembledRun> {
    const kind = this.providerKindOf(loaded, options.provider);
    if (options.batch && kind !== 'anthropic') {
      throw new InputError('--batch sends the run through the Message Batches API', { field: '--batch' }, 'use it with --provider anthropic');
    }
    // Judges answer from the recordings under replay; otherwise they get a live stack of their own
    // (its own pacing queue, the same cache, budget and recordings), built at their first call.
    const liveJudges = kind !== 'replay';
    await this.preflight(loaded, kind, liveJudges, options);
    const sayCacheDamage = () => this.sayCacheDamage();

    const provider = options.batch ? await this.batchProvider(loaded, options.batch) : await this.stack(loaded, kind);
    let judgeStack: Promise<Provider> | undefined;
    const judgeProvider: Provider = liveJudges
      ? {
          id: 'judge',
          async generate(request, context) {
            return (await judgeStack!).generate(request, context);
          },
        }
      : provider;
    return {
      kind,
      provider,
      judge: () => {
        if (liveJudges) judgeStack ??= this.stack(loaded, 'anthropic', 'judge');
        return judgeProvider;
      },
      ownJudge: (own) => this.budgeted(own),
      async close() {
        await provider.close?.();
        const judge = await judgeStack?.catch(() => undefined); // a stack that failed to build has nothing to close
        await judge?.close?.();
        sayCacheDamage();
      },
    };
  }

  /**
   * A live judge on its own, for judging outside a run (`compare --judge`): the judge model must be
   * known (so it can be priced and budgeted); calls are cached, paced and budgeted like a run's.
   */
  async judgeStack(loaded: LoadedSuite, model: string): Promise<{ judge: Provider; close(): Promise<void> }> {
    if (!this.models.get(model)) {
      throw new InputError(`unknown judge model "${model}"`, { field: '--judge' }, `known models: ${this.models.ids().join(', ')}`);
    }
    const judge = await this.stack(loaded, 'anthropic', 'judge');
    return {
      judge,
      close: async () => {
        await judge.close?.();
        this.sayCacheDamage();
      },
    };
  }

  private async preflight(loaded: LoadedSuite, kind: ProviderKind, liveJudges: boolean, options: AssembleOptions): Promise<void> {
    const anthropic = kind === 'anthropic';
    if (kind === 'replay') checkRecordingsFound(loaded);
    // --record merges into the recordings file when the run ends: a damaged line found only then
    // would throw away every answer the run paid for.
    if (this.options.record) await readRecordings(loaded.recordingsFile);
    const judges = liveJudges ? judgeModelsOf(scorersOfRun(loaded)) : [];
    checkModelsKnown(loaded, this.models, { generators: anthropic, judges: judges.length > 0 });
    // What Claude models reject (a prefill, a forced tool choice) is checked for every run that
    // answers as Claude; the user's own function may take any request.
    if (kind !== 'function') checkModelCapabilities(loaded, this.models);
    if (judges.length > 0) {
      // A judge id the API does not know would fail every sample: find out before anything is spent.
      const { checkAnthropicModels } = await import('../providers/anthropic/index.js');
      await checkAnthropicModels(this.anthropicOptions(), judges).catch((error: unknown) => {
        throw error instanceof ProviderError ? new InfrastructureError(`judge model check failed: ${error.message}`, 'fix the judge model or the key, then run again', error) : error;
      });
    }
    if (this.budget && anthropic && !options.resume) {
      this.warn(enforceForecast(loaded, this.models, this.budget, { confirmed: this.options.confirmOverBudget === true, batch: options.batch !== undefined }));
    }
    if (!options.resume) (await versionDriftWarnings(loaded, this.runsDir, this.root)).forEach(this.warn);
    if (anthropic) retirementWarnings(loaded, this.models).forEach(this.warn);
    if (anthropic) promptCacheWarnings(loaded, this.models, { batch: options.batch !== undefined }).forEach(this.warn);
    selfPreferenceWarnings(loaded).forEach(this.warn);
  }

  /** A provider behind the session's budget (each provider wrapped once), or itself when there is no budget. */
  private budgeted(provider: Provider): Provider {
    if (!this.budget) return provider;
    let wrapped = this.budgetedProviders.get(provider);
    if (!wrapped) this.budgetedProviders.set(provider, (wrapped = withLayers(provider, { budget: this.budget })));
    return wrapped;
  }

  /** The damaged cache entries met since the last time, in one warning. */
  private sayCacheDamage(): void {
    const warning = this.cacheDamage.take();
    if (warning) this.warn(warning);
  }

  private stack(loaded: LoadedSuite, kind: ProviderKind, lane: 'generator' | 'judge' = 'generator'): Promise<Provider> {
    const layers: ProviderLayers = {};
    if (kind === 'anthropic' && this.options.cache !== false) {
      const cacheDir = this.cacheDir();
      layers.cacheDir = cacheDir;
      layers.onCacheWriteFailure = (error) => {
        if (this.cacheWriteWarned) return;
        this.cacheWriteWarned = true;
        this.warn(cacheWriteWarning(error, displayPath(cacheDir, this.root)));
      };
      layers.onCacheDamaged = (problem, file) => {
        this.cacheDamage.note(problem, displayPath(file, this.root));
      };
    }
    if (this.budget) {
      layers.budget = this.budget;
      // Only a request to the API is paid before its cost is known; a replayed answer or the
      // user's own function holds nothing, as before (their records stay what they were).
      const models = this.models;
      if (kind === 'anthropic') layers.worstCaseUsd = (request) => worstCaseCostUsd(request, models);
    }
    if (this.options.record) layers.recordTo = loaded.recordingsFile;
    return createProviderStack(this.baseSpec(loaded, kind, lane), layers);
  }

  private baseSpec(loaded: LoadedSuite, kind: ProviderKind, lane: 'generator' | 'judge'): BaseProviderSpec {
    if (kind === 'replay') {
      return { kind, recordingsFile: loaded.recordingsFile, models: this.models, recordHint: `record it with: promptgold run ${loaded.relativeFile} --provider anthropic --record` };
    }
    if (kind === 'function') {
      const target = loaded.suite.provider;
      if (typeof target === 'function' || (target && typeof target === 'object')) return { kind, target };
      throw new InputError('--provider function needs the suite to set `provider` to a function', { file: loaded.relativeFile, field: 'provider' });
    }
    return { kind, options: { ...this.anthropicOptions(), lane } };
  }

  /** Options of the Anthropic provider and batch client, from the project config. */
  private anthropicOptions(): AnthropicProviderOptions {
    return anthropicOptionsFromConfig(this.config, { models: this.models, limiter: this.sharedLimiter() });
  }

  /**
   * One limiter for everything the session sends (all suites, judges): limits from the config,
   * concurrency capped at the largest suite concurrency loaded so far unless the config says otherwise.
   */
  private sharedLimiter(): RateLimiter {
    const anthropic = this.config.anthropic ?? {};
    this.limiter ??= new RateLimiter({
      ...(anthropic.limits ?? {}),
      ...(anthropic.targetFraction !== undefined ? { targetFraction: anthropic.targetFraction } : {}),
      maxConcurrency: anthropic.maxConcurrency ?? this.largestConcurrency,
      ...(anthropic.judgeConcurrency !== undefined ? { judgeConcurrency: anthropic.judgeConcurrency } : {}),
    });
    return this.limiter;
  }

  private cacheDir(): string {
    return this.config.cacheDir ? resolve(this.root, this.config.cacheDir) : join(this.root, '.promptgold', 'cache');
  }

  private async batchProvider(loaded: LoadedSuite, batch: NonNullable<AssembleOptions['batch']>): Promise<Provider> {
    const { createBatchClient } = await import('../providers/anthropic/index.js');
    const transport = createBatchClient(this.anthropicOptions());
    const pollMs = this.config.anthropic?.batchPollMs;
    const runDir = await batch.start();
    const phase = await runBatchPhase(loaded, {
      transport,
      runDir,
      redoErrors: batch.redoErrors === true,
      ...(batch.signal ? { signal: batch.signal } : {}),
      ...(pollMs ? { pollMs } : {}),
      ...(batch.onProgress ? { onProgress: batch.onProgress } : {}),
      ...(this.budget ? { budget: { budget: this.budget, worstCaseUsd: (request: GenerationRequest) => worstCaseCostUsd(request, this.models, { batch: true }) } } : {}),
    }).catch((error: unknown) => {
      // Submitting or collecting failed for the whole batch (a key rejected, a batch the API no
      // longer knows): a classified stop with its message, not an internal error with a stack.
      if (!(error instanceof ProviderError)) throw error;
      throw new InfrastructureError(
        `the batch phase stopped: ${error.message}`,
        error.kind === 'not_found'
          ? 'the API no longer knows this run\'s batch (batch results are kept for 29 days): start a new run'
          : 'fix the cause, then `promptgold run --resume <run>` collects what the batch already answered',
        error,
      );
    });
    return this.options.record ? withRecording(phase.provider, loaded.recordingsFile) : phase.provider;
  }
}

function unknownProvider(kind: string): InputError {
  return new InputError(`unknown provider "${kind}"`, { field: '--provider' }, `use ${PROVIDER_KINDS.join(', ')}`);
}

/**
 * A `recordings:` path the suite names must lead to a file under replay: a typo would otherwise show
 * as a replay miss on every sample, each telling the user to record what is already recorded.
 */
function checkRecordingsFound(loaded: LoadedSuite): void {
  const written = loaded.suite.recordings;
  if (written === undefined || existsSync(loaded.recordingsFile)) return;
  throw new InputError(
    `recordings file not found: ${displayPath(loaded.recordingsFile)}`,
    { file: loaded.relativeFile, field: 'recordings' },
    `fix the suite's \`recordings\` path ("${written}", relative to the suite file's folder), or record answers there with: promptgold run ${loaded.relativeFile} --provider anthropic --record`,
  );
}
