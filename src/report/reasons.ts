/**
 * Sentences for the structured values compare/ returns: verdict reasons, comparison warnings and
 * what would settle an inconclusive verdict. Every compare report (console, Markdown, JUnit, HTML)
 * words them through here, so they all say the same thing.
 */
import type { ChaosCaseNotExercised, ComparisonWarning, DroppedParams, DecisionInterval, IncompleteRecord, PassRateDecision, RateIncrease, RulePower, SliceStatistics, VerdictReason, VerdictResult } from '../compare/types.js';
import { candidateProblemText } from './upgrade.js';
import { droppedParamList } from './droppedParams.js';
import { confidenceLevel, count, percent, plural, points, pValue, pValueClause, signedNumber, signedPercent, signedPoints, usdPair, milliseconds } from './format.js';
import { notFinishedText } from '../records/completeness.js';
import { allowedShare, kindCountsText } from './notScored.js';

/** A reason as one sentence; prefixed with its cell's label when the overall verdict quotes it. */
export function reasonText(reason: VerdictReason): string {
  const text = reasonBody(reason);
  return reason.cell ? `${reason.cell}: ${text}` : text;
}

/** Every sentence of a verdict, in order (an inconclusive `too_small` adds what would decide it). */
export function verdictSentences(verdict: Pick<VerdictResult, 'reasons'>): string[] {
  return verdict.reasons.flatMap((reason) => {
    const text = reasonText(reason);
    return reason.rule === 'too_small' && !reason.cell ? [text, settleSentence(reason.values)] : [text];
  });
}

