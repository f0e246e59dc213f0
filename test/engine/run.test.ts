import { cp, readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineSuite } from '../../src/suite.js';
import { loadSuite } from '../../src/engine/loadSuite.js';
import { runSuite } from '../../src/engine/run.js';
import { createFunctionProvider } from '../../src/providers/function.js';
import { ProviderError, type Provider } from '../../src/providers/types.js';
import { readRecord } from '../../src/records/reader.js';
import { readMeta } from '../../src/records/runDir.js';
import { contains, custom, exact } from '../../src/scoring/index.js';
import type { Scorer, ScorerContext } from '../../src/scoring/types.js';
import { handledGracefully, sameAsSource } from '../../src/chaos/invariants.js';
import { rubric } from '../../src/judge/rubric.js';
import { CostBudget, withBudget } from '../../src/providers/budget.js';
import { waitFor } from '../helpers/cli.js';
import { ECHO_PROMPT, ECHO_PROMPT_V2, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

async function setup(count = 12) {
  project = await tempProject({
    'prompts/echo.v1.hbs': ECHO_PROMPT,
    'prompts/echo.v2.hbs': ECHO_PROMPT_V2,
    'data.jsonl': wordCases(count),
  });
  return project;
}

const echoTarget = (input: Record<string, unknown>) => String(input.word);

function suiteOf(overrides: Partial<Parameters<typeof defineSuite>[0]> = {}) {
  return defineSuite({
    name: 'echo',
    prompt: './prompts',
    models: ['model-a', 'model-b'],
    dataset: './data.jsonl',
    scorers: [exact(), contains({ values: ['word'], mode: 'all' })],
    repeats: 2,
    threshold: 0.5,
    concurrency: 4,
    ...overrides,
  });
}

async function run(provider: Provider, suite = suiteOf(), runDir = project.path('runs', 'r1'), extra: Partial<Parameters<typeof runSuite>[1]> = {}) {
  const loaded = await loadSuite(suite, project.path('echo.eval.ts'), {}, project.root);
  return runSuite(loaded, { provider, runDir, runId: 'r1', ...extra });
}

describe('runSuite', () => {
  it('writes a header, one sample per planned item in plan order, and a summary per cell', async () => {
    await setup(5);
    const result = await run(createFunctionProvider(echoTarget));
    expect(result.status).toBe('complete');
    const record = await readRecord(project.path('runs/r1/run.jsonl'));
    expect(record.header.planned).toBe(2 * 2 * 5 * 2);
    expect(record.header.prompts.map((p) => p.version)).toEqual(['v1', 'v2']);
    expect(record.samples.map((s) => s.index)).toEqual([...Array(40).keys()]);
    expect(record.samples[0]).toMatchObject({ caseId: 'w000', version: 'v1', model: 'model-a', repeat: 0, pass: true });
    expect(record.samples[2]).toMatchObject({ caseId: 'w001', repeat: 0 });
    expect(record.summary!.cells.map((c) => `${c.version}/${c.model}`)).toEqual(['v1/model-a', 'v1/model-b', 'v2/model-a', 'v2/model-b']);
    expect(record.summary!.cells[0]).toMatchObject({ samples: 10, passed: 10, passRate: 1 });
    const prompts = (await readFile(project.path('runs/r1/prompts.jsonl'), 'utf8')).trim().split('\n');
    expect(prompts).toHaveLength(10); // 5 cases × 2 versions, stored once each
  });

  it('is deterministic: two runs give byte-identical record and prompt files', async () => {
    await setup(20);
    const jitter: Provider = {
      id: 'jitter',
      async generate(request, context) {
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        return { text: String(context.vars.word), stopReason: 'end_turn', latencyMs: 100 };
      },
    };
    await run(jitter, suiteOf(), project.path('runs/a'));
    await run(jitter, suiteOf(), project.path('runs/b'));
    expect(await readFile(project.path('runs/a/run.jsonl'), 'utf8')).toBe(await readFile(project.path('runs/b/run.jsonl'), 'utf8'));
    expect(await readFile(project.path('runs/a/prompts.jsonl'), 'utf8')).toBe(await readFile(project.path('runs/b/prompts.jsonl'), 'utf8'));
  });

  it("writes the same record and prompt store whether the run sends the check's renders or renders again", async () => {
    await setup(20);
    const provider = createFunctionProvider(echoTarget);
    const withKept = await loadSuite(suiteOf(), project.path('echo.eval.ts'), {}, project.root);
    expect(withKept.checkedRenders?.size).toBe(2 * 20);
    await runSuite(withKept, { provider, runDir: project.path('runs/kept'), runId: 'kept' });
    expect(withKept.checkedRenders?.size).toBe(0);
    const without = await loadSuite(suiteOf(), project.path('echo.eval.ts'), {}, project.root);
    delete without.checkedRenders;
    await runSuite(without, { provider, runDir: project.path('runs/fresh'), runId: 'fresh' });
    // Latency is wall time: a sample's, and the summary's percentiles of them.
    const latencyFree = (text: string) => text.replace(/"latencyMs":\d+/g, '"latencyMs":0').replace(/"latencyMs":\{"p50":(\d+|null),"p95":(\d+|null)\}/g, '"latencyMs":{}');
    const read = (run: string, file: string) => readFile(project.path('runs', run, file), 'utf8');
    expect(latencyFree(await read('kept', 'run.jsonl'))).toBe(latencyFree(await read('fresh', 'run.jsonl')));
    expect(await read('kept', 'prompts.jsonl')).toBe(await read('fresh', 'prompts.jsonl'));
  });

  it('records a throwing provider, a hanging provider and a throwing scorer per sample, and keeps going', async () => {
    await setup(6);
    const flaky = createFunctionProvider((input) => {
      if (input.word === 'word1') throw new Error('upstream exploded');
      if (input.word === 'word2') return new Promise<string>(() => undefined); // never answers
      return String(input.word);
    });
    const suite = suiteOf({
      models: ['m'],
      versions: ['v1'],
      repeats: 1,
      timeoutMs: 50,
      scorers: [exact(), custom('explodes-on-word3', (s) => {
        if (s.output === 'word3') throw new Error('scorer bug');
        return true;
      })],
    });
    const result = await run(flaky, suite);
    const { samples, summary } = await readRecord(project.path('runs/r1/run.jsonl'));
    expect(samples).toHaveLength(6);
    expect(samples[1]!.error).toEqual({ kind: 'provider_error', message: 'function anonymous threw: upstream exploded' });
    expect(samples[2]!.error?.kind).toBe('timeout');
    expect(samples[3]!.pass).toBe(false);
    expect(samples[3]!.scores[1]).toMatchObject({ pass: false, error: 'scorer bug' });
    expect(samples[4]!.pass).toBe(true);
    expect(summary!.totals.infrastructureErrors).toBe(2);
    expect(result.status).toBe('complete');
  });

  it('stops early on a fatal provider error and keeps what finished', async () => {
    await setup(30);
    let calls = 0;
    const failing: Provider = {
      id: 'bad-key',
      async generate() {
        calls++;
        throw new ProviderError('auth', 'invalid x-api-key', { fatal: true });
      },
    };
    const result = await run(failing, suiteOf({ concurrency: 2 }));
    expect(result.status).toBe('aborted');
    expect(result.fatal?.kind).toBe('auth');
    expect(calls).toBeLessThan(10);
    expect((await readMeta(project.path('runs/r1')))?.status).toBe('aborted');
  });

  it('--resume after a fatal error: the run completes, and meta.json no longer gives the reason it stopped', async () => {
    await setup(2);
    const keyRejected: Provider = {
      id: 'bad-key',
      async generate() {
        throw new ProviderError('auth', 'invalid x-api-key', { fatal: true });
      },
    };
    const suite = suiteOf({ models: ['model-a'], versions: ['v1'], repeats: 1 });
    expect((await run(keyRejected, suite)).status).toBe('aborted');
    expect(await readMeta(project.path('runs/r1'))).toMatchObject({ status: 'aborted', reason: 'invalid x-api-key' });
    expect((await run(createFunctionProvider(echoTarget), suite, project.path('runs', 'r1'), { resume: true })).status).toBe('complete');
    const meta = await readMeta(project.path('runs/r1'));
    expect(meta?.status).toBe('complete');
    expect(meta?.reason).toBeUndefined();
  });

  it('on a graceful stop finishes in-flight samples, and --resume completes each sample exactly once', async () => {
    await setup(15);
    const stop = new AbortController();
    let answered = 0;
    const provider: Provider = {
      id: 'slow',
      async generate(_request, context) {
        if (++answered === 17) stop.abort();
        await new Promise((r) => setTimeout(r, 1));
        return { text: String(context.vars.word), stopReason: 'end_turn', latencyMs: 7 };
      },
    };
    const first = await run(provider, suiteOf(), project.path('runs/r1'), { stopSignal: stop.signal });
    expect(first.status).toBe('interrupted');
    const partial = await readRecord(project.path('runs/r1/run.jsonl'));
    expect(partial.summary).toBeUndefined();
    expect(partial.samples.length).toBeGreaterThanOrEqual(17);
    expect(partial.samples.length).toBeLessThan(120);

    const resumed = await run(provider, suiteOf(), project.path('runs/r1'), { resume: true });
    expect(resumed.status).toBe('complete');
    const full = await readRecord(project.path('runs/r1/run.jsonl'));
    expect(full.samples.map((s) => s.index)).toEqual([...Array(120).keys()]);

    await run(provider, suiteOf(), project.path('runs/straight'));
    expect(await readFile(project.path('runs/r1/run.jsonl'), 'utf8')).toBe(await readFile(project.path('runs/straight/run.jsonl'), 'utf8'));
    expect(await readFile(project.path('runs/r1/prompts.jsonl'), 'utf8')).toBe(await readFile(project.path('runs/straight/prompts.jsonl'), 'utf8'));
  });

  it('refuses to resume when the suite changed since the run started', async () => {
    await setup(4);
    const stop = new AbortController();
    stop.abort();
    await run(createFunctionProvider(echoTarget), suiteOf(), project.path('runs/r1'), { stopSignal: stop.signal });
    await expect(run(createFunctionProvider(echoTarget), suiteOf({ repeats: 3 }), project.path('runs/r1'), { resume: true })).rejects.toThrow(
      /suite changed since this run started/,
    );
  });

  it('keeps the text, usage and cost of an answer refused as bad_output: it was given and billed', async () => {
    await setup(2);
    const refusing: Provider = {
      id: 'refusing',
      generate: async () => {
        throw new ProviderError('bad_output', 'the answer does not match the output schema', {
          generation: { text: '{"n":1}', stopReason: 'end_turn', latencyMs: 12.4, costUsd: 0.0105, usage: { inputTokens: 100, outputTokens: 10 } },
        });
      },
    };
    const result = await run(refusing, suiteOf(), project.path('runs/bad'));
    const record = await readRecord(project.path('runs/bad/run.jsonl'));
    expect(record.samples[0]).toMatchObject({ output: '{"n":1}', stopReason: 'end_turn', costUsd: 0.0105, latencyMs: 12, usage: { inputTokens: 100, outputTokens: 10 }, pass: false, error: { kind: 'bad_output' } });
    expect(result.summary!.totals.costUsd).toBeCloseTo(0.0105 * record.samples.length, 9);
  });

  it('refuses to resume when the dataset changed since the run started, though the plan is the same', async () => {
    // Same case ids, new expected values: the kept samples were scored against the old ones.
    await setup(4);
    const stop = new AbortController();
    stop.abort();
    await run(createFunctionProvider(echoTarget), suiteOf(), project.path('runs/r1'), { stopSignal: stop.signal });
    await project.write('data.jsonl', wordCases(4, () => ({ expected: 'changed' })));
    await expect(run(createFunctionProvider(echoTarget), suiteOf(), project.path('runs/r1'), { resume: true })).rejects.toThrow(
      /run\.jsonl:1: dataset\.hash: the dataset .*data\.jsonl changed since this run started \(content hash \w{12} → \w{12}\)/,
    );
  });

  it('refuses to resume when the scorers, threshold or maxErrorRate changed, and resumes when only how samples are fetched did', async () => {
    // The plan and the dataset are the same: before, the kept samples (scored by exact + contains)
    // were mixed with samples scored by exact alone, under a header that still named both.
    await setup(4);
    const stop = new AbortController();
    let answered = 0;
    const stopping: Provider = {
      id: 'stopping',
      async generate(request, context) {
        if (++answered === 5) stop.abort();
        return createFunctionProvider(echoTarget).generate(request, context);
      },
    };
    await run(stopping, suiteOf(), project.path('runs/r1'), { stopSignal: stop.signal });
    const kept = (await readRecord(project.path('runs/r1/run.jsonl'))).samples;
    expect(kept.length).toBeGreaterThan(0);
    const resume = (suite: ReturnType<typeof suiteOf>) => run(createFunctionProvider(echoTarget), suite, project.path('runs/r1'), { resume: true });

    await expect(resume(suiteOf({ scorers: [exact()] }))).rejects.toThrow(
      /run\.jsonl:1: options\.scorers: the suite's scorers changed since this run started \(\[exact, contains\] → \[exact\]\): its finished samples were scored by the scorers as they were/,
    );
    await expect(resume(suiteOf({ threshold: 0.9 }))).rejects.toThrow(/options\.threshold: the run's threshold changed since this run started \(0\.5 → 0\.9\)/);
    await expect(resume(suiteOf({ maxErrorRate: 0.2 }))).rejects.toThrow(/options\.maxErrorRate: the run's maxErrorRate changed since this run started \(0 → 0\.2\)[\s\S]*--max-error-rate 0/);
    // Refused before anything was written: the record is as the interrupted run left it.
    expect((await readRecord(project.path('runs/r1/run.jsonl'))).samples).toEqual(kept);

    const resumed = await resume(suiteOf({ concurrency: 1, timeoutMs: 30_000 }));
    expect(resumed.status).toBe('complete');
    expect((await readRecord(project.path('runs/r1/run.jsonl'))).samples).toHaveLength(32);
  });

  it('records budget skips as incomplete, and --resume runs only those', async () => {
    await setup(5);
    let budgetLeft = 7;
    const calls: string[] = [];
    const limited: Provider = {
      id: 'limited',
      async generate(_request, context) {
        if (budgetLeft-- <= 0) throw new ProviderError('budget', 'budget of $0.01 reached');
        calls.push(`${context.caseId}/${context.repeat}`);
        return { text: String(context.vars.word), stopReason: 'end_turn', latencyMs: 1, costUsd: 0.001 };
      },
    };
    const suite = suiteOf({ concurrency: 1 });
    const first = await run(limited, suite);
    expect(first.status).toBe('incomplete');
    const record = await readRecord(project.path('runs/r1/run.jsonl'));
    expect(record.samples.filter((s) => s.error?.kind === 'budget')).toHaveLength(33);
    budgetLeft = 1000;
    calls.length = 0;
    const second = await run(limited, suite, project.path('runs/r1'), { resume: true });
    expect(second.status).toBe('complete');
    expect(calls).toHaveLength(33);
    const full = await readRecord(project.path('runs/r1/run.jsonl'));
    expect(full.samples.every((s) => !s.error)).toBe(true);
    expect(full.samples).toHaveLength(40);
  });
});

describe('runSuite: refusals', () => {
  it('a refused golden sample fails whatever its scorers say of the partial text; a refused chaos sample keeps its invariant\'s rule', async () => {
    await setup(3);
    // w001 (and its chaos variant) is refused halfway through an answer that every scorer passes.
    const refusing: Provider = {
      id: 'refusing',
      generate: async (_request, context) =>
        context.caseId.startsWith('w001')
          ? { text: 'wo', stopReason: 'refusal', stopDetails: { type: 'refusal', category: 'cyber' }, latencyMs: 10 }
          : { text: String(context.vars.word), stopReason: 'end_turn', latencyMs: 10 },
    };
    const suite = suiteOf({
      models: ['model-a'],
      repeats: 1,
      scorers: [custom('lenient', () => true)],
      chaos: { operators: ['zero-width'], invariants: [handledGracefully()] },
    });
    const loaded = await loadSuite(suite, project.path('echo.eval.ts'), { chaos: true, versions: ['v1'] }, project.root);
    const result = await runSuite(loaded, { provider: refusing, runDir: project.path('runs', 'r1'), runId: 'r1' });
    const record = await readRecord(project.path('runs/r1/run.jsonl'));
    const golden = record.samples.find((s) => s.caseId === 'w001')!;
    expect(golden).toMatchObject({ stopReason: 'refusal', stopDetails: { category: 'cyber' }, pass: false, scores: [{ name: 'lenient', pass: true }] });
    expect(golden.error).toBeUndefined();
    const chaos = record.samples.find((s) => s.caseId.startsWith('w001~'))!;
    expect(chaos).toMatchObject({ stopReason: 'refusal', pass: true });
    // Scored, counted as a failure of the pass rate and as a refusal.
    expect(result.summary!.cells[0]).toMatchObject({ scored: 3, passed: 2, notScored: 0, stops: { refusals: 1, refusalCategories: { cyber: 1 } } });
    // The others are as before.
    expect(record.samples.filter((s) => !s.caseId.startsWith('w001')).every((s) => s.pass && s.stopReason === 'end_turn')).toBe(true);
  });
});

describe('runSuite: sameAsSource with a judged scorer', () => {
  it('counts the judge calls it makes in the sample\'s judge usage and the run\'s judge cost, as the budget does', async () => {
    await setup(2);
    const judgeAnswer = JSON.stringify({ criteria: [{ id: 'echoed', reasoning: 'it is the word', verdict: 'pass' }], overall: 'ok' });
    const budget = new CostBudget(100);
    const paidJudge: Provider = {
      id: 'judge',
      generate: async () => ({ text: judgeAnswer, stopReason: 'end_turn', latencyMs: 1, costUsd: 0.25, usage: { inputTokens: 40, outputTokens: 10 } }),
    };
    const judge = withBudget(paidJudge, budget);
    const echoed = rubric({ name: 'echoed', criteria: [{ id: 'echoed', description: 'Repeats the word', pass: 'the word', fail: 'anything else' }], judge: 'judge-model' });
    // Not among the suite's scorers: the source has no recorded score, so it is rescored on the chaos sample.
    const suite = suiteOf({ models: ['model-a'], repeats: 1, scorers: [exact()], chaos: { operators: ['zero-width'], invariants: [sameAsSource({ scorer: echoed })] } });
    const loaded = await loadSuite(suite, project.path('echo.eval.ts'), { chaos: true, versions: ['v1'] }, project.root);
    const result = await runSuite(loaded, { provider: createFunctionProvider(echoTarget), judge: () => judge, runDir: project.path('runs', 'r1'), runId: 'r1' });
    const record = await readRecord(project.path('runs/r1/run.jsonl'));
    const chaos = record.samples.filter((s) => s.chaos);
    expect(chaos).toHaveLength(2);
    for (const sample of chaos) {
      expect(sample.scores.find((s) => s.name === 'sameAsSource:echoed')).toMatchObject({ pass: true, details: { sourceScoreFrom: 'rescored' } });
      expect(sample.judge).toMatchObject({ calls: 2, inputTokens: 80, outputTokens: 20, costUsd: 0.5 });
    }
    // The golden samples call no judge: their lines are as they were.
    expect(record.samples.filter((s) => !s.chaos).every((s) => s.judge === undefined)).toBe(true);
    expect(budget.spent).toBe(1);
    expect(result.summary!.totals.judgeCostUsd).toBe(budget.spent);
  });
});

describe('runSuite with a stuck scorer', () => {
  let stuck = true;
  /** Never answers for the first case while `stuck` is set: a hung judge, a custom scorer awaiting forever. */
  const wordCheck = custom('word-check', async (sample) => {
    if (stuck && sample.caseId === 'w000') return new Promise<boolean>(() => undefined);
    return sample.output.startsWith('word');
  });
  const stuckSuite = (overrides: Partial<Parameters<typeof defineSuite>[0]> = {}) =>
    suiteOf({ models: ['model-a'], versions: ['v1'], repeats: 1, scorers: [exact(), wordCheck], ...overrides });
  const lineCount = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

  it('ends the stuck scorer at its time bound as an errored score, and the run goes on', async () => {
    await setup(6);
    stuck = true;
    const result = await run(createFunctionProvider(echoTarget), stuckSuite({ scorerTimeoutMs: 200 }));
    expect(result.status).toBe('complete');
    const record = await readRecord(project.path('runs/r1/run.jsonl'));
    expect(record.samples).toHaveLength(6);
    expect(record.samples[0]!.scores[1]).toMatchObject({ name: 'word-check', pass: false, error: 'timeout: the scorer gave no result within its time bound of 200 ms' });
    expect(record.samples[0]!.pass).toBe(false);
    expect(record.samples.slice(1).every((s) => s.pass)).toBe(true);
    expect(record.header.options.scorerTimeoutMs).toBe(200);
  });

  it('scores every sample under a long per-sample timeout, whose default scorer bound (three of it) is more than a Node timer holds', async () => {
    await setup(3);
    stuck = false;
    // A scorer that takes a little while, as a judge call does: a 1 ms timer would end it first.
    const slowCheck = custom('slow-check', async (sample) => {
      await sleep(20);
      return sample.output.startsWith('word');
    });
    const result = await run(createFunctionProvider(echoTarget), stuckSuite({ timeoutMs: 1_000_000_000, scorers: [slowCheck] }));
    expect(result.status).toBe('complete');
    const record = await readRecord(project.path('runs/r1/run.jsonl'));
    expect(record.samples.map((s) => s.scores[0])).toEqual(Array.from({ length: 3 }, () => expect.objectContaining({ name: 'slow-check', pass: true })));
  });

  it('saves the samples finished behind it at once, loses none to a kill, and a hard stop writes them all', async () => {
    await setup(6);
    stuck = true;
    const hardStop = new AbortController();
    const dir = project.path('runs', 'r1');
    // Records are compared byte for byte below: a provider that reports a fixed latency, not a
    // measured one (a busy machine may round a measured 0.4 ms up to 1).
    let calls = 0;
    const echo: Provider = {
      id: 'echo',
      async generate(_request, context) {
        calls++;
        return { text: String(context.vars.word), stopReason: 'end_turn', latencyMs: 1 };
      },
    };
    const running = run(echo, stuckSuite(), dir, { hardStopSignal: hardStop.signal });
    // The other 5 samples finished; they wait for sample 0 in memory, and in the held-back file.
    await waitFor(async () => (await lineCount(`${dir}/held-back.jsonl`)) === 5, 'the held-back samples on disk');
    expect(await lineCount(`${dir}/run.jsonl`)).toBe(1); // the header: nothing can be written in plan order yet

    // What a kill -9 now would leave behind resumes with nothing lost and nothing run twice.
    const killed = project.path('runs', 'killed');
    await cp(dir, killed, { recursive: true });
    // A held-back sample is kept as it is written: one with a field of the wrong type is refused, located.
    const damaged = project.path('runs', 'damaged');
    await cp(dir, damaged, { recursive: true });
    await writeFile(`${damaged}/held-back.jsonl`, (await readFile(`${damaged}/held-back.jsonl`, 'utf8')).replace('"pass":true', '"pass":"false"'));
    await expect(run(echo, stuckSuite(), damaged, { resume: true })).rejects.toThrow(/held-back\.jsonl:1: sample\.pass: expected true or false, got "false"/);
    stuck = false;
    calls = 0;
    expect((await run(echo, stuckSuite(), killed, { resume: true })).status).toBe('complete');
    expect(calls).toBe(1);

    hardStop.abort();
    const stopped = await running;
    expect(stopped.status).toBe('interrupted');
    const partial = await readRecord(`${dir}/run.jsonl`);
    expect(partial.samples.map((s) => s.index)).toEqual([1, 2, 3, 4, 5]);
    expect(await lineCount(`${dir}/held-back.jsonl`)).toBe(0);

    expect((await run(echo, stuckSuite(), dir, { resume: true })).status).toBe('complete');
    await run(echo, stuckSuite(), project.path('runs', 'straight'));
    const straight = await readFile(project.path('runs/straight/run.jsonl'), 'utf8');
    for (const resumed of [dir, killed]) {
      expect(await readFile(`${resumed}/run.jsonl`, 'utf8')).toBe(straight);
      expect(await readFile(`${resumed}/prompts.jsonl`, 'utf8')).toBe(await readFile(project.path('runs/straight/prompts.jsonl'), 'utf8'));
    }
  });
});

describe('runSuite: a judge scorer that overruns its time bound', () => {
  it('counts the judge calls answered before the bound in the sample and the run, as the budget does; the one cut off counts nothing', async () => {
    await setup(2);
    const judgeAnswer = JSON.stringify({ criteria: [{ id: 'echoed', reasoning: 'it is the word', verdict: 'pass' }], overall: 'ok' });
    const budget = new CostBudget(100);
    let calls = 0;
    // Of the two judgements of each sample, the first answers and the second hangs until its signal aborts.
    const slowJudge: Provider = {
      id: 'judge',
      generate: (_request, context) => {
        calls++;
        if (calls % 2 === 1) return Promise.resolve({ text: judgeAnswer, stopReason: 'end_turn', latencyMs: 1, costUsd: 0.25, usage: { inputTokens: 40, outputTokens: 10 } });
        return new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason as Error), { once: true }));
      },
    };
    const judge = withBudget(slowJudge, budget);
    const echoed = rubric({ name: 'echoed', samples: 2, criteria: [{ id: 'echoed', description: 'Repeats the word', pass: 'the word', fail: 'anything else' }], judge: 'judge-model' });
    const suite = suiteOf({ models: ['model-a'], repeats: 1, concurrency: 1, scorers: [exact(), echoed], scorerTimeoutMs: 200 });
    const loaded = await loadSuite(suite, project.path('echo.eval.ts'), { versions: ['v1'] }, project.root);
    const result = await runSuite(loaded, { provider: createFunctionProvider(echoTarget), judge: () => judge, runDir: project.path('runs', 'r1'), runId: 'r1' });
    const record = await readRecord(project.path('runs/r1/run.jsonl'));
    expect(record.samples).toHaveLength(2);
    for (const sample of record.samples) {
      expect(sample.scores[1]).toMatchObject({ name: 'echoed', error: 'timeout: the scorer gave no result within its time bound of 200 ms' });
      // Still a scorer that overran its bound, not a judge that answered unusably.
      expect(sample.error).toMatchObject({ kind: 'scorer_error' });
      expect(sample.judge).toEqual({ calls: 1, inputTokens: 40, outputTokens: 10, costUsd: 0.25, latencyMs: 1, cached: 0 });
    }
    expect(budget.spent).toBe(0.5);
    expect(budget.held).toBe(0);
    expect(result.summary!.totals.judgeCostUsd).toBe(budget.spent);
  });
});

