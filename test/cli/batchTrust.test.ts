/** Batch mode's trust rules through the built CLI: an interrupted batch, and what a batch spends. */
import { spawn } from 'node:child_process';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/records/reader.js';
import { readMeta } from '../../src/records/runDir.js';
import { fakeModelsFromTable, startFakeAnthropic, type FakeAnthropic, type FakeModel } from '../../src/testing/index.js';
import { CLI, linkPromptgold, runCli, SAMPLES_SKIPPED, waitFor, type CliResult } from '../helpers/cli.js';
import { ECHO_PROMPT, LIVE_SUITE, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

const KEY = ['sk', 'ant', 'test-batch-trust-0b1c2d3e'].join('-');

let project: TempProject;
let fake: FakeAnthropic;
afterEach(async () => {
  await fake?.close();
  await project?.cleanup();
});

async function liveProject(cases: number, options: Parameters<typeof startFakeAnthropic>[0] = {}, config: Record<string, unknown> = {}, data = wordCases(cases)) {
  fake = await startFakeAnthropic({ respond: () => ({ text: 'word' }), ...options });
  project = await tempProject({
    'suites/live.eval.ts': LIVE_SUITE,
    'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
    'suites/data.jsonl': data,
    'promptgold.config.json': JSON.stringify({ anthropic: { batchPollMs: 100, ...config } }),
  });
  await linkPromptgold(project.root);
}

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, project.root, { env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url } });
}

async function onlyRunDir(): Promise<string> {
  const [name] = await readdir(project.path('reports/runs'));
  return project.path('reports/runs', name!);
}

