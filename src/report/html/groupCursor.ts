/**
 * The second pass's reader of one run record: hands out each case's samples (a group) once all of
 * them are read. Samples of groups asked for later are held until then, so memory stays small
 * when the record's order follows the rows' order (the plan's order: each case's repeats together)
 * and grows only as far as the two orders differ.
 */
import { readRecordBatches, type ReadLine } from '../../records/reader.js';
import type { SampleRecord } from '../../records/types.js';
import { caseKey, samplesOfLine } from './collectRun.js';

export class GroupCursor {
  private lines: AsyncIterator<ReadLine[]> | undefined;
  private readonly pending = new Map<string, SampleRecord[]>();

  /** `keys`: the groups this cursor hands out (each once); undefined for every group of the record. */
  constructor(
    private readonly file: string,
    private readonly keys?: Set<string>,
  ) {}

  /** The group's samples in record order, once `count` of them have been read. */
  async take(key: string, count: number): Promise<SampleRecord[]> {
    this.lines ??= readRecordBatches(this.file)[Symbol.asyncIterator]();
    for (;;) {
      const samples = this.pending.get(key);
      if (samples && samples.length >= count) return this.handOut(key, samples);
      const next = await this.lines.next();
      // The record ended early (changed since the first pass): show what there is.
      if (next.done) return this.handOut(key, samples ?? []);
      for (const { value } of next.value) {
        for (const sample of samplesOfLine(value) ?? []) this.hold(sample);
      }
    }
  }

  async close(): Promise<void> {
    await this.lines?.return?.(undefined);
  }

  private hold(sample: SampleRecord): void {
    const key = caseKey(sample.version, sample.model, sample.caseId);
    if (this.keys && !this.keys.has(key)) return;
    const samples = this.pending.get(key);
    if (samples) samples.push(sample);
    else this.pending.set(key, [sample]);
  }

  private handOut(key: string, samples: SampleRecord[]): SampleRecord[] {
    this.pending.delete(key);
    this.keys?.delete(key);
    return samples;
  }
}