function reasonBody(reason: VerdictReason): string {
  switch (reason.rule) {
    case 'non_inferior': {
      const v = reason.values;
      const finding = v.low > 0 ? `better: the whole interval is above 0` : `not worse by the ${tolerance(v)} tolerance: the lower bound is above −${tolerance(v)}`;
      return `${differenceText(v)}: ${finding} (${testText(v)})`;
    }
    case 'regression': {
      const v = reason.values;
      return `${differenceText(v)}: a significant drop (the upper bound is below 0) that may exceed the ${tolerance(v)} tolerance (the lower bound is below −${tolerance(v)}) (${testText(v)})`;
    }
    case 'too_small': {
      const v = reason.values;
      return `${differenceText(v)}: too wide to decide — it reaches below −${tolerance(v)} and above 0 (${testText(v)})`;
    }
    case 'cost_increase': {
      const v = reason.values;
      return `cost per sample up ${apart(signedPercent, v.relative, v.limit, 0)} (${usdPair(v.baseline, v.candidate).join(' → ')}), over maxCostIncrease ${relativeLimit(v.limit)}`;
    }
    case 'latency_increase': {
      const v = reason.values;
      return `p${v.percentile} latency up ${apart(signedPercent, v.relative, v.limit, 0)} (${milliseconds(v.baseline)} → ${milliseconds(v.candidate)}), over maxP95LatencyIncrease ${relativeLimit(v.limit)}`;
    }
    case 'refusal_rate_increase':
      return rateIncreaseText('refusal rate', 'maxRefusalRateIncrease', reason.values);
    case 'truncation_rate_increase':
      return rateIncreaseText('answers cut at max_tokens', 'maxTruncationRateIncrease', reason.values);
    case 'new_errors': {
      const v = reason.values;
      const kinds = Object.entries(v.kinds).map(([kind, n]) => {
        const found = `${kind} on ${count(n.candidate)} of ${plural(n.candidateSamples, 'sample')}`;
        if (n.pValue === null) return `${found}, a kind the baseline (${plural(n.baselineSamples, 'sample')}) did not have`;
        return `${found}, against ${count(n.baseline)} of ${count(n.baselineSamples)} in the baseline (one-sided Fisher exact p ${pValueClause(n.pValue)}, below alpha ${v.alpha})`;
      });
      return `errors the baseline did not have, or had less often: ${kinds.join('; ')}`;
    }
    case 'unscored_cases': {
      const v = reason.values;
      const other = v.side === 'candidate' ? 'the baseline' : 'the candidate';
      return `${count(v.count)} cases with no scored repeat in the ${v.side} (every repeat an error; ${count(v.scoredByOther)} of them scored in ${other}): not in the statistics, which are over the ${plural(v.paired, 'paired case')} left`;
    }
    case 'scorers_differ': {
      const v = reason.values;
      const names = Object.entries(v.scorers).map(([name, cases]) => `${name} (${count(cases)} of ${count(v.paired)} cases)`).join(', ');
      return v.only === 'baseline'
        ? `scored in the baseline but not in the candidate: ${names}; the candidate's pass rate is over fewer checks, so it cannot pass: compare with a baseline run with the same scorers`
        : `scored in the candidate only: ${names}; its pass rate is over more checks than the baseline's`;
    }
    case 'no_cases':
      return 'no case has scored samples on both sides: nothing to compare';
    case 'baseline_unscored': {
      const v = reason.values;
      const notScored = Object.values(v.notScored).reduce((a, b) => a + b, 0);
      const kinds = kindCountsText(v.notScored);
      return `the baseline scored none of its ${plural(v.cases, 'case')} (${count(notScored)} of its ${plural(v.samples, 'sample')} not scored${kinds ? `: ${kinds}` : ''}): there is nothing to compare the candidate with, so no verdict (exit 3); compare with a baseline run that scored its cases`;
    }
    case 'too_many_unscored':
      return tooManyUnscoredText(reason.values);
    case 'no_cells':
      return 'no cells to compare';
    case 'incomplete_record':
      return incompleteText(reason.values);
    case 'chaos_not_exercised':
      return chaosNotExercisedText(reason.values);
    case 'one_sided_cases':
      return reason.values.side === 'candidate'
        ? `${count(reason.values.count)} cases only in the candidate (new): not in the statistics`
        : `${count(reason.values.count)} cases only in the baseline (removed): not in the statistics`;
    case 'missing_cases':
      return `${plural(reason.values.count, 'case')} of the baseline ${reason.values.count === 1 ? 'was' : 'were'} not run by the candidate (the same dataset): the statistics cover only the ${plural(reason.values.paired, 'case')} both ran, so the cell cannot pass; run the candidate on the same cases as the baseline`;
    case 'chaos_not_run':
      return `${plural(reason.values.count, 'chaos case')} of the baseline not run: the candidate ran without --chaos, so robustness is not compared and they are not in the statistics (run the candidate with --chaos to compare them)`;
    case 'missing_cells':
      return `${reason.values.cells.length === 1 ? 'a cell' : `${reason.values.cells.length} cells`} of the baseline the candidate did not run (${reason.values.cells.join(', ')}): a comparison without ${reason.values.cells.length === 1 ? 'it' : 'them'} cannot pass; run the candidate with the same versions and models, or pick the cells to compare with --baseline and --candidate`;
    case 'own_run_fails':
      return `${reason.values.model}'s own run fails: ${candidateProblemText(reason.values.problem)}`;
    case 'rule_not_checked':
      return ruleNotCheckedText(reason.values);
    case 'several_cells': {
      const v = reason.values;
      return `${v.cells} cells: if nothing changed, some cell would still fail by chance up to ${percent(v.falseFailBound)} of the time (${v.cells} × ${percent(v.alpha / 2)}); alpha ${round(Math.min(0.5, (2 * v.alpha) / v.cells))} would keep that at ${percent(v.alpha)}`;
    }
  }
}

/**
 * `the candidate left 6 of its 20 samples unscored (provider_error 6); its maxErrorRate allows 10%: …`:
 * the candidate's run failed as `promptgold run` judges it (exit 3); the baseline's is a note.
 */
