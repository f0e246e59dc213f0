/**
 * The second pass's reader of one run record: hands out each case's samples once all of them are
 * read. Samples of cases asked for later are held until then, so memory stays small when the
 * record's order follows the rows' order (the plan's order: each case's repeats together) and
 * grows only as far as the two orders differ.
 */
import { readRecordBatches, type ReadLine } from '../../records/reader.js';
import type { SampleRecord } from '../../records/types.js';
import { cellKey, samplesOfLine } from './collectRun.js';
import type { CursorPlan } from './outline.js';

export class GroupCursor {
  private lines: AsyncIterator<ReadLine[]> | undefined;
  /** Samples read ahead, by cell key and case id. */
  private readonly pending = new Map<string, Map<string, SampleRecord[]>>();
  private last: { version: string; model: string; cases: Map<string, SampleRecord[]> } | undefined;

  /** `only`: the one cell, and its cases, this cursor hands out (each once); every case of the record without it. */
  constructor(
    private readonly file: string,
    private readonly only: CursorPlan['only'],
  ) {}

  /**
   * The case's samples when all `count` of them have been read already, else undefined (`take`
   * reads on). Most cases are ready, and are handed out without the cost of an await.
   */
  ready(version: string, model: string, caseId: string, count: number): SampleRecord[] | undefined {
    const cases = this.casesOf(version, model);
    const samples = cases.get(caseId);
    return samples && samples.length >= count ? this.handOut(cases, caseId, samples) : undefined;
  }

  /** The case's samples in record order, once `count` of them have been read. */
  async take(version: string, model: string, caseId: string, count: number): Promise<SampleRecord[]> {
    this.lines ??= readRecordBatches(this.file)[Symbol.asyncIterator]();
    const cases = this.casesOf(version, model);
    for (;;) {
      const samples = cases.get(caseId);
      if (samples && samples.length >= count) return this.handOut(cases, caseId, samples);
      const next = await this.lines.next();
      // The record ended early (changed since the first pass): show what there is.
      if (next.done) return this.handOut(cases, caseId, samples ?? []);
      for (const { value } of next.value) {
        if (value.type === 'sample') this.hold(value);
        else for (const sample of samplesOfLine(value) ?? []) this.hold(sample);
      }
    }
  }

  async close(): Promise<void> {
    await this.lines?.return?.(undefined);
  }

  private hold(sample: SampleRecord): void {
    const only = this.only;
    if (only && (sample.version !== only.version || sample.model !== only.model || !only.ids.has(sample.caseId))) return;
    const cases = this.casesOf(sample.version, sample.model);
    const samples = cases.get(sample.caseId);
    if (samples) samples.push(sample);
    else cases.set(sample.caseId, [sample]);
  }

  private casesOf(version: string, model: string): Map<string, SampleRecord[]> {
    if (this.last?.version === version && this.last.model === model) return this.last.cases;
    const key = cellKey(version, model);
    let cases = this.pending.get(key);
    if (!cases) this.pending.set(key, (cases = new Map()));
    this.last = { version, model, cases };
    return cases;
  }

  private handOut(cases: Map<string, SampleRecord[]>, caseId: string, samples: SampleRecord[]): SampleRecord[] {
    cases.delete(caseId);
    this.only?.ids.delete(caseId);
    return samples;
  }
}
