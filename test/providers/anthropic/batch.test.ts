import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkBatchLines, createAnthropicProvider, createBatchClient, type BatchProgress, type BatchResult } from '../../../src/providers/anthropic/index.js';
import { costOfUsage, loadModelTable } from '../../../src/providers/pricing.js';
import { ProviderError, isResumableError, type GenerationRequest } from '../../../src/providers/types.js';
import { fakeModelsFromTable, startFakeAnthropic, type FakeAnthropic } from '../../../src/testing/index.js';
import { clearAnthropicEnv, context, request, TEST_KEY } from './helpers.js';

const models = loadModelTable();
let fake: FakeAnthropic;

beforeAll(async () => {
  clearAnthropicEnv();
  fake = await startFakeAnthropic({
    // Batches process until a test ends them (fake.endBatches()), so the first status poll finds them processing on any machine.
    batchProcessingMs: 3_600_000,
    batchOutcome: (customId) =>
      customId === 'case-3' ? 'errored' : customId === 'case-4' ? 'expired' : customId === 'case-5' ? 'canceled' : 'succeeded',
  });
});
afterAll(() => fake.close());

function client(overrides: Partial<Parameters<typeof createBatchClient>[0]> = {}) {
  return createBatchClient({ apiKey: TEST_KEY, baseURL: fake.url, models, timeoutMs: 2_000, ...overrides });
}

async function collect(results: AsyncIterable<BatchResult>): Promise<BatchResult[]> {
  const all: BatchResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}

describe('batch client', () => {
  it('refuses an attempt timeout longer than a Node timer holds, as the live provider does (the SDK would time out after 1 ms)', () => {
    expect(() => client({ timeoutMs: 2_147_483_648 })).toThrow(/^timeoutMs must be a whole number of ms from 1 to 2147483647 /);
  });

  const items = Array.from({ length: 6 }, (_, i) => ({
    customId: `case-${i}`,
    request: request(`batch question ${i}`, { params: { temperature: 0.5 } }),
  }));

  it('submits in chunks, waits, and returns every result matched by custom id, at batch prices', async () => {
    const postsAtCallback: number[] = [];
    const reported: string[] = [];
    const ids = await client({ maxRequestsPerBatch: 4 }).submit(items, {
      onSubmitted: async (batchId, customIds) => {
        // Called before the next chunk is sent: each accepted id can be saved first.
        postsAtCallback.push(fake.log.filter((e) => e.method === 'POST').length);
        reported.push(`${batchId}:${customIds.length}`);
      },
    });
    expect(ids).toHaveLength(2);
    expect(reported).toEqual([`${ids[0]}:4`, `${ids[1]}:2`]);
    expect(postsAtCallback).toEqual([1, 2]);
    const posted = fake.log.filter((e) => e.method === 'POST');
    expect(posted.map((e) => (e.body as { requests: unknown[] }).requests.length)).toEqual([4, 2]);
    // The same mapping as live requests: the rejected sampling parameter is not sent.
    const firstParams = (posted[0]!.body as { requests: { params: Record<string, unknown> }[] }).requests[0]!.params;
    expect(firstParams).toMatchObject({ model: 'claude-haiku-5-5', max_tokens: 256 });
    expect(firstParams).not.toHaveProperty('temperature');

    const progress: BatchProgress[] = [];
    await client().waitFor(ids, {
      pollMs: 20,
      onProgress: (p) => {
        if (progress.push(p) === 1) fake.endBatches();
      },
    });
    expect(progress.at(-1)).toMatchObject({ endedBatches: 2, counts: { succeeded: 3, errored: 1, expired: 1, canceled: 1, processing: 0 } });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[0]!.counts.processing).toBeGreaterThan(0);
    for (const p of progress) expect(Object.values(p.counts).reduce((a, b) => a + b, 0)).toBe(6);

    const requestOf = (customId: string) => items.find((item) => item.customId === customId)?.request;
    const results = await collect(client().results(ids, { requestOf }));
    const order = results.map((r) => r.customId);
    expect([...order].sort()).toEqual(items.map((i) => i.customId));
    expect(order).not.toEqual(items.map((i) => i.customId));

    const byId = new Map(results.map((r) => [r.customId, r]));
    const ok = byId.get('case-1')!.generation!;
    expect(ok.text).toBe('echo: batch question 1');
    expect(ok.usage?.serviceTier).toBe('batch');
    expect(ok.costUsd).toBeCloseTo(costOfUsage(ok.usage!, models.get('claude-haiku-5-5')!) / 2, 15);
    expect(ok.pricesAsOf).toBe(models.pricesAsOf);
    // A real latency (the batch's time from creation to its end), and the dropped parameter kept.
    expect(ok.latencyMs).toBeGreaterThan(0);
    expect(ok.droppedParams).toEqual(['temperature']);
    expect(ok.thinking).toMatch(/^The user wrote/);
    expect(byId.get('case-3')!.error).toBeInstanceOf(ProviderError);
    expect(byId.get('case-3')!.error!.kind).toBe('bad_request');
    expect(isResumableError(byId.get('case-3')!.error)).toBe(false);
    // Requests the batch never ran come back resumable: --resume sends them again.
    expect(byId.get('case-4')!.error).toMatchObject({ kind: 'timeout', code: 'batch_expired' });
    expect(byId.get('case-5')!.error).toMatchObject({ code: 'batch_canceled' });
    expect(byId.get('case-5')!.error!.message).toMatch(/canceled/);
    expect(isResumableError(byId.get('case-4')!.error)).toBe(true);
    expect(isResumableError(byId.get('case-5')!.error)).toBe(true);
  });

  it('sends output schemas through the SDK helper and checks answers against the original schema', async () => {
    const json = await startFakeAnthropic({ batchProcessingMs: 0, respond: () => ({ text: '{"n":9}' }) });
    try {
      const jsonClient = createBatchClient({ apiKey: TEST_KEY, baseURL: json.url, models });
      const schema = { type: 'object', properties: { n: { type: 'integer', maximum: 3 } }, required: ['n'] };
      const jsonItems = [{ customId: 'json-1', request: request('q', { outputSchema: schema }) }];
      const ids = await jsonClient.submit(jsonItems);
      const posted = json.log.find((e) => e.method === 'POST')!.body as { requests: { params: { output_config: { format: { schema: unknown } } } }[] };
      expect(posted.requests[0]!.params.output_config.format.schema).toMatchObject({ additionalProperties: false, properties: { n: { description: '{maximum: 3}' } } });
      await jsonClient.waitFor(ids, { pollMs: 20 });
      const [result] = await collect(jsonClient.results(ids, { requestOf: () => jsonItems[0]!.request }));
      // The API could not enforce `maximum`; the local check against the original schema does.
      expect(result!.error).toMatchObject({ kind: 'bad_output' });
      expect(result!.error!.message).toMatch(/must be <= 3/);
    } finally {
      await json.close();
    }
  });

  it('resumes from stored ids without submitting again', async () => {
    const ids = await client().submit(items.slice(0, 2));
    const postsBefore = fake.log.filter((e) => e.method === 'POST').length;
    fake.endBatches();
    // A new process: fresh client, the ids read back from the run folder.
    const resumed = client();
    await resumed.waitFor(ids, { pollMs: 10 });
    const results = await collect(resumed.results(ids));
    expect(results.map((r) => r.customId).sort()).toEqual(['case-0', 'case-1']);
    expect(fake.log.filter((e) => e.method === 'POST').length).toBe(postsBefore);
  });

  it('stops waiting when aborted', async () => {
    const ids = await client().submit(items.slice(0, 1));
    const controller = new AbortController();
    const waiting = client({ batchPricing: false }).waitFor(ids, { pollMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('interrupted')), 20);
    await expect(waiting).rejects.toThrow('interrupted');
  });
});