function tooManyUnscoredText(v: Extract<VerdictReason, { rule: 'too_many_unscored' }>['values']): string {
  const found = `the ${v.side} left ${count(v.notScored)} of its ${plural(v.samples, 'sample')} unscored (${kindCountsText(v.kinds)}); its maxErrorRate allows ${allowedShare(v.maxErrorRate)}`;
  return v.side === 'candidate'
    ? `${found}: its run fails (exit 3), and the cases it did score cannot stand for it; fix what failed and run those samples again with \`promptgold run --retry-errors\``
    : `${found}: the comparison is over the cases it did score`;
}

/**
 * `3 chaos cases not exercised (baseline: 3 whose request was their source case's; candidate: 1 …):
 * not in the statistics, which are over the 120 paired cases left`.
 */
function chaosNotExercisedText(v: Extract<VerdictReason, { rule: 'chaos_not_exercised' }>['values']): string {
  const side = (name: 'baseline' | 'candidate', counts: Partial<Record<ChaosCaseNotExercised, number>>): string | undefined => {
    const parts: string[] = [];
    if (counts['same-request']) parts.push(`${count(counts['same-request'])} whose request was their source case's`);
    if (counts['same-prompt']) parts.push(`${count(counts['same-prompt'])} with their source case's prompt, in a record from before runs checked`);
    return parts.length ? `${name}: ${parts.join(', ')}` : undefined;
  };
  const sides = [side('baseline', v.baseline), side('candidate', v.candidate)].filter((text) => text !== undefined);
  return `${plural(v.cases, 'chaos case')} not exercised (${sides.join('; ')}): the mutation did not reach the model, so ${v.cases === 1 ? "it would only repeat its source case's change" : "they would only repeat their source cases' change"}; not in the statistics (interval, clusters, slices), which are over the ${plural(v.paired, 'paired case')} left`;
}

/**
 * `pass rate −3.0 pts (80.0% → 77.0%), 95% CI −4.2 pts to −1.8 pts`. Each bound is shown with the
 * decimals it takes to differ from the limit the rule compared it with (the lower bound with the
 * tolerance, or with 0 when it is above; the upper bound with 0): a lower bound of −1.96 pts beside
 * a 2.0 pts tolerance reads `−1.96 pts`, not a `−2.0 pts` said to be above −2.0 pts.
 */
function differenceText(v: PassRateDecision): string {
  const low = apart(signedPoints, v.low, v.low > 0 ? 0 : -v.tolerance);
  return `pass rate ${signedPoints(v.estimate)} (${percent(v.baseline)} → ${percent(v.candidate)}), ${confidenceLevel(v.alpha)} CI ${low} to ${apart(signedPoints, v.high, 0)}`;
}

/** The tolerance D in points, with as many decimals as it has (up to 3): 2.0 pts, 2.5 pts, 1.25 pts. */
function tolerance(v: PassRateDecision): string {
  return pointsLimit(v.tolerance);
}

/** `format(value, digits)` with the fewest digits from `digits` (at most 4) that tell it apart from `limit`. */
function apart(format: (x: number, digits: number) => string, value: number, limit: number, digits = 1): string {
  while (digits < 4 && value !== limit && format(value, digits) === format(limit, digits)) digits++;
  return format(value, digits);
}

/** A policy limit in percentage points, exactly as set (up to 3 decimals): `2.0 pts`, `1.25 pts`. */
export function pointsLimit(limit: number): string {
  return points(limit, limitDigits(limit * 100, 1));
}

/** A policy limit on a relative change, exactly as set (up to 3 decimals): `+20%`, `+12.5%`. */
export function relativeLimit(limit: number): string {
  return signedPercent(limit, limitDigits(limit * 100, 0));
}

/** The fewest digits from `digits` (at most 3) that show `scaled` (a limit, in the unit shown) exactly. */
function limitDigits(scaled: number, digits: number): number {
  while (digits < 3 && Math.abs(Number(scaled.toFixed(digits)) - scaled) > 1e-9) digits++;
  return digits;
}

