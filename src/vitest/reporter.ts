/**
 * `promptgold/vitest/reporter`: writes the standard run record (and the HTML report) for every
 * describeEval in a test run, so `promptgold compare` works on vitest runs. Also home of
 * `EvalShardSequencer`, which keeps eval files on every `--shard` so each shard runs its share of
 * the samples. Runs in vitest's main process; imports only `vitest/node` types and the core.
 */
import { join, relative, resolve } from 'node:path';
import { BaseSequencer, type Reporter, type TestModule, type TestSpecification, type Vitest, type WatcherTriggerPattern } from 'vitest/node';
import { wordedError } from '../errors.js';
import { isNotScoredKind } from '../records/errorKinds.js';
import { gitInfo } from '../gitInfo.js';
import { writeRunFolder } from '../records/merge.js';
import { claimRunFolder, newRunId, runPaths } from '../records/runDir.js';
import { collectEvalRuns, runFolderName, type CollectedRun, type MetaSource } from './collectRuns.js';
import { writeRunPage } from './runPage.js';
import { EVAL_FILE_PATTERN, SHARD_PROVIDE_KEY } from './shard.js';
import type { ShardSpec } from './taskMeta.js';

export interface PromptgoldReporterOptions {
  /** Where run folders go (default `reports/runs` under the vitest root). */
  outDir?: string;
  /** Write `report.html` into each run folder when the HTML renderer is available (default true). */
  html?: boolean;
  /** Print where records went (default true). */
  log?: boolean;
}

/** Files whose change should re-run eval test files (templates, datasets) in watch mode. */
const INPUT_PATTERN = /\.(hbs|handlebars|jsonl|json|ya?ml|csv)$/;

export default class PromptgoldReporter implements Reporter {
  private vitest: Vitest | undefined;
  /** Absolute input path → the eval test files that read it (known after a first run). */
  private readonly dependents = new Map<string, Set<string>>();
  /** Run folders written by this reporter, most recent last. */
  readonly written: string[] = [];

  constructor(private readonly options: PromptgoldReporterOptions = {}) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
    // vitest's module graph does not see templates and datasets (they are read, not imported):
    // tell its watcher which test files to re-run when one of them changes.
    const trigger: WatcherTriggerPattern = {
      pattern: INPUT_PATTERN,
      testsToRun: (file) => {
        const files = this.dependents.get(resolve(file));
        return files ? [...files] : undefined;
      },
    };
    vitest.config.watchTriggerPatterns = [...(vitest.config.watchTriggerPatterns ?? []), trigger];
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    const suites: MetaSource[] = [];
    const tests: MetaSource[] = [];
    for (const module of testModules) {
      for (const suite of module.children.allSuites()) suites.push({ meta: suite.meta(), moduleId: module.moduleId });
      for (const test of module.children.allTests()) tests.push({ meta: test.meta(), moduleId: module.moduleId });
    }
    const { runs, warnings } = collectEvalRuns(suites, tests);
    for (const warning of warnings) process.stderr.write(`promptgold: ${warning}\n`);
    if (runs.length === 0) return;
    const root = this.vitest?.config.root ?? process.cwd();
    const git = await gitInfo(root);
    const outDir = resolve(root, this.options.outDir ?? join('reports', 'runs'));
    const now = new Date();
    for (const run of runs) {
      this.remember(run);
      let dir: string;
      try {
        ({ runDir: dir } = await claimRunFolder(outDir, runFolderName(newRunId(run.suite, now), run.shard)));
        await this.write(run, dir, git, now);
      } catch (error) {
        // Said as every command says a file it could not write, not as vitest's stack of a reporter
        // error; the other suites' records are still written.
        const worded = wordedError(error);
        process.stderr.write(`promptgold: ${run.suite}: the run record was not written: ${worded.text}\n  Its ${run.samples.length} samples were not saved: mend the cause and run the tests again.\n`);
        if (!process.exitCode) process.exitCode = worded.exitCode;
        continue;
      }
      this.written.push(dir);
      if (this.options.log !== false) process.stdout.write(`promptgold: ${run.suite}: ${run.samples.length}/${run.header.planned} samples${notScoredText(run)} → ${relative(root, runPaths(dir).record)}\n`);
    }
  }

  private remember(run: CollectedRun): void {
    for (const input of run.inputs) {
      let files = this.dependents.get(input);
      if (!files) this.dependents.set(input, (files = new Set()));
      for (const file of run.testFiles) files.add(file);
    }
  }

  private async write(run: CollectedRun, dir: string, git: { commit: string | null; dirty: boolean | null }, now: Date): Promise<void> {
    const startedAt = now.toISOString();
    await writeRunFolder(dir, {
      header: { ...run.header, git },
      samples: run.samples,
      prompts: run.prompts,
      meta: {
        runId: relative(resolve(dir, '..'), dir),
        suite: run.suite,
        startedAt,
        finishedAt: new Date().toISOString(),
        provider: run.provider,
        ...(run.shard ? { shard: { index: run.shard.index, count: run.shard.count }, reason: `shard ${run.shard.index}/${run.shard.count}: join the shards with promptgold merge` } : {}),
      },
    });
    if (this.options.html !== false) await writeRunPage(dir);
  }
}

/**
 * `, 1 not scored (provider_error: 1)`: samples the provider, a scorer or a judge failed (a
 * refusal or a rejected request is scored, as a failure; see isNotScoredKind). Their tests fail and show
 * them, but a skipped test (`-t "pass rate"`) shows nothing, and within maxErrorRate the pass-rate
 * test passes: this line is then the only place the console says so.
 */
function notScoredText(run: CollectedRun): string {
  const kinds = new Map<string, number>();
  for (const sample of run.samples) if (sample.error && isNotScoredKind(sample.error.kind)) kinds.set(sample.error.kind, (kinds.get(sample.error.kind) ?? 0) + 1);
  if (kinds.size === 0) return '';
  const total = [...kinds.values()].reduce((sum, n) => sum + n, 0);
  const listed = [...kinds.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([kind, n]) => `${kind}: ${n}`).join(', ');
  return `, ${total} not scored (${listed})`;
}

export { EVAL_FILE_PATTERN };

/**
 * `sequence.sequencer` for `vitest --shard=i/n`: ordinary test files are sharded by file as usual,
 * eval files run on every shard, and describeEval there registers only the shard's share of the
 * samples (it learns the shard through `inject`).
 */
export class EvalShardSequencer extends BaseSequencer {
  override async shard(files: TestSpecification[]): Promise<TestSpecification[]> {
    const shard = this.ctx.config.shard as ShardSpec | undefined;
    if (shard) this.ctx.provide(SHARD_PROVIDE_KEY, { index: shard.index, count: shard.count });
    const evals = files.filter((spec) => EVAL_FILE_PATTERN.test(spec.moduleId));
    const others = files.filter((spec) => !EVAL_FILE_PATTERN.test(spec.moduleId));
    return [...(others.length ? await super.shard(others) : []), ...evals];
  }
}
