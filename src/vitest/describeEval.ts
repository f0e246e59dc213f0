/**
 * `describeEval(suite)`: one vitest test per case × prompt version × model (× repeat), plus one
 * pass-rate test per suite. Tests are registered at collection time; the samples whose tests are
 * selected (`-t`, `.only`, the shard) run through the engine together when the block starts, and
 * each test awaits its own sample, then attaches it to its task meta for the reporter.
 */
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { displayPath } from '../displayPath.js';
import { planSamples, type PlannedSample } from '../engine/plan.js';
import { sourceKeyOf } from '../engine/sourceResults.js';
import { cellKey } from '../records/summary.js';
import { percent } from '../report/format.js';
import type { CellSummary, RecordSummary } from '../records/types.js';
import type { Suite, SuiteDefinition } from '../suite.js';
import { EvalExecution } from './evalExecution.js';
import { prepareEval, resolveSuites, type DescribeEvalOptions, type PreparedEval, type SettingsLocation } from './prepareEval.js';
import { chaosCoverageLines } from '../report/chaosCoverage.js';
import { describeSampleFailure, toAssertionError } from './sampleFailure.js';
import { EVAL_FILE_PATTERN, inShard, parseShard, SHARD_ENV, SHARD_PROVIDE_KEY } from './shard.js';
import { META_KEY, type EvalSampleMeta, type EvalSamplesMeta, type EvalSuiteMeta, type ShardSpec } from './taskMeta.js';
import { passRateTestName, sampleTestName } from './testNames.js';

export interface DescribeEvalSettings extends Omit<DescribeEvalOptions, 'suite'> {
  /** Which share of the samples this process runs: `{ index, count }` or `'2/4'`; `false` for all. */
  shard?: ShardSpec | string | false;
}

export type DescribeEvalInput = Suite | SuiteDefinition | string | (DescribeEvalOptions & DescribeEvalSettings);

/** Register the eval tests of a suite (or of every suite a suite file exports). */
export function describeEval(input: DescribeEvalInput, settings: DescribeEvalSettings = {}): void {
  const options: DescribeEvalOptions & DescribeEvalSettings =
    typeof input === 'object' && 'suite' in input && !('kind' in input && input.kind === 'promptgold.suite')
      ? { ...input, ...settings }
      : { ...settings, suite: input as Suite | SuiteDefinition | string };
  const testFile = expect.getState().testPath;
  const calledAt = callSite(testFile, new Error().stack);
  const label = typeof options.suite === 'string' ? options.suite : options.suite.name;
  describe(label, async () => {
    const suites = await resolveSuites(options, testFile);
    const shard = shardOf(options.shard, testFile, calledAt);
    for (const { suite, file } of suites) {
      const prepared = await prepareEval(suite, file, options, calledAt);
      if (suites.length === 1) registerEval(prepared, shard);
      else describe(suite.name, () => registerEval(prepared, shard));
    }
  });
}

/**
 * Where the test file called describeEval, for its settings' errors: the file (vitest's test path),
 * and the line of the first frame of `stack` in that file (vitest maps test files' stacks to their
 * source), when there is one.
 */
export function callSite(testFile: string | undefined, stack: string | undefined): SettingsLocation {
  if (testFile === undefined) return {};
  const names = [testFile, pathToFileURL(testFile).href];
  for (const frame of (stack ?? '').split('\n').slice(1)) {
    // `    at fn (/path/file.ts:12:3)` or `    at /path/file.ts:12:3`
    const match = /^\s*at (?:.*\()?(.+):(\d+):\d+\)?$/.exec(frame);
    if (match && names.includes(match[1]!)) return { file: displayPath(testFile), line: Number(match[2]) };
  }
  return { file: displayPath(testFile) };
}

/**
 * vitest's `--shard` (provided by EvalShardSequencer) splits the samples only of a file the
 * sequencer keeps on every shard (`*.eval.test.*`): any other file already runs on one shard
 * alone, and splitting its samples again would leave most of them run nowhere.
 */
