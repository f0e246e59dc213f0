import { readFile, readdir, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CacheDamageTally, cacheDamageWarning, cacheEntry, cacheWriteWarning, withCache } from '../../src/providers/cache.js';
import { createFunctionProvider } from '../../src/providers/function.js';
import { withRecording } from '../../src/providers/record.js';
import { createReplayProvider } from '../../src/providers/replay.js';
import { generationKey } from '../../src/providers/requestKey.js';
import { ProviderError, type GenerateContext, type GenerationRequest, type Provider } from '../../src/providers/types.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

const request: GenerationRequest = { model: 'claude-haiku-4-5', system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }], maxTokens: 50 };
const context = (repeat = 0): GenerateContext => ({
  signal: new AbortController().signal,
  repeat,
  caseId: 'c1',
  vars: { name: 'Ada' },
  promptId: 'greet',
  promptVersion: 'v1',
});

function counting(): Provider & { calls: number } {
  const provider = {
    id: 'counting',
    calls: 0,
    async generate(_req: GenerationRequest, ctx: GenerateContext) {
      provider.calls++;
      return { text: `answer ${provider.calls} r${ctx.repeat}`, stopReason: 'end_turn', latencyMs: 12, costUsd: 0.5, usage: { inputTokens: 10, outputTokens: 4 } };
    },
  };
  return provider;
}

describe('generationKey', () => {
  it('differs by repeat index and by any request field, and ignores key order', () => {
    expect(generationKey(request, 0)).not.toBe(generationKey(request, 1));
    expect(generationKey(request, 0)).not.toBe(generationKey({ ...request, maxTokens: 51 }, 0));
    const reordered = { maxTokens: 50, messages: request.messages, system: 'Be brief.', model: 'claude-haiku-4-5' };
    expect(generationKey(reordered, 0)).toBe(generationKey(request, 0));
  });
});

