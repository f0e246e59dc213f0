/**
 * Properties every Provider must have, whatever sits behind it, run against every adapter (the
 * evalite pattern: one suite, `describe.each(ADAPTERS)`): replay (recorded responses on disk),
 * function (the user's own code) and Anthropic (the real SDK against the strict fake Messages API).
 * A new provider joins by adding an adapter here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { createFunctionProvider } from '../../src/providers/function.js';
import { costOfUsage, loadModelTable } from '../../src/providers/pricing.js';
import { withRecording } from '../../src/providers/record.js';
import { createReplayProvider } from '../../src/providers/replay.js';
import { ProviderError, isInfrastructureKind, type GenerateContext, type GenerationRequest, type Provider } from '../../src/providers/types.js';
import { startFakeAnthropic } from '../../src/testing/index.js';
import { clearAnthropicEnv, TEST_KEY } from './anthropic/helpers.js';
import { tempProject } from '../helpers/tempProject.js';

interface ContractSubject {
  provider: Provider;
  cleanup?: () => Promise<void>;
  /** A request this provider cannot answer, and must fail with a classified ProviderError. */
  failing: { request: GenerationRequest; context?: Partial<GenerateContext> };
}

interface Adapter {
  name: string;
  make: () => Promise<ContractSubject>;
  /** False for providers that cannot be interrupted (a user function that ignores the signal). */
  abortable: boolean;
}

const REQUEST: GenerationRequest = {
  model: 'claude-haiku-5-5',
  system: 'Answer briefly.',
  messages: [{ role: 'user', content: 'What is the capital of France?' }],
  maxTokens: 64,
};
const models = loadModelTable();

const baseContext = (signal: AbortSignal, repeat = 0): GenerateContext => ({
  signal,
  repeat,
  caseId: 'contract-case',
  vars: { question: 'capital of France' },
  promptId: 'contract',
  promptVersion: '1',
});

async function capitalOf(input: Record<string, unknown>): Promise<string> {
  if (input.question === 'explode') throw new Error('the code under test failed');
  return 'Paris is the capital of France.';
}

const ADAPTERS: Adapter[] = [
  {
    name: 'replay (recorded responses)',
    abortable: false,
    make: async () => {
      const project = await tempProject();
      const file = project.path('recordings/contract.jsonl');
      const recorder = withRecording(createFunctionProvider(capitalOf, 'capital'), file);
      for (let repeat = 0; repeat < 4; repeat++) await recorder.generate(REQUEST, baseContext(new AbortController().signal, repeat));
      await recorder.close!();
      const provider = await createReplayProvider(file, {
        priceOf: (request, generation) => (generation.usage ? costOfUsage(generation.usage, models.get(request.model)!) : undefined),
      });
      return { provider, cleanup: () => project.cleanup(), failing: { request: { ...REQUEST, maxTokens: 65 } } };
    },
  },
  {
    name: 'function (the code under test)',
    abortable: false,
    make: async () => ({
      provider: createFunctionProvider(capitalOf, 'capital'),
      failing: { request: REQUEST, context: { vars: { question: 'explode' } } },
    }),
  },
  {
    name: 'anthropic (real SDK on the strict fake Messages API)',
    abortable: true,
    make: async () => {
      clearAnthropicEnv();
      const fake = await startFakeAnthropic({ latencyMs: 5 });
      const provider = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake.url, models, timeoutMs: 5_000 });
      return { provider, cleanup: () => fake.close(), failing: { request: { ...REQUEST, model: 'claude-imaginary-9' } } };
    },
  },
];

describe.each(ADAPTERS)('Provider contract: $name', ({ make, abortable }) => {
  let subject: ContractSubject;

  beforeAll(async () => {
    subject = await make();
  });
  afterAll(async () => {
    await subject?.provider.close?.();
    await subject?.cleanup?.();
  });

  const context = (signal = new AbortController().signal, repeat = 0) => baseContext(signal, repeat);

  it('has a non-empty, stable id', () => {
    expect(typeof subject.provider.id).toBe('string');
    expect(subject.provider.id.length).toBeGreaterThan(0);
    expect(subject.provider.id).toBe(subject.provider.id);
  });

  it('returns the whole answer as text, a stop reason and a non-negative latency', async () => {
    const generation = await subject.provider.generate(REQUEST, context());
    expect(generation.text.length).toBeGreaterThan(0);
    // The answer is all of it, not a first block (the fake splits answers over several blocks).
    expect(generation.text).toMatch(/^(echo: What is the capital of France\?|Paris is the capital of France\.)$/);
    expect(typeof generation.stopReason).toBe('string');
    expect(generation.stopReason.length).toBeGreaterThan(0);
    expect(Number.isFinite(generation.latencyMs)).toBe(true);
    expect(generation.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reports usage, cost and attempts consistently when it reports them', async () => {
    const generation = await subject.provider.generate(REQUEST, context());
    if (generation.usage) {
      expect(generation.usage.inputTokens).toBeGreaterThanOrEqual(0);
      expect(generation.usage.outputTokens).toBeGreaterThanOrEqual(generation.usage.thinkingTokens ?? 0);
    }
    if (generation.costUsd !== undefined) expect(generation.costUsd).toBeGreaterThanOrEqual(0);
    if (generation.attempts !== undefined) expect(generation.attempts).toBeGreaterThanOrEqual(1);
    // Thinking is never part of the answer.
    if (generation.thinking) expect(generation.text).not.toContain(generation.thinking);
  });

  it('answers several concurrent requests, each with its own generation', async () => {
    const results = await Promise.all([0, 1, 2, 3].map((repeat) => subject.provider.generate(REQUEST, context(new AbortController().signal, repeat))));
    expect(results).toHaveLength(4);
    for (const generation of results) expect(typeof generation.text).toBe('string');
  });

  it('fails with a classified ProviderError when it cannot answer', async () => {
    const { request, context: extra } = subject.failing;
    const error = await subject.provider.generate(request, { ...context(), ...extra }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(isInfrastructureKind((error as ProviderError).kind)).toBe(true);
    expect((error as ProviderError).message.length).toBeGreaterThan(0);
  });

  if (abortable) {
    it('rejects when the signal is already aborted, without answering', async () => {
      const controller = new AbortController();
      controller.abort(new Error('stopped by the contract test'));
      await expect(subject.provider.generate(REQUEST, context(controller.signal))).rejects.toThrow('stopped by the contract test');
    });
  }
});
