/**
 * Streaming per-cell aggregation of sample records into the run summary. Holds counters and the
 * latency list per cell only, never the samples themselves.
 */
import { totalInputTokens } from '../providers/tokens.js';
import { isInfrastructureKind } from '../providers/types.js';
import { fieldOutcomes, mayReportFields } from '../scoring/field-results.js';
import { percentiles, wilsonInterval } from '../stats/index.js';
import { BUDGET_SKIP, isNotScoredKind } from './errorKinds.js';
import { refusalCategory, stopKindOf } from './stops.js';
import type { NotExercisedReason } from '../chaos/exercised.js';
import type { CellCacheSummary, CellSummary, FieldAccuracy, RecordHeader, RecordSummary, RobustnessRow, SampleAttempt, SampleRecord, StopCounts } from './types.js';

/** What a summary judges a run by: the pass-rate threshold per cell and the share of samples allowed to go unscored. */
export interface SummaryPolicy {
  threshold: number | null;
  /** 0..1; default 0: any sample that was not scored fails the run (exit 3). */
  maxErrorRate?: number;
  /**
   * The golden cases that chaos cases were made from, when known before the samples come (a run
   * knows; a summary rebuilt from a record does not): only their own results are kept for the
   * robustness table, rather than one entry for every case of the dataset.
   */
  chaosSources?: Pick<ReadonlySet<string>, 'has'>;
}

/** The policy a record was run under, from its header (for summaries rebuilt from a record). */
export function summaryPolicyOf(header: Pick<RecordHeader, 'options'>): SummaryPolicy {
  const { threshold, maxErrorRate } = header.options;
  return { threshold: typeof threshold === 'number' ? threshold : null, ...(typeof maxErrorRate === 'number' ? { maxErrorRate } : {}) };
}

interface CellAccumulator {
  version: string;
  model: string;
  samples: number;
  scored: number;
  passed: number;
  scoreSum: number;
  scoreSquares: number;
  errors: Record<string, number>;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  latencies: number[];
  /** Times to first token of streamed answers. */
  ttfts: number[];
  /** Prompt-cache figures of answers that read or wrote the cache. */
  promptCache: Omit<CellCacheSummary, 'hitRate'>;
  toolAnswers: number;
  toolCalls: Record<string, number>;
  /** Parameter → samples whose request went without it (the model rejects it; see Generation.droppedParams). */
  droppedParams: Record<string, number>;
  cachedSamples: number;
  unscored: number;
  judge: { calls: number; costUsd: number; inputTokens: number; outputTokens: number };
  chaosSamples: number;
  chaosPassed: number;
  /** Chaos samples scored that tested their mutation: the chaos pass rate's denominator. */
  chaosScored: number;
  /** Chaos samples whose request was their source's: neither passed nor failed (see chaos/exercised.ts). */
  chaosNotExercised: number;
  notScored: number;
  stops: StopCounts;
  /** field → how often it was right, from scores that report per-field results (bounded by the number of fields). */
  fields: Map<string, FieldAccuracy>;
}

interface OperatorTally {
  samples: number;
  passed: number;
  sources: Set<string>;
  notExercised: Map<NotExercisedReason, number>;
}

export function cellKey(version: string, model: string): string {
  return `${version} × ${model}`;
}

export class SummaryBuilder {
  private readonly cells = new Map<string, CellAccumulator>();
  private infrastructureErrors = 0;
  private readonly threshold: number | null;
  private readonly maxErrorRate: number;
  /** operator → chaos samples and passes, the source cases it mutated, and its samples that tested nothing. */
  private readonly operators = new Map<string, OperatorTally>();
  /** golden case id → its own samples and passes, for cases that have chaos mutations. */
  private readonly golden = new Map<string, { samples: number; passed: number }>();
  private lastCell: CellAccumulator | undefined;
  private readonly chaosSources: Pick<ReadonlySet<string>, 'has'> | undefined;

  constructor(policy: SummaryPolicy) {
    this.threshold = policy.threshold;
    this.maxErrorRate = policy.maxErrorRate ?? 0;
    this.chaosSources = policy.chaosSources;
  }

  /** Declare cells up front so the summary lists them in plan order even when empty. */
  declareCell(version: string, model: string): void {
    this.cell(version, model);
  }

