/**
 * `promptgold report <run>` ends as the run did: a one-line verdict of the run and the exit code
 * `promptgold run` gave it (see the README's exit codes), not 0 for every run whose page it wrote.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellSummary, RecordSummary } from '../../src/records/types.js';
import { runCli } from '../helpers/cli.js';
import { sample, writeRecord } from '../compare/records.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-report-exit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ids = Array.from({ length: 20 }, (_, c) => `c${String(c).padStart(3, '0')}`);

/** A run folder with its record and, when given, its meta.json status. */
async function runFolder(name: string, samples: ReturnType<typeof sample>[], options: Parameters<typeof writeRecord>[2] & { status?: string; reason?: string } = {}): Promise<string> {
  const folder = join(dir, name);
  await writeRecord(join(folder, 'run.jsonl'), samples, options);
  if (options.status) {
    const meta = { runId: name, suite: 'demo', status: options.status, startedAt: '2026-01-01T00:00:00.000Z', ...(options.reason ? { reason: options.reason } : {}) };
    await writeFile(join(folder, 'meta.json'), JSON.stringify(meta));
  }
  return folder;
}

async function report(folder: string) {
  const result = await runCli(['report', folder], dir);
  expect(result.stderr).not.toMatch(/internal error/);
  expect(result.stdout).toContain('HTML report: ');
  expect(await readFile(join(folder, 'report.html'), 'utf8')).toContain('<html');
  return result;
}

describe('report <run> exits as the run did', () => {
  it('exits 3 and says why when every sample went unscored (the page says fail, exit 3)', async () => {
    const folder = await runFolder('errored', ids.map((caseId) => sample({ caseId, pass: false, error: 'provider_error' })), { status: 'complete' });
    const result = await report(folder);
    expect(result.stdout).toMatch(/^verdict: FAIL \(exit 3\): 20 of 20 samples were not scored \(provider_error 20\); maxErrorRate allows 0%/m);
    expect(result.code).toBe(3);
  });

  it('exits 1 for a cell below the threshold, 0 for a run that passed', async () => {
    const options = { header: { options: { repeats: 1, threshold: 0.9 } }, status: 'complete' };
    const below = await runFolder('below', ids.map((caseId, c) => sample({ caseId, pass: c % 2 === 0 })), options);
    const failed = await report(below);
    expect(failed.stdout).toMatch(/^verdict: FAIL \(exit 1\): v1 × model-a: pass rate 50\.0% of 20 scored golden samples is below the threshold 90\.0%/m);
    expect(failed.code).toBe(1);
    const passing = await runFolder('passing', ids.map((caseId) => sample({ caseId, pass: true })), options);
    const passed = await report(passing);
    expect(passed.stdout).toMatch(/^verdict: PASS \(exit 0\): every cell reaches the threshold 90\.0%/m);
    expect(passed.code).toBe(0);
  });

  it('reads the summary line the run wrote, as the run was judged', async () => {
    const summary: RecordSummary = {
      type: 'summary',
      // The fields the verdict line reads; the page rebuilds its cells from the samples.
      cells: [{ version: 'v1', model: 'model-a', samples: 20, scored: 0, errors: { timeout: 20 } } as unknown as CellSummary],
      totals: { samples: 20, passed: 0, errors: 20, infrastructureErrors: 20, notScored: 20, costUsd: 0, judgeCostUsd: 0 },
      threshold: null,
      failingCells: [],
      maxErrorRate: 0,
      tooManyErrors: true,
    };
    const folder = await runFolder('with-summary', ids.map((caseId) => sample({ caseId, pass: false, error: 'timeout' })), { complete: false });
    await writeFile(join(folder, 'run.jsonl'), `${await readFile(join(folder, 'run.jsonl'), 'utf8')}${JSON.stringify(summary)}\n`);
    const result = await report(folder);
    expect(result.stdout).toMatch(/^verdict: FAIL \(exit 3\): 20 of 20 samples were not scored \(timeout 20\)/m);
    expect(result.code).toBe(3);
  });

  it('exits 130 for an interrupted run and 3 for one stopped on an error or left incomplete, each with how to finish it', async () => {
    const part = ids.slice(0, 7).map((caseId) => sample({ caseId, pass: true }));
    const interrupted = await runFolder('interrupted', part, { complete: false, header: { planned: 20 }, status: 'interrupted' });
    const stopped = await report(interrupted);
    expect(stopped.stdout).toMatch(/^verdict: INCOMPLETE \(exit 130\): the run was interrupted \(7 of 20 planned samples\); finish it with `promptgold run --resume .*interrupted`/m);
    expect(stopped.code).toBe(130);

    const aborted = await runFolder('aborted', part, { complete: false, header: { planned: 20 }, status: 'aborted', reason: 'invalid x-api-key' });
    const fatal = await report(aborted);
    expect(fatal.stdout).toMatch(/^verdict: INCOMPLETE \(exit 3\): the run stopped on an error \(invalid x-api-key\) after 7 of 20 planned samples; fix the cause and finish it with `promptgold run --resume .*aborted`/m);
    expect(fatal.code).toBe(3);

    const killed = await runFolder('killed', part, { complete: false, header: { planned: 20 } });
    const unfinished = await report(killed);
    expect(unfinished.stdout).toMatch(/^verdict: INCOMPLETE \(exit 3\): the run did not finish \(7 of 20 planned samples, no summary line\); finish it with `promptgold run --resume .*killed`/m);
    expect(unfinished.code).toBe(3);

    const budget = [...part, ...ids.slice(7).map((caseId) => sample({ caseId, pass: false, error: 'budget' }))];
    const skipped = await runFolder('budget', budget, { status: 'incomplete', reason: '13 samples skipped: budget reached' });
    const partial = await report(skipped);
    expect(partial.stdout).toMatch(/^verdict: INCOMPLETE \(exit 3\): the run did not complete \(13 samples skipped: budget reached\), so its pass rates are over part of the plan; finish it with `promptgold run --resume .*budget`/m);
    expect(partial.code).toBe(3);
  });
});