describe('the batch client refuses before sending what the live provider refuses', () => {
  it('gives the same refusal for the same request: per-request ceiling, a context window models.retrieve told, countTokens', async () => {
    // claude-new-1 is not in the price table: only models.retrieve knows its 1,000-token window.
    const listed = await startFakeAnthropic({ models: { ...fakeModelsFromTable(), 'claude-new-1': { maxInputTokens: 1_000, maxTokens: 500 } } });
    try {
      const cases = [
        { options: { maxInputTokensPerRequest: 10 }, request: request('z'.repeat(400)) },
        { options: { maxInputTokensPerRequest: 10, countTokens: false }, request: request('z'.repeat(400)) },
        { options: {}, request: request('w'.repeat(4 * 1_001), { model: 'claude-new-1', maxTokens: 100 }) },
        { options: { countTokens: true }, request: request('w'.repeat(4 * 1_001), { model: 'claude-new-1', maxTokens: 100 }) },
        { options: { maxInputTokensPerRequest: 10_000 }, request: request('fits') },
      ];
      for (const { options, request: sent } of cases) {
        const shared = { apiKey: TEST_KEY, baseURL: listed.url, models, timeoutMs: 2_000, onWarning: () => undefined, ...options };
        const live = await createAnthropicProvider(shared)
          .generate(sent, context())
          .then(() => undefined, (error: ProviderError) => ({ kind: error.kind, message: error.message }));
        const refused = (await createBatchClient(shared).refusals([{ customId: 'c0', request: sent }])).get('c0');
        expect(refused && { kind: refused.kind, message: refused.message }, JSON.stringify(options)).toEqual(live);
      }
      // The same guard in both: the first four are refused, the last is sent.
      expect(listed.log.filter((e) => e.path === '/v1/messages')).toHaveLength(1);
    } finally {
      await listed.close();
    }
  });
});

