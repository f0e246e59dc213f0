/**
 * Sample deadlines without a Node timer each. Deadlines of one length fall due in the order they
 * were set, so each length keeps a queue whose head is the next to fall due, and one timer for that
 * head. A cancelled deadline stays in its queue, inert, until it reaches the head. An empty queue
 * keeps its timer, unreferenced (it holds no process open), for the next deadline to reuse.
 *
 * Why not `setTimeout` per sample: with a fast provider a sample ends before the next begins, so
 * each sample made and dropped Node's timer list for its length. Sharing the timer took 2–7% off
 * the CPU of the bench's runs of 30,000 and 100,000 distinct cases (see the README's benchmarks).
 */

import { MAX_TIMER_MS } from '../nodeTimers.js';

export interface Deadline {
  /** Stops the deadline; it will not fall due. Safe to call more than once, or after it fell due. */
  cancel(): void;
}

/** What the queues need from the machine; tests hand in a clock and timers they drive by hand. */
export interface DeadlineClock {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  /** Whether the timer holds the process open. */
  holdOpen(timer: unknown, hold: boolean): void;
}

const systemClock: DeadlineClock = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  holdOpen: (timer, hold) => void (hold ? (timer as NodeJS.Timeout).ref() : (timer as NodeJS.Timeout).unref()),
};

interface Entry {
  readonly at: number;
  onDue: (() => void) | undefined;
}

/** A queue's entries before `head` are gone; the array is cut down once they are most of it. */
const COMPACT_AFTER = 1024;

class DeadlineQueue {
  private entries: Entry[] = [];
  private head = 0;
  private timer: unknown;
  private timerHeld = false;
  /** While `fire` runs, a deadline set by a callback waits for `fire` to arm the timer for the head. */
  private firing = false;

  constructor(
    private readonly ms: number,
    private readonly clock: DeadlineClock,
  ) {}

  add(onDue: () => void): Deadline {
    const entry: Entry = { at: this.clock.now() + this.ms, onDue };
    this.entries.push(entry);
    if (this.timer !== undefined) this.hold(true);
    else if (!this.firing) this.armFor(entry);
    return { cancel: () => this.cancel(entry) };
  }

  private cancel(entry: Entry): void {
    if (entry.onDue === undefined) return;
    entry.onDue = undefined;
    this.dropInertHead();
    if (this.head === this.entries.length) this.hold(false);
  }

  /** Falls due every entry whose time has come, then arms the timer for the next live one. */
  private fire(): void {
    this.timer = undefined;
    this.firing = true;
    try {
      const now = this.clock.now();
      while (this.head < this.entries.length) {
        const entry = this.entries[this.head]!;
        if (entry.onDue !== undefined && entry.at > now) break;
        this.head++;
        const onDue = entry.onDue;
        entry.onDue = undefined;
        onDue?.();
      }
    } finally {
      // Also after a callback threw: the entries still queued keep a timer.
      this.firing = false;
      this.dropInertHead();
      const next = this.entries[this.head];
      if (next) this.armFor(next);
    }
  }

  /** The timer may come early (Node rounds to whole ms; the head it was set for was cancelled): `fire` then arms it again. */
  private armFor(entry: Entry): void {
    // Node takes a delay over MAX_TIMER_MS as 1 ms; a longer deadline is reached by arming again.
    this.timer = this.clock.setTimer(() => this.fire(), Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(entry.at - this.clock.now()))));
    this.timerHeld = true;
  }

  private hold(hold: boolean): void {
    if (this.timerHeld === hold || this.timer === undefined) return;
    this.clock.holdOpen(this.timer, hold);
    this.timerHeld = hold;
  }

  private dropInertHead(): void {
    while (this.head < this.entries.length && this.entries[this.head]!.onDue === undefined) this.head++;
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

export class DeadlineTimers {
  private readonly queues = new Map<number, DeadlineQueue>();

  constructor(private readonly clock: DeadlineClock = systemClock) {}

  /** Calls `onDue` once `ms` have passed, unless the deadline is cancelled first. */
  set(ms: number, onDue: () => void): Deadline {
    let queue = this.queues.get(ms);
    if (!queue) {
      queue = new DeadlineQueue(ms, this.clock);
      this.queues.set(ms, queue);
    }
    return queue.add(onDue);
  }
}

/** The process's sample deadlines: like Node's own timer lists, one set serves every run. */
export const sampleDeadlines = new DeadlineTimers();
