/**
 * The engine's side of full requests: the function provider gets the whole rendered request and
 * may answer with tool calls; the streaming decision is made in the request and recorded; what a
 * model rejects (a prefill, a forced tool choice) stops the run before anything is sent; cache
 * marks that cannot pay are warned about; and the summary's figures appear only when there is data.
 */
import { sampleRecord } from '../helpers/builders.js';
import { afterEach, describe, expect, it } from 'vitest';
import { RunSession } from '../../src/engine/assemble.js';
import { buildRequest } from '../../src/engine/executeSample.js';
import { loadSuite } from '../../src/engine/loadSuite.js';
import { promptCacheWarnings } from '../../src/engine/preflight.js';
import { runSuite } from '../../src/engine/run.js';
import { InputError } from '../../src/errors.js';
import { createFunctionProvider, functionAnswer, type FunctionTargetContext } from '../../src/providers/function.js';
import { loadModelTable } from '../../src/providers/pricing.js';
import type { GenerationRequest } from '../../src/providers/types.js';
import { readRecord } from '../../src/records/reader.js';
import { SummaryBuilder } from '../../src/records/summary.js';
import type { SampleRecord } from '../../src/records/types.js';
import { custom } from '../../src/scoring/index.js';
import { defineSuite } from '../../src/suite.js';
import { TINY_PDF } from '../helpers/attachments.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

const CONVERSATION = `---
id: support
version: v1
max_tokens: 300
system:
  - text: You are the support assistant.
    cache: 5m
tools:
  - name: lookup_invoice
    input_schema: { type: object, properties: { number: { type: string } } }
---
{{#user}}
{{document "policy.pdf" title="Policy"}}
{{message}}
{{/user}}
{{#assistant}}
Sure:
{{/assistant}}
`;

async function setup(prompt = CONVERSATION) {
  project = await tempProject({
    'prompts/support.v1.hbs': prompt,
    'data/cases.jsonl': [JSON.stringify({ id: 'c1', vars: { message: 'Refund INV-1' } }), JSON.stringify({ id: 'c2', vars: { message: 'Hello' } })].join('\n'),
    'data/policy.pdf': TINY_PDF,
  });
}

function suite(overrides: Partial<Parameters<typeof defineSuite>[0]> = {}) {
  return defineSuite({
    name: 'support',
    prompt: './prompts',
    models: ['claude-haiku-4-5'],
    dataset: './data/cases.jsonl',
    scorers: [custom('called', (sample) => ({ score: sample.generation.toolCalls ? 1 : 0, pass: true, reason: 'seen' }))],
    ...overrides,
  });
}