describe('--batch, trusted', () => {
  it('Ctrl-C while the batch processes: exit 130, the run marked interrupted, no internal error; --resume collects it', async () => {
    // The batch processes until the test ends it (an hour otherwise): the Ctrl-C always finds it processing.
    await liveProject(3, { batchProcessingMs: 3_600_000 });
    const child = spawn(process.execPath, [CLI, 'run', '--provider', 'anthropic', '--batch'], {
      cwd: project.root,
      env: { ...process.env, CI: 'true', ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(async () => {
      const runs = await readdir(project.path('reports/runs')).catch(() => [] as string[]);
      return runs.length > 0 && Boolean((await readMeta(project.path('reports/runs', runs[0]!)))?.batches?.length);
    }, 'the batch id in meta.json');
    child.kill('SIGINT');
    const code = await closed;
    expect(stderr).not.toMatch(/internal error/);
    expect(code).toBe(130);
    const dir = await onlyRunDir();
    expect((await readMeta(dir))?.status).toBe('interrupted');
    expect(`${stdout}${stderr}`).toMatch(/--resume/);

    // The batch ends at the API while no one waits for it; --resume collects it.
    fake.endBatches();
    const resumed = await cli(['run', '--resume', dir]);
    expect(resumed.code).toBe(0);
    expect(fake.log.filter((e) => e.method === 'POST' && e.path === '/v1/messages/batches')).toHaveLength(1);
    expect((await readRecord(`${dir}/run.jsonl`)).samples).toHaveLength(6);
  });
});

describe('--batch under --max-cost', () => {
  it('--yes over budget submits only the requests the budget covers at their worst case; the rest are budget skips (exit 3) and --resume sends them', async () => {
    await liveProject(10);
    // Haiku 4.5 at batch prices: the echo prompt (~15 input tokens, max_tokens 100) costs at most ≈ $0.00026 a request.
    const partial = await cli(['run', '--provider', 'anthropic', '--batch', '--no-cache', '--max-cost', '0.002', '--yes']);
    expect(partial.stderr).not.toMatch(/internal error/);
    const posts = () => fake.log.filter((e) => e.method === 'POST' && e.path === '/v1/messages/batches');
    const sent = (posts()[0]?.body as { requests: unknown[] } | undefined)?.requests.length ?? 0;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(20);
    expect(partial.stdout).toMatch(new RegExp(`incomplete: ${SAMPLES_SKIPPED}`));
    expect(partial.code).toBe(3);
    const dir = await onlyRunDir();
    const record = await readRecord(`${dir}/run.jsonl`);
    expect(record.samples.filter((s) => s.error?.kind === 'budget')).toHaveLength(20 - sent);
    // What was spent is what the answers cost, at most the budget.
    expect(record.samples.reduce((sum, s) => sum + s.costUsd, 0)).toBeLessThanOrEqual(0.002);

    const resumed = await cli(['run', '--resume', dir, '--max-cost', '10']);
    expect(resumed.code).toBe(0);
    expect(posts().map((e) => (e.body as { requests: unknown[] }).requests.length)).toEqual([sent, 20 - sent]);
    expect((await readRecord(`${dir}/run.jsonl`)).samples.filter((s) => s.error)).toEqual([]);
  });
});

describe('--batch guards', () => {
  it('maxInputTokensPerRequest holds in batch mode: a request over it is refused before the batch is sent, named, and counted', async () => {
    // Case w001 is ~250 tokens (≈4 chars a token); the others ~15. Its samples are 2 and 3 (2 repeats).
    await liveProject(3, {}, { maxInputTokensPerRequest: 100 }, wordCases(3, (i) => (i === 1 ? { vars: { word: 'long '.repeat(200) } } : {})));
    const result = await cli(['run', '--provider', 'anthropic', '--batch']);
    expect(result.stderr).not.toMatch(/internal error/);
    const posts = fake.log.filter((e) => e.method === 'POST' && e.path === '/v1/messages/batches');
    expect(posts.map((e) => (e.body as { requests: { custom_id: string }[] }).requests.map((r) => r.custom_id))).toEqual([['s0', 's1', 's4', 's5']]);
    const record = await readRecord(`${await onlyRunDir()}/run.jsonl`);
    for (const index of [2, 3]) {
      const sample = record.samples.find((s) => s.index === index)!;
      expect(sample.caseId).toBe('w001');
      expect(sample.error).toMatchObject({ kind: 'bad_request' });
      expect(sample.error!.message).toMatch(/request not sent: \d+ input tokens exceeds the per-request ceiling of 100 \(maxInputTokensPerRequest\)/);
    }
    // As live: a request over the ceiling is the prompt's own doing, a failed sample (README, error kinds).
    expect(record.samples.filter((s) => !s.pass).map((s) => s.index)).toEqual([2, 3]);
    expect(result.stdout).toMatch(/bad_request/);
  });
});

describe('--batch applies the live model guards', () => {
  const haiku = (change: Partial<FakeModel>) => ({ models: { ...fakeModelsFromTable(), 'claude-haiku-4-5': { ...fakeModelsFromTable()['claude-haiku-4-5']!, ...change } } });
  const batchPosts = () => fake.log.filter((e) => e.method === 'POST' && e.path === '/v1/messages/batches');

  it('a retired model stops the batch run before anything is sent, with live\'s message and exit code', async () => {
    await liveProject(3, haiku({ lifecycle: 'retired' }));
    const live = await cli(['run', '--provider', 'anthropic', '--no-cache']);
    expect(live.code).toBe(3);
    expect(live.stderr).toMatch(/model "claude-haiku-4-5" is retired \(models.retrieve\); choose a current model/);

    const batch = await cli(['run', '--provider', 'anthropic', '--batch', '--no-cache']);
    expect(batch.stderr).not.toMatch(/internal error/);
    expect(batch.code).toBe(live.code);
    expect(batch.stderr).toMatch(/the batch phase stopped: model "claude-haiku-4-5" is retired \(models.retrieve\); choose a current model/);
    // Not the hint for a batch the API lost: the model is the cause, and nothing was sent.
    expect(batch.stderr).not.toMatch(/start a new run/);
    expect(batchPosts()).toHaveLength(0);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(0);
    // The run is marked as live marks it: aborted, with the reason.
    const metas = await Promise.all((await readdir(project.path('reports/runs'))).map((name) => readMeta(project.path('reports/runs', name))));
    const batchMeta = metas.find((meta) => (meta?.overrides as { batch?: boolean } | undefined)?.batch === true);
    expect(metas.map((meta) => meta?.status)).toEqual(['aborted', 'aborted']);
    expect(batchMeta?.reason).toMatch(/model "claude-haiku-4-5" is retired/);
  });

  it('an output schema the SDK helper rejects stops the batch run before anything is sent, with live\'s message and exit code', async () => {
    await liveProject(2);
    // A JSON Schema the prompt may declare, but the SDK's structured-output helper takes objects only.
    await writeFile(project.path('suites/prompts/echo.v1.hbs'), ECHO_PROMPT.replace('max_tokens: 100\n', 'max_tokens: 100\noutput:\n  type: array\n  items:\n    type: string\n'));
    const live = await cli(['run', '--provider', 'anthropic', '--no-cache']);
    expect(live.stderr).toMatch(/the output schema cannot be sent as structured output: JSON schema must be an object/);
    expect(live.code).toBe(3);

    const batch = await cli(['run', '--provider', 'anthropic', '--batch', '--no-cache']);
    expect(batch.stderr).not.toMatch(/internal error| {4}at /);
    expect(batch.code).toBe(live.code);
    expect(batch.stderr).toMatch(/the batch phase stopped: the output schema cannot be sent as structured output: JSON schema must be an object/);
    expect(batchPosts()).toHaveLength(0);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(0);
    const metas = await Promise.all((await readdir(project.path('reports/runs'))).map((name) => readMeta(project.path('reports/runs', name))));
    expect(metas.map((meta) => meta?.status)).toEqual(['aborted', 'aborted']);
  });

  it('a max_tokens above the model\'s is refused unsent, as live: each sample records it, and for every case in a row it stops the run', async () => {
    // The echo template asks max_tokens 100.
    await liveProject(2, haiku({ maxTokens: 50 }), { stopAfterIdenticalBadRequests: 3 });
    const live = await cli(['run', '--provider', 'anthropic', '--no-cache']);
    await rm(project.path('reports'), { recursive: true });
    const batch = await cli(['run', '--provider', 'anthropic', '--batch', '--no-cache']);
    expect(batch.stderr).not.toMatch(/internal error/);
    expect(batchPosts()).toHaveLength(0);
    const record = await readRecord(`${await onlyRunDir()}/run.jsonl`);
    expect(record.samples).toHaveLength(4);
    for (const sample of record.samples) {
      expect(sample.error).toMatchObject({ kind: 'bad_request', message: 'request not sent: max_tokens 100 is more than claude-haiku-4-5 allows (50); lower max_tokens in the template\'s front matter' });
    }
    expect(batch.code).toBe(live.code);

    await project.cleanup();
    await fake.close();
    await liveProject(3, haiku({ maxTokens: 50 }), { stopAfterIdenticalBadRequests: 3 });
    const stopped = await cli(['run', '--provider', 'anthropic', '--batch', '--no-cache']);
    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toMatch(/the batch phase stopped: request not sent: max_tokens 100 is more than claude-haiku-4-5 allows \(50\); lower max_tokens in the template's front matter — the same answer to 3 different requests in a row; stopping the run/);
    expect(batchPosts()).toHaveLength(0);
  });
});

describe('--batch, a count_tokens failure in the guard', () => {
  it('is that sample\'s error, as live, and loses nothing an earlier batch answered; a rejected key stops the phase before sending anything', async () => {
    // The first batch leaves sample s2 unrun (expired); every prompt is counted before it is sent.
    let expired = false;
    const batchOutcome = (customId: string) => (customId === 's2' && !expired ? ((expired = true), 'expired' as const) : 'succeeded' as const);
    await liveProject(3, { batchOutcome }, { countTokens: true, maxRetries: 0 });
    const first = await cli(['run', '--provider', 'anthropic', '--batch', '--no-cache']);
    expect(first.code).toBe(3);
    const dir = await onlyRunDir();
    const posts = () => fake.log.filter((e) => e.method === 'POST' && e.path === '/v1/messages/batches');
    expect(posts()).toHaveLength(1);
    const batches = (await readMeta(dir))?.batches;
    expect(batches).toHaveLength(1);

    // A fatal answer to the count: the phase stops, nothing is sent, the earlier batch stays for --resume.
    fake.script('/v1/messages/count_tokens', [{ status: 401 }]);
    const stopped = await cli(['run', '--resume', dir]);
    expect(stopped.stderr).not.toMatch(/internal error/);
    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toMatch(/the batch phase stopped: the Anthropic API rejected the credentials/);
    expect(posts()).toHaveLength(1);
    expect(await readMeta(dir)).toMatchObject({ batches, status: 'aborted', reason: expect.stringMatching(/rejected the credentials/) });

    // Any other failure is the one sample's error; the earlier batch's answers are all recorded.
    fake.script('/v1/messages/count_tokens', [{ status: 529 }]);
    const resumed = await cli(['run', '--resume', dir]);
    expect(resumed.stderr).not.toMatch(/internal error|batch phase stopped/);
    expect(posts()).toHaveLength(1);
    const record = await readRecord(`${dir}/run.jsonl`);
    expect(record.samples).toHaveLength(6);
    expect(record.samples.filter((s) => s.error).map((s) => [s.index, s.error!.kind])).toEqual([[2, 'overloaded']]);
    expect(record.samples.find((s) => s.index === 2)!.error!.message).toMatch(/Anthropic API overloaded: HTTP 529/);
    expect(resumed.code).toBe(3);
  });
});

describe('run --json', () => {
  it('says why a run is incomplete, as the console does', async () => {
    await liveProject(4);
    const result = await cli(['run', '--provider', 'anthropic', '--no-cache', '--max-cost', '0.0006', '--yes', '--concurrency', '1', '--json', '--no-progress']);
    expect(result.code).toBe(3);
    const [entry] = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(entry).toMatchObject({ suite: 'live', status: 'incomplete', notRun: expect.stringMatching(new RegExp(`^${SAMPLES_SKIPPED}$`)) });
  });
});
