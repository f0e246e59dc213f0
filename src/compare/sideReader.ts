/**
 * Reads one side of a comparison — a run record or a committed baseline — in one streaming pass,
 * reducing samples into per-(cell, case) accumulators as they arrive.
 */
import { displayPath as displayOf } from '../displayPath.js';
import { InputError } from '../errors.js';
import { isNotScoredKind } from '../records/errorKinds.js';
import { countNotRun, noNotRun, notRunTotal, runIncompleteCause } from '../records/completeness.js';
import { checkHeader, visitRecordLines } from '../records/reader.js';
import { SampleLineCheck } from '../records/sampleCheck.js';
import type { RecordHeader } from '../records/types.js';
import type { IncompleteRecord } from './types.js';
import { baselineCaseToSamples, isBaselineHeader, type BaselineCaseLine } from './baselineFile.js';
import { CaseAccumulator, type ComparableSample } from './caseReducer.js';
import { cellKey, type Cell } from './cellFilter.js';
import { RepeatTable } from './repeatTable.js';

export interface SideCell {
  cell: Cell;
  cases: Map<string, CaseAccumulator>;
  samples: number;
  /** Parameter → samples sent without it (the model does not accept it; see SampleRecord.droppedParams). */
  droppedParams: Record<string, number>;
  /** Error kind → samples not scored with it (isNotScoredKind), as the run's summary counts them for maxErrorRate. */
  notScored: Record<string, number>;
}

export interface LoadedSide {
  /** Absolute path of the record or baseline file. */
  file: string;
  /** Path shown to the user (relative to the project root when inside it). */
  displayPath: string;
  header: RecordHeader;
  isBaseline: boolean;
  complete: boolean;
  /** Why the record is incomplete, when it is. */
  incomplete?: Pick<IncompleteRecord, 'cause' | 'samples' | 'planned' | 'notRun' | 'notRunBy'>;
  samples: number;
  /** In the order cells first appear in the record (plan order). */
  cells: Map<string, SideCell>;
}

/**
 * Folds samples into per-(cell, case) accumulators as they arrive: the one reduction every side
 * goes through, whether it is read from a file (`loadSide`) or built in memory (the verdict bench).
 */
export class SideBuilder {
  readonly cells = new Map<string, SideCell>();
  samples = 0;
  /** Samples recorded as not finished, by why (see NotRunCounts). */
  readonly notRun = noNotRun();
  private lastCell: SideCell | undefined;
  /** The numbers of all the side's repeats, in one table. */
  private readonly repeats = new RepeatTable(1024);

  /** `keepRepeatDetails`: keep each repeat's output, scores and stop reason (see CaseAccumulator). */
  constructor(private readonly keepRepeatDetails = true) {}

  add(sample: ComparableSample): void {
    this.samples++;
    countNotRun(this.notRun, sample);
    const cell = this.cellOf(sample);
    cell.samples++;
    if (sample.droppedParams) for (const param of sample.droppedParams) cell.droppedParams[param] = (cell.droppedParams[param] ?? 0) + 1;
    const kind = sample.error?.kind;
    if (kind !== undefined && isNotScoredKind(kind)) cell.notScored[kind] = (cell.notScored[kind] ?? 0) + 1;
    const existing = cell.cases.get(sample.caseId);
    if (existing) existing.add(sample);
    else {
      const accumulator = new CaseAccumulator(sample, this.keepRepeatDetails, this.repeats);
      accumulator.add(sample);
      cell.cases.set(sample.caseId, accumulator);
    }
  }

  /** The sample's cell; consecutive samples mostly share one, so the last is checked first. */
  private cellOf(sample: ComparableSample): SideCell {
    const last = this.lastCell;
    if (last && last.cell.version === sample.version && last.cell.model === sample.model) return last;
    const key = cellKey(sample);
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { cell: { version: sample.version, model: sample.model }, cases: new Map(), samples: 0, droppedParams: {}, notScored: {} };
      this.cells.set(key, cell);
    }
    this.lastCell = cell;
    return cell;
  }

  /** Makes room for a side of about this many samples (its header's planned count). */
  reserve(samples: number): void {
    if (Number.isSafeInteger(samples) && samples > 0) this.repeats.reserve(Math.min(samples, MAX_RESERVED_SAMPLES));
  }

  /** The side, complete or not by the same rules `loadSide` applies to a file. */
  build(file: string, displayPath: string, header: RecordHeader, hasSummary: boolean): LoadedSide {
    const isBaseline = isBaselineHeader(header);
    const side: LoadedSide = { file, displayPath, header, isBaseline, complete: true, samples: this.samples, cells: this.cells };
    const cause = incompleteCause(header, isBaseline, hasSummary, this.samples, notRunTotal(this.notRun));
    if (cause) {
      side.complete = false;
      side.incomplete = { cause, samples: this.samples, planned: header.planned, ...(cause === 'not_run' && { notRun: notRunTotal(this.notRun), notRunBy: { ...this.notRun } }) };
    }
    return side;
  }
}

/** A header's planned count is trusted this far only: beyond it the table grows as samples come. */
const MAX_RESERVED_SAMPLES = 4_000_000;

export interface LoadOptions {
  /** Keep each repeat's output, scores and stop reason on the case sides (default true). */
  repeatDetails?: boolean;
}

export async function loadSide(file: string, root: string, options: LoadOptions = {}): Promise<LoadedSide> {
  const displayPath = displayOf(file, root);
  let header: RecordHeader | undefined;
  let hasSummary = false;
  const builder = new SideBuilder(options.repeatDetails !== false);
  const samples = new SampleLineCheck(displayPath);
  // Line by line, not in batches: a batch of parsed lines alive at each young collection is most of what it copies.
  await visitRecordLines(file, ({ value, line }) => {
    const type = (value as { type?: string }).type;
    if (type === 'header') {
      header = checkHeader(value as RecordHeader, displayPath, line);
      builder.reserve(header.planned);
    } else if (!header) throw new InputError('the first line is not a record header', { file: displayPath, line }, 'is this a promptgold run.jsonl or baseline file?');
    else if (type === 'sample') builder.add(samples.check(value, line) as ComparableSample);
    else if (type === 'baseline-case') for (const sample of baselineCaseToSamples(value as unknown as BaselineCaseLine)) builder.add(sample);
    else if (type === 'summary') hasSummary = true;
  });
  if (!header) throw new InputError('the record is empty', { file: displayPath }, 'is this a promptgold run.jsonl or baseline file?');
  return builder.build(file, displayPath, header, hasSummary);
}

function incompleteCause(header: RecordHeader, isBaseline: boolean, hasSummary: boolean, samples: number, notRun: number): IncompleteRecord['cause'] | undefined {
  if (isBaseline && isBaselineHeader(header) && !header.baseline.complete) return 'baseline_of_incomplete_run';
  // A baseline file has no summary line of its own: it was saved from a complete run.
  return runIncompleteCause({ hasSummary: isBaseline || hasSummary, samples, planned: header.planned, notRun });
}