describe('the batch client applies the live model guards before sending', () => {
  // claude-new-1 takes at most 500 output tokens; claude-old-1 is retired. Only models.retrieve says so.
  const listedModels = { ...fakeModelsFromTable(), 'claude-new-1': { maxInputTokens: 10_000, maxTokens: 500 }, 'claude-old-1': { maxInputTokens: 10_000, lifecycle: 'retired' as const } };
  const shown = (error: ProviderError | undefined) => error && { kind: error.kind, message: error.message, fatal: error.fatal };

  it('refuses a max_tokens above the model\'s as live does, and stops on a retired model with live\'s fatal error, sending nothing', async () => {
    const listed = await startFakeAnthropic({ models: listedModels });
    try {
      const shared = { apiKey: TEST_KEY, baseURL: listed.url, models, timeoutMs: 2_000, onWarning: () => undefined };
      const liveError = (sent: GenerationRequest) =>
        createAnthropicProvider(shared)
          .generate(sent, context())
          .then(() => undefined, (error: ProviderError) => error);

      const tooLong = request('q', { model: 'claude-new-1', maxTokens: 600 });
      const refused = await createBatchClient(shared).refusals([{ customId: 'c0', request: tooLong }]);
      expect(shown(refused.get('c0'))).toEqual(shown(await liveError(tooLong)));
      expect(refused.get('c0')).toMatchObject({ kind: 'bad_request', fatal: false });

      const retired = request('q', { model: 'claude-old-1' });
      const live = await liveError(retired);
      expect(live).toMatchObject({ kind: 'not_found', fatal: true });
      // Fatal: the whole batch stops (as the live run does), not only this request.
      const stopped = await createBatchClient(shared)
        .refusals([{ customId: 'c0', request: request('fine') }, { customId: 'c1', request: retired }])
        .then(() => undefined, (error: ProviderError) => error);
      expect(shown(stopped)).toEqual(shown(live));
      expect(listed.log.filter((e) => e.path === '/v1/messages' || e.path === '/v1/messages/batches')).toHaveLength(0);
    } finally {
      await listed.close();
    }
  });

  it('the same max_tokens refusal for stopAfterIdenticalBadRequests different requests in a row stops the batch as it stops a live run', async () => {
    const listed = await startFakeAnthropic({ models: listedModels });
    try {
      const shared = { apiKey: TEST_KEY, baseURL: listed.url, models, timeoutMs: 2_000, stopAfterIdenticalBadRequests: 3 };
      const sent = [0, 1, 2].map((i) => request(`case ${i}`, { model: 'claude-new-1', maxTokens: 600 }));
      const provider = createAnthropicProvider(shared);
      const live: ProviderError[] = [];
      for (const one of sent) await provider.generate(one, context()).catch((error: ProviderError) => live.push(error));
      expect(live.map((e) => e.fatal)).toEqual([false, false, true]);

      const items = sent.map((one, i) => ({ customId: `c${i}`, request: one }));
      // Two are each that request's refusal; the third makes the streak that stops the run.
      const two = await createBatchClient(shared).refusals(items.slice(0, 2));
      expect([...two.values()].map(shown)).toEqual(live.slice(0, 2).map(shown));
      const stopped = await createBatchClient(shared)
        .refusals(items)
        .then(() => undefined, (error: ProviderError) => error);
      expect(shown(stopped)).toEqual(shown(live[2]));
      // A request that passes the guard in between ends the streak, as an answer does live.
      const broken = [items[0]!, items[1]!, { customId: 'ok', request: request('fits') }, items[2]!];
      expect((await createBatchClient(shared).refusals(broken)).size).toBe(3);
    } finally {
      await listed.close();
    }
  });
});

describe('the batch client warns of a deprecated model as live does', () => {
  it('once per model, with its retirement date, in the same words', async () => {
    const listed = await startFakeAnthropic({
      models: { ...fakeModelsFromTable(), 'claude-old-1': { maxInputTokens: 100_000, retiresAt: '2026-12-01', lifecycle: 'deprecated' } },
    });
    try {
      const liveWarnings: string[] = [];
      const live = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: listed.url, models, timeoutMs: 2_000, onWarning: (w) => liveWarnings.push(w) });
      await live.generate(request('a', { model: 'claude-old-1' }), context());
      await live.generate(request('b', { model: 'claude-old-1' }), context());

      const batchWarnings: string[] = [];
      const batch = createBatchClient({ apiKey: TEST_KEY, baseURL: listed.url, models, timeoutMs: 2_000, onWarning: (w) => batchWarnings.push(w) });
      const items = ['a', 'b', 'c'].map((text, i) => ({ customId: `c${i}`, request: request(text, { model: i === 2 ? 'claude-haiku-4-5' : 'claude-old-1' }) }));
      expect((await batch.refusals(items)).size).toBe(0);
      await batch.refusals(items);
      expect(batchWarnings).toEqual(['claude-old-1 is deprecated and retires on 2026-12-01; plan the move to a current model']);
      expect(batchWarnings).toEqual(liveWarnings);
    } finally {
      await listed.close();
    }
  });
});

