import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderStack } from '../../src/providers/stack.js';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { CostBudget, withBudget } from '../../src/providers/budget.js';
import { loadModelTable } from '../../src/providers/pricing.js';
import { ProviderError, type Generation, type Provider } from '../../src/providers/types.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { clearAnthropicEnv, context, request, TEST_KEY } from './anthropic/helpers.js';

function stub(generation: Partial<Generation>): Provider & { calls: number } {
  const provider = {
    id: 'stub',
    calls: 0,
    async generate(): Promise<Generation> {
      provider.calls += 1;
      return { text: 'ok', stopReason: 'end_turn', latencyMs: 1, ...generation };
    },
  };
  return provider;
}

describe('CostBudget', () => {
  it('tracks spend and reports when the ceiling is reached', () => {
    const budget = new CostBudget(1);
    expect(budget.wouldExceed()).toBe(false);
    budget.add(0.6);
    budget.add(Number.NaN);
    budget.add(-5);
    expect(budget.spent).toBeCloseTo(0.6);
    expect(budget.wouldExceed()).toBe(false);
    budget.add(0.4);
    expect(budget.wouldExceed()).toBe(true);
    expect(() => new CostBudget(-1)).toThrow(RangeError);
  });
});

describe('withBudget', () => {
  it('stops sending once spend reaches the budget, with a budget error', async () => {
    const inner = stub({ costUsd: 0.4 });
    const budgeted = withBudget(inner, new CostBudget(1));
    expect(budgeted.id).toBe('stub');
    for (let i = 0; i < 3; i++) await budgeted.generate(request('x'), context());
    const error = await budgeted.generate(request('x'), context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'budget', fatal: false });
    expect((error as Error).message).toMatch(/budget of \$1\.00 reached/);
    expect(inner.calls).toBe(3);
  });

  it('holds the worst case of requests in flight: concurrent requests cannot overshoot the budget together', async () => {
    const budget = new CostBudget(1);
    const answers: Array<() => void> = [];
    let calls = 0;
    const slow: Provider = {
      id: 'slow',
      generate: () => {
        calls++;
        return new Promise<Generation>((resolve) => answers.push(() => resolve({ text: 'ok', stopReason: 'end_turn', latencyMs: 1, costUsd: 0.4 })));
      },
    };
    const budgeted = withBudget(slow, budget, () => 0.4);
    const started = Array.from({ length: 4 }, () => budgeted.generate(request('x'), context()).then(() => 'answered', (e: unknown) => (e as ProviderError).kind));
    await new Promise((resolve) => setImmediate(resolve));
    // Two worst cases fit in $1; the third and fourth would make $1.20 if all answered at their worst.
    expect(calls).toBe(2);
    expect(budget.held).toBeCloseTo(0.8);
    answers.forEach((answer) => answer());
    expect(await Promise.all(started)).toEqual(['answered', 'answered', 'budget', 'budget']);
    expect(budget.spent).toBeCloseTo(0.8);
    expect(budget.held).toBe(0);
    // The hold is released for what the answers really cost: $0.20 is left, less than a worst case.
    const refused = await budgeted.generate(request('x'), context()).catch((e: unknown) => e as ProviderError);
    expect(refused).toMatchObject({ kind: 'budget' });
    expect((refused as ProviderError).message).toMatch(/budget of \$1\.00 reached \(\$0\.8000 spent; this one could cost up to \$0\.4000\); request not sent/);
  });

  it('a request that fits beside the spend waits for the holds of others instead of being refused', async () => {
    // Four workers, ten requests each, $0.40 at worst, $0.01 really: $0.40 in all fits in $1.
    const budget = new CostBudget(1);
    const cheap: Provider = {
      id: 'cheap',
      generate: () => new Promise<Generation>((resolve) => setTimeout(() => resolve({ text: 'ok', stopReason: 'end_turn', latencyMs: 1, costUsd: 0.01 }), 1)),
    };
    const budgeted = withBudget(cheap, budget, () => 0.4);
    let ok = 0;
    let skipped = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 10; i++) {
          const outcome = await budgeted.generate(request('x'), context()).then(() => 'ok', (e: unknown) => (e as ProviderError).kind);
          if (outcome === 'ok') ok++;
          else if (outcome === 'budget') skipped++;
        }
      }),
    );
    expect({ ok, skipped, spent: Number(budget.spent.toFixed(2)) }).toEqual({ ok: 40, skipped: 0, spent: 0.4 });
    expect(budget.held).toBe(0);
    expect(budget.waiting).toBe(0);
  });

  it('waiters are served in order, refused once the spend leaves no room, and leave on abort', async () => {
    const budget = new CostBudget(1);
    const answers: Array<(costUsd: number) => void> = [];
    const slow: Provider = {
      id: 'slow',
      generate: () => new Promise<Generation>((resolve) => answers.push((costUsd) => resolve({ text: 'ok', stopReason: 'end_turn', latencyMs: 1, costUsd }))),
    };
    const paused: string[] = [];
    const withDeadline = (name: string, signal?: AbortSignal) => ({
      ...context(),
      ...(signal ? { signal } : {}),
      deadline: { pause: () => paused.push(`${name} paused`), start: () => paused.push(`${name} started`) },
    });
    const budgeted = withBudget(slow, budget, () => 0.4);
    const outcome = (name: string, signal?: AbortSignal) => budgeted.generate(request('x'), withDeadline(name, signal)).then(() => 'answered', (e: unknown) => (e instanceof ProviderError ? e.kind : String(e)));
    const a = outcome('a');
    const b = outcome('b');
    const aborter = new AbortController();
    const c = outcome('c', aborter.signal);
    const d = outcome('d');
    const e = outcome('e');
    await new Promise((resolve) => setImmediate(resolve));
    expect(answers).toHaveLength(2);
    expect(budget.waiting).toBe(3);
    aborter.abort('stop');
    expect(await c).toBe('stop');
    expect(budget.waiting).toBe(2);
    // A answers at $0.10: d (first in line now) fits beside $0.10 spent and b's $0.40 held.
    answers[0]!(0.1);
    expect(await a).toBe('answered');
    await new Promise((resolve) => setImmediate(resolve));
    expect(answers).toHaveLength(3);
    expect(budget.waiting).toBe(1);
    // B answers at $0.40: $0.50 spent, e fits alone but not beside d's hold; it waits.
    answers[1]!(0.4);
    expect(await b).toBe('answered');
    expect(budget.waiting).toBe(1);
    // D answers at $0.35: $0.85 spent, e's worst case no longer fits at all: refused.
    answers[2]!(0.35);
    expect(await d).toBe('answered');
    expect(await e).toBe('budget');
    expect(budget.spent).toBeCloseTo(0.85);
    expect(budget.held).toBe(0);
    expect(paused).toEqual(['c paused', 'd paused', 'e paused', 'd started']);
  });

  it('a request with no worst case never waits behind holds', async () => {
    const budget = new CostBudget(1);
    const answers: Array<() => void> = [];
    const paid = request('paid');
    const provider: Provider = {
      id: 'mixed',
      generate: (req) =>
        req === paid
          ? new Promise<Generation>((resolve) => answers.push(() => resolve({ text: 'ok', stopReason: 'end_turn', latencyMs: 1, costUsd: 0.1 })))
          : Promise.resolve({ text: 'ok', stopReason: 'end_turn', latencyMs: 1, costUsd: 0 }),
    };
    const budgeted = withBudget(provider, budget, (req) => (req === paid ? 0.6 : 0));
    const first = budgeted.generate(paid, context());
    const second = budgeted.generate(paid, context());
    await new Promise((resolve) => setImmediate(resolve));
    expect(budget.waiting).toBe(1);
    await expect(budgeted.generate(request('free'), context())).resolves.toMatchObject({ text: 'ok' });
    answers[0]!();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    answers[1]!();
    await second;
    expect(budget.spent).toBeCloseTo(0.2);
  });

  it('releases the hold of a request that failed', async () => {
    const budget = new CostBudget(1);
    const failing: Provider = { id: 'failing', generate: () => Promise.reject(new ProviderError('overloaded', 'busy')) };
    const budgeted = withBudget(failing, budget, () => 0.9);
    for (let i = 0; i < 3; i++) expect(await budgeted.generate(request('x'), context()).catch((e: unknown) => (e as ProviderError).kind)).toBe('overloaded');
    expect(budget.held).toBe(0);
    expect(budget.spent).toBe(0);
  });

  it('counts an answer that was billed and then refused as bad_output', async () => {
    const budget = new CostBudget(1);
    const refusing: Provider = {
      id: 'refusing',
      generate: () => Promise.reject(new ProviderError('bad_output', 'breaks the schema', { generation: { text: '{}', stopReason: 'end_turn', latencyMs: 1, costUsd: 0.6 } })),
    };
    const budgeted = withBudget(refusing, budget);
    for (let i = 0; i < 2; i++) expect(await budgeted.generate(request('x'), context()).catch((e: unknown) => (e as ProviderError).kind)).toBe('bad_output');
    expect(budget.spent).toBeCloseTo(1.2);
    expect(await budgeted.generate(request('x'), context()).catch((e: unknown) => (e as ProviderError).kind)).toBe('budget');
  });

  it('does not count cached generations', async () => {
    const budget = new CostBudget(0.5);
    const budgeted = withBudget(stub({ costUsd: 1, cached: true }), budget);
    for (let i = 0; i < 5; i++) await budgeted.generate(request('x'), context());
    expect(budget.spent).toBe(0);
  });

  it('in a provider stack, answers from the response cache are served whatever the budget holds or has spent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'promptgold-budget-cache-'));
    try {
      const inner = stub({ costUsd: 0.4 });
      const layers = (budget: CostBudget) => ({ cacheDir: dir, budget, worstCaseUsd: () => 0.4 });
      const first = await createProviderStack({ kind: 'function', target: inner }, layers(new CostBudget(10)));
      for (let repeat = 0; repeat < 3; repeat++) await first.generate(request('x'), context({ repeat }));
      // A later run with a budget too small for one request: the cached answers cost nothing, and are given.
      const spent = new CostBudget(0.1);
      const second = await createProviderStack({ kind: 'function', target: inner }, layers(spent));
      for (let repeat = 0; repeat < 3; repeat++) expect(await second.generate(request('x'), context({ repeat }))).toMatchObject({ cached: true });
      expect(inner.calls).toBe(3);
      await expect(second.generate(request('x'), context({ repeat: 3 }))).rejects.toMatchObject({ kind: 'budget' });
      expect(spent.spent).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('around the Anthropic provider', () => {
    let fake: FakeAnthropic;
    beforeAll(async () => {
      clearAnthropicEnv();
      fake = await startFakeAnthropic();
    });
    afterAll(() => fake.close());

    it('sends nothing after the budget is spent', async () => {
      const budget = new CostBudget(1e-7);
      const provider = withBudget(
        createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake.url, models: loadModelTable(), timeoutMs: 2_000 }),
        budget,
      );
      const first = await provider.generate(request('first'), context());
      expect(budget.spent).toBe(first.costUsd);
      await expect(provider.generate(request('second'), context())).rejects.toMatchObject({ kind: 'budget' });
      expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(1);
    });
  });
});