  add(sample: SampleRecord): void {
    const cell = this.cell(sample.version, sample.model);
    cell.samples++;
    if (sample.error) {
      cell.errors[sample.error.kind] = (cell.errors[sample.error.kind] ?? 0) + 1;
      if (isInfrastructureKind(sample.error.kind)) this.infrastructureErrors++;
      if (isNotScoredKind(sample.error.kind)) cell.notScored++;
    }
    for (const score of sample.scores) if (score.error) cell.unscored++;
    if (sample.toolCalls?.length) {
      cell.toolAnswers++;
      for (const call of sample.toolCalls) cell.toolCalls[call.name] = (cell.toolCalls[call.name] ?? 0) + 1;
    }
    if (sample.droppedParams) for (const param of sample.droppedParams) cell.droppedParams[param] = (cell.droppedParams[param] ?? 0) + 1;
    if (sample.judge) {
      cell.judge.calls += sample.judge.calls;
      cell.judge.costUsd += sample.judge.costUsd;
      cell.judge.inputTokens += sample.judge.inputTokens;
      cell.judge.outputTokens += sample.judge.outputTokens;
    }
    if (isScored(sample)) this.addRobustness(sample);
    if (sample.chaos) {
      // Chaos samples are judged by the robustness table, not the cell's pass rate: the threshold is
      // about the golden cases.
      cell.chaosSamples++;
      if (sample.chaos.notExercised) cell.chaosNotExercised++;
      else if (isScored(sample)) {
        // An unscored chaos sample says nothing about robustness, as an unscored golden one says nothing about the threshold.
        cell.chaosScored++;
        if (sample.pass) cell.chaosPassed++;
      }
    } else if (isScored(sample)) {
      cell.scored++;
      if (sample.pass) cell.passed++;
      cell.scoreSum += sample.score;
      cell.scoreSquares += sample.score * sample.score;
      countStop(cell.stops, sample);
      countFields(cell.fields, sample);
    }
    if (sample.history) addEarlierSpend(cell, sample.history);
    if (sample.cached) {
      cell.cachedSamples++;
      return; // cached samples cost nothing now and their latency is not this run's
    }
    cell.costUsd += sample.costUsd;
    cell.inputTokens += sample.usage ? totalInputTokens(sample.usage) : 0;
    cell.outputTokens += sample.usage?.outputTokens ?? 0;
    if (sample.latencyMs !== null && !sample.error) cell.latencies.push(sample.latencyMs);
    if (sample.ttftMs !== undefined && !sample.error) cell.ttfts.push(sample.ttftMs);
    const reads = sample.usage?.cacheReadInputTokens ?? 0;
    const writes = sample.usage?.cacheCreationInputTokens ?? 0;
    if (reads > 0 || writes > 0) {
      cell.promptCache.samples++;
      if (reads > 0) cell.promptCache.hits++;
      cell.promptCache.readTokens += reads;
      cell.promptCache.writeTokens += writes;
      cell.promptCache.savedUsd += sample.cacheSavedUsd ?? 0;
    }
  }

  private addRobustness(sample: SampleRecord): void {
    if (!sample.chaos) {
      if (this.chaosSources && !this.chaosSources.has(sample.caseId)) return;
      let own = this.golden.get(sample.caseId);
      if (!own) {
        own = { samples: 0, passed: 0 };
        this.golden.set(sample.caseId, own);
      }
      own.samples++;
      if (sample.pass) own.passed++;
      return;
    }
    for (const operator of sample.chaos.operators) {
      const row = this.operators.get(operator) ?? { samples: 0, passed: 0, sources: new Set<string>(), notExercised: new Map() };
      this.operators.set(operator, row);
      // A sample sent as its source's request is no evidence either way: counted apart, with its reason.
      const reason = sample.chaos.notExercised;
      if (reason) {
        row.notExercised.set(reason, (row.notExercised.get(reason) ?? 0) + 1);
        continue;
      }
      row.samples++;
      if (sample.pass) row.passed++;
      row.sources.add(sample.chaos.sourceCaseId);
    }
  }

  private robustness(): RobustnessRow[] | undefined {
    if (this.operators.size === 0) return undefined;
    return [...this.operators.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operator, row]) => {
        let samples = 0;
        let passed = 0;
        for (const source of row.sources) {
          const own = this.golden.get(source);
          samples += own?.samples ?? 0;
          passed += own?.passed ?? 0;
        }
        const passRate = row.samples ? round(row.passed / row.samples) : null;
        const sourcePassRate = samples ? round(passed / samples) : null;
        const result: RobustnessRow = {
          operator,
          samples: row.samples,
          passed: row.passed,
          passRate,
          sourcePassRate,
          drop: sourcePassRate === null || passRate === null ? null : round(passRate - sourcePassRate),
        };
        if (row.notExercised.size) result.notExercised = Object.fromEntries([...row.notExercised.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
        return result;
      });
  }

