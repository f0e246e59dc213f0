/**
 * Sentences for the structured values compare/ returns: verdict reasons, comparison warnings and
 * what would settle an inconclusive verdict. Every compare report (console, Markdown, JUnit, HTML)
 * words them through here, so they all say the same thing.
 */
import type { ComparisonWarning, DifferenceTest, IncompleteRecord, NoChangeValues, VerdictReason, VerdictResult } from '../compare/types.js';
import { confidenceLevel, count, percent, plural, points, pValueClause, signedNumber, signedPercent, signedPoints, usd, milliseconds } from './format.js';

/** A reason as one sentence; prefixed with its cell's label when the overall verdict quotes it. */
export function reasonText(reason: VerdictReason): string {
  const text = reasonBody(reason);
  return reason.cell ? `${reason.cell}: ${text}` : text;
}

/** Every sentence of a verdict, in order (an inconclusive `too_small` adds what would settle it). */
export function verdictSentences(verdict: Pick<VerdictResult, 'reasons'>): string[] {
  return verdict.reasons.flatMap((reason) => {
    const text = reasonText(reason);
    return reason.rule === 'too_small' && !reason.cell ? [text, settleSentence(reason.values.needed)] : [text];
  });
}

function reasonBody(reason: VerdictReason): string {
  switch (reason.rule) {
    case 'regression': {
      const v = reason.values;
      if (v.beyond === 'tolerance' && v.test.kind === 'interval') {
        const t = v.test;
        const robust = t.clusters === undefined ? '' : v.metric === 'mean_score' ? ' (cluster-robust)' : ` (cluster-robust, ${t.clusters} clusters)`;
        return v.metric === 'mean_score'
          ? `mean score fell ${signedNumber(v.estimate)} with its whole ${confidenceLevel(t.alpha)} CI (${signedNumber(t.low)} to ${signedNumber(t.high)}) below −${v.tolerance}${robust}`
          : `the pass-rate difference ${signedPoints(v.estimate)} has its whole ${confidenceLevel(t.alpha)} CI (${signedPoints(t.low)} to ${signedPoints(t.high)}) below −${points(v.tolerance)}${robust}`;
      }
      const rates = v.baseline !== undefined && v.candidate !== undefined ? ` (${percent(v.baseline)} → ${percent(v.candidate)})` : '';
      const test = v.test.kind === 'mcnemar_exact' ? `: ${mcnemarText(v.test)} < ${v.test.alpha}` : `, ${intervalText(v.test, 'points')}`;
      return `pass rate fell ${points(-v.estimate)}${rates}${test}, beyond the ${points(v.tolerance)} tolerance`;
    }
    case 'improvement': {
      const v = reason.values;
      if (v.metric === 'mean_score') return `significant improvement: mean score ${signedNumber(v.estimate)}, ${intervalText(v.test, 'score')}`;
      if (v.test.kind === 'mcnemar_exact') {
        const rates = v.baseline !== undefined && v.candidate !== undefined ? ` (${percent(v.baseline)} → ${percent(v.candidate)})` : '';
        return `significant improvement: pass rate ${signedPoints(v.estimate)}${rates}, ${v.test.improved} cases improved, ${v.test.regressed} regressed, McNemar exact p ${pValueClause(v.test.p)}`;
      }
      return `significant improvement: pass rate ${signedPoints(v.estimate)}, ${intervalText(v.test, 'points')}`;
    }
    case 'no_change':
      return `${noChangeText(reason.values)}; changes of ${points(reason.values.mde)} or more would have been detected (MDE ≤ ${points(reason.values.tolerance)} tolerance)`;
    case 'too_small':
      return `${noChangeText(reason.values)}, but this comparison can only detect changes of ${points(reason.values.mde)} or more (MDE at n = ${reason.values.n}), larger than the ${points(reason.values.tolerance)} tolerance`;
    case 'cost_increase': {
      const v = reason.values;
      return `cost per sample up ${signedPercent(v.relative)} (${usd(v.baseline)} → ${usd(v.candidate)}), over maxCostIncrease ${signedPercent(v.limit)}`;
    }
    case 'latency_increase': {
      const v = reason.values;
      return `p${v.percentile} latency up ${signedPercent(v.relative)} (${milliseconds(v.baseline)} → ${milliseconds(v.candidate)}), over maxP95LatencyIncrease ${signedPercent(v.limit)}`;
    }
    case 'new_errors':
      return `new error kinds in the candidate: ${Object.entries(reason.values.kinds)
        .map(([kind, n]) => `${kind} (${plural(n, 'sample')})`)
        .join(', ')}`;
    case 'no_cases':
      return 'no case has scored samples on both sides: nothing to compare';
    case 'no_cells':
      return 'no cells to compare';
    case 'incomplete_record':
      return incompleteText(reason.values);
    case 'one_sided_cases':
      return reason.values.side === 'candidate'
        ? `${count(reason.values.count)} cases only in the candidate (new): not in the statistics`
        : `${count(reason.values.count)} cases only in the baseline (removed): not in the statistics`;
  }
}