describe('the function provider', () => {
  it('receives the full request (system blocks, turns, documents, tools) and may answer with tool calls', async () => {
    await setup();
    const seen: FunctionTargetContext[] = [];
    const target = (vars: Record<string, unknown>, context: FunctionTargetContext) => {
      seen.push(context);
      return String(vars.message).includes('INV')
        ? functionAnswer({ text: 'Looking it up.', toolCalls: [{ name: 'lookup_invoice', input: { number: 'INV-1' } }] })
        : { reply: 'hi' };
    };
    const loaded = await loadSuite(suite(), project.path('support.eval.ts'), {}, project.root);
    await runSuite(loaded, { provider: createFunctionProvider(target), runDir: project.path('runs/r1'), runId: 'r1' });

    const first = seen.find((c) => c.caseId === 'c1')!;
    expect(first.request.system).toEqual([{ type: 'text', text: 'You are the support assistant.', cacheControl: { type: 'ephemeral', ttl: '5m' } }]);
    expect(first.system).toBe('You are the support assistant.');
    expect(first.request.tools?.map((t) => t.name)).toEqual(['lookup_invoice']);
    const turn = first.request.messages[0]!.content as Array<{ type: string; source?: { data: string } }>;
    expect(turn[0]!.type).toBe('document');
    expect(Buffer.from(turn[0]!.source!.data, 'base64').toString()).toBe(TINY_PDF); // the user's code gets the bytes
    expect(first.request.messages.at(-1)).toEqual({ role: 'assistant', content: 'Sure:' });
    expect(first.prompt).toBe('Refund INV-1\n\nSure:');

    const record = await readRecord(project.path('runs/r1/run.jsonl'));
    const c1 = record.samples.find((s) => s.caseId === 'c1')!;
    expect(c1.toolCalls).toEqual([{ name: 'lookup_invoice', input: { number: 'INV-1' } }]);
    expect(c1.stopReason).toBe('tool_use');
    expect(c1.output).toBe('Looking it up.');
    const c2 = record.samples.find((s) => s.caseId === 'c2')!;
    expect(c2).not.toHaveProperty('toolCalls');
    expect(c2.output).toBe('{"reply":"hi"}');
  });

  it('gets the whole engine context, and a signal that the per-sample timeout aborts', async () => {
    await setup();
    const contexts: FunctionTargetContext[] = [];
    const aborted: unknown[] = [];
    const target = async (_vars: Record<string, unknown>, context: FunctionTargetContext) => {
      contexts.push(context);
      if (context.caseId !== 'c1') return 'fine';
      // Never answers: only the timeout ends it, and it must reach the function's signal, also
      // through a copy of the context (the signal is an own, enumerable property).
      const { signal } = { ...context };
      return new Promise<string>((_, reject) => signal.addEventListener('abort', () => {
        aborted.push(signal.reason);
        reject(signal.reason);
      }));
    };
    const loaded = await loadSuite(suite({ timeoutMs: 200 }), project.path('support.eval.ts'), {}, project.root);
    await runSuite(loaded, { provider: createFunctionProvider(target), runDir: project.path('runs/r2'), runId: 'r2' });

    const second = contexts.find((c) => c.caseId === 'c2')!;
    expect({ ...second, signal: undefined, request: undefined, deadline: undefined }).toEqual({
      caseId: 'c2', repeat: 0, vars: { message: 'Hello' }, promptId: 'support', promptVersion: 'v1', model: 'claude-haiku-4-5',
      system: 'You are the support assistant.', prompt: expect.any(String), signal: undefined, request: undefined, deadline: undefined,
    });
    expect(second.signal).toBeInstanceOf(AbortSignal);
    expect(typeof second.deadline?.pause).toBe('function');
    expect(aborted).toHaveLength(1);
    const record = await readRecord(project.path('runs/r2/run.jsonl'));
    expect(record.samples.find((s) => s.caseId === 'c1')!.error).toMatchObject({ kind: 'timeout' });
  });
});

describe('the function provider: the prompt and system texts it is given', () => {
  it('are the request\'s own strings for one plain message, and the texts joined by a blank line otherwise', async () => {
    const seen: Array<Pick<FunctionTargetContext, 'prompt' | 'system'>> = [];
    const provider = createFunctionProvider((_vars, context) => {
      seen.push({ prompt: context.prompt, system: context.system });
      return 'ok';
    });
    const context = { repeat: 0, caseId: 'c1', vars: {}, promptId: 'p', promptVersion: 'v1', signal: new AbortController().signal };
    const requests: GenerationRequest[] = [
      { model: 'm', maxTokens: 10, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] },
      { model: 'm', maxTokens: 10, messages: [{ role: 'user', content: 'Hello' }] },
      { model: 'm', maxTokens: 10, system: '', messages: [{ role: 'user', content: '' }] },
      {
        model: 'm',
        maxTokens: 10,
        system: [{ type: 'text', text: 'One.' }, { type: 'text', text: 'Two.' }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'First' }, { type: 'text', text: 'part' }] },
          { role: 'assistant', content: 'Sure:' },
        ],
      },
    ];
    for (const request of requests) await provider.generate(request, context);
    expect(seen).toEqual([
      { prompt: 'Hello', system: 'Be brief.' },
      { prompt: 'Hello', system: undefined },
      { prompt: '', system: '' },
      { prompt: 'First\n\npart\n\nSure:', system: 'One.\n\nTwo.' },
    ]);
  });
});

