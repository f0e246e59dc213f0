import { describe, expect, it } from 'vitest';
import { DeadlineTimers, type DeadlineClock } from '../../src/engine/deadlines.js';

/** A clock the test moves by hand, and timers that run only when the test says time has passed. */
function handClock() {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; callback: () => void; held: boolean }>();
  const clock: DeadlineClock = {
    now: () => now,
    setTimer: (callback, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback, held: true });
      return id;
    },
    holdOpen: (timer, hold) => {
      timers.get(timer as number)!.held = hold;
    },
  };
  return {
    clock,
    timersSet: () => nextId,
    /** Whether a pending timer would keep the process alive. */
    holdsOpen: () => [...timers.values()].some((timer) => timer.held),
    /** Moves time to `to`, running each timer that comes due on the way, in time order. */
    advanceTo(to: number) {
      for (;;) {
        const due = [...timers.entries()].filter(([, timer]) => timer.at <= to).sort(([, a], [, b]) => a.at - b.at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = to;
    },
  };
}

describe('DeadlineTimers', () => {
  it('falls due once its time has passed, not before', () => {
    const time = handClock();
    const fired: number[] = [];
    new DeadlineTimers(time.clock).set(100, () => fired.push(time.clock.now()));
    time.advanceTo(99);
    expect(fired).toEqual([]);
    time.advanceTo(500);
    expect(fired).toEqual([100]);
  });

  it('never calls a cancelled deadline, and a second cancel or a cancel after it fell due is harmless', () => {
    const time = handClock();
    const deadlines = new DeadlineTimers(time.clock);
    const fired: string[] = [];
    const first = deadlines.set(100, () => fired.push('first'));
    const second = deadlines.set(100, () => fired.push('second'));
    first.cancel();
    first.cancel();
    time.advanceTo(1_000);
    second.cancel();
    expect(fired).toEqual(['second']);
  });

  it('serves many deadlines of one length with one timer, in the order they were set', () => {
    const time = handClock();
    const deadlines = new DeadlineTimers(time.clock);
    const fired: number[] = [];
    for (let i = 0; i < 50; i++) {
      time.advanceTo(i * 10);
      deadlines.set(1_000, () => fired.push(i));
    }
    expect(time.timersSet()).toBe(1);
    time.advanceTo(1_245);
    expect(fired).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    time.advanceTo(10_000);
    expect(fired).toHaveLength(50);
  });

  it('reuses the timer of an emptied queue, which no longer holds the process open', () => {
    const time = handClock();
    const deadlines = new DeadlineTimers(time.clock);
    for (let i = 0; i < 1_000; i++) deadlines.set(120_000, () => undefined).cancel();
    expect(time.timersSet()).toBe(1);
    expect(time.holdsOpen()).toBe(false);
    const pending = deadlines.set(120_000, () => undefined);
    expect(time.holdsOpen()).toBe(true);
    pending.cancel();
    expect(time.holdsOpen()).toBe(false);
  });

  it('arms again when its timer comes for a deadline that was cancelled, for the next one still running', () => {
    const time = handClock();
    const deadlines = new DeadlineTimers(time.clock);
    const fired: number[] = [];
    deadlines.set(100, () => fired.push(time.clock.now())).cancel();
    time.advanceTo(60);
    deadlines.set(100, () => fired.push(time.clock.now()));
    time.advanceTo(150);
    expect(fired).toEqual([]);
    time.advanceTo(1_000);
    expect(fired).toEqual([160]);
  });

  it('keeps deadlines of different lengths apart: a shorter one set later falls due first', () => {
    const time = handClock();
    const deadlines = new DeadlineTimers(time.clock);
    const fired: string[] = [];
    deadlines.set(1_000, () => fired.push('long'));
    time.advanceTo(10);
    deadlines.set(50, () => fired.push('short'));
    time.advanceTo(100);
    expect(fired).toEqual(['short']);
    time.advanceTo(2_000);
    expect(fired).toEqual(['short', 'long']);
  });

  it('lets a deadline that falls due set another of the same length', () => {
    const time = handClock();
    const deadlines = new DeadlineTimers(time.clock);
    const fired: number[] = [];
    deadlines.set(100, () => {
      fired.push(time.clock.now());
      deadlines.set(100, () => fired.push(time.clock.now()));
    });
    time.advanceTo(1_000);
    expect(fired).toEqual([100, 200]);
  });

  it('keeps the next deadline on time when a deadline that falls due sets another', () => {
    const time = handClock();
    const deadlines = new DeadlineTimers(time.clock);
    const fired: string[] = [];
    deadlines.set(100, () => {
      fired.push(`a@${time.clock.now()}`);
      deadlines.set(100, () => fired.push(`c@${time.clock.now()}`));
    });
    time.advanceTo(50);
    deadlines.set(100, () => fired.push(`b@${time.clock.now()}`));
    time.advanceTo(1_000);
    expect(fired).toEqual(['a@100', 'b@150', 'c@200']);
  });

  it('still falls due on the deadlines after one whose callback threw', () => {
    const time = handClock();
    const deadlines = new DeadlineTimers(time.clock);
    const fired: number[] = [];
    deadlines.set(100, () => {
      throw new Error('a callback bug');
    });
    time.advanceTo(10);
    deadlines.set(100, () => fired.push(time.clock.now()));
    expect(() => time.advanceTo(100)).toThrow('a callback bug');
    time.advanceTo(1_000);
    expect(fired).toEqual([110]);
  });

  it('reaches a deadline longer than a Node timer can wait by arming again, never early', () => {
    const time = handClock();
    const delays: number[] = [];
    const clock: DeadlineClock = { ...time.clock, setTimer: (callback, ms) => (delays.push(ms), time.clock.setTimer(callback, ms)) };
    const fired: number[] = [];
    new DeadlineTimers(clock).set(3_000_000_000, () => fired.push(time.clock.now()));
    time.advanceTo(2_999_999_999);
    expect(fired).toEqual([]);
    time.advanceTo(4_000_000_000);
    expect(fired).toEqual([3_000_000_000]);
    expect(delays).toEqual([2_147_483_647, 852_516_353]);
  });

  it('falls due on the real clock too', async () => {
    const due = await new Promise<boolean>((resolve) => {
      new DeadlineTimers().set(5, () => resolve(true));
    });
    expect(due).toBe(true);
  });
});