function shardOf(setting: DescribeEvalSettings['shard'], testFile: string | undefined, calledAt: SettingsLocation): ShardSpec | null {
  if (setting === false) return null;
  if (typeof setting === 'object') return parseShard(`${setting.index}/${setting.count}`, 'describeEval setting shard', calledAt);
  if (typeof setting === 'string') return parseShard(setting, 'describeEval setting shard', calledAt);
  const fromEnv = process.env[SHARD_ENV];
  if (fromEnv) return parseShard(fromEnv);
  const provided = inject(SHARD_PROVIDE_KEY) ?? null;
  return provided && testFile !== undefined && EVAL_FILE_PATTERN.test(testFile) ? provided : null;
}

function registerEval(prepared: PreparedEval, shard: ShardSpec | null): void {
  const { loaded, header } = prepared;
  const suiteName = loaded.suite.name;
  const run = { key: `${suiteName}:${header.planHash}`, suite: suiteName };
  const execution = new EvalExecution(loaded, { provider: prepared.provider, judge: prepared.judge, ownJudge: prepared.ownJudge });
  const planned = new Map<string, PlannedSample>();
  const passRateName = passRateTestName(suiteName, shard ? null : loaded.threshold);
  // A chaos part made for only some cases or operators is said where vitest shows a file's output.
  for (const line of loaded.chaosCoverage ? chaosCoverageLines(loaded.chaosCoverage) : []) process.stderr.write(`promptgold: ${suiteName}: ${line}\n`);

  // vitest passes fixtures first (it requires a destructuring pattern there), the block second.
  // eslint-disable-next-line no-empty-pattern
  beforeAll(({}, block) => {
    const suiteMeta: EvalSuiteMeta = { kind: 'suite', run, header, shard, provider: prepared.providerKind, inputs: prepared.inputs };
    (block.meta as Record<string, unknown>)[META_KEY] = suiteMeta;
    const selected: PlannedSample[] = [];
    let passRateSelected = false;
    for (const task of block.tasks) {
      if (task.type !== 'test' || task.mode !== 'run') continue;
      const sample = planned.get(task.name);
      if (sample) selected.push(sample);
      else if (task.name === passRateName) passRateSelected = true;
    }
    // The pass-rate test alone (`-t "pass rate"`) needs every sample of the block; their tests are
    // skipped, so it hands them to the reporter itself.
    const passRateOnly = selected.length === 0 && passRateSelected;
    const toRun = passRateOnly ? [...planned.values()] : selected;
    execution.start(toRun.sort((a, b) => a.index - b.index), { keep: passRateOnly });
  });

  afterAll(async () => {
    await execution.whenDone();
    await prepared.close();
  });

  const shardIndex = shardIndexer();
  for (const sample of planSamples(loaded.plan)) {
    if (shard && !inShard(shardIndex(sample), shard)) continue;
    const name = sampleTestName(suiteName, sample, loaded.repeats);
    planned.set(name, sample);
    // No vitest timeout: the wait includes queueing behind other samples, and the engine already
    // ends each sample at the suite's per-sample timeout.
    test(name, { timeout: 0 }, async ({ task }) => {
      const executed = await execution.result(sample.index);
      if (!executed) throw new Error(`not run: ${execution.stopReason ?? 'the eval stopped before this sample started'}`);
      const meta: EvalSampleMeta = { kind: 'sample', run, sample: executed.record, prompt: executed.prompt };
      (task.meta as Record<string, unknown>)[META_KEY] = meta;
      if (executed.record.pass) return;
      const failure = describeSampleFailure(executed.record);
      const same = await sameFailures(execution, sample, loaded.repeats, failure.message);
      if (same.first !== sample.repeat) {
        throw toAssertionError(name, { message: `the same failure as repeat #${same.first + 1} (shown there, ×${same.repeats.length})` });
      }
      if (same.repeats.length > 1) failure.message = `×${same.repeats.length}: repeats ${same.repeats.map((r) => `#${r + 1}`).join(', ')} failed the same way\n${failure.message}`;
      throw toAssertionError(name, failure);
    });
  }

  test(passRateName, { timeout: 0 }, async (context) => {
    await execution.whenDone();
    const kept = execution.executedSamples();
    if (kept) {
      const meta: EvalSamplesMeta = { kind: 'samples', run, samples: kept.map(({ record, prompt }) => ({ sample: record, prompt })) };
      (context.task.meta as Record<string, unknown>)[META_KEY] = meta;
    }
    const summary = execution.summaryOfExecuted();
    if (execution.stopReason) throw new Error(execution.stopReason);
    // A shard's share says little about the threshold: `promptgold merge` checks the whole run. Not
    // judged either way, as under -t: a green test would say the threshold was reached.
    if (shard) context.skip(`not judged on shard ${shard.index}/${shard.count}: promptgold merge judges the pass rate of the whole run`);
    if (execution.executed < header.planned) {
      // `-t` selected some samples along with this test: a pass rate over them is not the suite's,
      // so it is not judged either way (a green test would say the threshold was reached).
      context.skip(`not judged: only ${execution.executed} of ${header.planned} samples ran (-t); run -t "pass rate" alone to judge the threshold over all of them`);
    }
    const problems: string[] = [];
    if (summary.tooManyErrors) problems.push(unscoredFailure(summary));
    if (summary.failingCells.length > 0) problems.push(passRateFailure(summary));
    if (problems.length) throw new Error(problems.join('\n'));
  });
}

