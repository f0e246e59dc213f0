/**
 * `promptgold run --retry-errors <run>`: only the samples that ended in an error run again, into the
 * same record; every other sample line stays byte for byte, and a redone sample keeps its earlier
 * errors in `history`. Live (after a --resume), batch and replay runs, through the built CLI.
 */
import { readFile, readdir, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/records/reader.js';
import type { SampleRecord } from '../../src/records/types.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { linkPromptgold, runCli, SAMPLES_SKIPPED, type CliResult } from '../helpers/cli.js';
import { ECHO_PROMPT, LIVE_SUITE, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

const KEY = ['sk', 'ant', 'test-retry-0123456789abcdef'].join('-');
const JUDGED = "rubric({ judge: 'claude-haiku-4-5', criteria: [{ id: 'c1', description: 'Repeats the word.', pass: 'it does', fail: 'it does not' }] })";

let project: TempProject;
let fake: FakeAnthropic;
afterEach(async () => {
  await fake?.close();
  await project?.cleanup();
});

async function liveProject(cases: number, options: Parameters<typeof startFakeAnthropic>[0] = {}) {
  fake = await startFakeAnthropic({ respond: (body) => ({ text: `you said ${JSON.stringify(body.messages).slice(0, 40)} word` }), ...options });
  project = await tempProject({
    'suites/live.eval.ts': LIVE_SUITE,
    'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
    'suites/data.jsonl': wordCases(cases),
    'promptgold.config.json': JSON.stringify({ anthropic: { batchPollMs: 100, maxRetries: 0 } }),
  });
  await linkPromptgold(project.root);
}

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, project.root, { env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url } });
}

async function onlyRunDir(): Promise<string> {
  const runs = await readdir(project.path('reports/runs'));
  expect(runs).toHaveLength(1);
  return project.path('reports/runs', runs[0]!);
}

async function sampleLines(dir: string): Promise<Map<number, string>> {
  const lines = (await readFile(`${dir}/run.jsonl`, 'utf8')).trim().split('\n');
  const samples = new Map<number, string>();
  for (const line of lines) {
    const value = JSON.parse(line) as SampleRecord;
    if (value.type === 'sample') samples.set(value.index, line);
  }
  return samples;
}

/** Every sample once, in plan order; lines of samples that had no error are unchanged. */
async function expectRetried(dir: string, before: Map<number, string>, planned: number): Promise<SampleRecord[]> {
  const record = await readRecord(`${dir}/run.jsonl`);
  expect(record.samples.map((s) => s.index)).toEqual([...Array(planned).keys()]);
  expect(record.samples.filter((s) => s.error)).toHaveLength(0);
  expect(record.summary?.totals.errors).toBe(0);
  const after = await sampleLines(dir);
  const redone: SampleRecord[] = [];
  for (const [index, line] of before) {
    const earlier = JSON.parse(line) as SampleRecord;
    if (earlier.error) redone.push(JSON.parse(after.get(index)!) as SampleRecord);
    else expect(after.get(index)).toBe(line);
  }
  return redone;
}

