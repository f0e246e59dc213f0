/**
 * Properties every Provider must have, whatever sits behind it (replay, function, Anthropic on
 * the fake server). Register them in a test file with `providerContract(name, make)`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateContext, GenerationRequest, Provider } from '../../src/providers/types.js';

export interface ContractSubject {
  provider: Provider;
  cleanup?: () => Promise<void>;
  /** A request this provider can answer (a replay provider needs one it has recorded). */
  request?: GenerationRequest;
  /** Context fields the request needs (case id, vars) to be answerable. */
  context?: Partial<Omit<GenerateContext, 'signal'>>;
}

export interface ContractOptions {
  /** False for providers that cannot be interrupted (a user function that ignores the signal). */
  abortable?: boolean;
}

const DEFAULT_REQUEST: GenerationRequest = {
  model: 'claude-haiku-5-5',
  system: 'Answer briefly.',
  messages: [{ role: 'user', content: 'What is the capital of France?' }],
  maxTokens: 64,
};

export function providerContract(
  name: string,
  make: () => Promise<ContractSubject>,
  options: ContractOptions = {},
): void {
  describe(`Provider contract: ${name}`, () => {
    let subject: ContractSubject;

    beforeAll(async () => {
      subject = await make();
    });
    afterAll(async () => {
      await subject?.provider.close?.();
      await subject?.cleanup?.();
    });

    const request = (): GenerationRequest => subject.request ?? DEFAULT_REQUEST;
    const context = (signal: AbortSignal): GenerateContext => ({
      signal,
      repeat: 0,
      caseId: 'contract-case',
      vars: {},
      promptId: 'contract',
      promptVersion: '1',
      ...subject.context,
    });

    it('has a non-empty, stable id', () => {
      expect(typeof subject.provider.id).toBe('string');
      expect(subject.provider.id.length).toBeGreaterThan(0);
      expect(subject.provider.id).toBe(subject.provider.id);
    });

    it('returns text, a stop reason and a non-negative latency', async () => {
      const generation = await subject.provider.generate(request(), context(new AbortController().signal));
      expect(typeof generation.text).toBe('string');
      expect(typeof generation.stopReason).toBe('string');
      expect(generation.stopReason.length).toBeGreaterThan(0);
      expect(Number.isFinite(generation.latencyMs)).toBe(true);
      expect(generation.latencyMs).toBeGreaterThanOrEqual(0);
    });

    it('reports usage, cost and attempts consistently when it reports them', async () => {
      const generation = await subject.provider.generate(request(), context(new AbortController().signal));
      if (generation.usage) {
        expect(generation.usage.inputTokens).toBeGreaterThanOrEqual(0);
        expect(generation.usage.outputTokens).toBeGreaterThanOrEqual(0);
      }
      if (generation.costUsd !== undefined) expect(generation.costUsd).toBeGreaterThanOrEqual(0);
      if (generation.attempts !== undefined) expect(generation.attempts).toBeGreaterThanOrEqual(1);
    });

    it('answers several concurrent requests, each with its own generation', async () => {
      const results = await Promise.all(
        [0, 1, 2, 3].map((repeat) =>
          subject.provider.generate(request(), { ...context(new AbortController().signal), repeat }),
        ),
      );
      expect(results).toHaveLength(4);
      for (const generation of results) expect(typeof generation.text).toBe('string');
    });

    if (options.abortable !== false) {
      it('rejects promptly when the signal is already aborted', async () => {
        const controller = new AbortController();
        controller.abort(new Error('stopped by the contract test'));
        const started = performance.now();
        await expect(subject.provider.generate(request(), context(controller.signal))).rejects.toBeDefined();
        expect(performance.now() - started).toBeLessThan(1_000);
      });
    }
  });
}
