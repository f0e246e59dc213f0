/** The batch phase against a scripted batch transport: what comes back, and what does not. */
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runBatchPhase, type BatchTransport } from '../../src/engine/batch.js';
import { loadSuite } from '../../src/engine/loadSuite.js';
import { runSuite, startRunRecord } from '../../src/engine/run.js';
import { wordedError } from '../../src/errors.js';
import { CostBudget } from '../../src/providers/budget.js';
import type { Generation, GenerationRequest } from '../../src/providers/types.js';
import { ProviderError } from '../../src/providers/types.js';
import { readRecord } from '../../src/records/reader.js';
import { readMeta } from '../../src/records/runDir.js';
import { defineSuite } from '../../src/suite.js';
import { batchResultError } from '../../src/providers/anthropic/batch.js';
import { sameAsSource } from '../../src/chaos/invariants.js';
import { contains } from '../../src/scoring/index.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

type Line = { customId: string; generation?: Generation; error?: ProviderError };

/** A batch API that answers each custom id by `script` (undefined: no result line at all), plus `extra` lines. */
function scriptedTransport(script: (customId: string, round: number) => 'ok' | 'missing' | Line, extra: Line[] = []): BatchTransport & { submitted: string[][] } {
  const batches = new Map<string, Array<{ customId: string; request: GenerationRequest }>>();
  const submitted: string[][] = [];
  return {
    submitted,
    async submit(items, options) {
      const id = `b${batches.size}`;
      batches.set(id, items);
      submitted.push(items.map((item) => item.customId));
      await options?.onSubmitted?.(id, items.map((item) => item.customId));
      return [id];
    },
    async waitFor() {},
    async *results(ids) {
      for (const id of ids) {
        const round = [...batches.keys()].indexOf(id);
        for (const { customId, request } of batches.get(id)!) {
          const outcome = script(customId, round);
          if (outcome === 'missing') continue;
          if (outcome === 'ok') {
            const word = JSON.stringify(request.messages).match(/Say (\w+)/)?.[1] ?? '';
            yield { customId, generation: { text: word, stopReason: 'end_turn', latencyMs: 5, costUsd: 0.001 } };
          } else yield outcome;
        }
        yield* extra;
      }
    },
  };
}

async function batchRun(
  transport: BatchTransport,
  resume = false,
  onProgress?: (line: string) => void,
  signal?: AbortSignal,
  budget?: { budget: CostBudget; worstCaseUsd: (request: GenerationRequest) => number },
) {
  const loaded = await loadSuite(
    defineSuite({ name: 'echo', prompt: './prompts', models: ['model-a'], dataset: './data.jsonl', scorers: [contains({ values: ['word'], mode: 'all' })], repeats: 1 }),
    project.path('echo.eval.ts'),
    {},
    project.root,
  );
  const runDir = project.path('runs', 'r1');
  if (!resume) await startRunRecord(loaded, { runDir, runId: 'r1', toolVersion: 'test' });
  const phase = await runBatchPhase(loaded, { transport, runDir, ...(onProgress && { onProgress }), ...(signal && { signal }), ...(budget && { budget }) });
  return runSuite(loaded, { provider: phase.provider, runDir, runId: 'r1', resume: true, toolVersion: 'test', ...(signal && { stopSignal: signal }) });
}