describe('record → replay', () => {
  it('replays exactly what was recorded, per repeat, from a sorted byte-stable file', async () => {
    project = await tempProject();
    const file = project.path('rec/greet.jsonl');
    const recorder = withRecording(counting(), file);
    await recorder.generate(request, context(1));
    await recorder.generate(request, context(0));
    await recorder.close!();
    const first = await readFile(file, 'utf8');
    expect(first.trim().split('\n')).toHaveLength(2);

    const replay = await createReplayProvider(file);
    expect((await replay.generate(request, context(0))).text).toBe('answer 2 r0');
    expect((await replay.generate(request, context(1))).text).toBe('answer 1 r1');

    const again = withRecording(counting(), file);
    await again.generate(request, context(0));
    await again.generate(request, context(1));
    await again.close!();
    expect((await readFile(file, 'utf8')).split('\n').map((l) => l.slice(0, 80))).toEqual(first.split('\n').map((l) => l.slice(0, 80)));
  });

  it('a miss is a replay_miss error that says which sample and how to record it', async () => {
    project = await tempProject();
    const replay = await createReplayProvider(project.path('none.jsonl'));
    const error = await replay.generate(request, context(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('replay_miss');
    expect((error as ProviderError).message).toMatch(/case c1, greet v1, model claude-haiku-4-5, repeat 2/);
    expect((error as ProviderError).message).toMatch(/--record/);
  });

  it('a malformed recordings file is an input error naming the line', async () => {
    project = await tempProject({ 'bad.jsonl': '{"key":"a","caseId":"c1","promptId":"greet","version":"v1","model":"m","repeat":0,"response":{"text":"x","stopReason":"end_turn","latencyMs":1}}\n{oops\n' });
    await expect(createReplayProvider(project.path('bad.jsonl'))).rejects.toThrow(/bad\.jsonl:2: not valid JSON/);
  });

  it('a recordings path that cannot be read (a folder) is named, for replay and when recording', async () => {
    // Before: Node's `EISDIR: illegal operation on a directory, read`, with no path.
    project = await tempProject({ 'recordings.jsonl/keep': '' });
    const file = project.path('recordings.jsonl');
    await expect(createReplayProvider(file)).rejects.toThrow(/recordings\.jsonl: .*\(EISDIR on read\)/);
    const recorder = withRecording(createFunctionProvider(() => 'hi'), file);
    await recorder.generate(request, context());
    await expect(recorder.close!()).rejects.toThrow(/recordings\.jsonl: .*\(EISDIR on read\)/);
  });
});

describe('response cache', () => {
  it('serves a second identical request from disk, marked cached, and keeps repeats independent', async () => {
    project = await tempProject();
    const inner = counting();
    const cached = withCache(inner, project.path('cache'));
    const a = await cached.generate(request, context(0));
    const b = await cached.generate(request, context(0));
    const c = await cached.generate(request, context(1));
    expect(inner.calls).toBe(2);
    expect(a.cached).toBeUndefined();
    expect(b).toMatchObject({ text: a.text, cached: true });
    expect(c.text).not.toBe(a.text);
    const shards = await readdir(project.path('cache'));
    expect(shards.length).toBeGreaterThan(0);
  });
});

describe('response cache and answers the caller cannot use', () => {
  it('does not store an answer the context calls not cacheable, and does not serve a stored one', async () => {
    project = await tempProject();
    const inner = counting();
    const cached = withCache(inner, project.path('cache'));
    // Stored before the caller said what it can use (an older run): read as a miss and replaced.
    await cached.generate(request, context());
    const usable = (text: string) => ({ ...context(), cacheable: (answer: { text: string }) => answer.text !== text });
    const refusedFirst = await cached.generate(request, usable('answer 1 r0'));
    expect(refusedFirst).toMatchObject({ text: 'answer 2 r0' });
    expect(refusedFirst.cached).toBeUndefined();
    const fromCache = await cached.generate(request, usable('answer 1 r0'));
    expect(fromCache).toMatchObject({ text: 'answer 2 r0', cached: true });
    // An unusable answer is not written: the next request asks again.
    const other = { ...request, maxTokens: 60 };
    await cached.generate(other, { ...context(), cacheable: () => false });
    const again = await cached.generate(other, context());
    expect(again).toMatchObject({ text: 'answer 4 r0' });
    expect(again.cached).toBeUndefined();
    expect(inner.calls).toBe(4);
  });

  it('stores nothing for an answer the provider refused as bad_output (it throws before the cache)', async () => {
    project = await tempProject();
    let calls = 0;
    const breaking: Provider = {
      id: 'breaking',
      async generate() {
        calls++;
        throw new ProviderError('bad_output', 'the answer does not match the output schema', { generation: { text: '{"x":1}', stopReason: 'end_turn', latencyMs: 3 } });
      },
    };
    const cached = withCache(breaking, project.path('cache'));
    await expect(cached.generate(request, context())).rejects.toMatchObject({ kind: 'bad_output' });
    await expect(cached.generate(request, context())).rejects.toMatchObject({ kind: 'bad_output' });
    expect(calls).toBe(2);
    await expect(readdir(project.path('cache'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('response cache that cannot be written', () => {
  it('answers every sample, stores nothing, and tells the caller of each entry it could not write', async () => {
    project = await tempProject({ blocked: 'a file where the cache folder goes\n' });
    const inner = counting();
    const failures: Array<{ error: unknown; file: string }> = [];
    const cached = withCache(inner, project.path('blocked/cache'), (error, file) => failures.push({ error, file }));
    const first = await cached.generate(request, context());
    const again = await cached.generate(request, context());
    expect([first.text, again.text]).toEqual(['answer 1 r0', 'answer 2 r0']);
    expect(again.cached).toBeUndefined();
    expect(inner.calls).toBe(2);
    expect(failures).toHaveLength(2);
    expect(failures[0]!.file.startsWith(project.path('blocked/cache'))).toBe(true);
    expect(cacheWriteWarning(failures[0]!.error, 'blocked/cache')).toMatch(
      /^WARNING: the response cache blocked\/cache could not be written: .* \((ENOTDIR|EEXIST) on mkdir\)\. The run goes on, but its answers are not cached, so a later run asks \(and pays\) for them again\. To cache them: the path does not fit what is on disk .*--no-cache runs without it\)$/,
    );
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    expect(cacheWriteWarning(full, '.promptgold/cache')).toContain('could not be written: no space left on device (ENOSPC on write). The run goes on');
    expect(cacheWriteWarning(full, '.promptgold/cache')).toContain('To cache them: free space on that disk');
    expect(cacheWriteWarning(new Error('boom'), '.promptgold/cache')).toMatch(/^WARNING: the response cache \.promptgold\/cache could not be written: boom\./);
  });
});

describe('function provider', () => {
  it('passes the case vars and the rendered prompt, and serializes object results as JSON', async () => {
    const seen: unknown[] = [];
    const provider = createFunctionProvider(async (input, ctx) => {
      seen.push(input, ctx.prompt, ctx.system);
      return { greeting: `hello ${String(input.name)}` };
    }, 'greeter');
    const generation = await provider.generate(request, context());
    expect(generation.text).toBe('{"greeting":"hello Ada"}');
    expect(seen).toEqual([{ name: 'Ada' }, 'Hi', 'Be brief.']);
    expect(provider.id).toBe('function:greeter');
  });

  it('fails the sample, as its provider error, when the function returns nothing JSON can write', async () => {
    const forgot = createFunctionProvider(async () => undefined as unknown as string, 'forgot');
    await expect(forgot.generate(request, context())).rejects.toMatchObject({
      kind: 'provider_error',
      message: 'function forgot returned undefined (did it forget to return?); return a string, a JSON value or functionAnswer({ text })',
    });
    const symbol = createFunctionProvider(async () => Symbol('x') as unknown as string, 'sym');
    await expect(symbol.generate(request, context())).rejects.toMatchObject({ kind: 'provider_error', message: expect.stringContaining('returned a symbol with no JSON text') });
    const big = createFunctionProvider(async () => ({ total: 10n }), 'big');
    await expect(big.generate(request, context())).rejects.toMatchObject({ kind: 'provider_error', message: expect.stringContaining('function big returned a value that cannot be written as JSON') });
    // An empty string is an answer (scored as it is), not a missing one.
    await expect(createFunctionProvider(async () => '', 'empty').generate(request, context())).resolves.toMatchObject({ text: '' });
  });
});

/** A response cache in a fresh project, holding the answer to `request` (repeat 0): its layers, the damage it reports, and that entry's file. */
async function cacheWithOneEntry() {
  project = await tempProject();
  const inner = counting();
  const damaged: Array<{ problem: string; file: string }> = [];
  const cached = withCache(inner, project.path('cache'), undefined, (problem, file) => damaged.push({ problem, file }));
  await cached.generate(request, context(0));
  const [shard] = await readdir(project.path('cache'));
  const [name] = await readdir(project.path('cache', shard!));
  return { inner, damaged, cached, file: project.path('cache', shard!, name!) };
}

describe('response cache with a damaged entry', () => {
  it('says which entry and what is wrong, sends the request again and replaces the entry', async () => {
    const { inner, damaged, cached, file } = await cacheWithOneEntry();
    const whole = await readFile(file, 'utf8');
    await writeFile(file, whole.slice(0, whole.length / 2));
    const again = await cached.generate(request, context(0));
    expect(again.cached).toBeUndefined();
    expect(inner.calls).toBe(2);
    expect(damaged).toEqual([{ problem: expect.stringMatching(/^not valid JSON \(/), file }]);
    // Replaced by the new answer: served from the cache again, and nothing more is said.
    expect(await cached.generate(request, context(0))).toMatchObject({ text: again.text, cached: true });
    expect(damaged).toHaveLength(1);
  });

  it('counts a damaged entry once however many samples read it, and promises no replacement it cannot keep', async () => {
    project = await tempProject();
    await withCache(counting(), project.path('cache')).generate(request, context(0));
    const [shard] = await readdir(project.path('cache'));
    const [name] = await readdir(project.path('cache', shard!));
    const file = project.path('cache', shard!, name!);
    await writeFile(file, '');
    // Two samples with the same request both read the damaged entry before either answer comes back.
    let release!: () => void;
    const answered = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    const held: Provider = {
      id: 'counting',
      async generate() {
        asked++;
        if (asked === 2) release();
        await answered;
        return { text: 'again', stopReason: 'end_turn', latencyMs: 1 };
      },
    };
    const tally = new CacheDamageTally();
    const cached = withCache(held, project.path('cache'), undefined, (problem, damagedFile) => tally.note(problem, damagedFile));
    await Promise.all([cached.generate(request, context(0)), cached.generate(request, context(0))]);
    expect(asked).toBe(2);
    const warning = tally.take();
    expect(warning).toMatch(/^WARNING: 1 response cache entry was damaged and not used: .*: not valid JSON \(.*, the file is empty\)\./);
    expect(warning).toContain('an answer that came back replaced its entry');
    expect(warning).not.toContain('each answer replaces its entry');
    // Said once: the tally starts afresh.
    expect(tally.take()).toBeUndefined();
  });

  it('an entry edited out of the answer format is never served: a miss, said with the field, as the recordings reader would', async () => {
    const { damaged, cached, file } = await cacheWithOneEntry();
    // Valid JSON with text and a stop reason, but a tool call with no name: a tool-call scorer would score it.
    await writeFile(file, JSON.stringify({ text: 'edited', stopReason: 'tool_use', latencyMs: 3, toolCalls: [{ input: {} }] }));
    const again = await cached.generate(request, context(0));
    expect(again).toMatchObject({ text: 'answer 2 r0' });
    expect(again.cached).toBeUndefined();
    expect(damaged).toEqual([{ problem: 'toolCalls.0.name: is required (expected a string)', file }]);

    const cases: Array<[string, string]> = [
      ['{"text":"x","stopReason":"end_turn","latencyMs":3,"usage":{"inputTokens":"abc","outputTokens":1}}', 'usage.inputTokens: expected a number, got string'],
      ['{"text":"x","stopReason":"","latencyMs":3}', 'stopReason: '],
      ['{"text":"x","stopReason":"end_turn"}', 'latencyMs: is required (expected a number)'],
      ['{"text":"x","stopReason":"end_turn","latencyMs":3,"txet":"y"}', 'txet: unknown key "txet" (did you mean "text"? allowed: text, stopReason, '],
      ['{"text":"x","stopReason":"end_turn","latencyMs":3,"costUsd":"0.5"}', 'costUsd: expected a number, got string'],
      ['{"text":"x","stopReason":"end_turn","latencyMs":3,"attempts":0}', 'attempts: '],
      ['{"text":"x","stopReason":"end_turn","latencyMs":3,"droppedParams":"temperature"}', 'droppedParams: expected an array, got string'],
    ];
    for (const [text, problem] of cases) expect(cacheEntry(text).damaged, text).toContain(problem);
    // What the cache writes reads back whole.
    const full = { text: 'x', stopReason: 'tool_use', latencyMs: 3, usage: { inputTokens: 1, outputTokens: 2 }, toolCalls: [{ id: 't1', name: 'f', input: {} }], costUsd: 0.5, attempts: 2, droppedParams: ['temperature'], cacheSavedUsd: -0.1 };
    expect(cacheEntry(JSON.stringify(full))).toEqual({ hit: full });
  });

  it('tells a missing entry (a plain miss) from one that is there but unusable', () => {
    expect(cacheEntry('{"text":"hi","stopReason":"end_turn","latencyMs":3}')).toEqual({ hit: { text: 'hi', stopReason: 'end_turn', latencyMs: 3 } });
    expect(cacheEntry('').damaged).toMatch(/^not valid JSON \(.*, the file is empty\)$/);
    expect(cacheEntry('null').damaged).toBe('expected an answer object');
    expect(cacheEntry('{"stopReason":"end_turn","latencyMs":3}').damaged).toBe('text: is required (expected a string)');
    expect(cacheEntry('{"text":"x","latencyMs":3}').damaged).toBe('stopReason: is required (expected a string)');
    expect(cacheEntry('{"text":"x","stopReason":"end_turn","latencyMs":3,"toolCalls":{}}').damaged).toBe('toolCalls: expected an array, got object');
    expect(cacheDamageWarning(1, { problem: 'expected an answer object', file: '.promptgold/cache/ab/ab12.json' })).toMatch(
      /^WARNING: 1 response cache entry was damaged and not used: \.promptgold\/cache\/ab\/ab12\.json: expected an answer object\. Their requests were sent again/,
    );
  });
});

describe('response cache under concurrency', () => {
  it('identical requests finishing together both succeed (a cache write never fails a sample)', async () => {
    project = await tempProject();
    const slow: Provider = {
      id: 'slow',
      async generate() {
        await new Promise((r) => setTimeout(r, 5));
        return { text: 'same', stopReason: 'end_turn', latencyMs: 5 };
      },
    };
    const cached = withCache(slow, project.path('cache'));
    const results = await Promise.all(Array.from({ length: 8 }, () => cached.generate(request, context(0))));
    expect(results.map((r) => r.text)).toEqual(Array(8).fill('same'));
  });
});

describe('record, replay and cache keep everything of a full answer', () => {
  const rich: Provider = {
    id: 'rich',
    async generate() {
      return {
        text: 'Let me check.',
        toolCalls: [
          { id: 'toolu_1', name: 'lookup_invoice', input: { number: 'INV-10421' } },
          { id: 'toolu_2', name: 'create_refund', input: { number: 'INV-10421', amount: 49 } },
        ],
        thinking: 'Look it up first.',
        stopReason: 'tool_use',
        latencyMs: 812.4,
        ttftMs: 301.6,
        streamed: true,
        usage: { inputTokens: 20, outputTokens: 9, cacheReadInputTokens: 1200, cacheCreationInputTokens: 0 },
      };
    },
  };
  const toolRequest: GenerationRequest = { ...request, tools: [{ name: 'lookup_invoice', inputSchema: { type: 'object' } }], stream: true };

  it('replays tool calls (in order), thinking, streaming and time to first token as recorded', async () => {
    project = await tempProject();
    const file = project.path('recordings.jsonl');
    const recorder = withRecording(rich, file);
    await recorder.generate(toolRequest, context());
    await recorder.close!();
    const replayed = await (await createReplayProvider(file)).generate(toolRequest, context());
    expect(replayed).toMatchObject({
      text: 'Let me check.',
      toolCalls: [
        { id: 'toolu_1', name: 'lookup_invoice', input: { number: 'INV-10421' } },
        { id: 'toolu_2', name: 'create_refund', input: { number: 'INV-10421', amount: 49 } },
      ],
      thinking: 'Look it up first.',
      stopReason: 'tool_use',
      streamed: true,
      ttftMs: 302,
      latencyMs: 812,
      usage: { cacheReadInputTokens: 1200 },
    });
    // The same request without stream (or without tools) is another key: it was not recorded.
    await expect(createReplayProvider(file).then((p) => p.generate({ ...toolRequest, stream: false }, context()))).rejects.toMatchObject({ kind: 'replay_miss' });
    await expect(createReplayProvider(file).then((p) => p.generate({ ...toolRequest, tools: [] }, context()))).rejects.toMatchObject({ kind: 'replay_miss' });
  });

  it('the response cache gives the tool calls back', async () => {
    project = await tempProject();
    const cached = withCache(rich, project.path('cache'));
    await cached.generate(toolRequest, context());
    const hit = await cached.generate(toolRequest, context());
    expect(hit.cached).toBe(true);
    expect(hit.toolCalls?.map((call) => call.name)).toEqual(['lookup_invoice', 'create_refund']);
    expect(hit.ttftMs).toBe(302);
  });
});