function noChangeText(v: NoChangeValues): string {
  const ci = Number.isNaN(v.low) ? '' : `, ${confidenceLevel(v.alpha)} CI ${signedPoints(v.low)} to ${signedPoints(v.high)}`;
  return `no significant change (pass rate ${signedPoints(v.estimate)}${ci}; McNemar exact p ${pValueClause(v.mcnemarP)})`;
}

function mcnemarText(test: Extract<DifferenceTest, { kind: 'mcnemar_exact' }>): string {
  return `${test.regressed} cases regressed, ${test.improved} improved, McNemar exact p ${pValueClause(test.p)}`;
}

/** `95% CI −4.2 pts to −1.8 pts (cluster-robust, 10 clusters)`. */
function intervalText(test: DifferenceTest, unit: 'points' | 'score'): string {
  if (test.kind === 'mcnemar_exact') return mcnemarText(test);
  const show = unit === 'points' ? signedPoints : signedNumber;
  const robust = test.clusters === undefined ? '' : unit === 'points' ? ` (cluster-robust, ${test.clusters} clusters)` : ' (cluster-robust)';
  return unit === 'points'
    ? `${confidenceLevel(test.alpha)} CI ${show(test.low)} to ${show(test.high)}${robust}`
    : `${confidenceLevel(test.alpha)} CI (${show(test.low)} to ${show(test.high)})${robust}`;
}

function incompleteText(v: IncompleteRecord): string {
  const why =
    v.cause === 'baseline_of_incomplete_run'
      ? `saved from an incomplete run (${v.samples} of ${v.planned} planned samples)`
      : v.cause === 'no_summary'
        ? `the run did not finish: ${v.samples} of ${v.planned} planned samples, no summary line`
        : `${v.samples} of ${v.planned} planned samples`;
  return `the ${v.side} record ${v.source} is incomplete (${why}); only the samples it has are compared`;
}

/** `to settle it: about 3,372 cases at the current repeats, or 7 repeats per case with the current cases`. */
export function settleSentence(needed: { cases?: number; repeats?: number }): string {
  const options: string[] = [];
  if (needed.cases !== undefined) options.push(`about ${count(needed.cases)} cases at the current repeats`);
  if (needed.repeats !== undefined) options.push(`${needed.repeats} repeats per case with the current cases`);
  const sentence = `to settle it: ${options.join(', or ') || 'more cases'}`;
  return needed.repeats === undefined ? `${sentence} (more repeats alone would not do it: the cases differ too much from each other)` : sentence;
}

/** `3,372 cases or 7 repeats per case`, or undefined when nothing is known. */
export function neededText(needed: VerdictResult['needed']): string | undefined {
  if (!needed) return undefined;
  const parts = [needed.cases !== undefined ? `${count(needed.cases)} cases` : '', needed.repeats !== undefined ? `${needed.repeats} repeats per case` : ''].filter(Boolean);
  return parts.length ? parts.join(' or ') : undefined;
}

export function warningText(warning: ComparisonWarning): string {
  switch (warning.rule) {
    case 'incomplete_record':
      return incompleteText(warning.values);
    case 'unmatched_cell':
      return `cell ${warning.values.cell} is only in the ${warning.values.side}: not compared`;
    case 'different_suites': {
      const { baseline: b, candidate: c } = warning.values;
      return `--force: different suites: "${b.suite}" (${b.source}) vs "${c.suite}" (${c.source})`;
    }
    case 'different_datasets': {
      const { baseline: b, candidate: c } = warning.values;
      return `--force: different datasets: ${b.path} ${b.hash.slice(0, 12)} (${b.cases} cases) vs ${c.path} ${c.hash.slice(0, 12)} (${c.cases} cases); ${warning.values.onlyInBaseline} case ids only in the baseline, ${warning.values.onlyInCandidate} only in the candidate`;
    }
    case 'prompt_drift': {
      const v = warning.values;
      return `prompt ${v.promptId} ${v.version} changed without a version bump (${v.before.slice(0, 12)} → ${v.after.slice(0, 12)})`;
    }
    case 'few_repeats':
      return `only ${warning.values.repeats} repeat(s) per case: outputs vary between calls, use at least ${warning.values.minimum}`;
  }
}
