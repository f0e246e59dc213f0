/**
 * The second pass's reader of one run's prompt store: hands out the prompts a chunk of cases
 * refers to, reading the store once, front to back. The first pass decided which store provides
 * each prompt and the last chunk that needs it; a prompt read ahead of its chunk is held until
 * then, and dropped after its last chunk.
 */
import { readPromptStoreBatches } from '../../records/promptStore.js';
import type { PromptStoreLine } from '../../records/types.js';
import type { ReadLine } from '../../records/reader.js';
import { toPromptView } from './prompts.js';
import type { PromptText } from './types.js';

export interface PromptPlan {
  /** The run whose store provides the prompt (the first that has it), or -1 when none does. */
  run: number;
  /** The last detail chunk that shows it. */
  lastChunk: number;
  /** Read by the second pass already. */
  read?: boolean;
}

export class PromptCursor {
  private batches: AsyncIterator<Array<ReadLine<PromptStoreLine>>> | undefined;
  /** The lines of the batch being read, and the next one to look at. */
  private batch: Array<ReadLine<PromptStoreLine>> = [];
  private next = 0;
  private readonly held = new Map<string, PromptText>();
  /** The hashes held, by the last chunk that shows them. */
  private readonly heldUntil = new Map<number, string[]>();

  constructor(
    private readonly file: string,
    private readonly run: number,
    private readonly plans: Map<string, PromptPlan>,
    private readonly limit: number,
  ) {}

  /** The prompt with this hash (one this run's store provides, as `plan` says), for chunk `chunk`. */
  async take(hash: string, chunk: number, plan: PromptPlan): Promise<PromptText | undefined> {
    this.batches ??= readPromptStoreBatches(this.file)[Symbol.asyncIterator]();
    for (;;) {
      const found = this.find(hash, chunk, plan);
      if (found) return found;
      const next = await this.batches.next();
      if (next.done) return undefined;
      this.batch = next.value;
      this.next = 0;
    }
  }

  /**
   * The prompt, when it is held or in the batch already read; undefined when more must be read
   * (`take`). Most prompts are found here, without the cost of an await. `plan` must be the
   * cursor's own plan of `hash` (`plans.get(hash)`): the caller has looked it up already.
   */
  find(hash: string, chunk: number, plan: PromptPlan): PromptText | undefined {
    for (;;) {
      const held = this.held.get(hash);
      if (held) return held;
      if (this.next === this.batch.length) return undefined;
      const line = this.batch[this.next++]!.value;
      // The line sought is nearly always the next one: its plan is known without a look-up.
      const linePlan = line.hash === hash ? plan : this.plans.get(line.hash);
      if (!linePlan || linePlan.run !== this.run || linePlan.read || linePlan.lastChunk < chunk) continue;
      linePlan.read = true;
      this.held.set(line.hash, toPromptView(line, { limit: this.limit, truncated: { prompts: 0 } }));
      const until = this.heldUntil.get(linePlan.lastChunk);
      if (until) until.push(line.hash);
      else this.heldUntil.set(linePlan.lastChunk, [line.hash]);
    }
  }

  /** Drops the prompts no chunk after `chunk` shows. */
  release(chunk: number): void {
    for (const [last, hashes] of this.heldUntil) {
      if (last > chunk) continue;
      for (const hash of hashes) this.held.delete(hash);
      this.heldUntil.delete(last);
    }
  }

  async close(): Promise<void> {
    await this.batches?.return?.(undefined);
  }
}
