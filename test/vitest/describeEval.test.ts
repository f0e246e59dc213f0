import { readFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { TempProject } from '../helpers/tempProject.js';
import { ECHO_TEMPLATE, evalProject, readJsonl, runFolders, runVitest, startVitest, wordLines } from './evalProject.js';

const EVAL_FILE = `import { appendFileSync } from 'node:fs';
import { defineSuite, exact } from 'promptgold';
import { describeEval } from 'promptgold/vitest';
import { expect, test } from 'vitest';

let inFlight = 0;
let maxInFlight = 0;

describeEval(defineSuite({
  name: 'echo',
  prompt: 'prompts/echo.hbs',
  dataset: 'data/words.jsonl',
  models: ['claude-haiku-4-5'],
  scorers: [exact()],
  threshold: 0.9,
  concurrency: 4,
  provider: async ({ word }) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    appendFileSync('calls.log', word + '\\n');
    await new Promise((resolve) => setTimeout(resolve, 40));
    inFlight--;
    return word === 'word3' ? 'wrong' : String(word);
  },
}));

test('samples ran concurrently', () => {
  expect(maxInFlight).toBeGreaterThan(1);
});
`;

let project: TempProject;

async function freshProject(): Promise<TempProject> {
  return evalProject({ 'prompts/echo.hbs': ECHO_TEMPLATE, 'data/words.jsonl': wordLines(6), 'echo.eval.test.ts': EVAL_FILE });
}

async function calls(root: string): Promise<string[]> {
  const text = await readFile(join(root, 'calls.log'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).sort();
}

async function recordOf(root: string, folder: string) {
  const lines = await readJsonl(join(root, 'reports', 'runs', folder, 'run.jsonl'));
  const meta = JSON.parse(await readFile(join(root, 'reports', 'runs', folder, 'meta.json'), 'utf8')) as Record<string, unknown>;
  return { lines, meta, samples: lines.filter((l) => l.type === 'sample') };
}

// Each test starts vitest itself, up to three times (whole, shard 1, shard 2), each bounded by
// runVitest's own kill timer: the default 30 s per test is too tight for that on a busy 2-core box.
describe('describeEval in a vitest project', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    project = await freshProject();
  });
  afterAll(async () => {
    await project.cleanup();
  });

  it('runs one test per sample plus a pass-rate test, with scorer reasons and a diff on failure, and records the run', async () => {
    const run = await runVitest(project.root, []);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/✓ echo\.eval\.test\.ts > echo > echo › v1 › claude-haiku-4-5 › w000/);
    expect(run.output).toMatch(/× echo\.eval\.test\.ts > echo > echo › v1 › claude-haiku-4-5 › w003/);
    expect(run.output).toContain('score 0.00, 1 of 1 scorers failed');
    expect(run.output).toMatch(/✗ exact {2}0\.00 {2}output "wrong" does not equal expected "word3"/);
    expect(run.output).toMatch(/Expected: "word3"\s+Received: "wrong"/);
    expect(run.output).toContain('pass rate below the threshold 0.9');
    expect(run.output).toMatch(/✗ v1 × claude-haiku-4-5: 5\/6 passed/);
    expect(run.output).toMatch(/Tests\s+2 failed \| 6 passed \(8\)/);
    expect(await calls(project.root)).toHaveLength(6);

    const [folder] = await runFolders(project.root);
    expect(folder).toMatch(/^echo-\d{8}-\d{6}$/);
    const record = await recordOf(project.root, folder!);
    expect(record.lines[0]).toMatchObject({ type: 'header', suite: 'echo', planned: 6 });
    expect(record.samples.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(record.samples.map((s) => s.pass)).toEqual([true, true, true, false, true, true]);
    expect(record.lines.at(-1)).toMatchObject({ type: 'summary', totals: { samples: 6, passed: 5 }, failingCells: ['v1 × claude-haiku-4-5'] });
    expect(record.meta).toMatchObject({ status: 'complete', provider: 'function' });
    const prompts = await readJsonl(join(project.root, 'reports', 'runs', folder!, 'prompts.jsonl'));
    expect(prompts).toHaveLength(6);
  });

  it('with -t runs and records only the selected samples', async () => {
    const project = await freshProject();
    try {
      const run = await runVitest(project.root, ['-t', 'w00[12]$']);
      expect(run.code).toBe(0);
      expect(await calls(project.root)).toEqual(['word1', 'word2']);
      const [folder] = await runFolders(project.root);
      const record = await recordOf(project.root, folder!);
      expect(record.samples.map((s) => s.caseId)).toEqual(['w001', 'w002']);
      expect(record.lines.some((l) => l.type === 'summary')).toBe(false);
      expect(record.meta).toMatchObject({ status: 'incomplete', reason: '2 of 6 planned samples ran' });
    } finally {
      await project.cleanup();
    }
  });

  it('with -t selecting some samples and the pass-rate test, does not judge the threshold over the subset', async () => {
    // w003 fails: over w000 and w001 alone the pass rate would be 100%, a green threshold test.
    const project = await freshProject();
    try {
      const run = await runVitest(project.root, ['-t', 'w00[01]$|pass rate']);
      expect(await calls(project.root)).toEqual(['word0', 'word1']);
      expect(run.output).toMatch(/↓ .*echo › pass rate ≥ 0\.9 .*\[not judged: only 2 of 6 samples ran \(-t\)/);
      expect(run.code).toBe(0);
    } finally {
      await project.cleanup();
    }
  });

  it('--shard splits the samples of one eval file across shards, and promptgold merge joins them into the complete run', async () => {
    const project = await freshProject();
    try {
      const first = await runVitest(project.root, ['--shard=1/2']);
      const afterFirst = await calls(project.root);
      const second = await runVitest(project.root, ['--shard=2/2']);
      expect(first.code).toBe(0);
      expect(second.code).toBe(1); // w003 (index 3) falls in shard 2 and fails
      expect(afterFirst).toHaveLength(3);
      expect(await calls(project.root)).toHaveLength(6);
      expect(second.output).toMatch(/echo › pass rate/);
      const folders = await runFolders(project.root);
      expect(folders).toHaveLength(2);
      expect(folders[0]).toMatch(/\.shard-1-of-2$/);
      expect(folders[1]).toMatch(/\.shard-2-of-2$/);
      const parts = await Promise.all(folders.map((f) => recordOf(project.root, f)));
      expect(parts[0]!.samples.map((s) => s.index)).toEqual([0, 2, 4]);
      expect(parts[1]!.samples.map((s) => s.index)).toEqual([1, 3, 5]);

      const merged = await runCli(['merge', ...folders.map((f) => join('reports', 'runs', f)), '--out', 'reports/merged'], project.root);
      expect(merged.stderr).toBe('');
      expect(merged.code).toBe(1); // 5/6 is below the 0.9 threshold
      expect(merged.stdout).toContain('merged 2 records, 6/6 samples');
      const lines = await readJsonl(join(project.root, 'reports', 'merged', 'run.jsonl'));
      expect(lines.filter((l) => l.type === 'sample').map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(lines.at(-1)).toMatchObject({ type: 'summary', totals: { samples: 6, passed: 5 } });

      // The passing shard alone is not the run: exit 3, and no summary line to read as a pass.
      const alone = await runCli(['merge', join('reports', 'runs', folders[0]!), '--out', 'reports/first-only'], project.root);
      expect(alone.code).toBe(3);
      expect(alone.stderr).toContain('FAILED (exit 3): the merged record is missing 3 of 6 planned samples');
      expect((await readJsonl(join(project.root, 'reports', 'first-only', 'run.jsonl'))).map((l) => l.type)).not.toContain('summary');

      // `report` on a shard, or on a merge that lacks one, says to merge the shards: --resume applies to neither.
      const shard = await runCli(['report', join('reports', 'runs', folders[0]!)], project.root);
      expect(shard.code).toBe(3);
      expect(shard.stdout).toMatch(/^verdict: INCOMPLETE \(exit 3\): the record is shard 1\/2 of a vitest run \(3 of 6 planned samples\), so its pass rates are over its share; join the 2 shards with `promptgold merge <their run folders> --out <folder>`$/m);
      const partial = await runCli(['report', join('reports', 'first-only')], project.root);
      expect(partial.code).toBe(3);
      expect(partial.stdout).toMatch(/^verdict: INCOMPLETE \(exit 3\): the merged record holds 3 of 6 planned samples \(merged from 1 part\): merge again with every shard's record \(a shard that did not run, or was not passed to merge\)$/m);
    } finally {
      await project.cleanup();
    }
  });

  it('--shard leaves the samples of a file not named *.eval.test.* whole: vitest runs that file on one shard only', async () => {
    // Split again, half its samples would have run on no shard at all, and every shard passed.
    const project = await evalProject({ 'prompts/echo.hbs': ECHO_TEMPLATE, 'data/words.jsonl': wordLines(6), 'echo.test.ts': EVAL_FILE });
    try {
      const runs = [await runVitest(project.root, ['--shard=1/2']), await runVitest(project.root, ['--shard=2/2'])];
      expect(await calls(project.root)).toHaveLength(6);
      expect(runs.map((run) => run.code).sort()).toEqual([0, 1]); // the shard with the file fails on w003; the other has no test file
      const folders = await runFolders(project.root);
      expect(folders).toHaveLength(1);
      expect(folders[0]).not.toMatch(/\.shard-/);
      expect((await recordOf(project.root, folders[0]!)).samples.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      await project.cleanup();
    }
  });

  it('refuses settings that plan no samples, instead of a green pass-rate test over none', async () => {
    // repeats: 0 or models: [] planned no sample: the only test, the pass rate, passed over 0/0 samples.
    const settingsFile = (settings: string) => `import { defineSuite, exact } from 'promptgold';
import { describeEval } from 'promptgold/vitest';
describeEval(defineSuite({ name: 'echo', prompt: 'prompts/echo.hbs', dataset: 'data/words.jsonl', models: ['claude-haiku-4-5'], scorers: [exact()], threshold: 0.9,
  provider: ({ word }) => String(word) }), ${settings});
`;
    const project = await evalProject({
      'prompts/echo.hbs': ECHO_TEMPLATE,
      'data/words.jsonl': wordLines(6),
      'repeats.eval.test.ts': settingsFile('{ repeats: 0 }'),
      'models.eval.test.ts': settingsFile('{ models: [] }'),
    });
    try {
      const run = await runVitest(project.root, []);
      expect(run.code).toBe(1);
      // Each error names the test file and the line of its describeEval call.
      expect(run.output).toMatch(/repeats\.eval\.test\.ts:3: describeEval setting repeats: .*>=1/);
      expect(run.output).toMatch(/models\.eval\.test\.ts:3: describeEval setting models: list at least one model/);
      expect(run.output).not.toMatch(/✓ .*pass rate/);
      expect(await calls(project.root)).toEqual([]);
    } finally {
      await project.cleanup();
    }
  });

  it('keeps each chaos sample on the shard of its golden source, which sameAsSource compares it with', async () => {
    // Shard by plan index alone, w001~zero-width (index 6) ran on shard 1 and its source w001
    // (index 1) on shard 2: sameAsSource had no answer to compare with, a scorer_error on a sample
    // that passes in an unsharded run.
    const file = `import { defineSuite, exact, sameAsSource } from 'promptgold';
import { describeEval } from 'promptgold/vitest';
describeEval(defineSuite({ name: 'echo', prompt: 'prompts/echo.hbs', dataset: 'data/words.jsonl', models: ['claude-haiku-4-5'], scorers: [exact()], threshold: 0.9,
  chaos: { operators: ['zero-width'], invariants: [sameAsSource()] },
  provider: ({ word }) => String(word).replace(/[^\\x20-\\x7e]/g, '') }), { chaos: true });
`;
    const project = await evalProject({ 'prompts/echo.hbs': ECHO_TEMPLATE, 'data/words.jsonl': wordLines(5), 'echo.eval.test.ts': file });
    try {
      const whole = await runVitest(project.root, []);
      expect(whole.code, whole.output).toBe(0);
      const shards = [await runVitest(project.root, [], { PROMPTGOLD_SHARD: '1/2' }), await runVitest(project.root, [], { PROMPTGOLD_SHARD: '2/2' })];
      for (const shard of shards) {
        expect(shard.output).not.toContain('has no result to compare with');
        expect(shard.code, shard.output).toBe(0);
      }
      const folders = (await runFolders(project.root)).filter((folder) => folder.includes('.shard-'));
      const parts = await Promise.all(folders.map((folder) => recordOf(project.root, folder)));
      const ids = parts.map((part) => part.samples.map((sample) => String(sample.caseId)));
      for (const shard of ids) for (const id of shard.filter((id) => id.includes('~'))) expect(shard).toContain(id.split('~')[0]);
      expect(ids.flat().sort()).toHaveLength(10);
    } finally {
      await project.cleanup();
    }
  });

  it('-t "pass rate" records the samples it judged, and says how many were not scored, and why', async () => {
    // With -t "pass rate" the sample tests are skipped, and only they handed samples to the
    // reporter: every sample ran (and was paid for) and the record had none ("0/6 samples",
    // incomplete). Within maxErrorRate the pass-rate test passes: the console is then the only
    // place an unscored sample shows.
    // word4's refusal is scored (a failure), so it is not among the unscored samples the line counts.
    const file = `import { defineSuite, exact, ProviderError } from 'promptgold';
import { describeEval } from 'promptgold/vitest';
describeEval(defineSuite({ name: 'echo', prompt: 'prompts/echo.hbs', dataset: 'data/words.jsonl', models: ['claude-haiku-4-5'], scorers: [exact()], threshold: 0.7, maxErrorRate: 0.5,
  provider: ({ word }) => {
    if (word === 'word3') throw new Error('upstream 503');
    if (word === 'word4') throw new ProviderError('refusal', 'the model declined');
    return String(word);
  } }));
`;
    const project = await evalProject({ 'prompts/echo.hbs': ECHO_TEMPLATE, 'data/words.jsonl': wordLines(6), 'echo.eval.test.ts': file });
    try {
      const run = await runVitest(project.root, ['-t', 'pass rate']);
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/promptgold: echo: 6\/6 samples, 1 not scored \(provider_error: 1\) → reports\/runs\//);
      // The samples the pass rate was judged over are the record's, though their tests were skipped.
      const [folder] = await runFolders(project.root);
      const record = await recordOf(project.root, folder!);
      expect(record.samples.map((s) => s.caseId)).toEqual(['w000', 'w001', 'w002', 'w003', 'w004', 'w005']);
      expect(record.samples[3]).toMatchObject({ pass: false, error: { kind: 'provider_error' } });
      expect(record.meta).toMatchObject({ status: 'complete' });
      expect(record.lines.at(-1)).toMatchObject({ type: 'summary', totals: { samples: 6, notScored: 1 } });
    } finally {
      await project.cleanup();
    }
  });

  it('fails a test whose toSatisfyRubric was not awaited and fails after the test body ended', async () => {
    // The judge answered after the test function returned: nothing awaited the assertion, and the
    // test passed with vitest exiting 0.
    const file = `import 'promptgold/vitest';
import { expect, test } from 'vitest';
const slow = (pass) => ({ name: 'slow', score: () => new Promise((resolve) => setTimeout(() => resolve({ score: pass ? 1 : 0, pass, reason: pass ? 'fine' : 'curt' }), 300)) });
test('forgotten await, failing rubric', () => {
  expect('No.').toSatisfyRubric(slow(false));
});
test('forgotten await, passing rubric', () => {
  expect('Thank you!').toSatisfyRubric(slow(true));
});
test('awaited failure, handled', async () => {
  await expect(expect('No.').toSatisfyRubric(slow(false))).rejects.toThrow(/curt/);
});
`;
    const project = await evalProject({ 'rubric.test.ts': file });
    try {
      const run = await runVitest(project.root, []);
      expect(run.output).toMatch(/× rubric\.test\.ts > forgotten await, failing rubric/);
      expect(run.output).toMatch(/expect\(…\)\.toSatisfyRubric\(…\) was not awaited, and it fails: expected "No\." to satisfy the rubric slow/);
      expect(run.output).toMatch(/✓ rubric\.test\.ts > forgotten await, passing rubric/);
      expect(run.output).toMatch(/✓ rubric\.test\.ts > awaited failure, handled/);
      expect(run.code).toBe(1);
    } finally {
      await project.cleanup();
    }
  });

  it('PROMPTGOLD_SHARD selects a share without vitest --shard', async () => {
    const project = await freshProject();
    try {
      const run = await runVitest(project.root, [], { PROMPTGOLD_SHARD: '2/3' });
      expect(run.code).toBe(0);
      expect(await calls(project.root)).toEqual(['word1', 'word4']);
      // A share is not the run: the pass-rate test says it did not judge, rather than passing green.
      expect(run.output).toMatch(/↓ .*echo › pass rate .*\[not judged on shard 2\/3: promptgold merge judges the pass rate of the whole run/);
      expect(run.output).not.toMatch(/✓ .*echo › pass rate/);
      const [folder] = await runFolders(project.root);
      expect(folder).toMatch(/\.shard-2-of-3$/);
    } finally {
      await project.cleanup();
    }
  });

  it('in watch mode re-runs the eval file when its dataset changes', { timeout: 60_000 }, async () => {
    const project = await freshProject();
    const watch = startVitest(project.root, ['--watch']);
    try {
      await waitFor(() => /promptgold: echo: 6\/6 samples/.test(watch.output()), 30_000);
      await appendFile(project.path('data', 'words.jsonl'), `${JSON.stringify({ id: 'w100', vars: { word: 'word100' }, expected: 'word100' })}\n`);
      await waitFor(() => /promptgold: echo: 7\/7 samples/.test(watch.output()), 30_000);
      expect(watch.output()).toMatch(/echo › v1 › claude-haiku-4-5 › w100/);
    } finally {
      watch.child.kill('SIGTERM');
      await watch.done;
      await project.cleanup();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the watcher');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the reporter, when a run record cannot be written', () => {
  it('says which suite and why, without a stack, and fails the exit code of a passing test run', async () => {
    // Before: vitest's "Error: ENOTDIR …" with the reporter's stack, and no word of the suite.
    const passing = (name: string) =>
      EVAL_FILE.replace("name: 'echo'", `name: '${name}'`).replace("word === 'word3' ? 'wrong' : String(word)", 'String(word)');
    const blocked = await evalProject({ 'prompts/echo.hbs': ECHO_TEMPLATE, 'data/words.jsonl': wordLines(3), 'echo.eval.test.ts': passing('echo') });
    try {
      await appendFile(blocked.path('reports'), 'a file where the run folders would go\n');
      const run = await runVitest(blocked.root, []);
      expect(run.output).toContain('promptgold: echo: the run record was not written: ');
      expect(run.output).toContain('Its 3 samples were not saved: mend the cause and run the tests again.');
      expect(run.output).not.toMatch(/\n\s+at /);
      expect(run.code).toBe(3);
    } finally {
      await blocked.cleanup();
    }
  });
});