describe('promptgold run --retry-errors', () => {
  it('after faults and a --resume, re-runs only the errored samples and keeps their earlier errors', async () => {
    await liveProject(10);
    fake.faultsAtRandom(7, { server_error: 0.3 });
    const partial = await cli(['run', '--provider', 'anthropic', '--no-cache', '--max-cost', '0.0001', '--yes', '--concurrency', '1']);
    expect(partial.stdout).toMatch(new RegExp(`incomplete: ${SAMPLES_SKIPPED}`));
    const dir = await onlyRunDir();
    const resumed = await cli(['run', '--resume', dir, '--max-cost', '10']);
    expect(resumed.code).toBe(3);
    expect(resumed.stdout).toMatch(/(\d+) samples? ended in an error; run only (those|it) again with `promptgold run --retry-errors reports\/runs\/live-/);
    const before = await sampleLines(dir);
    const errored = [...before.values()].filter((line) => (JSON.parse(line) as SampleRecord).error).length;
    expect(errored).toBeGreaterThan(0);

    fake.faultsAtRandom(7, {});
    const sentBefore = fake.log.filter((e) => e.path === '/v1/messages').length;
    const retried = await cli(['run', '--retry-errors', dir]);
    expect(retried.stderr).not.toMatch(/internal error/);
    expect(retried.code).toBe(0);
    expect(fake.log.filter((e) => e.path === '/v1/messages').length - sentBefore).toBe(errored);
    const redone = await expectRetried(dir, before, 20);
    expect(redone).toHaveLength(errored);
    for (const sample of redone) expect(sample.history).toEqual([{ error: { kind: 'provider_error', message: expect.any(String) }, attempts: 1 }]);

    const again = await cli(['run', '--retry-errors', dir]);
    expect(again.stdout).toMatch(/no sample ended in an error/);
    expect(again.code).toBe(0);
  });

  it('a batch run sends only the errored samples in a new batch', async () => {
    let firstPass = true;
    await liveProject(4, { batchOutcome: (customId) => (firstPass && (customId === 's1' || customId === 's6') ? 'errored' : firstPass && customId === 's3' ? 'expired' : 'succeeded') });
    const first = await cli(['run', '--provider', 'anthropic', '--batch']);
    expect(first.code).not.toBe(0);
    const dir = await onlyRunDir();
    const before = await sampleLines(dir);
    firstPass = false;
    const retried = await cli(['run', '--retry-errors', dir]);
    expect(retried.stderr).not.toMatch(/internal error/);
    expect(retried.code).toBe(0);
    const submits = fake.log.filter((e) => e.method === 'POST' && e.path === '/v1/messages/batches');
    expect(submits).toHaveLength(2);
    const second = (submits[1]!.body as { requests: Array<{ custom_id: string }> }).requests.map((r) => r.custom_id).sort();
    expect(second).toEqual(['s1', 's3', 's6']);
    expect(await expectRetried(dir, before, 8)).toHaveLength(3);
  });

  it('a judge answer that was bad JSON or a refusal is not cached: --retry-errors asks the judge again', async () => {
    const verdict = JSON.stringify({ criteria: [{ id: 'c1', reasoning: 'it does', verdict: 'pass' }], overall: 'ok' });
    const unusable = [{ text: '{"criteria": [' }, { text: '', stopReason: 'refusal' }];
    fake = await startFakeAnthropic({ respond: (body) => (body.output_config ? (unusable.shift() ?? { text: verdict }) : { text: 'word' }) });
    project = await tempProject({
      'suites/live.eval.ts': LIVE_SUITE.replace('defineSuite, contains', 'defineSuite, rubric').replace("contains({ values: ['word'], mode: 'all' })", JUDGED).replace('repeats: 2,', 'repeats: 1,').replace('concurrency: 4,', 'concurrency: 1,'),
      'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
      'suites/data.jsonl': wordCases(3),
    });
    await linkPromptgold(project.root);
    const first = await cli(['run', '--provider', 'anthropic']);
    expect(first.code).toBe(3);
    const dir = await onlyRunDir();
    const before = await sampleLines(dir);
    expect([...before.values()].map((line) => (JSON.parse(line) as SampleRecord).error?.kind).filter(Boolean)).toEqual(['judge_error', 'judge_error']);

    const judgedBefore = fake.log.filter((e) => e.path === '/v1/messages' && (e.body as { output_config?: unknown }).output_config).length;
    const retried = await cli(['run', '--retry-errors', dir, '--provider', 'anthropic']);
    expect(retried.stderr).not.toMatch(/internal error/);
    expect(retried.code).toBe(0);
    expect(fake.log.filter((e) => e.path === '/v1/messages' && (e.body as { output_config?: unknown }).output_config).length - judgedBefore).toBe(2);
    const redone = await expectRetried(dir, before, 3);
    expect(redone.map((s) => s.history?.[0]?.error.kind)).toEqual(['judge_error', 'judge_error']);
    expect(redone.every((s) => s.scores[0]!.pass && s.judge?.cached === 0)).toBe(true);
  });

  it('a replay run with missing recordings is finished by a live retry (--provider)', async () => {
    await liveProject(3);
    expect((await cli(['run', '--provider', 'anthropic', '--record', '--no-cache'])).code).toBe(0);
    await rm(project.path('reports'), { recursive: true });
    // Drop two recordings: the replay run misses those samples.
    const recordings = (await readFile(project.path('suites/recordings/live.jsonl'), 'utf8')).trim().split('\n');
    await project.write('suites/recordings/live.jsonl', `${recordings.slice(2).join('\n')}\n`);
    const replayed = await cli(['run']);
    expect(replayed.code).toBe(3);
    const dir = await onlyRunDir();
    const before = await sampleLines(dir);
    expect([...before.values()].filter((line) => (JSON.parse(line) as SampleRecord).error?.kind === 'replay_miss')).toHaveLength(2);

    const sentBefore = fake.log.filter((e) => e.path === '/v1/messages').length;
    const retried = await cli(['run', '--retry-errors', dir, '--provider', 'anthropic', '--no-cache']);
    expect(retried.code).toBe(0);
    expect(fake.log.filter((e) => e.path === '/v1/messages').length - sentBefore).toBe(2);
    const redone = await expectRetried(dir, before, 6);
    expect(redone.map((s) => s.history?.[0]?.error.kind)).toEqual(['replay_miss', 'replay_miss']);
  });
});
