/** `promptgold merge` as CI runs it: the exit code and what it says, on parts written by `writeRunFolder`. */
import { readFile, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { writeRunFolder } from '../../src/records/merge.js';
import type { PromptStoreLine, RecordHeader, SampleRecord } from '../../src/records/types.js';
import { recordHeader, sampleRecord } from '../helpers/builders.js';
import { runCli } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

const PLANNED = 4;

function header(options: Record<string, unknown> = {}): RecordHeader {
  return recordHeader({ suite: 'triage', dataset: { path: 'data.jsonl', hash: 'd1', cases: PLANNED }, options, planned: PLANNED, planHash: 'plan-1' });
}

function answered(index: number): SampleRecord {
  return sampleRecord({ index, caseId: `t${index}`, version: 'v1', model: 'model-a', promptHash: 'p', scores: [{ name: 'exact', score: 1, pass: true, reason: '' }] });
}

function budgetSkipped(index: number): SampleRecord {
  return { ...answered(index), output: null, stopReason: null, scores: [], score: 0, pass: false, costUsd: 0, latencyMs: null, error: { kind: 'budget', message: 'skipped: the budget was reached' } };
}

const prompts = new Map<string, PromptStoreLine>([['p', { hash: 'p', user: 'hi' }]]);

let project: TempProject;
afterEach(async () => project?.cleanup());

async function part(name: string, samples: SampleRecord[], options: Record<string, unknown> = {}): Promise<string> {
  const dir = project.path('shards', name);
  await writeRunFolder(dir, { header: header(options), samples, prompts, meta: { runId: name, suite: 'triage', startedAt: 'now' } });
  return `shards/${name}`;
}

describe('promptgold merge', () => {
  it('exits 3 when samples of the parts never ran (budget reached), as the run did, though every sample line is there', async () => {
    project = await tempProject();
    const a = await part('a', [answered(0), answered(2)]);
    const b = await part('b', [budgetSkipped(1), budgetSkipped(3)]);
    const merged = await runCli(['merge', a, b, '--out', 'merged'], project.root);
    expect(merged.stdout).toContain('merged 2 records, 4/4 samples');
    expect(merged.stderr).toContain('FAILED (exit 3): the merged run did not complete (2 samples skipped: budget reached)');
    expect(merged.code).toBe(3);
    expect(JSON.parse(await readFile(project.path('merged', 'meta.json'), 'utf8'))).toMatchObject({ status: 'incomplete' });

    // A merged folder cannot be resumed: `report` says to finish the parts and merge again.
    const report = await runCli(['report', 'merged'], project.root);
    expect(report.code).toBe(3);
    expect(report.stdout).toMatch(
      /^verdict: INCOMPLETE \(exit 3\): the merged run did not complete \(2 samples skipped: budget reached\), so its pass rates are over part of the plan; run again the shards that skipped them \(or finish with `promptgold run --resume` the runs they came from\), then merge again$/m,
    );
    // And `run --resume` says so too, before anything runs, instead of running the plan of no run.
    const resumed = await runCli(['run', '--resume', 'merged', '--no-progress', '--no-html'], project.root);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain('this run was joined by promptgold merge from 2 parts: --resume and --retry-errors cannot finish it');
    expect(resumed.stderr).toContain('finish or run again the parts it came from, then merge them again');
  });

  it('exits 2 when a shard comes without its prompts.jsonl, naming the shard and the file', async () => {
    project = await tempProject();
    const a = await part('a', [answered(0), answered(2)]);
    const b = await part('b', [answered(1), answered(3)]);
    await rm(project.path('shards', 'b', 'prompts.jsonl'));
    const merged = await runCli(['merge', a, b, '--out', 'merged'], project.root);
    expect(merged.stderr).toMatch(/shards\/b\/run\.jsonl: the part's prompt store .*shards\/b\/prompts\.jsonl is missing/);
    expect(merged.code).toBe(2);
  });
});