describe('the batch phase', () => {
  it('a request the results leave out is recorded as not run (incomplete, with its reason), and --resume sends only it', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(3) });
    const foreign = { customId: 's99', generation: { text: 'not ours', stopReason: 'end_turn' as const, latencyMs: 1 } };
    const transport = scriptedTransport((customId, round) => (customId === 's1' && round === 0 ? 'missing' : 'ok'), [foreign]);
    const said: string[] = [];
    const first = await batchRun(transport, false, (line) => said.push(line));
    expect(first.status).toBe('incomplete');
    // The line for a request never made is said, not taken for a sample.
    expect(said).toContain('WARNING: the batch results hold 1 answer to requests this run never made (s99): ignored');
    expect(first.notRun).toMatch(/1 batch request came back without a result/);
    const record = await readRecord(project.path('runs/r1/run.jsonl'));
    expect(record.samples.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(record.samples[1]!.error).toMatchObject({ kind: 'provider_error', code: 'batch_missing' });
    expect(record.samples[1]!.error!.message).toMatch(/no result for case w001/);
    expect((await readMeta(project.path('runs/r1')))?.status).toBe('incomplete');

    said.length = 0;
    const resumed = await batchRun(transport, true, (line) => said.push(line));
    // On a resume, the earlier batch's lines for samples already recorded are expected: only s99 is said.
    expect(said.filter((line) => line.startsWith('WARNING'))).toEqual([
      'WARNING: the batch results hold 1 answer to requests this run never made (s99): ignored',
      'WARNING: the batch results hold 1 answer to requests this run never made (s99): ignored',
    ]);
    expect(resumed.status).toBe('complete');
    expect(transport.submitted).toEqual([['s0', 's1', 's2'], ['s1']]);
    expect((await readRecord(project.path('runs/r1/run.jsonl'))).samples.every((s) => !s.error)).toBe(true);
  });

  it('an input error that stops it (a damaged record line on --resume) marks the run aborted with its reason, as live; mended, --resume collects the batch', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(3) });
    const transport = scriptedTransport((customId, round) => (customId === 's1' && round === 0 ? 'missing' : 'ok'));
    expect((await batchRun(transport)).status).toBe('incomplete');
    const recordFile = project.path('runs/r1/run.jsonl');
    const recorded = await readFile(recordFile, 'utf8');
    await writeFile(recordFile, recorded.replace('"index":2,', '"index":7,'));

    const stopped = batchRun(transport, true);
    await expect(stopped).rejects.toThrow(/run\.jsonl:4: index: sample index 7 is outside the plan of 3 samples/);
    const meta = await readMeta(project.path('runs/r1'));
    expect(meta).toMatchObject({ status: 'aborted', batches: ['b0'], reason: expect.stringMatching(/run\.jsonl:4: index: sample index 7 is outside the plan/) });
    expect(meta?.finishedAt).toBeDefined();

    await writeFile(recordFile, recorded);
    const resumed = await batchRun(transport, true);
    expect(resumed.status).toBe('complete');
    // The batch of the first invocation is collected, not sent again: only the request it left out is.
    expect(transport.submitted).toEqual([['s0', 's1', 's2'], ['s1']]);
    const after = await readMeta(project.path('runs/r1'));
    expect(after?.status).toBe('complete');
    expect(after?.reason).toBeUndefined();
  });

  it('a damaged meta.json that stops it is said once, and left as it is for the user to restore', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(2) });
    const loaded = await loadSuite(
      defineSuite({ name: 'echo', prompt: './prompts', models: ['model-a'], dataset: './data.jsonl', scorers: [contains({ values: ['word'], mode: 'all' })], repeats: 1 }),
      project.path('echo.eval.ts'),
      {},
      project.root,
    );
    const runDir = project.path('runs', 'r1');
    await startRunRecord(loaded, { runDir, runId: 'r1', toolVersion: 'test' });
    const damaged = '{"runId": "r1", "batches": ["b0"'; // cut off by a hand edit
    await writeFile(project.path('runs/r1/meta.json'), damaged);
    const error = await runBatchPhase(loaded, { transport: scriptedTransport(() => 'ok'), runDir }).then(
      () => expect.unreachable('the damaged meta.json stops the phase'),
      (failure: unknown) => failure,
    );
    const worded = wordedError(error);
    expect(worded.text).toMatch(/meta\.json: meta\.json is damaged/);
    expect(worded.text).not.toMatch(/and then, while marking the run aborted/);
    expect(await readFile(project.path('runs/r1/meta.json'), 'utf8')).toBe(damaged);
  });

  it('a meta.json whose batch ids are not a list of ids is refused by name, and the run marked aborted with that reason', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(2) });
    const transport = scriptedTransport(() => 'missing');
    expect((await batchRun(transport)).status).toBe('incomplete');
    const metaFile = project.path('runs/r1/meta.json');
    // A hand edit that put the id in a string.
    await writeFile(metaFile, JSON.stringify({ ...(await readMeta(project.path('runs/r1'))), batches: 'b0' }));
    await expect(batchRun(transport, true)).rejects.toThrow(/meta\.json: batches: must be a list of batch ids \(strings\), found "b0"\n {2}hint: /);
    expect(await readMeta(project.path('runs/r1'))).toMatchObject({ status: 'aborted', batches: 'b0', reason: expect.stringMatching(/batches: must be a list of batch ids/) });
    expect(transport.submitted).toEqual([['s0', 's1']]);
  });

  it('an error of no known kind that stops it is the reason meta.json gives, not a run left "running"', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(2) });
    const transport: BatchTransport = {
      ...scriptedTransport(() => 'ok'),
      // eslint-disable-next-line require-yield
      async *results() {
        throw new TypeError('unreadable result line');
      },
    };
    await expect(batchRun(transport)).rejects.toThrow('unreadable result line');
    expect(await readMeta(project.path('runs/r1'))).toMatchObject({ status: 'aborted', batches: ['b0'], reason: 'unreadable result line' });
  });

  it('Ctrl-C before the batch is submitted: nothing is sent, the run is interrupted, and --resume submits it', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(2) });
    const transport = scriptedTransport(() => 'ok');
    const stop = new AbortController();
    stop.abort();
    const said: string[] = [];
    const stopped = await batchRun(transport, false, (line) => said.push(line), stop.signal);
    expect(transport.submitted).toEqual([]);
    expect(stopped.status).toBe('interrupted');
    expect(said).toContain('stopped before submitting the batch: nothing was sent');
    const resumed = await batchRun(transport, true);
    expect(resumed.status).toBe('complete');
    expect(transport.submitted).toEqual([['s0', 's1']]);
  });

  it('Ctrl-C while the refusals are counted (count_tokens): the batch is not submitted either', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(2) });
    const stop = new AbortController();
    const signals: Array<AbortSignal | undefined> = [];
    const transport = {
      ...scriptedTransport(() => 'ok'),
      async refusals(_items: unknown[], signal?: AbortSignal) {
        signals.push(signal);
        stop.abort(); // the user presses Ctrl-C while the tokens are being counted
        await new Promise((resolve) => setTimeout(resolve, 5));
        return new Map<string, ProviderError>();
      },
    };
    const said: string[] = [];
    const stopped = await batchRun(transport, false, (line) => said.push(line), stop.signal);
    expect(transport.submitted).toEqual([]);
    expect(signals).toEqual([stop.signal]);
    expect(stopped.status).toBe('interrupted');
    expect(said).toContain('stopped before submitting the batch: nothing was sent');
    const resumed = await batchRun(transport, true);
    expect(resumed.status).toBe('complete');
    expect(transport.submitted).toEqual([['s0', 's1']]);
  });

  it('--max-cost on a resume is what the resume sends, as live: answers collected from a batch an earlier invocation submitted are not counted in it', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(3) });
    const transport = scriptedTransport((customId, round) => (customId === 's1' && round === 0 ? 'missing' : 'ok'));
    const stop = new AbortController();
    const waitingStopped = {
      ...transport,
      async waitFor() {
        stop.abort(); // Ctrl-C while the batch processes: the earlier invocation ends, its batch goes on
        throw new Error('stopped waiting');
      },
    };
    await batchRun(waitingStopped, false, undefined, stop.signal, { budget: new CostBudget(1), worstCaseUsd: () => 0.01 });
    const resumed = new CostBudget(1);
    expect((await batchRun(transport, true, undefined, undefined, { budget: resumed, worstCaseUsd: () => 0.01 })).status).toBe('complete');
    expect(transport.submitted).toEqual([['s0', 's1', 's2'], ['s1']]);
    // Only s1, sent by the resume, counts against its budget (a live resume counts no recorded sample either).
    expect(resumed.spent).toBeCloseTo(0.001, 10);
    // The record holds what every answer cost, once.
    expect((await readRecord(project.path('runs/r1/run.jsonl'))).samples.reduce((sum, s) => sum + s.costUsd, 0)).toBeCloseTo(0.003, 10);
  });

  describe('two cases whose requests are equal (same vars, same repeat): each sample gets the answer to its own custom id', () => {
    /** w000 and w001 render the same request; w002 another. */
    const sameTwice = () => wordCases(3, (i) => (i < 2 ? { vars: { word: 'same' }, expected: 'same' } : {}));
    /** An answer that names its custom id, and costs a different amount for each. */
    const own = (customId: string): Line => ({
      customId,
      generation: { text: `word from ${customId}`, stopReason: 'end_turn', latencyMs: 5, costUsd: 0.001 * (Number(customId.slice(1)) + 1) },
    });
    const outputs = async () => (await readRecord(project.path('runs/r1/run.jsonl'))).samples.map((s) => s.output ?? s.error?.kind);

    it('in one batch', async () => {
      project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': sameTwice() });
      const result = await batchRun(scriptedTransport(own));
      expect(result.status).toBe('complete');
      expect(await outputs()).toEqual(['word from s0', 'word from s1', 'word from s2']);
    });

    it('on --resume, collecting the batch a stopped run submitted', async () => {
      project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': sameTwice() });
      const stop = new AbortController();
      const transport = scriptedTransport(own);
      const stopped = await batchRun(
        {
          ...transport,
          async waitFor() {
            stop.abort(); // Ctrl-C while the batch processes
            throw new Error('stopped waiting');
          },
        },
        false,
        undefined,
        stop.signal,
      );
      expect(stopped.status).toBe('interrupted');
      const resumed = await batchRun(transport, true);
      expect(resumed.status).toBe('complete');
      expect(transport.submitted).toEqual([['s0', 's1', 's2']]);
      expect(await outputs()).toEqual(['word from s0', 'word from s1', 'word from s2']);
    });

    it('on --resume, sending again only the one the batch left out', async () => {
      project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': sameTwice() });
      const transport = scriptedTransport((customId, round) => (customId === 's1' && round === 0 ? 'missing' : own(customId)));
      const first = await batchRun(transport);
      expect(first.status).toBe('incomplete');
      expect(await outputs()).toEqual(['word from s0', 'provider_error', 'word from s2']);
      expect((await batchRun(transport, true)).status).toBe('complete');
      expect(transport.submitted).toEqual([['s0', 's1', 's2'], ['s1']]);
      expect(await outputs()).toEqual(['word from s0', 'word from s1', 'word from s2']);
    });

    it('a budget skip stays the skipped sample\'s, and each answer is counted once against the budget', async () => {
      project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': sameTwice() });
      const transport = scriptedTransport(own);
      // Room for one request at its worst case: s0 is sent, s1 (the same request) and s2 are skipped.
      const budget = new CostBudget(0.015);
      const result = await batchRun(transport, false, undefined, undefined, { budget, worstCaseUsd: () => 0.01 });
      expect(result.status).toBe('incomplete');
      expect(transport.submitted).toEqual([['s0']]);
      expect(await outputs()).toEqual(['word from s0', 'budget', 'budget']);
      expect(budget.spent).toBeCloseTo(0.001, 10);

      const more = new CostBudget(1);
      expect((await batchRun(transport, true, undefined, undefined, { budget: more, worstCaseUsd: () => 0.01 })).status).toBe('complete');
      expect(transport.submitted).toEqual([['s0'], ['s1', 's2']]);
      expect(await outputs()).toEqual(['word from s0', 'word from s1', 'word from s2']);
      expect(more.spent).toBeCloseTo(0.002 + 0.003, 10);
    });

    it('a refusal is given to each refused sample, and the others are answered', async () => {
      project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': sameTwice() });
      const transport = {
        ...scriptedTransport(own),
        async refusals() {
          return new Map([['s1', new ProviderError('bad_request', 'request not sent: refused for the test', { attempts: 0 })]]);
        },
      };
      await batchRun(transport);
      expect(transport.submitted).toEqual([['s0', 's2']]);
      expect(await outputs()).toEqual(['word from s0', 'bad_request', 'word from s2']);
    });
  });
});