  build(): RecordSummary {
    const cells = [...this.cells.values()].map(toCellSummary);
    const failingCells =
      this.threshold === null
        ? []
        : cells.filter((c) => failsThreshold(c, this.threshold!)).map((c) => cellKey(c.version, c.model));
    const samples = sum(cells, (c) => c.samples);
    const notScored = sum(cells, (c) => c.notScored);
    return {
      type: 'summary',
      cells,
      totals: {
        samples,
        passed: sum(cells, (c) => c.passed),
        errors: sum(cells, (c) => Object.values(c.errors).reduce((a, b) => a + b, 0)),
        infrastructureErrors: this.infrastructureErrors,
        notScored,
        costUsd: roundUsd(sum(cells, (c) => c.costUsd)),
        judgeCostUsd: roundUsd(sum(cells, (c) => c.judge.costUsd)),
      },
      threshold: this.threshold,
      failingCells,
      maxErrorRate: this.maxErrorRate,
      tooManyErrors: tooManyUnscored({ samples, notScored }, this.maxErrorRate),
      ...(this.operators.size ? { robustness: this.robustness()! } : {}),
    };
  }

  private cell(version: string, model: string): CellAccumulator {
    // Samples come in plan order, a cell at a time: the last cell is nearly always the one.
    const last = this.lastCell;
    if (last && last.version === version && last.model === model) return last;
    const key = cellKey(version, model);
    let cell = this.cells.get(key);
    if (!cell) {
      cell = {
        version,
        model,
        samples: 0,
        scored: 0,
        passed: 0,
        scoreSum: 0,
        scoreSquares: 0,
        errors: {},
        costUsd: 0,
        inputTokens: 0,
        outputTokens: 0,
        latencies: [],
        ttfts: [],
        promptCache: { samples: 0, hits: 0, readTokens: 0, writeTokens: 0, savedUsd: 0 },
        toolAnswers: 0,
        toolCalls: {},
        droppedParams: {},
        cachedSamples: 0,
        unscored: 0,
        judge: { calls: 0, costUsd: 0, inputTokens: 0, outputTokens: 0 },
        chaosSamples: 0,
        chaosPassed: 0,
        chaosScored: 0,
        chaosNotExercised: 0,
        notScored: 0,
        stops: { refusals: 0, refusalCategories: {}, maxTokens: 0, contextWindow: 0 },
        fields: new Map(),
      };
      this.cells.set(key, cell);
    }
    this.lastCell = cell;
    return cell;
  }
}

/**
 * The maxErrorRate rule: a run fails (exit 3) when more of its samples were not scored than the
 * policy allows. Every sample line counts in `samples`, never-run ones (budget skips, expired
 * batch requests) included; `notScored` counts those with an isNotScoredKind error.
 */
export function tooManyUnscored(counts: { samples: number; notScored: number }, maxErrorRate: number): boolean {
  return counts.samples > 0 && counts.notScored / counts.samples > maxErrorRate;
}

/**
 * A sample is scored when it reached the scorers, or failed for a reason that is the prompt's own
 * doing (context overflow, refusal): those count against the pass rate. A sample the provider, a
 * scorer or a judge failed, and a budget skip, are not: they say nothing about the prompt.
 */
export function isScored(sample: { error?: { kind: string } | undefined }): boolean {
  if (!sample.error) return true;
  return !isNotScoredKind(sample.error.kind) && sample.error.kind !== BUDGET_SKIP;
}

/**
 * What a redone sample's earlier tries spent, counted in the cell's cost and judge cost: money paid
 * stays in the totals. Tokens, latency and pass rates are the final try's.
 */
function addEarlierSpend(cell: CellAccumulator, history: readonly SampleAttempt[]): void {
  for (const attempt of history) {
    cell.costUsd += attempt.costUsd ?? 0;
    cell.judge.costUsd += attempt.judgeCostUsd ?? 0;
  }
}

/** Refusals (by category), answers cut at max_tokens and context-window stops look like answers: counted apart. */
function countStop(stops: StopCounts, sample: SampleRecord): void {
  const kind = stopKindOf(sample);
  if (kind === 'refusal') {
    stops.refusals++;
    const key = refusalCategory(sample);
    stops.refusalCategories[key] = (stops.refusalCategories[key] ?? 0) + 1;
  } else if (kind) stops[kind]++;
}

/** Per-field results of the sample's scores (see scoring/field-results.ts), each report counted once. */
function countFields(fields: Map<string, FieldAccuracy>, sample: SampleRecord): void {
  for (const score of sample.scores) {
    if (!mayReportFields(score)) continue;
    for (const [field, pass] of fieldOutcomes(score)) {
      let counts = fields.get(field);
      if (!counts) {
        counts = { right: 0, total: 0 };
        fields.set(field, counts);
      }
      counts.total++;
      if (pass) counts.right++;
    }
  }
}

