import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/records/reader.js';
import { readMeta } from '../../src/records/runDir.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { spawn } from 'node:child_process';
import { CLI, linkPromptgold, runCli, SAMPLES_SKIPPED, waitFor, type CliResult } from '../helpers/cli.js';
import { ECHO_PROMPT, LIVE_SUITE, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

// A recognizable key, assembled at run time so no key-shaped string is committed.
const KEY = ['sk', 'ant', 'test-RECOGNIZABLE-7f3a9c2e1b-promptgold-secret'].join('-');

let project: TempProject;
let fake: FakeAnthropic;
afterEach(async () => {
  await fake?.close();
  await project?.cleanup();
});

async function liveProject(cases = 6, options: Parameters<typeof startFakeAnthropic>[0] = {}, anthropicConfig: Record<string, unknown> = {}) {
  fake = await startFakeAnthropic({ respond: (body) => ({ text: `you said ${JSON.stringify(body.messages).slice(0, 40)} word` }), ...options });
  project = await tempProject({
    'suites/live.eval.ts': LIVE_SUITE,
    'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
    'suites/data.jsonl': wordCases(cases),
    'promptgold.config.json': JSON.stringify({ anthropic: { batchPollMs: 200, ...anthropicConfig } }),
  });
  await linkPromptgold(project.root);
  return project;
}

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, project.root, { env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url } });
}

async function runDirs(): Promise<string[]> {
  return (await readdir(project.path('reports/runs'))).map((name) => project.path('reports/runs', name));
}

async function filesUnder(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.name === 'node_modules') continue;
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else found.push(path);
  }
  return found;
}

