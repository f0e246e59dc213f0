/**
 * Golden results handed to chaos samples: a chaos variant is scored against its source case's
 * output for the same version × model × repeat (invariants such as sameAsSource). The source is
 * planned before its variants; each variant awaits a promise the source resolves when it ends.
 */
import type { SampleRecord } from '../records/types.js';
import type { SourceResult } from './executeSample.js';
import type { PlannedSample } from './plan.js';

function sourceKey(version: string, model: string, repeat: number, caseId: string): string {
  return `${version}\u0000${model}\u0000${repeat}\u0000${caseId}`;
}

function resultOf(record: SampleRecord | undefined): SourceResult | undefined {
  return record && !record.error ? { output: record.output ?? '', scores: record.scores, pass: record.pass } : undefined;
}

export class SourceResults {
  private readonly waiting = new Map<string, { promise: Promise<SourceResult | undefined>; resolve: (r: SourceResult | undefined) => void }>();
  /** `wanted`: the golden case ids that chaos cases were made from (LoadedSuite.chaosSources). */
  constructor(private readonly wanted: ReadonlySet<string>) {}

  /** A finished golden sample from an earlier record (resume). */
  resolveRecorded(record: SampleRecord): void {
    if (record.chaos || !this.wanted.has(record.caseId)) return;
    this.entry(sourceKey(record.version, record.model, record.repeat, record.caseId)).resolve(resultOf(record));
  }

  /** A golden sample of this run ended (`record` undefined: it was not run). */
  resolve(planned: PlannedSample, record: SampleRecord | undefined): void {
    if (planned.case.chaos || !this.wanted.has(planned.case.id)) return;
    this.entry(sourceKey(planned.prompt.template.version, planned.model, planned.repeat, planned.case.id)).resolve(resultOf(record));
  }

  awaitSource(planned: PlannedSample): Promise<SourceResult | undefined> | undefined {
    const origin = planned.case.chaos;
    if (!origin || !this.wanted.has(origin.sourceCaseId)) return undefined;
    return this.entry(sourceKey(planned.prompt.template.version, planned.model, planned.repeat, origin.sourceCaseId)).promise;
  }

  private entry(key: string) {
    let entry = this.waiting.get(key);
    if (!entry) {
      let resolve!: (r: SourceResult | undefined) => void;
      const promise = new Promise<SourceResult | undefined>((r) => (resolve = r));
      entry = { promise, resolve };
      this.waiting.set(key, entry);
    }
    return entry;
  }
}