function toCellSummary(cell: CellAccumulator): CellSummary {
  const interval = wilsonInterval(cell.passed, cell.scored);
  const meanScore = cell.scored ? cell.scoreSum / cell.scored : 0;
  const variance =
    cell.scored > 1 ? Math.max(0, (cell.scoreSquares - cell.scored * meanScore * meanScore) / (cell.scored - 1)) : 0;
  return {
    version: cell.version,
    model: cell.model,
    samples: cell.samples,
    scored: cell.scored,
    passed: cell.passed,
    passRate: round(cell.scored ? cell.passed / cell.scored : 0),
    passRateInterval: { low: round(cell.scored ? interval.low : 0), high: round(cell.scored ? interval.high : 1) },
    meanScore: round(meanScore),
    meanScoreSe: round(cell.scored > 1 ? Math.sqrt(variance / cell.scored) : 0),
    errors: cell.errors,
    costUsd: roundUsd(cell.costUsd),
    tokens: { input: cell.inputTokens, output: cell.outputTokens },
    latencyMs: cell.latencies.length ? percentileFigures(cell.latencies) : { p50: null, p95: null },
    ...(cell.ttfts.length ? { ttftMs: percentileFigures(cell.ttfts) } : {}),
    ...(cell.promptCache.samples ? { cache: cacheSummary(cell.promptCache) } : {}),
    ...(cell.toolAnswers ? { toolCalls: { answers: cell.toolAnswers, byTool: sortedKeys(cell.toolCalls) } } : {}),
    ...(Object.keys(cell.droppedParams).length ? { droppedParams: sortedKeys(cell.droppedParams) } : {}),
    cachedSamples: cell.cachedSamples,
    unscored: cell.unscored,
    notScored: cell.notScored,
    stops: { ...cell.stops, refusalCategories: sortedKeys(cell.stops.refusalCategories) },
    judge: { ...cell.judge, costUsd: roundUsd(cell.judge.costUsd) },
    ...(cell.chaosSamples ? { chaos: chaosSummary(cell) } : {}),
    ...(cell.fields.size ? { fieldAccuracy: Object.fromEntries([...cell.fields.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([field, counts]) => [field, { ...counts }])) } : {}),
  };
}

/** The pass rate is over the chaos samples that tested their mutation; with none, 0 (`passed` is 0 too). */
function chaosSummary(cell: CellAccumulator): NonNullable<CellSummary['chaos']> {
  const chaos: NonNullable<CellSummary['chaos']> = {
    samples: cell.chaosSamples,
    scored: cell.chaosScored,
    passed: cell.chaosPassed,
    passRate: round(cell.chaosScored ? cell.chaosPassed / cell.chaosScored : 0),
  };
  if (cell.chaosNotExercised) chaos.notExercised = cell.chaosNotExercised;
  return chaos;
}

/**
 * A cell below the threshold, or one whose golden samples all went unscored: nothing shows it
 * reaches the threshold (one model of many that failed on every sample stays within a run-wide
 * maxErrorRate). A cell with no golden samples at all (chaos only) is not judged by it.
 */
export function failsThreshold(cell: Pick<CellSummary, 'scored' | 'passRate' | 'samples' | 'chaos'>, threshold: number): boolean {
  if (cell.scored > 0) return cell.passRate < threshold;
  return cell.samples - (cell.chaos?.samples ?? 0) > 0;
}

function percentileFigures(values: number[]): { p50: number | null; p95: number | null } {
  const { p50, p95 } = percentiles(values, [50, 95]);
  return { p50: p50 === null || p50 === undefined ? null : Math.round(p50), p95: p95 === null || p95 === undefined ? null : Math.round(p95) };
}

function cacheSummary(cache: Omit<CellCacheSummary, 'hitRate'>): CellCacheSummary {
  return {
    samples: cache.samples,
    hits: cache.hits,
    hitRate: round(cache.hits / cache.samples),
    readTokens: cache.readTokens,
    writeTokens: cache.writeTokens,
    savedUsd: roundUsd(cache.savedUsd),
  };
}

/** The counts with their keys in code-unit order (records and reports list them so). */
export function sortedKeys(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sum<T>(items: T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}

/** Rounded so records stay byte-stable across platforms' float formatting of long tails. */
export function round(value: number, digits = 6): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function roundUsd(value: number): number {
  return round(value, 8);
}