describe('runSuite: a custom scorer that calls the judge', () => {
  it('records what its judge calls cost when it throws after them (still a scorer_error) and when it reports no usage itself', async () => {
    await setup(2);
    const budget = new CostBudget(100);
    const paid: Provider = { id: 'judge', generate: () => Promise.resolve({ text: 'yes', stopReason: 'end_turn', latencyMs: 1, costUsd: 0.25, usage: { inputTokens: 40, outputTokens: 10 } }) };
    const judge = withBudget(paid, budget);
    const asks = async (context: ScorerContext) => {
      const request = { model: 'judge-model', messages: [{ role: 'user' as const, content: 'ok?' }], maxTokens: 10 };
      await context.judge!('judge-model').generate(request, { signal: context.signal, repeat: 0, caseId: 'judged', vars: {}, promptId: 'judge', promptVersion: 'v1' });
    };
    const throwsAfter: Scorer = { name: 'throws-after', score: async (_sample, context) => { await asks(context); throw new Error('could not read the verdict'); } };
    const silent: Scorer = { name: 'silent', score: async (_sample, context) => { await asks(context); return { name: 'silent', score: 1, pass: true, reason: 'ok' }; } };
    const suite = suiteOf({ models: ['model-a'], repeats: 1, concurrency: 1, scorers: [exact(), throwsAfter, silent] });
    const loaded = await loadSuite(suite, project.path('echo.eval.ts'), { versions: ['v1'] }, project.root);
    const result = await runSuite(loaded, { provider: createFunctionProvider(echoTarget), judge: () => judge, runDir: project.path('runs', 'r1'), runId: 'r1' });
    const record = await readRecord(project.path('runs/r1/run.jsonl'));
    for (const sample of record.samples) {
      expect(sample.error).toMatchObject({ kind: 'scorer_error', message: 'throws-after: could not read the verdict' });
      expect(sample.scores.find((score) => score.name === 'silent')!.judgeUsage).toMatchObject({ calls: 1, costUsd: 0.25 });
      expect(sample.judge).toMatchObject({ calls: 2, costUsd: 0.5 });
    }
    expect(budget.spent).toBe(1);
    expect(result.summary!.totals.judgeCostUsd).toBe(budget.spent);
  });
});