describe('the streaming decision', () => {
  it('is the request\'s: asked by the template or suite, else a max_tokens too large to wait for', async () => {
    await setup(CONVERSATION.replace('max_tokens: 300', 'max_tokens: 32000'));
    const large = await loadSuite(suite(), project.path('support.eval.ts'), {}, project.root);
    const planned = { index: 0, case: [...large.cases][0]!, prompt: large.prompts[0]!, model: 'claude-haiku-4-5', repeat: 0 };
    expect(buildRequest(planned, planned.prompt.render(planned.case.vars, planned.case.id)).stream).toBe(true);
    const off = await loadSuite(suite({ stream: false }), project.path('support.eval.ts'), {}, project.root);
    const plannedOff = { ...planned, prompt: off.prompts[0]! };
    expect(buildRequest(plannedOff, plannedOff.prompt.render(planned.case.vars, planned.case.id)).stream).toBe(false);
    expect(off.headerOptions.stream).toBe(false);
  });

  it('leaves a small request unstreamed unless the suite asks', async () => {
    await setup();
    const plain = await loadSuite(suite(), project.path('support.eval.ts'), {}, project.root);
    const planned = { index: 0, case: [...plain.cases][0]!, prompt: plain.prompts[0]!, model: 'claude-haiku-4-5', repeat: 0 };
    expect(buildRequest(planned, planned.prompt.render(planned.case.vars, planned.case.id))).not.toHaveProperty('stream');
    expect(plain.headerOptions).not.toHaveProperty('stream');
    const streamed = await loadSuite(suite({ stream: true }), project.path('support.eval.ts'), {}, project.root);
    const plannedOn = { ...planned, prompt: streamed.prompts[0]! };
    expect(buildRequest(plannedOn, plannedOn.prompt.render(planned.case.vars, planned.case.id)).stream).toBe(true);
  });
});

