import { describe, expect, it } from 'vitest';
import { custom } from '../../src/scoring/custom.js';
import { runScorer, ScoringAborted, type Scorer } from '../../src/scoring/types.js';
import { context, makeSample } from './sample.js';

const never = () => new Promise<never>(() => undefined);

describe('runScorer time bound', () => {
  it('ends a scorer that never answers as an errored score, and aborts the signal it was given', async () => {
    let seen: AbortSignal | undefined;
    const stuck: Scorer = {
      name: 'stuck',
      score: (_sample, scorerContext) => {
        seen = scorerContext.signal;
        return never();
      },
    };
    const score = await runScorer(stuck, makeSample('x'), context, 20);
    expect(score).toEqual({
      name: 'stuck',
      score: 0,
      pass: false,
      reason: 'timeout: the scorer gave no result within its time bound of 20 ms (raise scorerTimeoutMs in the suite if it needs longer)',
      error: 'timeout: the scorer gave no result within its time bound of 20 ms',
    });
    expect(seen?.aborted).toBe(true);
  });

  it('reports a synchronous scorer that returned only after its bound', async () => {
    const slow = custom('slow', () => {
      const until = performance.now() + 30;
      while (performance.now() < until) {
        // a scorer that blocks: it cannot be interrupted, only reported
      }
      return true;
    });
    const score = await runScorer(slow, makeSample('x'), context, 5);
    expect(score).toMatchObject({ pass: false, error: 'timeout: the scorer returned only after its time bound of 5 ms' });
  });

  it('leaves scores within the bound untouched, sync and async', async () => {
    expect(await runScorer(custom('sync', () => 0.9), makeSample('x'), context, 60_000)).toEqual({ name: 'sync', score: 0.9, pass: true, reason: 'sync returned 0.90 >= 0.50' });
    expect(await runScorer(custom('async', async () => false), makeSample('x'), context, 60_000)).toEqual({ name: 'async', score: 0, pass: false, reason: 'async returned false' });
  });

  it('throws ScoringAborted when the run stops hard while a scorer is pending: the sample is not done', async () => {
    const run = new AbortController();
    const pending = runScorer({ name: 'judge-like', score: never }, makeSample('x'), { signal: run.signal }, 60_000);
    run.abort(new Error('stopped by the user'));
    await expect(pending).rejects.toBeInstanceOf(ScoringAborted);
  });

  it('creates a signal for the scorer only when it asks, following the run signal', async () => {
    const run = new AbortController();
    let signal: AbortSignal | undefined;
    const reader: Scorer = {
      name: 'reader',
      score: (_sample, scorerContext) => {
        signal = scorerContext.signal;
        return { name: 'reader', score: 1, pass: true, reason: 'ok' };
      },
    };
    await runScorer(reader, makeSample('x'), { signal: run.signal }, 60_000);
    expect(signal).not.toBe(run.signal);
    expect(signal?.aborted).toBe(false);
  });
});