describe('an output schema the SDK helper rejects, in a batch', () => {
  it('is live\'s fatal bad_request, from the guard and from submit, and nothing is sent', async () => {
    const listed = await startFakeAnthropic();
    try {
      const shared = { apiKey: TEST_KEY, baseURL: listed.url, models, timeoutMs: 2_000, onWarning: () => undefined };
      // The helper takes only an object schema; a prompt's `output:` may be any JSON Schema.
      const listSchema = request('q', { outputSchema: { type: 'array', items: { type: 'string' } } });
      const shown = (error: unknown) => (error instanceof ProviderError ? { kind: error.kind, message: error.message, fatal: error.fatal } : error);
      const live = await createAnthropicProvider(shared).generate(listSchema, context()).then(() => undefined, shown);
      expect(live).toMatchObject({ kind: 'bad_request', fatal: true, message: expect.stringMatching(/^the output schema cannot be sent as structured output: /) });
      const items = [{ customId: 'c0', request: request('fine') }, { customId: 'c1', request: listSchema }];
      const refused = await createBatchClient(shared).refusals(items).then(() => undefined, shown);
      expect(refused).toEqual(live);
      const submitted = await createBatchClient(shared).submit(items).then(() => undefined, shown);
      expect(submitted).toEqual(live);
      expect(listed.log.filter((e) => e.path === '/v1/messages' || e.path === '/v1/messages/batches')).toHaveLength(0);
    } finally {
      await listed.close();
    }
  });
});

describe('a count_tokens failure in the batch guard', () => {
  it('is that request\'s error, classified as live classifies it; a fatal one stops the batch as it stops a live run', async () => {
    const counting = await startFakeAnthropic();
    try {
      const shared = { apiKey: TEST_KEY, baseURL: counting.url, models, timeoutMs: 2_000, maxRetries: 0, countTokens: true };
      const faults = [{ status: 529 }, { status: 400, message: 'messages: bad block' }, { status: 401 }];
      for (const fault of faults) {
        counting.script('/v1/messages/count_tokens', [fault]);
        const live = await createAnthropicProvider(shared)
          .generate(request('first'), context())
          .then(() => undefined, (error: ProviderError) => error);
        expect(live, JSON.stringify(fault)).toBeInstanceOf(ProviderError);
        counting.script('/v1/messages/count_tokens', [fault]);
        const items = [
          { customId: 'c0', request: request('first') },
          { customId: 'c1', request: request('second') },
        ];
        const batch = await createBatchClient(shared)
          .refusals(items)
          .then((refused) => ({ refused }), (error: ProviderError) => ({ stopped: error }));
        const shown = (error: ProviderError | undefined) => error && { kind: error.kind, message: error.message, fatal: error.fatal };
        if (live!.fatal) {
          expect('stopped' in batch && shown(batch.stopped), JSON.stringify(fault)).toEqual(shown(live));
        } else {
          // Only the request whose count failed: the next one is counted and goes in the batch.
          expect('refused' in batch && [...batch.refused.keys()], JSON.stringify(fault)).toEqual(['c0']);
          expect('refused' in batch && shown(batch.refused.get('c0'))).toEqual(shown(live));
        }
      }
    } finally {
      await counting.close();
    }
  });
});

describe('chunkBatchLines', () => {
  const line = (i: number) => ({ custom_id: `c${i}`, params: { text: 'x'.repeat(100) } });

  it('respects the request count and the serialized size', () => {
    const lines = Array.from({ length: 10 }, (_, i) => line(i));
    expect(chunkBatchLines(lines, 3, 1e9).map((c) => c.length)).toEqual([3, 3, 3, 1]);
    const size = Buffer.byteLength(JSON.stringify(line(0))) + 1;
    const bySize = chunkBatchLines(lines, 100, 15 + size * 4);
    expect(bySize.map((c) => c.length)).toEqual([4, 4, 2]);
    expect(bySize.flat()).toEqual(lines);
  });

  it('rejects a single request larger than a whole batch may be', () => {
    expect(() => chunkBatchLines([line(0)], 10, 50)).toThrow(/alone is/);
  });
});