describe('runSuite progress', () => {
  it("the progress line's cost includes what the judges spent", async () => {
    await setup(2);
    const judged = {
      name: 'judged',
      score: () => ({ name: 'judged', score: 1, pass: true, reason: 'ok', judgeUsage: { calls: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.125, latencyMs: 1, cached: 0 } }),
    };
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await run(createFunctionProvider(echoTarget), suiteOf({ models: ['model-a'], versions: ['v1'], repeats: 1, scorers: [judged] }), undefined, { progress: 'plain' });
    } finally {
      spy.mockRestore();
    }
    // Two samples, each judged for $0.125; the function under test costs nothing.
    expect(lines.at(-1)).toMatch(/2\/2 100\.0% pass \(2\/2\) \$0\.2500/);
  });
});

describe('runSuite with a stuck provider', () => {
  it('a hard stop ends a provider call that ignores its signal: the run writes what finished and ends as interrupted', async () => {
    await setup(4);
    const hardStop = new AbortController();
    const dir = project.path('runs', 'r1');
    // A function under test that hangs on the first case and never looks at its abort signal.
    const hung: Provider = {
      id: 'hung',
      generate: (_request, context) =>
        context.caseId === 'w000' ? new Promise(() => undefined) : Promise.resolve({ text: String(context.vars.word), stopReason: 'end_turn', latencyMs: 1 }),
    };
    const suite = suiteOf({ models: ['model-a'], versions: ['v1'], repeats: 1, timeoutMs: 3_600_000 });
    const running = run(hung, suite, dir, { hardStopSignal: hardStop.signal });
    await waitFor(async () => (await readFile(`${dir}/held-back.jsonl`, 'utf8').catch(() => '')).split('\n').filter(Boolean).length === 3, 'the held-back samples on disk');
    hardStop.abort();
    // Not the hour-long per-sample timeout: the abandoned call is left for --resume.
    const stopped = await running;
    expect(stopped.status).toBe('interrupted');
    expect((await readRecord(`${dir}/run.jsonl`)).samples.map((s) => s.index)).toEqual([1, 2, 3]);
    expect((await readMeta(dir))?.status).toBe('interrupted');
  });
});

describe('the published record schema', () => {
  it('accepts every line of a real record', async () => {
    const { Ajv } = await import('ajv');
    const schema = JSON.parse(await readFile(new URL('../../schemas/run-record.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    await setup(3);
    await run(createFunctionProvider(echoTarget));
    const lines = (await readFile(project.path('runs/r1/run.jsonl'), 'utf8')).trim().split('\n');
    for (const line of lines) {
      const ok = validate(JSON.parse(line));
      expect(ok, JSON.stringify(validate.errors)).toBe(true);
    }
  });
});
