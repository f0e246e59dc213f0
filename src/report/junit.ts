/**
 * JUnit XML of a comparison: one <testsuite> per cell, one <testcase> per case. The file is red
 * only when the exit code is not 0, so a CI that gates on its failures and errors gates as the
 * verdict does. In a cell that is red (its verdict fails, or is inconclusive under
 * `failOnInconclusive`, or its baseline scored nothing), a case whose candidate samples were not
 * scored (the provider, a scorer or a judge failed) is an <error> with the kinds and the first
 * message, and regressed and error-changed cases fail (with the score deltas and reasons, and the
 * baseline's repeats that were not scored); in a cell whose verdict passes, those cases pass with
 * the same text in <system-out>, never a quiet pass, except that unscored candidate samples stay
 * errors when they fail the comparison themselves (see junitOutcome). Removed cases, and chaos cases left out as not exercised, are skipped; the cell's own verdict is one more test
 * case, failing when the cell fails (and, with `failOnInconclusive`, when it is inconclusive; an <error> when the baseline scored none of its cases). Each <testsuite> carries the refusal, max_tokens and
 * context-window rates of both sides as <properties> when either side had any. Reasons of the whole
 * verdict that no cell carries are test cases of their own (see wholeVerdictSuites).
 */
import { candidateNotScored, countedStatus, notScoredCount } from '../compare/classify.js';
import { cellBaselineUnscored } from '../compare/verdict.js';
import type { CandidateRunProblem, CaseComparison, CaseSide, CellComparison, ComparisonResult, Verdict, VerdictReason } from '../compare/types.js';
import { isNotScoredKind } from '../records/errorKinds.js';
import { failureReason, passesOf, scorerChanges } from './caseDetails.js';
import { count, percent, signedNumber } from './format.js';
import { reasonText, verdictSentences } from './reasons.js';
import { pointsChange, stopRates } from './stops.js';

export interface JUnitOptions {
  /** As `--fail-on-inconclusive`: an inconclusive cell's verdict test case fails, as the exit code does. */
  failOnInconclusive?: boolean;
  /** The `<testsuites>` name; by default `promptgold compare <suite>`. */
  title?: string;
}