describe('a chaos sample whose source case did not finish in the batch', () => {
  it('is not finished either, for the same reason, and --resume runs both', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(1) });
    // s0 is the golden source w000, s1 its chaos variant: only the source's request expires, once.
    const transport = scriptedTransport((customId, round) => (customId === 's0' && round === 0 ? { customId, error: batchResultError(customId, { type: 'expired' }) } : 'ok'));
    const suite = defineSuite({
      name: 'echo',
      prompt: './prompts',
      models: ['model-a'],
      dataset: './data.jsonl',
      scorers: [contains({ values: ['word'], mode: 'all' })],
      repeats: 1,
      chaos: { operators: ['zero-width'], invariants: [sameAsSource()] },
    });
    const runDir = project.path('runs', 'r1');
    const run = async (resume: boolean) => {
      const loaded = await loadSuite(suite, project.path('echo.eval.ts'), { chaos: true }, project.root);
      if (!resume) await startRunRecord(loaded, { runDir, runId: 'r1', toolVersion: 'test' });
      const phase = await runBatchPhase(loaded, { transport, runDir });
      const result = await runSuite(loaded, { provider: phase.provider, runDir, runId: 'r1', resume: true, toolVersion: 'test' });
      return { result, samples: (await readRecord(project.path('runs/r1/run.jsonl'))).samples };
    };

    const first = await run(false);
    expect(first.result.status).toBe('incomplete');
    const [source, variant] = first.samples;
    expect(source).toMatchObject({ caseId: 'w000', error: { kind: 'timeout', code: 'batch_expired' } });
    expect(variant!.caseId).toBe('w000~zero-width');
    expect(variant!.error).toEqual({
      kind: 'timeout',
      code: 'batch_expired',
      message: `sameAsSource: the source case w000 did not finish (${source!.error!.message}): the comparison is left for --resume`,
    });

    const resumed = await run(true);
    expect(resumed.result.status).toBe('complete');
    // The variant's answer is collected again from the first batch, not sent (nor paid) twice.
    expect(transport.submitted).toEqual([['s0', 's1'], ['s0']]);
    expect(resumed.samples.map((s) => s.error)).toEqual([undefined, undefined]);
    expect(resumed.samples[1]!.scores.find((s) => s.name === 'sameAsSource')).toBeDefined();
  });
});
