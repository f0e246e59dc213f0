import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunSession } from '../../src/engine/assemble.js';
import { importSuites } from '../../src/engine/loadSuite.js';
import { runSuite } from '../../src/engine/run.js';
import { REPO_ROOT } from '../helpers/cli.js';

const scratch = await mkdtemp(join(tmpdir(), 'promptgold-examples-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function replayRun(suiteFile: string, runDir: string) {
  const [suite] = await importSuites(join(REPO_ROOT, suiteFile));
  const session = await RunSession.open({ root: REPO_ROOT, config: {}, provider: 'replay', onWarning: () => undefined });
  const loaded = await session.loadSuite(suite!, join(REPO_ROOT, suiteFile));
  const assembled = await session.assemble(loaded);
  return runSuite(loaded, { provider: assembled.provider, judge: assembled.judge, runDir, runId: 'x', git: { commit: null, dirty: null }, toolVersion: 'test' });
}

describe('the offline example', () => {
  for (const [suiteFile, minSamples] of [
    ['suites/triage/triage.eval.ts', 120],
    ['suites/summarize/summarize.eval.ts', 120],
    ['suites/support/support.eval.ts', 54],
  ] as const) {
    it(`${suiteFile} replays every sample from its recordings, byte-identically each time`, async () => {
      const first = await replayRun(suiteFile, join(scratch, `${suiteFile}-a`));
      const second = await replayRun(suiteFile, join(scratch, `${suiteFile}-b`));
      expect(first.status).toBe('complete');
      expect(first.summary!.totals.infrastructureErrors).toBe(0);
      expect(first.summary!.cells).toHaveLength(4);
      for (const cell of first.summary!.cells) {
        expect(cell.samples).toBeGreaterThanOrEqual(minSamples);
        expect(cell.passRate).toBeGreaterThan(0.5);
        expect(cell.passRate).toBeLessThan(1);
      }
      const a = await readFile(join(scratch, `${suiteFile}-a`, 'run.jsonl'), 'utf8');
      const b = await readFile(join(scratch, `${suiteFile}-b`, 'run.jsonl'), 'utf8');
      expect(a).toBe(b);
      expect(second.summary).toEqual(first.summary);
    });
  }

  it('the support suite replays its tool calls, prompt-cache usage and time to first token', async () => {
    const result = await replayRun('suites/support/support.eval.ts', join(scratch, 'support-figures'));
    for (const cell of result.summary!.cells) {
      expect(cell.toolCalls!.answers).toBeGreaterThan(10);
      expect(Object.keys(cell.toolCalls!.byTool).sort()).toEqual(['create_refund', 'lookup_invoice']);
      expect(cell.cache!.hitRate).toBeGreaterThan(0.8);
      expect(cell.cache!.savedUsd).toBeGreaterThan(0);
      expect(cell.ttftMs!.p50).toBeLessThan(cell.latencyMs.p50!);
    }
  });
});