/** `paired sign-flip/score interval over 52 cases, exact; p = 0.73`. */
function testText(v: PassRateDecision): string {
  const over = v.clustered ? `${count(v.units)} clusters of ${count(v.cases)} cases` : plural(v.cases, 'case');
  const method = v.test.method === 'exact' ? 'exact' : `${count(v.test.resamples)} random sign flips`;
  return `paired sign-flip/score interval over ${over}, ${method}; p ${pValueClause(v.test.pValue)}`;
}

function round(x: number): string {
  return String(Number(x.toPrecision(2)));
}

function incompleteText(v: IncompleteRecord): string {
  if (v.side === 'baseline') return `the baseline record ${v.source} is incomplete (${incompleteWhy(v)}); only the samples it has are compared`;
  const mend = v.cause === 'baseline_of_incomplete_run' ? 'compare with a run, or a baseline saved from a complete one' : 'finish the run with `promptgold run --resume`, or compare a complete one';
  return `the candidate record ${v.source} is incomplete (${incompleteWhy(v)}): a comparison over part of its run cannot pass; ${mend}`;
}

function incompleteWhy(v: IncompleteRecord): string {
  const of = `${count(v.samples)} of ${count(v.planned)} planned samples`;
  switch (v.cause) {
    case 'baseline_of_incomplete_run':
      return `saved from an incomplete run (${of})`;
    case 'no_summary':
      return `the run did not finish: ${of}, no summary line`;
    case 'not_run':
      return v.notRunBy ? notFinishedText(v.notRunBy, v.planned, count) : `${count(v.notRun)} of ${count(v.planned)} planned samples did not finish`;
    case 'missing_samples':
      return of;
  }
}

/**
 * `to decide: about 3,372 cases at the current repeats (an 80% chance of a pass if the candidate is
 * truly no worse; at 52 cases that chance is 6%), or 7 repeats per case with the current cases`.
 */
export function settleSentence(values: {
  needed: { cases?: number; repeats?: number };
  passIfNoChange: number;
  cases: number;
  units: number;
  clustered: boolean;
  repeats: number;
  repeatsCannot?: 'cases_differ' | 'too_few_units';
}): string {
  const { needed } = values;
  const options: string[] = [];
  const size = values.clustered ? `${plural(values.units, 'cluster')} (${plural(values.cases, 'case')})` : plural(values.cases, 'case');
  const chance = `an 80% chance of a pass if the candidate is truly no worse; at ${size} that chance is ${percent(values.passIfNoChange, 0)}`;
  if (needed.cases !== undefined) options.push(`about ${count(needed.cases)} cases at the current repeats (${chance})`);
  if (needed.repeats !== undefined) options.push(`${needed.repeats} repeats per case with the current cases`);
  const sentence = `to decide: ${options.join(', or ') || 'more cases'}`;
  if (needed.repeats !== undefined) return sentence;
  if (values.repeatsCannot === 'cases_differ') return `${sentence}; more repeats alone would not do it: the cases differ too much from each other`;
  if (values.repeatsCannot === 'too_few_units') {
    return `${sentence}; more repeats alone would not do it: ${values.clustered ? plural(values.units, 'cluster') : plural(values.units, 'case')} that all agreed would still leave room for a drop beyond the tolerance`;
  }
  return sentence;
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
    case 'dropped_params': {
      const v = warning.values;
      const side = (name: string, d: DroppedParams) => {
        const list = droppedParamList(d.params, d.samples);
        return list ? `the ${name} left out ${list}` : `the ${name} left out none`;
      };
      return `${v.cells}: the requests differ in the parameters left out of them (a model that does not take them): ${side('baseline', v.baseline)}; ${side('candidate', v.candidate)}`;
    }
  }
}

