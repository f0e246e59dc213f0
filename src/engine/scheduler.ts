/**
 * Bounded-concurrency execution that hands results back in input order.
 *
 * At most `concurrency` items run at once, and an item is only started while it is within `window`
 * positions of the oldest unfinished one. The window keeps memory bounded (only that many results
 * can wait for an earlier straggler) and lets the record be written in plan order as results
 * stream in, so records are deterministic without a sort at the end.
 *
 * A result that waits behind an earlier, unfinished item is in memory only. With `heldBack`, every
 * result still waiting after a while is handed over once so it can be saved elsewhere (the run
 * folder's held-back file): a stuck item can no longer keep finished work from the disk. The check
 * runs on a timer, so the common case (results emitted at once) costs nothing per item.
 */

export interface OrderedRunOptions<T, R> {
  concurrency: number;
  /** Maximum distance between the oldest unfinished item and the newest started one. */
  window?: number;
  worker: (item: T) => Promise<R>;
  /** Called once per item, in input order. May be async (e.g. a write); it is awaited. */
  onResult: (result: R, item: T) => void | Promise<void>;
  /** Checked before starting each item: true stops starting new work (in-flight items finish). */
  shouldStop?: () => boolean;
  /** Results that have waited between `afterMs` and twice that for an earlier item go to `save`, once each. */
  heldBack?: { afterMs: number; save: (result: R, item: T) => void | Promise<void> };
}

interface Waiting<T, R> {
  result: R;
  item: T;
  /** Seen waiting by one tick of the held-back timer; the next tick saves it. */
  seen: boolean;
  saved: boolean;
}

export async function runOrdered<T, R>(items: Iterable<T>, options: OrderedRunOptions<T, R>): Promise<{ started: number }> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const window = Math.max(concurrency, options.window ?? concurrency * 8);
  const iterator = items[Symbol.iterator]();
  const finished = new Map<number, Waiting<T, R>>();
  let started = 0;
  let emitted = 0;
  let inFlight = 0;
  let exhausted = false;
  let failure: unknown;
  let emitting: Promise<void> = Promise.resolve();
  let saving: Promise<void> = Promise.resolve();
  const heldBack = options.heldBack;
  const timer = heldBack ? setInterval(() => saveWaiting(heldBack.save), heldBack.afterMs) : undefined;
  timer?.unref();

  const saveWaiting = (save: (result: R, item: T) => void | Promise<void>) => {
    for (const waiting of finished.values()) {
      if (waiting.saved) continue;
      if (!waiting.seen) {
        waiting.seen = true;
        continue;
      }
      waiting.saved = true;
      saving = saving.then(() => save(waiting.result, waiting.item)).catch((error: unknown) => {
        failure ??= error;
      });
    }
  };

  return new Promise((resolve, reject) => {
    const settleIfDone = () => {
      if (inFlight > 0) return;
      const done = failure !== undefined || exhausted || options.shouldStop?.();
      if (!done) return;
      clearInterval(timer);
      const drained = Promise.all([emitting, saving]);
      if (failure !== undefined) {
        drained.then(() => reject(failure), reject);
        return;
      }
      drained.then(() => (failure !== undefined ? reject(failure) : resolve({ started })), reject);
    };

    const emitReady = async () => {
      while (finished.has(emitted)) {
        const { result, item } = finished.get(emitted)!;
        finished.delete(emitted);
        emitted++;
        await options.onResult(result, item);
      }
    };

    const fill = () => {
      while (
        failure === undefined &&
        !exhausted &&
        inFlight < concurrency &&
        started - emitted < window &&
        !options.shouldStop?.()
      ) {
        let next: IteratorResult<T>;
        try {
          next = iterator.next();
        } catch (error) {
          // The items could not be read on (a dataset changed under the run): the items in flight
          // finish and are handed on, then the run ends with this error.
          failure ??= error;
          break;
        }
        if (next.done) {
          exhausted = true;
          break;
        }
        const position = started++;
        const item = next.value;
        inFlight++;
        options.worker(item).then(
          (result) => {
            finished.set(position, { result, item, seen: false, saved: false });
            emitting = emitting.then(emitReady).catch((error: unknown) => {
              failure ??= error;
            });
            emitting.then(() => {
              inFlight--;
              fill();
              settleIfDone();
            });
          },
          (error: unknown) => {
            failure ??= error;
            inFlight--;
            settleIfDone();
          },
        );
      }
      settleIfDone();
    };

    fill();
  });
}