describe('promptgold run --provider anthropic (real SDK against the fake Messages API)', () => {
  it('records a live run that replays offline, and the key appears in no file and no output', async () => {
    await liveProject();
    const live = await cli(['run', '--provider', 'anthropic', '--record']);
    expect(live.stderr).not.toMatch(/internal error/);
    expect(live.code).toBe(0);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(12);

    const [liveDir] = await runDirs();
    const liveRecord = await readRecord(`${liveDir}/run.jsonl`);
    expect(liveRecord.samples.every((s) => s.usage && s.usage.inputTokens > 0 && s.costUsd > 0 && s.attempts === 1)).toBe(true);
    // What the record keeps of a live answer: the thinking apart from the output, its tokens, the
    // request id and the date of the prices the cost came from; every line fits the published schema.
    const requestIds = new Set(fake.log.filter((e) => e.path === '/v1/messages').map((e) => e.requestId));
    for (const sample of liveRecord.samples) {
      expect(requestIds.has(sample.requestId)).toBe(true);
      expect(sample.pricesAsOf).toBe('2026-11-01');
      // claude-haiku-4-5 does not think unless asked: no thinking fields at all.
      expect(sample).not.toHaveProperty('thinking');
      expect(sample.usage).not.toHaveProperty('thinkingTokens');
    }
    const { Ajv } = await import('ajv');
    const validate = new Ajv({ strict: false }).compile(JSON.parse(await readFile(new URL('../../schemas/run-record.schema.json', import.meta.url), 'utf8')));
    for (const line of (await readFile(`${liveDir}/run.jsonl`, 'utf8')).trim().split('\n')) {
      expect(validate(JSON.parse(line)), JSON.stringify(validate.errors)).toBe(true);
    }

    await new Promise((r) => setTimeout(r, 1100));
    const replay = await runCli(['run', '--provider', 'replay'], project.root);
    expect(replay.code).toBe(0);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(12); // nothing new was sent
    const replayDir = (await runDirs()).find((d) => d !== liveDir)!;
    const replayRecord = await readRecord(`${replayDir}/run.jsonl`);
    expect(replayRecord.samples.map((s) => s.output)).toEqual(liveRecord.samples.map((s) => s.output));

    const cached = await cli(['run', '--provider', 'anthropic']);
    expect(cached.code).toBe(0);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(12); // served from .promptgold/cache
    const noCache = await cli(['run', '--provider', 'anthropic', '--no-cache']);
    expect(noCache.code).toBe(0);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(24);

    const files = await filesUnder(project.root);
    expect(files.some((f) => f.includes('.promptgold/cache'))).toBe(true);
    expect(files.some((f) => f.endsWith('recordings/live.jsonl'))).toBe(true);
    for (const file of files) {
      expect(await readFile(file, 'utf8'), file).not.toContain(KEY);
    }
    for (const output of [live, replay, cached, noCache]) expect(output.stdout + output.stderr).not.toContain(KEY);
    expect(fake.log[0]!.headers.authorization ?? fake.log[0]!.headers['x-api-key']).toContain(KEY);
  });

  it('a response cache that cannot be written is said once, and the run goes on whole (exit 0)', async () => {
    await liveProject();
    // The cache folder's parent is a file: no entry can be written.
    await project.write('blocked', 'a file where the cache folder goes\n');
    // An absolute cacheDir is taken as it is (it was once joined under the project root).
    await project.write('promptgold.config.json', JSON.stringify({ cacheDir: project.path('blocked/cache'), anthropic: { batchPollMs: 200 } }));
    const first = await cli(['run', '--provider', 'anthropic', '--no-html']);
    expect(first.stderr).not.toMatch(/internal error/);
    expect(first.code).toBe(0);
    const warnings = first.stderr.split('\n').filter((line) => line.includes('response cache'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^WARNING: the response cache blocked\/cache could not be written: .*\((ENOTDIR|EEXIST) on mkdir\)\. The run goes on.*To cache them: the path does not fit what is on disk.*--no-cache runs without it\)$/);
    const [dir] = await runDirs();
    expect((await readRecord(`${dir}/run.jsonl`)).samples.filter((s) => !s.error)).toHaveLength(12);

    // Nothing was cached: a second run asks for every answer again.
    await new Promise((r) => setTimeout(r, 1100));
    const asked = fake.log.filter((e) => e.path === '/v1/messages').length;
    expect((await cli(['run', '--provider', 'anthropic', '--no-html'])).code).toBe(0);
    expect(fake.log.filter((e) => e.path === '/v1/messages').length - asked).toBe(12);
  });

  it('damaged response cache entries are counted and said with the first one named, asked again and replaced', async () => {
    await liveProject();
    expect((await cli(['run', '--provider', 'anthropic', '--no-html'])).code).toBe(0);
    const entries = (await filesUnder(project.path('.promptgold/cache'))).sort();
    expect(entries).toHaveLength(12);
    // One cut short (a kill mid-copy), one emptied, one that is not an answer.
    await writeFile(entries[0]!, (await readFile(entries[0]!, 'utf8')).slice(0, 20));
    await writeFile(entries[1]!, '');
    await writeFile(entries[2]!, '{"note": "not an answer"}');
    await new Promise((r) => setTimeout(r, 1100));
    const asked = fake.log.filter((e) => e.path === '/v1/messages').length;
    const second = await cli(['run', '--provider', 'anthropic', '--no-html']);
    expect(second.code).toBe(0);
    expect(fake.log.filter((e) => e.path === '/v1/messages').length - asked).toBe(3);
    const warnings = second.stderr.split('\n').filter((line) => line.includes('response cache'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^WARNING: 3 response cache entries were damaged and not used: \.promptgold\/cache\/[0-9a-f]{2}\/[0-9a-f]{64}\.json \(and 2 more\): .*Their requests were sent again \(and paid for\), and an answer that came back replaced its entry\./);
    // Replaced: a third run is served whole from the cache, without a word.
    const third = await cli(['run', '--provider', 'anthropic', '--no-html']);
    expect(third.code).toBe(0);
    expect(third.stderr).not.toMatch(/response cache/);
    expect(fake.log.filter((e) => e.path === '/v1/messages').length - asked).toBe(3);
  });

  it('an invalid key stops the run at once with exit 3 and a message without the key', async () => {
    await liveProject(20, { validKeys: ['sk-ant-test-other'] });
    const result = await cli(['run', '--provider', 'anthropic', '--no-cache']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/run stopped: .*auth/i);
    expect(result.stderr).not.toContain(KEY);
    expect(fake.log.filter((e) => e.path === '/v1/messages').length).toBeLessThan(10);
    const [dir] = await runDirs();
    expect((await readMeta(dir!))?.status).toBe('aborted');
  });

  it('a spend limit stops the run at once with exit 3, the error code recorded, and no retries', async () => {
    await liveProject(20);
    fake.faultsAtRandom(1, { spend_limit: 1 });
    const result = await cli(['run', '--provider', 'anthropic', '--no-cache']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/run stopped: the Anthropic account cannot be billed .*enforced_spend_limit_reached/);
    const sent = fake.log.filter((e) => e.path === '/v1/messages');
    // Only what was already in flight when the first answer came back (suite concurrency 4), each sent once.
    expect(sent.length).toBeLessThanOrEqual(4);
    const [dir] = await runDirs();
    expect((await readMeta(dir!))?.status).toBe('aborted');
    const record = await readRecord(`${dir}/run.jsonl`);
    expect(record.samples[0]!.error).toMatchObject({ kind: 'account', code: 'enforced_spend_limit_reached' });
    expect(record.samples[0]!.attempts).toBe(1);
  });

  it('the sample deadline waits neither for the limiter queue nor cuts the SDK retries (issue 14.4, defect 1)', async () => {
    // One request at a time (the limiter), four samples started at once (the suite), 400 ms each:
    // the last waits ~2 s in the queue, twice the 1 s per-sample timeout.
    await liveProject(3, { latencyMs: 400 }, { maxConcurrency: 1, timeoutMs: 300 });
    // The first attempt hangs: it times out by the per-attempt timeout (the SDK's estimate for
    // max_tokens 100, ~2.8 s, longer than the sample timeout) and is retried.
    fake.script('/v1/messages', ['hang']);
    const result = await cli(['run', '--provider', 'anthropic', '--no-cache', '--timeout', '1000']);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    const [dir] = await runDirs();
    const record = await readRecord(`${dir}/run.jsonl`);
    expect(record.samples.filter((s) => s.error)).toEqual([]);
    expect(record.samples.map((s) => s.attempts).sort()).toEqual([1, 1, 1, 1, 1, 2]);
  });

  it('retries a connection cut mid-body, and ends a retry-after of a day at once as rate_limit (issue 14.4)', async () => {
    await liveProject(3);
    fake.script('/v1/messages', ['drop-mid-body', { status: 429, retryAfterSeconds: 86_400 }]);
    // A model that thinks by default: the record keeps its thinking apart from the output.
    const result = await cli(['run', '--provider', 'anthropic', '--no-cache', '--model', 'claude-haiku-5-5']);
    expect(result.code).toBe(3);
    const [dir] = await runDirs();
    const record = await readRecord(`${dir}/run.jsonl`);
    const limited = record.samples.filter((s) => s.error);
    expect(limited).toHaveLength(1);
    expect(limited[0]!.error).toMatchObject({ kind: 'rate_limit', retryAfterMs: 86_400_000 });
    expect(limited[0]!.error!.message).toMatch(/asked to wait 86400 s/);
    expect(limited[0]!.attempts).toBe(1);
    const answered = record.samples.filter((s) => !s.error);
    expect(answered).toHaveLength(5);
    expect(answered.map((s) => s.attempts).sort()).toEqual([1, 1, 1, 1, 2]);
    expect(result.stdout + result.stderr).not.toMatch(/terminated/);
    for (const sample of answered) {
      expect(sample.thinking).toMatch(/^The user wrote \d+ characters\.$/);
      expect(sample.output).not.toContain('The user wrote');
      expect(sample.usage?.thinkingTokens).toBeGreaterThan(0);
    }
  });

  it('--batch: a request the batch never ran (expired) leaves the run incomplete, and --resume sends only it again', async () => {
    const seen = new Set<string>();
    await liveProject(3, {
      batchProcessingMs: 200,
      batchOutcome: (customId) => {
        const first = !seen.has(customId);
        seen.add(customId);
        return customId === 's2' && first ? 'expired' : 'succeeded';
      },
    });
    const first = await cli(['run', '--provider', 'anthropic', '--batch']);
    expect(first.code).toBe(3);
    const [dir] = await runDirs();
    expect((await readMeta(dir!))?.status).toBe('incomplete');
    const partial = await readRecord(`${dir}/run.jsonl`);
    expect(partial.samples.find((s) => s.index === 2)!.error).toMatchObject({ kind: 'timeout', code: 'batch_expired' });
    // Batch answers carry the batch's real turnaround, not 0.
    expect(partial.samples.filter((s) => !s.error).every((s) => (s.latencyMs ?? 0) >= 200)).toBe(true);

    const resumed = await cli(['run', '--resume', dir!]);
    expect(resumed.code).toBe(0);
    const posts = fake.log.filter((e) => e.method === 'POST' && e.path === '/v1/messages/batches');
    expect(posts.map((e) => (e.body as { requests: { custom_id: string }[] }).requests.map((r) => r.custom_id))).toEqual([
      ['s0', 's1', 's2', 's3', 's4', 's5'],
      ['s2'],
    ]);
    const full = await readRecord(`${dir}/run.jsonl`);
    expect(full.samples.filter((s) => s.error)).toEqual([]);
    expect((await readMeta(dir!))?.batches).toHaveLength(2);
  });

  it('--max-cost: refuses an over-budget forecast (exit 2), stops at the budget with --yes, and --resume finishes', async () => {
    await liveProject(10);
    const refused = await cli(['run', '--provider', 'anthropic', '--no-cache', '--max-cost', '0.00001']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cost forecast for live: up to \$[\d.]+ .* over budget/);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(0);

    const partial = await cli(['run', '--provider', 'anthropic', '--no-cache', '--max-cost', '0.00001', '--yes', '--concurrency', '1']);
    expect(partial.stdout).toMatch(new RegExp(`incomplete: ${SAMPLES_SKIPPED}; finish with \`promptgold run --resume reports/runs/live-`));
    // Part of the plan never ran: not a pass, whatever the samples that ran say.
    expect(partial.stdout).toMatch(new RegExp(String.raw`FAILED \(exit 3\): the run did not complete \(${SAMPLES_SKIPPED}\)`));
    expect(partial.code).toBe(3);
    const [dir] = await runDirs();
    const record = await readRecord(`${dir}/run.jsonl`);
    const skipped = record.samples.filter((s) => s.error?.kind === 'budget').length;
    expect(skipped).toBeGreaterThan(0);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(20 - skipped);

    const resumed = await cli(['run', '--resume', dir!, '--max-cost', '10']);
    expect(resumed.code).toBe(0);
    const full = await readRecord(`${dir}/run.jsonl`);
    expect(full.samples.filter((s) => s.error)).toHaveLength(0);
    expect(full.samples.map((s) => s.index)).toEqual([...Array(20).keys()]);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(20);
  });

  it('--batch submits once, survives a kill while processing, and --resume collects without re-submitting', async () => {
    await liveProject(5, { batchProcessingMs: 3000 });
    // Kill the process once the batch is submitted and its id saved, while the batch still processes.
    const child = spawn(process.execPath, [CLI, 'run', '--provider', 'anthropic', '--batch'], {
      cwd: project.root,
      env: { ...process.env, CI: 'true', ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url },
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(async () => {
      const runs = await readdir(project.path('reports/runs')).catch(() => [] as string[]);
      return runs.length > 0 && Boolean((await readMeta(project.path('reports/runs', runs[0]!)))?.batches?.length);
    }, 'the batch id in meta.json');
    child.kill('SIGKILL');
    expect(await closed).not.toBe(0);
    const [dir] = await runDirs();
    const meta = await readMeta(dir!);
    expect(meta?.batches?.length).toBe(1);
    expect(fake.log.filter((e) => e.method === 'POST' && e.path === '/v1/messages/batches')).toHaveLength(1);

    // Against an API that does not know the batch (another fake), the resume stops with a
    // classified message (exit 3), not an internal error with a stack; the batch stays resumable.
    const other = await startFakeAnthropic();
    try {
      const lost = await runCli(['run', '--resume', dir!], project.root, { env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: other.url } });
      expect(lost.stderr).not.toMatch(/internal error/);
      expect(lost.stderr).toMatch(/the batch phase stopped: .*\n {2}hint: the API no longer knows this run's batch/);
      expect(lost.code).toBe(3);
    } finally {
      await other.close();
    }

    const resumed = await cli(['run', '--resume', dir!]);
    expect(resumed.stderr).toMatch(/collecting batch\(es\) submitted earlier/);
    expect(resumed.code).toBe(0);
    expect(fake.log.filter((e) => e.method === 'POST' && e.path === '/v1/messages/batches')).toHaveLength(1);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(0);
    const record = await readRecord(`${dir}/run.jsonl`);
    expect(record.samples).toHaveLength(10);
    expect(record.samples.every((s) => s.output?.includes('word') && s.usage?.serviceTier !== 'priority')).toBe(true);
    expect((await stat(`${dir}/run.jsonl`)).size).toBeGreaterThan(0);

  });
});