/**
 * The plan index that places a sample on a shard: its own, or for a chaos sample its golden
 * source's (same version, model and repeat), so the two run on one shard and sameAsSource has the
 * source's answer to compare with. Golden samples are planned before their chaos variants.
 */
function shardIndexer(): (sample: PlannedSample) => number {
  const golden = new Map<string, number>();
  return (sample) => {
    const origin = sample.case.chaos;
    if (!origin) {
      golden.set(sourceKeyOf(sample, sample.case.id), sample.index);
      return sample.index;
    }
    return golden.get(sourceKeyOf(sample, origin.sourceCaseId)) ?? sample.index;
  };
}

/** Unscored samples over the suite's `maxErrorRate`: how many, of which kinds. */
function unscoredFailure(summary: RecordSummary): string {
  const kinds = new Map<string, number>();
  for (const cell of summary.cells) for (const [kind, count] of Object.entries(cell.errors)) kinds.set(kind, (kinds.get(kind) ?? 0) + count);
  const listed = [...kinds.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([kind, count]) => `${kind}: ${count}`).join(', ');
  return `${summary.totals.notScored} of ${summary.totals.samples} samples were not scored (${listed}), more than maxErrorRate ${summary.maxErrorRate} allows`;
}

/**
 * The repeats of a sample's case (same version × model) whose failure reads exactly like this one,
 * so identical failing repeats are shown once with "×3" instead of three identical blocks.
 */
async function sameFailures(execution: EvalExecution, sample: PlannedSample, repeats: number, message: string): Promise<{ first: number; repeats: number[] }> {
  const same: number[] = [];
  const firstIndex = sample.index - sample.repeat;
  for (let repeat = 0; repeat < repeats; repeat++) {
    if (repeat === sample.repeat) {
      same.push(repeat);
      continue;
    }
    const index = firstIndex + repeat;
    if (!execution.willRun(index)) continue;
    const other = await execution.result(index);
    if (other && !other.record.pass && describeSampleFailure(other.record).message === message) same.push(repeat);
  }
  return { first: same[0]!, repeats: same };
}

function passRateFailure(summary: RecordSummary): string {
  const failing = new Set(summary.failingCells);
  // A failing cell is listed even with nothing scored: that is why it fails.
  const lines = summary.cells
    .filter((cell) => cell.scored > 0 || failing.has(cellKey(cell.version, cell.model)))
    .map((cell) => `  ${failing.has(cellKey(cell.version, cell.model)) ? '✗' : '✓'} ${cellLine(cell)}`);
  return `pass rate below the threshold ${summary.threshold}\n${lines.join('\n')}`;
}

function cellLine(cell: CellSummary): string {
  return `${cellKey(cell.version, cell.model)}: ${cell.passed}/${cell.scored} passed (${percent(cell.passRate)}, 95% CI ${percent(cell.passRateInterval.low)}–${percent(cell.passRateInterval.high)})`;
}

