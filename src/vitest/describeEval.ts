/**
 * `describeEval(suite)`: one vitest test per case × prompt version × model (× repeat), plus one
 * pass-rate test per suite. Tests are registered at collection time; the samples whose tests are
 * selected (`-t`, `.only`, the shard) run through the engine together when the block starts, and
 * each test awaits its own sample, then attaches it to its task meta for the reporter.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { planSamples, type PlannedSample } from '../engine/plan.js';
import { cellKey } from '../records/summary.js';
import { percent } from '../report/format.js';
import type { CellSummary, RecordSummary } from '../records/types.js';
import type { Suite, SuiteDefinition } from '../suite.js';
import { EvalExecution } from './evalExecution.js';
import { prepareEval, resolveSuites, type DescribeEvalOptions, type PreparedEval } from './prepareEval.js';
import { describeSampleFailure, toAssertionError } from './sampleFailure.js';
import { inShard, parseShard, SHARD_ENV, SHARD_PROVIDE_KEY } from './shard.js';
import { META_KEY, type EvalSampleMeta, type EvalSuiteMeta, type ShardSpec } from './taskMeta.js';
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
  const label = typeof options.suite === 'string' ? options.suite : options.suite.name;
  describe(label, async () => {
    const suites = await resolveSuites(options, testFile);
    const shard = shardOf(options.shard);
    for (const { suite, file } of suites) {
      const prepared = await prepareEval(suite, file, options);
      if (suites.length === 1) registerEval(prepared, shard);
      else describe(suite.name, () => registerEval(prepared, shard));
    }
  });
}

function shardOf(setting: DescribeEvalSettings['shard']): ShardSpec | null {
  if (setting === false) return null;
  if (typeof setting === 'object') return parseShard(`${setting.index}/${setting.count}`, 'shard');
  if (typeof setting === 'string') return parseShard(setting, 'shard');
  const fromEnv = process.env[SHARD_ENV];
  if (fromEnv) return parseShard(fromEnv);
  return inject(SHARD_PROVIDE_KEY) ?? null;
}

function registerEval(prepared: PreparedEval, shard: ShardSpec | null): void {
  const { loaded, header } = prepared;
  const suiteName = loaded.suite.name;
  const run = { key: `${suiteName}:${header.planHash}`, suite: suiteName };
  const execution = new EvalExecution(loaded, { provider: prepared.provider });
  const planned = new Map<string, PlannedSample>();
  const shape = { prompts: loaded.prompts, models: loaded.models, cases: loaded.cases.filter((c) => !c.chaos), repeats: loaded.repeats };
  const passRateName = passRateTestName(suiteName, shard ? null : loaded.threshold);

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
    // The pass-rate test alone (`-t "pass rate"`) needs every sample of the block.
    const toRun = selected.length === 0 && passRateSelected ? [...planned.values()] : selected;
    execution.start(toRun.sort((a, b) => a.index - b.index));
  });

  afterAll(async () => {
    await execution.whenDone();
    await prepared.provider.close?.();
  });

  for (const sample of planSamples(shape)) {
    if (!inShard(sample.index, shard)) continue;
    const name = sampleTestName(suiteName, sample, loaded.repeats);
    planned.set(name, sample);
    // No vitest timeout: the wait includes queueing behind other samples, and the engine already
    // ends each sample at the suite's per-sample timeout.
    test(name, { timeout: 0 }, async ({ task }) => {
      const executed = await execution.result(sample.index);
      if (!executed) throw new Error(`not run: ${execution.stopReason ?? 'the eval stopped before this sample started'}`);
      const meta: EvalSampleMeta = { kind: 'sample', run, sample: executed.record, prompt: executed.prompt };
      (task.meta as Record<string, unknown>)[META_KEY] = meta;
      if (!executed.record.pass) throw toAssertionError(name, describeSampleFailure(executed.record));
    });
  }

  test(passRateName, { timeout: 0 }, async () => {
    await execution.whenDone();
    const summary = execution.summaryOfExecuted();
    if (execution.stopReason) throw new Error(execution.stopReason);
    if (shard) return; // a shard's share says little; `promptgold merge` checks the whole run
    if (summary.failingCells.length > 0) throw new Error(passRateFailure(summary, execution.executed, header.planned));
  });
}

function passRateFailure(summary: RecordSummary, executed: number, planned: number): string {
  const failing = new Set(summary.failingCells);
  const lines = summary.cells
    .filter((cell) => cell.scored > 0)
    .map((cell) => `  ${failing.has(cellKey(cell.version, cell.model)) ? '✗' : '✓'} ${cellLine(cell)}`);
  const scope = executed < planned ? ` (over the ${executed} of ${planned} samples that ran)` : '';
  return `pass rate below the threshold ${summary.threshold}${scope}\n${lines.join('\n')}`;
}

function cellLine(cell: CellSummary): string {
  return `${cellKey(cell.version, cell.model)}: ${cell.passed}/${cell.scored} passed (${percent(cell.passRate)}, 95% CI ${percent(cell.passRateInterval.low)}–${percent(cell.passRateInterval.high)})`;
}

