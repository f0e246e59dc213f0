/**
 * The failure digest: why samples failed, without opening a file. Failing scorer reasons (and a
 * golden sample's refusal, as `refusal`) are grouped by scorer and the reason's shape (numbers and
 * quoted text masked, so "similarity 0.41 < 0.45" and "similarity 0.38 < 0.45" are one group),
 * errors by kind and message shape; each group
 * keeps its count, the first reason as written and a few case ids. Streaming and bounded: past
 * MAX_GROUPS distinct groups, new shapes are counted in one "other" group.
 */
import { isResumableError } from '../providers/types.js';
import type { Score } from '../scoring/types.js';
import { goldenRefusalReason, isGoldenRefusal } from './stops.js';
import type { SampleRecord } from './types.js';

export interface DigestGroup {
  /** The scorer (for a failure) or the error kind. */
  source: string;
  /** The reason or message with numbers and quoted text masked. */
  shape: string;
  /** The first reason or message of the group, as written. */
  example: string;
  count: number;
  /** The first few distinct case ids, with version × model × repeat. */
  cases: DigestCase[];
}

export interface DigestCase {
  caseId: string;
  version: string;
  model: string;
  repeat: number;
}

export interface FailureDigest {
  /** Scored samples that failed, and their failing scorer reasons, most common first. */
  failedSamples: number;
  failures: DigestGroup[];
  /** Samples that ended in an error, grouped by kind and message, most common first. */
  erroredSamples: number;
  errors: DigestGroup[];
  /** Of the failed and errored samples, the chaos ones (the rest are golden: the pass rate's). */
  failedChaosSamples?: number;
  erroredChaosSamples?: number;
}

export const MAX_GROUPS = 200;
const CASES_PER_GROUP = 3;
const SHAPE_CHARS = 160;
const OTHER = '(other reasons)';

export function reasonShape(text: string): string {
  // \u201C \u201D are the curly quotes and \u2212 the minus sign, escaped so that the bundle stays
  // ASCII (scripts/bundle-dist.mjs).
  const masked = text
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\u201C[^\u201D]*\u201D/g, '"…"')
    .replace(/[-+\u2212]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?%?/gi, '#')
    .replace(/\s+/g, ' ')
    .trim();
  return masked.length > SHAPE_CHARS ? `${masked.slice(0, SHAPE_CHARS - 1)}…` : masked;
}

class GroupCounter {
  private readonly groups = new Map<string, DigestGroup>();

  add(source: string, text: string, sample: SampleRecord): void {
    const shape = reasonShape(text);
    let key = `${source}\u0000${shape}`;
    let group = this.groups.get(key);
    if (!group && this.groups.size >= MAX_GROUPS) {
      key = `\u0000${OTHER}`;
      group = this.groups.get(key);
      if (!group) this.groups.set(key, (group = { source: OTHER, shape: OTHER, example: OTHER, count: 0, cases: [] }));
    }
    if (!group) this.groups.set(key, (group = { source, shape, example: text, count: 0, cases: [] }));
    group.count++;
    if (group.cases.length < CASES_PER_GROUP && !group.cases.some((c) => c.caseId === sample.caseId)) {
      group.cases.push({ caseId: sample.caseId, version: sample.version, model: sample.model, repeat: sample.repeat });
    }
  }

  /** Most common first; ties in the order first seen. */
  sorted(): DigestGroup[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count);
  }
}

export class DigestBuilder {
  private readonly failures = new GroupCounter();
  private readonly errors = new GroupCounter();
  private failedSamples = 0;
  private erroredSamples = 0;
  private failedChaosSamples = 0;
  private erroredChaosSamples = 0;

  add(sample: SampleRecord): void {
    if (sample.error) {
      if (isResumableError(sample.error)) return; // not run yet (a budget skip, a batch request left out): not a failure
      this.erroredSamples++;
      if (sample.chaos) this.erroredChaosSamples++;
      this.errors.add(sample.error.kind, sample.error.message, sample);
      return;
    }
    if (sample.pass) return;
    this.failedSamples++;
    if (sample.chaos) this.failedChaosSamples++;
    if (isGoldenRefusal(sample)) this.failures.add('refusal', goldenRefusalReason(sample), sample);
    for (const score of failingLeaves(sample.scores)) this.failures.add(score.name, score.reason, sample);
  }

  build(): FailureDigest {
    return {
      failedSamples: this.failedSamples,
      failures: this.failures.sorted(),
      erroredSamples: this.erroredSamples,
      errors: this.errors.sorted(),
      failedChaosSamples: this.failedChaosSamples,
      erroredChaosSamples: this.erroredChaosSamples,
    };
  }
}

/** The failing scores that say why: a failing combinator names its failing children instead of itself. */
function failingLeaves(scores: readonly Score[]): Score[] {
  const found: Score[] = [];
  for (const score of scores) {
    if (score.pass && !score.error) continue;
    const children = failingLeaves(score.children ?? []);
    found.push(...(children.length ? children : [score]));
  }
  return found;
}
