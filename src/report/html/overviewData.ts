/**
 * What the overview shows above its tables, decided here from the records: the failure digest's
 * largest groups (why samples failed, what errors they ended in) and the chaos operators with the
 * worst ones marked.
 */
import { notExercisedCount } from '../../chaos/exercised.js';
import type { DigestGroup, FailureDigest } from '../../records/digest.js';
import type { RobustnessRow } from '../../records/types.js';
import { caseLabel } from '../digest.js';
import type { DigestGroupView, DigestView, OperatorView } from './types.js';
import { clipText, oneLine } from '../../text.js';

/** Groups of each list the page shows; the rest are counted. */
const DIGEST_GROUPS = 8;
const EXAMPLE_CHARS = 300;
/** A chaos operator that costs this much pass rate (10 points) or more against its source cases is highlighted. */
export const WORST_DROP = 0.1;

export function digestView(digest: FailureDigest, repeats: number): DigestView | undefined {
  if (!digest.failures.length && !digest.errors.length) return undefined;
  return {
    failedSamples: digest.failedSamples,
    erroredSamples: digest.erroredSamples,
    failedChaosSamples: digest.failedChaosSamples ?? 0,
    erroredChaosSamples: digest.erroredChaosSamples ?? 0,
    failures: digest.failures.slice(0, DIGEST_GROUPS).map((group) => groupView(group, repeats)),
    errors: digest.errors.slice(0, DIGEST_GROUPS).map((group) => groupView(group, repeats)),
    moreFailures: rest(digest.failures),
    moreErrors: rest(digest.errors),
  };
}

function groupView(group: DigestGroup, repeats: number): DigestGroupView {
  return {
    source: group.source,
    count: group.count,
    example: clipText(oneLine(group.example), EXAMPLE_CHARS),
    cases: group.cases.map((c) => caseLabel(c, repeats)),
    more: group.count > group.cases.length,
  };
}

function rest(groups: readonly DigestGroup[]): { groups: number; samples: number } {
  const hidden = groups.slice(DIGEST_GROUPS);
  return { groups: hidden.length, samples: hidden.reduce((n, g) => n + g.count, 0) };
}

/** The summary's robustness rows, worst drop first, those costing `WORST_DROP` or more marked. */
export function operatorViews(rows: readonly RobustnessRow[] | undefined): OperatorView[] {
  return [...(rows ?? [])]
    .sort((a, b) => (a.drop ?? 0) - (b.drop ?? 0) || a.operator.localeCompare(b.operator))
    .map((row) => ({
      operator: row.operator,
      samples: row.samples,
      passRate: row.passRate,
      sourcePassRate: row.sourcePassRate,
      drop: row.drop,
      notExercised: notExercisedCount(row.notExercised),
      worst: row.drop !== null && row.drop <= -WORST_DROP + 1e-9,
    }));
}
