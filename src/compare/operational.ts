/**
 * Cost, tokens and latency of the paired cases on each side. Cost and tokens are means per billed
 * (uncached) sample, so sides with different repeat counts compare fairly; latency percentiles are
 * over the uncached, successful samples; refusal, max_tokens and context-window rates are shares of
 * the scored golden samples.
 */
import { percentiles } from '../stats/index.js';
import type { CaseAccumulator } from './caseReducer.js';
import { CaseSum } from './repeatTable.js';
import type { Deltas, OperationalDeltas, StopDeltas } from './types.js';

export interface SideOperations {
  billedSamples: number;
  costUsd: number;
  judgeCostUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** Latencies of the uncached, successful samples, case by case in reading order. */
  latencies: Float64Array;
  promptCache: { samples: number; hits: number; readTokens: number; savedUsd: number };
  stops: { scored: number; refusals: number; maxTokens: number; contextWindow: number };
}

export function sideOperations(cases: readonly CaseAccumulator[]): SideOperations {
  let samples = 0;
  for (const c of cases) samples += c.samples;
  const latencies = new Float64Array(samples);
  let latencyCount = 0;
  const totals: SideOperations = {
    billedSamples: 0,
    costUsd: 0,
    judgeCostUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    latencies,
    promptCache: { samples: 0, hits: 0, readTokens: 0, savedUsd: 0 },
    stops: { scored: 0, refusals: 0, maxTokens: 0, contextWindow: 0 },
  };
  // Each total adds its cases in case order.
  for (const c of cases) {
    totals.billedSamples += c.sum(CaseSum.billedSamples);
    totals.costUsd += c.sum(CaseSum.costUsd);
    totals.judgeCostUsd += c.sum(CaseSum.judgeCostUsd);
    totals.inputTokens += c.sum(CaseSum.inputTokens);
    totals.outputTokens += c.sum(CaseSum.outputTokens);
    latencyCount = c.copyLatencies(latencies, latencyCount);
    totals.promptCache.samples += c.sum(CaseSum.cacheSamples);
    totals.promptCache.hits += c.sum(CaseSum.cacheHits);
    totals.promptCache.readTokens += c.sum(CaseSum.cacheReadTokens);
    totals.promptCache.savedUsd += c.sum(CaseSum.cacheSavedUsd);
    totals.stops.scored += c.sum(CaseSum.scored);
    totals.stops.refusals += c.sum(CaseSum.refusals);
    totals.stops.maxTokens += c.sum(CaseSum.maxTokens);
    totals.stops.contextWindow += c.sum(CaseSum.contextWindow);
  }
  totals.latencies = latencies.subarray(0, latencyCount);
  return totals;
}

export function operationalDeltas(baseline: SideOperations, candidate: SideOperations): OperationalDeltas {
  const perSample = (side: SideOperations, value: number) => (side.billedSamples ? value / side.billedSamples : null);
  const latency = latencyFigures(baseline.latencies);
  const candidateLatency = latencyFigures(candidate.latencies);
  const deltas: OperationalDeltas = {
    costUsd: delta(perSample(baseline, baseline.costUsd), perSample(candidate, candidate.costUsd)),
    inputTokens: delta(perSample(baseline, baseline.inputTokens), perSample(candidate, candidate.inputTokens)),
    outputTokens: delta(perSample(baseline, baseline.outputTokens), perSample(candidate, candidate.outputTokens)),
    latencyMeanMs: delta(latency.mean, candidateLatency.mean),
    latencyP50Ms: delta(latency.p50, candidateLatency.p50),
    latencyP95Ms: delta(latency.p95, candidateLatency.p95),
  };
  if (baseline.judgeCostUsd > 0 || candidate.judgeCostUsd > 0) {
    deltas.judgeCostUsd = delta(perSample(baseline, baseline.judgeCostUsd), perSample(candidate, candidate.judgeCostUsd));
  }
  if (baseline.promptCache.samples > 0 || candidate.promptCache.samples > 0) {
    const hitRate = (side: SideOperations) => (side.promptCache.samples ? side.promptCache.hits / side.promptCache.samples : null);
    deltas.cache = {
      hitRate: delta(hitRate(baseline), hitRate(candidate)),
      readTokens: delta(perSample(baseline, baseline.promptCache.readTokens), perSample(candidate, candidate.promptCache.readTokens)),
      savedUsd: delta(perSample(baseline, baseline.promptCache.savedUsd), perSample(candidate, candidate.promptCache.savedUsd)),
    };
  }
  const stops = stopDeltas(baseline.stops, candidate.stops);
  if (stops) deltas.stops = stops;
  return deltas;
}

function stopDeltas(baseline: SideOperations['stops'], candidate: SideOperations['stops']): StopDeltas | undefined {
  const any = (side: SideOperations['stops']) => side.refusals + side.maxTokens + side.contextWindow > 0;
  if (!any(baseline) && !any(candidate)) return undefined;
  const rate = (side: SideOperations['stops'], count: number) => (side.scored ? count / side.scored : null);
  return {
    scored: { baseline: baseline.scored, candidate: candidate.scored },
    refusalRate: delta(rate(baseline, baseline.refusals), rate(candidate, candidate.refusals)),
    maxTokensRate: delta(rate(baseline, baseline.maxTokens), rate(candidate, candidate.maxTokens)),
    contextWindowRate: delta(rate(baseline, baseline.contextWindow), rate(candidate, candidate.contextWindow)),
  };
}

export function delta(baseline: number | null, candidate: number | null): Deltas {
  const relative = baseline !== null && candidate !== null && baseline > 0 ? candidate / baseline - 1 : null;
  return { baseline, candidate, relative };
}

function latencyFigures(latencies: Float64Array): { mean: number | null; p50: number | null; p95: number | null } {
  if (latencies.length === 0) return { mean: null, p50: null, p95: null };
  const { p50, p95 } = percentiles(latencies, [50, 95] as const);
  return { mean: latencies.reduce((a, b) => a + b, 0) / latencies.length, p50, p95 };
}