/** `p 0.73, sign-flip/score over 52 cases (exact)`: the test behind a table's interval. */
export function intervalTestText(d: DecisionInterval): string {
  const over = d.clustered ? `${count(d.units)} clusters` : plural(d.units, 'case');
  const method = d.randomization.method === 'exact' ? 'exact' : `${count(d.randomization.resamples)} flips`;
  return `p ${pValue(d.pValue)}, ${d.score ? 'sign-flip/score' : 'sign-flip'} over ${over} (${method})`;
}

/**
 * `52 cases give a 6% chance of a pass if nothing changed; a drop of 14.8 pts would fail 80% of the
 * time; about 3,372 cases for an 80% chance of a pass`.
 */
export function powerText(power: RulePower, size: { cases: number; units: number; clustered: boolean }): string {
  if (!Number.isFinite(power.se)) return '—';
  const subject = size.clustered ? `${plural(size.units, 'cluster')} (${plural(size.cases, 'case')})` : plural(size.cases, 'case');
  const parts = [
    `${subject} give ${article(percent(power.passIfNoChange, 0))} chance of a pass if nothing changed`,
    power.minimumDetectableDrop > 1
      ? 'not even a drop to 0% would fail 80% of the time'
      : `a drop of ${points(power.minimumDetectableDrop)} would fail 80% of the time`,
  ];
  if (power.casesForPass !== null && power.passIfNoChange < 0.8) parts.push(`about ${count(power.casesForPass)} cases for an 80% chance of a pass`);
  return parts.join('; ');
}

/** `a 6%`, `an 8%`, `an 11%`: the article as the number is read aloud. */
function article(text: string): string {
  return `${/^(8|11\D|18\D)/.test(text) ? 'an' : 'a'} ${text}`;
}

/** Significant slices with their adjusted p-values, and how many were too small to say anything. */
export function slicesText(slices: SliceStatistics[]): string {
  const significant = slices.filter((s) => s.significant);
  const tested = slices.filter((s) => !s.tooSmall).length;
  const tooSmall = slices.length - tested;
  const found = significant.length
    ? significant.map((s) => `${s.slice} score ${signedNumber(s.scoreDiff.estimate)} (n ${s.n}, p_adj ${pValue(s.pAdjusted)})`).join('; ')
    : `none of ${tested} significant`;
  return tooSmall ? `${found}; ${tooSmall} too small to say (fewer units than any significant result needs)` : found;
}

/** `maxCostIncrease +20% not checked: the baseline has no cost per sample (…; — → $0.0120)`. */
function ruleNotCheckedText(v: Extract<VerdictReason, { rule: 'rule_not_checked' }>['values']): string {
  const cost = v.policy === 'maxCostIncrease';
  const figure = cost ? 'cost per sample' : 'p95 latency';
  // A cost of 0 is no price, not a price of nothing: shown as missing.
  const known = (x: number | null) => (x ? x : null);
  const shown = cost ? usdPair(known(v.baseline), known(v.candidate)).join(' → ') : `${milliseconds(v.baseline)} → ${milliseconds(v.candidate)}`;
  const rule = `${v.policy} ${relativeLimit(v.limit)} not checked`;
  // A p95 of 0 ms (a synchronous function under test) is a figure, but no change is relative to it.
  if (!cost && v.baseline === 0 && v.lacking === 'baseline') return `${rule}: the baseline p95 latency is 0 ms, which no relative change can be measured from (${shown})`;
  const sides = v.lacking === 'both' ? `neither side has a ${figure}` : `the ${v.lacking} has no ${figure}`;
  const why = cost ? 'a provider that reports no price, or only cached answers' : 'no uncached answer that succeeded';
  return `${rule}: ${sides} (${why}; ${shown})`;
}

function rateIncreaseText(what: string, policy: string, v: RateIncrease): string {
  return `${what} up ${apart(signedPoints, v.increase, v.limit)} (${percent(v.baseline)} of ${count(v.samples.baseline)} → ${percent(v.candidate)} of ${count(v.samples.candidate)} scored golden samples), over ${policy} ${pointsLimit(v.limit)}`;
}
