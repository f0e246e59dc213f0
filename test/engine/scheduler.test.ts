import { describe, expect, it } from 'vitest';
import { runOrdered } from '../../src/engine/scheduler.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runOrdered', () => {
  it('emits results in input order even when they finish out of order', async () => {
    const emitted: number[] = [];
    await runOrdered([30, 5, 20, 1, 10], {
      concurrency: 5,
      worker: async (ms) => {
        await sleep(ms);
        return ms;
      },
      onResult: (result) => {
        emitted.push(result);
      },
    });
    expect(emitted).toEqual([30, 5, 20, 1, 10]);
  });

  it('never runs more than `concurrency` items at once', async () => {
    let running = 0;
    let peak = 0;
    await runOrdered(Array.from({ length: 40 }, (_, i) => i), {
      concurrency: 4,
      worker: async (i) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(i % 3);
        running--;
        return i;
      },
      onResult: () => undefined,
    });
    expect(peak).toBe(4);
  });

  it('does not start items beyond the window while an early one is slow', async () => {
    const started: number[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const run = runOrdered(Array.from({ length: 100 }, (_, i) => i), {
      concurrency: 4,
      window: 8,
      worker: async (i) => {
        started.push(i);
        if (i === 0) await slow;
        return i;
      },
      onResult: () => undefined,
    });
    await sleep(20);
    expect(Math.max(...started)).toBe(7);
    release();
    await run;
    expect(started).toHaveLength(100);
  });

  it('stops starting new items when asked, and finishes the ones in flight', async () => {
    const done: number[] = [];
    let stop = false;
    const { started } = await runOrdered(Array.from({ length: 50 }, (_, i) => i), {
      concurrency: 3,
      shouldStop: () => stop,
      worker: async (i) => {
        if (i === 5) stop = true;
        await sleep(2);
        return i;
      },
      onResult: (i) => {
        done.push(i);
      },
    });
    expect(started).toBeLessThan(50);
    expect(done).toEqual(Array.from({ length: started }, (_, i) => i));
  });

  it('rejects when a worker throws, after emitting what finished before it', async () => {
    const done: number[] = [];
    await expect(
      runOrdered([1, 2, 3], {
        concurrency: 1,
        worker: async (i) => {
          if (i === 2) throw new Error('boom');
          return i;
        },
        onResult: (i) => {
          done.push(i);
        },
      }),
    ).rejects.toThrow('boom');
    expect(done).toEqual([1]);
  });

  it('rejects when the items cannot be read on, after finishing and emitting the ones already started', async () => {
    function* items(): Generator<number> {
      yield 1;
      yield 2;
      throw new Error('the dataset changed after it was checked');
    }
    const done: number[] = [];
    await expect(
      runOrdered(items(), {
        concurrency: 4,
        worker: async (i) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return i;
        },
        onResult: (i) => {
          done.push(i);
        },
      }),
    ).rejects.toThrow('the dataset changed');
    expect(done).toEqual([1, 2]);
  });

  it('hands results held back by a stuck earlier item to heldBack.save, once each, while still emitting in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const saved: number[] = [];
    const emitted: number[] = [];
    const run = runOrdered([0, 1, 2, 3], {
      concurrency: 4,
      worker: async (i) => {
        if (i === 0) await gate;
        return i;
      },
      onResult: (i) => {
        emitted.push(i);
      },
      heldBack: { afterMs: 5, save: (i) => void saved.push(i) },
    });
    while (saved.length < 3) await sleep(5);
    expect(emitted).toEqual([]);
    release();
    await run;
    expect(saved.sort()).toEqual([1, 2, 3]);
    expect(emitted).toEqual([0, 1, 2, 3]);
  });
});