export function renderJUnit(result: ComparisonResult, options: JUnitOptions = {}): string {
  const failOnInconclusive = options.failOnInconclusive === true;
  const whole = wholeVerdictSuites(result);
  const gates = new Map(result.cells.map((cell) => [cell, gateOf(cell, result.verdict.reasons, failOnInconclusive)]));
  const suites = [...result.cells.map((cell) => testSuite(cell, result.baseline.suite, failOnInconclusive, gates.get(cell)!)), ...whole.map((suite) => suite.xml)];
  const tests = result.cells.reduce((n, cell) => n + cell.cases.length + 1, 0) + whole.reduce((n, suite) => n + suite.tests, 0);
  const failures = result.cells.reduce((n, cell) => n + casesWith(cell, 'failure', gates.get(cell)!) + (verdictFails(cell, failOnInconclusive) ? 1 : 0), 0) + whole.reduce((n, suite) => n + suite.failures, 0);
  const errors = result.cells.reduce((n, cell) => n + casesWith(cell, 'error', gates.get(cell)!) + (baselineUnscored(cell) ? 1 : 0), 0) + whole.reduce((n, suite) => n + suite.errors, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(options.title ?? `promptgold compare ${result.baseline.suite}`)}" tests="${tests}" failures="${failures}" errors="${errors}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

interface WholeVerdictSuite {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
}

/**
 * Reasons of the whole verdict that no cell carries, so the file is red when the exit code is not
 * 0: a `comparison` test suite (see comparisonTestCases: a candidate with too many unscored
 * samples, baseline cells the candidate never ran), and, in an upgrade check, a model's own run that fails (`own_run_fails`: an
 * `own runs` test suite with a test case per such model, an <error> when its samples went
 * unscored, as its exit 3, a <failure> otherwise).
 */
function wholeVerdictSuites(result: ComparisonResult): WholeVerdictSuite[] {
  const suites: WholeVerdictSuite[] = [];
  const comparison = comparisonTestCases(result);
  if (comparison.length) {
    const errors = comparison.filter((testCase) => testCase.element === 'error').length;
    const lines = [`  <testsuite name="comparison" tests="${comparison.length}" failures="${comparison.length - errors}" errors="${errors}" skipped="0">`];
    for (const { name, element, reason } of comparison) {
      const sentence = reasonText(reason);
      lines.push(
        `    <testcase name="${attr(name)}" classname="${attr(`${result.baseline.suite}.comparison`)}">`,
        `      <${element} message="${attr(sentence)}" type="${reason.rule}">${text(sentence)}</${element}>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
    suites.push({ xml: lines.join('\n'), tests: comparison.length, failures: comparison.length - errors, errors });
  }
  const ownRuns = ownRunFailures(result.verdict.reasons);
  if (ownRuns.length) {
    const errors = ownRuns.filter((run) => run.unscored).length;
    const lines = [`  <testsuite name="own runs" tests="${ownRuns.length}" failures="${ownRuns.length - errors}" errors="${errors}" skipped="0">`];
    for (const { model, sentences, unscored } of ownRuns) {
      const element = unscored ? 'error' : 'failure';
      lines.push(
        `    <testcase name="${attr(`own run of ${model}`)}" classname="${attr(`${result.baseline.suite}.own-run`)}">`,
        `      <${element} message="${attr(sentences[0]!)}" type="own_run_fails">${text(sentences.join('\n'))}</${element}>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
    suites.push({ xml: lines.join('\n'), tests: ownRuns.length, failures: ownRuns.length - errors, errors });
  }
  return suites;
}

/**
 * The whole comparison's own test cases: the candidate's samples unscored beyond its maxErrorRate
 * (`too_many_unscored`, an <error>, as its exit 3), and baseline cells it never ran (`missing_cells`, a <failure>).
 */
function comparisonTestCases(result: ComparisonResult): Array<{ name: string; element: 'error' | 'failure'; reason: VerdictReason }> {
  const cases: Array<{ name: string; element: 'error' | 'failure'; reason: VerdictReason }> = [];
  for (const reason of result.verdict.reasons) {
    if (reason.rule === 'too_many_unscored' && reason.values.side === 'candidate') cases.push({ name: 'unscored samples of the candidate', element: 'error', reason });
    if (reason.rule === 'missing_cells') cases.push({ name: 'verdict', element: 'failure', reason });
  }
  return cases;
}

/** The `own_run_fails` reasons grouped by model, in the verdict's order: one test case each. */
function ownRunFailures(reasons: readonly VerdictReason[]): Array<{ model: string; sentences: string[]; unscored: boolean }> {
  const byModel = new Map<string, { sentences: string[]; problems: CandidateRunProblem[] }>();
  for (const reason of reasons) {
    if (reason.rule !== 'own_run_fails') continue;
    const entry = byModel.get(reason.values.model) ?? { sentences: [], problems: [] };
    entry.sentences.push(reasonText(reason));
    entry.problems.push(reason.values.problem);
    byModel.set(reason.values.model, entry);
  }
  return [...byModel].map(([model, { sentences, problems }]) => ({ model, sentences, unscored: problems.some((problem) => problem.kind === 'unscored') }));
}

/**
 * What a case is on its own: an error when a candidate repeat was not scored (that says nothing
 * about the prompt), skipped when it is left out of the statistics or only in the baseline, a
 * failure when it regressed or its error kinds changed.
 */
type JunitOutcome = 'error' | 'skipped' | 'failure' | 'pass';

function caseFinding(c: CaseComparison): JunitOutcome {
  if (candidateNotScored(c) > 0) return 'error';
  const status = countedStatus(c);
  if (status === undefined || status === 'removed') return 'skipped';
  return status === 'regressed' || status === 'error-changed' ? 'failure' : 'pass';
}

/**
 * What a case is in the JUnit file, decided in one place for its test case and its suite's counts.
 * The verdict is the gate: a case's error or failure stays one only in a red cell, and a case with
 * candidate repeats not scored stays an error whenever the candidate's unscored samples fail the
 * comparison (`too_many_unscored`, or an upgrade-check's own run over its maxErrorRate), whatever
 * its cell says. Otherwise (a regression within noise, a few repeats not scored that no rule fails
 * on) the case passes, as the exit code does, and testCase names what happened in <system-out>.
 */
function junitOutcome(c: CaseComparison, gate: CellGate): JunitOutcome {
  const finding = caseFinding(c);
  if (finding === 'error' && gate.unscoredRed) return 'error';
  return gate.red || finding === 'skipped' ? finding : 'pass';
}

/** The cell's gate: whether the cell is red, and whether the candidate's unscored samples fail the comparison. */
function gateOf(cell: CellComparison, wholeReasons: readonly VerdictReason[], failOnInconclusive: boolean): CellGate {
  const unscoredRed = wholeReasons.some(
    (reason) =>
      (reason.rule === 'too_many_unscored' && reason.values.side === 'candidate') ||
      (reason.rule === 'own_run_fails' && reason.values.problem.kind === 'unscored' && reason.values.model === cell.candidateCell.model),
  );
  return { red: isRedCell(cell, failOnInconclusive), unscoredRed, verdict: cell.verdict.verdict };
}

/** Whether the cell makes the exit code non-zero: its verdict test case fails or errors. */
function isRedCell(cell: CellComparison, failOnInconclusive: boolean): boolean {
  return verdictFails(cell, failOnInconclusive) || baselineUnscored(cell);
}

/** Whether the cell's verdict test case fails: on a fail, and on an inconclusive verdict that the exit code counts as one. */
function verdictFails(cell: CellComparison, failOnInconclusive: boolean): boolean {
  return cell.verdict.verdict === 'fail' || (failOnInconclusive && cell.verdict.verdict === 'inconclusive' && !baselineUnscored(cell));
}

function casesWith(cell: CellComparison, outcome: JunitOutcome, gate: CellGate): number {
  return cell.cases.filter((c) => junitOutcome(c, gate) === outcome).length;
}

/**
 * The cell's verdict test case is an error rather than a pass: its baseline scored none of its cases,
 * so there is no verdict and the comparison exits 3 (see exitCodeForComparison). A fail stays a failure.
 */
function baselineUnscored(cell: CellComparison): boolean {
  return cell.verdict.verdict !== 'fail' && cellBaselineUnscored(cell);
}

function testSuite(cell: CellComparison, suite: string, failOnInconclusive: boolean, gate: CellGate): string {
  const className = `${suite}.${cell.candidateCell.version}.${cell.candidateCell.model}`;
  const lines = [
    `  <testsuite name="${attr(cell.label)}" tests="${cell.cases.length + 1}" failures="${casesWith(cell, 'failure', gate) + (verdictFails(cell, failOnInconclusive) ? 1 : 0)}" errors="${casesWith(cell, 'error', gate) + (baselineUnscored(cell) ? 1 : 0)}" skipped="${casesWith(cell, 'skipped', gate)}">`,
    ...stopProperties(cell),
  ];
  lines.push(`    <testcase name="verdict" classname="${attr(className)}">`);
  const sentences = verdictSentences(cell.verdict);
  const verdictText = sentences.join('\n');
  if (cell.verdict.verdict === 'fail') lines.push(`      <failure message="${attr(sentences[0] ?? 'fail')}" type="verdict">${text(verdictText)}</failure>`);
  else if (baselineUnscored(cell)) lines.push(`      <error message="${attr(sentences[0] ?? 'baseline unscored')}" type="baseline_unscored">${text(`${cell.verdict.verdict}\n${verdictText}`)}</error>`);
  else if (verdictFails(cell, failOnInconclusive)) lines.push(`      <failure message="${attr(sentences[0] ?? 'inconclusive')}" type="inconclusive">${text(verdictText)}</failure>`);
  else lines.push(`      <system-out>${text(`${cell.verdict.verdict}\n${verdictText}`)}</system-out>`);
  lines.push('    </testcase>');
  for (const c of cell.cases) lines.push(...testCase(c, className, gate));
  lines.push('  </testsuite>');
  return lines.join('\n');
}

/** `<properties>` with each side's refusal, max_tokens and context-window rates, when either side had any. */
function stopProperties(cell: CellComparison): string[] {
  const stops = cell.operational.stops;
  if (!stops) return [];
  const of = `of ${count(stops.scored.baseline)} → ${count(stops.scored.candidate)} scored golden samples`;
  const properties = stopRates(stops).map(
    ({ label, rate }) => `      <property name="${attr(label)}" value="${attr(`${percent(rate.baseline)} → ${percent(rate.candidate)} (${pointsChange(rate)}) ${of}`)}"/>`,
  );
  return properties.length ? ['    <properties>', ...properties, '    </properties>'] : [];
}

/** The cell's verdict, whether it makes the exit code non-zero, and whether unscored candidate samples do. */
interface CellGate {
  red: boolean;
  unscoredRed: boolean;
  verdict: Verdict;
}

/**
 * A case's test case. In a cell that is not red, an error or a failure of the case is a pass whose
 * <system-out> has the same text, and says why it does not fail.
 */
function testCase(c: CaseComparison, className: string, gate: CellGate): string[] {
  const open = `    <testcase name="${attr(c.caseId)}" classname="${attr(className)}">`;
  const summary = `${c.status}: pass ${passesOf(c.baseline)} → ${passesOf(c.candidate)}, score ${signedNumber(c.scoreDelta)}`;
  const finding = caseFinding(c);
  const outcome = junitOutcome(c, gate);
  const problem = finding === 'error' ? notScoredProblem(c, summary) : finding === 'failure' ? failureProblem(c, summary) : undefined;
  if (problem && (outcome === 'error' || outcome === 'failure')) {
    return [open, `      <${outcome} message="${attr(problem.message)}" type="${attr(problem.type)}">${text(problem.details.join('\n'))}</${outcome}>`, '    </testcase>'];
  }
  if (problem) return [open, `      <system-out>${text([...problem.details, passedByVerdict(gate.verdict)].join('\n'))}</system-out>`, '    </testcase>'];
  if (outcome === 'skipped' && c.chaos?.notExercised) {
    const sides = Object.keys(c.chaos.notExercised).join(' and ');
    return [open, `      <skipped message="${attr(`a chaos case the ${sides} did not exercise (its request was its source's): left out of the statistics; ${summary}`)}"/>`, '    </testcase>'];
  }
  if (outcome === 'skipped') return [open, `      <skipped message="only in the baseline"/>`, '    </testcase>'];
  return [open, `      <system-out>${text(summary)}</system-out>`, '    </testcase>'];
}

/** The last line of a case that would fail or error in a red cell: its cell's verdict is the gate. */
function passedByVerdict(verdict: Verdict): string {
  return `not a failure here: the cell's verdict is ${verdict}, and the verdict is the gate (see its verdict test case)`;
}

interface CaseProblem {
  message: string;
  type: string;
  details: string[];
}

/** A case with candidate repeats not scored: that says nothing about the prompt, an error of the named kinds, not a failure. */
function notScoredProblem(c: CaseComparison, summary: string): CaseProblem {
  const message = notScoredText(c.candidate, 'candidate')!;
  const details = [message, summary];
  if (c.baseline?.errors.length) details.push(`baseline errors: ${c.baseline.errors.join(', ')}`);
  const baselineNotScored = notScoredText(c.baseline, 'baseline');
  if (baselineNotScored) details.push(baselineNotScored);
  return { message, type: notScoredKinds(c.candidate).join(','), details };
}

/** A regressed or error-changed case: its scorer deltas, why it failed, and both sides' errors. */
function failureProblem(c: CaseComparison, summary: string): CaseProblem {
  const details = [summary];
  const changes = scorerChanges(c, 10);
  if (changes) details.push(`scorer deltas: ${changes}`);
  const why = failureReason(c);
  if (why) details.push(`why: ${why}`);
  if (c.candidate?.errors.length) details.push(`candidate errors: ${c.candidate.errors.join(', ')}`);
  if (c.baseline?.errors.length) details.push(`baseline errors: ${c.baseline.errors.join(', ')}`);
  const baselineNotScored = notScoredText(c.baseline, 'baseline');
  if (baselineNotScored) details.push(baselineNotScored);
  return { message: summary, type: c.status, details };
}

function notScoredKinds(side: CaseSide | undefined): string[] {
  return [...new Set(side?.errors.filter(isNotScoredKind) ?? [])].sort();
}

/** `1 of 3 baseline repeats not scored (timeout): timeout: …` (the kinds, and the first such error); undefined when every repeat was scored. */
function notScoredText(side: CaseSide | undefined, name: 'baseline' | 'candidate'): string | undefined {
  const notScored = notScoredCount(side);
  if (!side || notScored === 0) return undefined;
  const first = side.firstError && isNotScoredKind(side.firstError.kind) ? side.firstError : undefined;
  return `${notScored} of ${side.repeats} ${name} repeat${side.repeats === 1 ? '' : 's'} not scored (${notScoredKinds(side).join(', ')})${first ? `: ${first.kind}: ${first.message}` : ''}`;
}

/** XML 1.0 forbids most control characters even when escaped: drop them. */
function clean(value: string): string {
   
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

export function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
