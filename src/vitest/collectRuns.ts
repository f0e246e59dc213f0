/**
 * Gathers the eval runs of a test run from task meta: per describeEval run, its header and the
 * samples its tests attached. Pure: fed with plain (meta, module) pairs so it can be tested
 * without vitest.
 */
import type { PromptStoreLine, RecordHeader, SampleRecord } from '../records/types.js';
import { readEvalMeta, type ShardSpec } from './taskMeta.js';

export interface CollectedRun {
  key: string;
  suite: string;
  header: RecordHeader;
  shard: ShardSpec | null;
  provider: string;
  samples: SampleRecord[];
  prompts: Map<string, PromptStoreLine>;
  /** Test files that ran this eval, and the inputs (templates, dataset) they depend on. */
  testFiles: Set<string>;
  inputs: Set<string>;
}

export interface CollectedRuns {
  runs: CollectedRun[];
  /** Problems worth a warning (a sample seen twice, samples without their suite block). */
  warnings: string[];
}

export interface MetaSource {
  meta: unknown;
  /** The test file the task is in. */
  moduleId: string;
}

export function collectEvalRuns(suites: Iterable<MetaSource>, tests: Iterable<MetaSource>): CollectedRuns {
  const runs = new Map<string, CollectedRun>();
  const warnings: string[] = [];
  for (const { meta, moduleId } of suites) {
    const value = readEvalMeta(meta);
    if (value?.kind !== 'suite') continue;
    let run = runs.get(value.run.key);
    if (!run) {
      run = {
        key: value.run.key,
        suite: value.run.suite,
        header: value.header,
        shard: value.shard,
        provider: value.provider,
        samples: [],
        prompts: new Map(),
        testFiles: new Set(),
        inputs: new Set(),
      };
      runs.set(run.key, run);
    }
    run.testFiles.add(moduleId);
    for (const input of value.inputs) run.inputs.add(input);
  }
  const seen = new Map<string, Set<number>>();
  for (const { meta } of tests) {
    const value = readEvalMeta(meta);
    if (value?.kind !== 'sample' && value?.kind !== 'samples') continue;
    const entries = value.kind === 'sample' ? [value] : value.samples;
    const run = runs.get(value.run.key);
    if (!run) {
      for (const { sample } of entries) warnings.push(`sample ${sample.caseId} of ${value.run.suite} has no suite block: not recorded`);
      continue;
    }
    let indices = seen.get(run.key);
    if (!indices) seen.set(run.key, (indices = new Set()));
    for (const { sample, prompt } of entries) {
      if (indices.has(sample.index)) {
        warnings.push(`${run.suite}: sample ${sample.index} (${sample.caseId}) ran in two test files; recorded once`);
        continue;
      }
      indices.add(sample.index);
      run.samples.push(sample);
      if (!run.prompts.has(prompt.hash)) run.prompts.set(prompt.hash, prompt);
    }
  }
  return { runs: [...runs.values()], warnings };
}

/** `<suite>-<stamp>` for a whole run, `<suite>-<stamp>.shard-2-of-4` for a shard's part. */
export function runFolderName(runId: string, shard: ShardSpec | null): string {
  return shard ? `${runId}.shard-${shard.index}-of-${shard.count}` : runId;
}