describe('what a model rejects, refused before anything is sent', () => {
  async function assembleError(models: string[], prompt = CONVERSATION, provider = 'replay'): Promise<InputError | undefined> {
    await setup(prompt);
    const session = await RunSession.open({ root: project.root, config: {}, provider, onWarning: () => undefined });
    const target = provider === 'function' ? { provider: () => 'an answer' } : {};
    const loaded = await session.loadSuite(suite({ models, ...target }), project.path('support.eval.ts'));
    try {
      await session.assemble(loaded);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return error as InputError;
    }
    return undefined;
  }

  it('a prefill on a model that does not take one names the file, the prefill\'s line, the model and the models that do', async () => {
    const error = await assembleError(['claude-haiku-4-5', 'claude-sonnet-5-5']);
    expect(error?.message).toMatch(/prompts\/support\.v1\.hbs:16: body: claude-sonnet-5-5 does not accept a prefill: version v1 ends with an \{\{#assistant\}\} turn/);
    expect(error?.message).toMatch(/claude-haiku-4-5/);
    expect(await assembleError(['claude-haiku-4-5'])).toBeUndefined();
  });

  it('a prefill with thinking on, which no model takes, names the line of the last {{#assistant}} turn', async () => {
    const thinking = CONVERSATION.replace('max_tokens: 300', 'max_tokens: 3000\nparams:\n  thinking: { type: enabled, budget_tokens: 1024 }');
    // A few-shot exchange first: its {{#assistant}} turn (line 17) is not the prefill (line 24).
    const fewShot = thinking.replace('{{#user}}\n{{document', '{{#user}}\nHi\n{{/user}}\n{{#assistant}}\nHello\n{{/assistant}}\n{{#user}}\n{{document');
    const error = await assembleError(['claude-haiku-4-5'], fewShot);
    expect(error?.message).toMatch(/prompts\/support\.v1\.hbs:24: body: claude-haiku-4-5 does not take a prefill while thinking is on: version v1 ends with an \{\{#assistant\}\} turn/);
    expect(error?.hint).toMatch(/thinking: \{ type: disabled \}/);
  });

  it('a forced tool choice on a model that rejects it, or with thinking on', async () => {
    const forced = CONVERSATION.replace('{{#assistant}}\nSure:\n{{/assistant}}\n', '').replace('tools:', 'tool_choice: any\ntools:');
    expect((await assembleError(['claude-opus-5-5'], forced))?.message).toMatch(/prompts\/support\.v1\.hbs:8: front matter\.tool_choice: claude-opus-5-5 rejects tool_choice any/);
    const thinking = forced.replace('max_tokens: 300', 'max_tokens: 3000\nparams:\n  thinking: { type: enabled, budget_tokens: 1024 }');
    expect((await assembleError(['claude-haiku-4-5'], thinking))?.message).toMatch(/prompts\/support\.v1\.hbs:10: front matter\.tool_choice: tool_choice any forces a tool call, which claude-haiku-4-5 rejects while thinking is on/);
    expect(await assembleError(['claude-haiku-4-5'], forced)).toBeUndefined();
  });

  it('max_tokens above what the model can write names the file, the line, the field and the model\'s maximum', async () => {
    const long = CONVERSATION.replace('max_tokens: 300', 'max_tokens: 100000');
    const error = await assembleError(['claude-haiku-4-5'], long);
    expect(error?.message).toMatch(/prompts\/support\.v1\.hbs:4: front matter\.max_tokens: max_tokens 100000 is more than claude-haiku-4-5 can write \(at most 64000\)/);
    expect(await assembleError(['claude-opus-5-5'], long.replace('{{#assistant}}\nSure:\n{{/assistant}}\n', ''))).toBeUndefined();
  });

  it('a thinking type the model does not take names its line and the types the model does take', async () => {
    const adaptive = CONVERSATION.replace('{{#assistant}}\nSure:\n{{/assistant}}\n', '').replace('max_tokens: 300', 'max_tokens: 3000\nparams:\n  thinking: { type: adaptive }');
    const error = await assembleError(['claude-haiku-4-5'], adaptive);
    expect(error?.message).toMatch(/prompts\/support\.v1\.hbs:6: front matter\.params\.thinking: claude-haiku-4-5 does not take thinking type adaptive \(it takes enabled, disabled\)/);
    expect(await assembleError(['claude-sonnet-4-6'], adaptive)).toBeUndefined();
  });

  it('a document asking for citations in a version with output:, which the API refuses, stops the load naming file, field and case', async () => {
    const cited = CONVERSATION.replace('{{#assistant}}\nSure:\n{{/assistant}}\n', '')
      .replace('title="Policy"', 'title="Policy" citations=true')
      .replace('max_tokens: 300', 'max_tokens: 300\noutput: { type: object, properties: { answer: { type: string } } }');
    await setup(cited);
    const error = await loadSuite(suite(), project.path('support.eval.ts'), {}, project.root).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/prompts\/support\.v1\.hbs: front matter\.output: a document asks for citations \(case c1\), which the API refuses with structured output/);
    await setup(cited.replace(' citations=true', ''));
    await expect(loadSuite(suite(), project.path('support.eval.ts'), {}, project.root)).resolves.toBeDefined();
  });

  it('the user\'s own function may take any request', async () => {
    expect(await assembleError(['claude-sonnet-5-5'], CONVERSATION, 'function')).toBeUndefined();
  });
});

describe('prompt-caching warnings', () => {
  it('warns when the marked prefix is below what the model caches, and about 5m marks in a batch run', async () => {
    await setup();
    const loaded = await loadSuite(suite(), project.path('support.eval.ts'), {}, project.root);
    const table = loadModelTable();
    expect(promptCacheWarnings(loaded, table)).toEqual([
      expect.stringMatching(/prompts\/support\.v1\.hbs: the prefix marked for prompt caching is about \d+ tokens, below the 4096 that claude-haiku-4-5 caches/),
    ]);
    expect(promptCacheWarnings(loaded, table, { batch: true })).toContainEqual(expect.stringMatching(/a batch run's requests may be processed hours apart.*mark it cache: 1h/));
  });
});

describe('the summary', () => {
  const sample = (overrides: Partial<SampleRecord>): SampleRecord => sampleRecord(overrides);

  it('adds time to first token, prompt caching and tool calls to a cell only when it has them', () => {
    const plain = new SummaryBuilder({ threshold: null });
    plain.add(sample({}));
    const cell = plain.build().cells[0]!;
    expect(cell).not.toHaveProperty('ttftMs');
    expect(cell).not.toHaveProperty('cache');
    expect(cell).not.toHaveProperty('toolCalls');

    const rich = new SummaryBuilder({ threshold: null });
    rich.add(sample({ ttftMs: 200, usage: { inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 1000 }, cacheSavedUsd: -0.001 }));
    rich.add(sample({ ttftMs: 400, usage: { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 1000 }, cacheSavedUsd: 0.004, toolCalls: [{ name: 'a', input: {} }, { name: 'b', input: {} }] }));
    rich.add(sample({ ttftMs: 300, usage: { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 1000 }, cacheSavedUsd: 0.004, toolCalls: [{ name: 'a', input: {} }] }));
    rich.add(sample({ cached: true, usage: { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 1000 }, cacheSavedUsd: 0.004 })); // a response-cache hit: not this run's
    const richCell = rich.build().cells[0]!;
    expect(richCell.ttftMs).toEqual({ p50: 300, p95: 390 });
    expect(richCell.cache).toEqual({ samples: 3, hits: 2, hitRate: 0.666667, readTokens: 2000, writeTokens: 1000, savedUsd: 0.007 });
    expect(richCell.toolCalls).toEqual({ answers: 2, byTool: { a: 2, b: 1 } });
  });
});
