/**
 * Golden results handed to chaos samples: a chaos variant is scored against its source case's
 * output for the same version × model × repeat (invariants such as sameAsSource). The source is
 * planned before its variants; each variant awaits a promise the source resolves when it ends.
 *
 * A source's result is held only while some variant of it may still ask for it: each entry counts
 * the variants of its source that have not ended yet (run, kept from an earlier record, or left
 * out of the run), and is dropped once the source has ended and that count is zero. Without this
 * a long chaos run would hold every golden output of every version × model × repeat to its end.
 */
import { isResumableError } from '../providers/types.js';
import type { SampleRecord } from '../records/types.js';
import type { SourceNotFinished } from '../scoring/types.js';
import type { SourceResult } from './executeSample.js';
import type { PlannedSample } from './plan.js';

/** What a variant is handed of its source: its result, why it did not finish (--resume runs it), or nothing (not run, or errored). */
type SourceOutcome = SourceResult | { notFinished: SourceNotFinished } | undefined;

function sourceKey(version: string, model: string, repeat: number, caseId: string): string {
  return `${version}\u0000${model}\u0000${repeat}\u0000${caseId}`;
}

/**
 * A source that did not finish (see isResumableError) is told by its error's kind and code, which a
 * line read back from the record keeps (the not-sent mark of its score does not): its variants then
 * end with the same error cause, and --resume runs them with it.
 */
function resultOf(record: SampleRecord | undefined): SourceOutcome {
  const error = record?.error;
  if (error && isResumableError(error)) return { notFinished: { kind: error.kind, ...(error.code !== undefined && { code: error.code }), message: error.message } };
  return record && !record.error ? { output: record.output ?? '', scores: record.scores, pass: record.pass } : undefined;
}

interface SourceEntry {
  promise: Promise<SourceOutcome>;
  resolve: (result: SourceOutcome) => void;
  /** Whether the source has ended (its result, or undefined, is in the promise). */
  settled: boolean;
  /** Variants of the source (for this version × model × repeat) that have not ended yet. */
  variantsLeft: number;
}

export class SourceResults {
  private readonly waiting = new Map<string, SourceEntry>();
  /** `variantsOf`: golden case id → the number of chaos cases made from it (LoadedSuite.chaosSources). */
  constructor(private readonly variantsOf: ReadonlyMap<string, number>) {}

  /** Source results held now: those some variant may still ask for. */
  get held(): number {
    return this.waiting.size;
  }

  /** A finished sample from an earlier record (resume): a golden one is handed on, a chaos one will not ask. */
  resolveRecorded(record: SampleRecord): void {
    if (record.chaos) {
      this.variantEnded(sourceKey(record.version, record.model, record.repeat, record.chaos.sourceCaseId), record.chaos.sourceCaseId);
      return;
    }
    if (this.variantsOf.has(record.caseId)) this.settle(sourceKey(record.version, record.model, record.repeat, record.caseId), record.caseId, resultOf(record));
  }

  /**
   * A sample of this run ended (`record` undefined: it was not run, or it was stopped). A golden
   * one hands its result to its variants; a chaos one no longer needs its source's.
   */
  resolve(planned: PlannedSample, record: SampleRecord | undefined): void {
    const origin = planned.case.chaos;
    if (origin) {
      this.variantEnded(sourceKeyOf(planned, origin.sourceCaseId), origin.sourceCaseId);
      return;
    }
    if (this.variantsOf.has(planned.case.id)) this.settle(sourceKeyOf(planned, planned.case.id), planned.case.id, resultOf(record));
  }

  /**
   * Runs a sample and then `resolve`s it, even when running it throws: a chaos variant waiting for
   * this source would otherwise wait for good.
   */
  async settling<Executed extends { record: SampleRecord } | undefined>(planned: PlannedSample, run: () => Promise<Executed>): Promise<Executed> {
    let executed: Executed | undefined;
    try {
      executed = await run();
      return executed;
    } finally {
      this.resolve(planned, executed?.record);
    }
  }

  /** A chaos sample that will not run here (not selected by `-t` or the shard): its source need not be kept for it. */
  skip(planned: PlannedSample): void {
    const origin = planned.case.chaos;
    if (origin) this.variantEnded(sourceKeyOf(planned, origin.sourceCaseId), origin.sourceCaseId);
  }

  /** Call before the sample ends (`resolve`): the entry is kept until then. */
  awaitSource(planned: PlannedSample): Promise<SourceOutcome> | undefined {
    const origin = planned.case.chaos;
    if (!origin || !this.variantsOf.has(origin.sourceCaseId)) return undefined;
    return this.entry(sourceKeyOf(planned, origin.sourceCaseId), origin.sourceCaseId).promise;
  }

  private settle(key: string, sourceCaseId: string, result: SourceOutcome): void {
    const entry = this.entry(key, sourceCaseId);
    entry.settled = true;
    entry.resolve(result);
    this.dropIfDone(key, entry);
  }

  private variantEnded(key: string, sourceCaseId: string): void {
    if (!this.variantsOf.has(sourceCaseId)) return;
    const entry = this.entry(key, sourceCaseId);
    entry.variantsLeft--;
    this.dropIfDone(key, entry);
  }

  private dropIfDone(key: string, entry: SourceEntry): void {
    if (entry.settled && entry.variantsLeft <= 0) this.waiting.delete(key);
  }

  private entry(key: string, sourceCaseId: string): SourceEntry {
    let entry = this.waiting.get(key);
    if (!entry) {
      let resolve!: (r: SourceOutcome) => void;
      const promise = new Promise<SourceOutcome>((r) => (resolve = r));
      entry = { promise, resolve, settled: false, variantsLeft: this.variantsOf.get(sourceCaseId) ?? 0 };
      this.waiting.set(key, entry);
    }
    return entry;
  }
}

/** The key of case `caseId`'s sample in `planned`'s version, model and repeat: where a chaos variant finds its source's result. */
export function sourceKeyOf(planned: PlannedSample, caseId: string): string {
  return sourceKey(planned.prompt.template.version, planned.model, planned.repeat, caseId);
}
