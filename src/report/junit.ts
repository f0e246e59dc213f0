/**
 * JUnit XML of a comparison: one <testsuite> per cell, one <testcase> per case. A case whose
 * candidate samples were not scored (the provider, a scorer or a judge failed) is an <error> with
 * the kinds and the first message — never a quiet pass; regressed and error-changed cases fail (with
 * the score deltas and reasons); removed cases, and chaos cases left out as not exercised, are skipped; the cell's own verdict is one more test
 * case, failing when the cell fails (and, with `failOnInconclusive`, when it is inconclusive; an <error> when the baseline scored none of its cases). Each <testsuite> carries the refusal, max_tokens and
 * context-window rates of both sides as <properties> when either side had any.
 */
import { candidateNotScored, countedStatus } from '../compare/classify.js';
import { cellBaselineUnscored } from '../compare/verdict.js';
import type { CaseComparison, CellComparison, ComparisonResult } from '../compare/types.js';
import { isNotScoredKind } from '../records/errorKinds.js';
import { failureReason, passesOf, scorerChanges } from './caseDetails.js';
import { count, percent, signedNumber } from './format.js';
import { reasonText, verdictSentences } from './reasons.js';
import { pointsChange, stopRates } from './stops.js';

export interface JUnitOptions {
  /** As `--fail-on-inconclusive`: an inconclusive cell's verdict test case fails, as the exit code does. */
  failOnInconclusive?: boolean;
}

export function renderJUnit(result: ComparisonResult, options: JUnitOptions = {}): string {
  const failOnInconclusive = options.failOnInconclusive === true;
  const suites = result.cells.map((cell) => testSuite(cell, result.baseline.suite, failOnInconclusive));
  const wholeFails = wholeComparisonFailure(result);
  if (wholeFails) suites.push(wholeFails);
  const tests = result.cells.reduce((n, cell) => n + cell.cases.length + 1, 0) + (wholeFails ? 1 : 0);
  const failures = result.cells.reduce((n, cell) => n + casesWith(cell, 'failure') + (verdictFails(cell, failOnInconclusive) ? 1 : 0), 0) + (wholeFails ? 1 : 0);
  const errors = result.cells.reduce((n, cell) => n + casesWith(cell, 'error') + (baselineUnscored(cell) ? 1 : 0), 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(`promptgold compare ${result.baseline.suite}`)}" tests="${tests}" failures="${failures}" errors="${errors}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * A rule that fails the whole comparison rather than a cell (baseline cells the candidate never
 * ran): one more test suite with one failing test case, so the file is red when the exit code is 1.
 */
function wholeComparisonFailure(result: ComparisonResult): string | undefined {
  const reason = result.verdict.reasons.find((r) => r.rule === 'missing_cells');
  if (!reason) return undefined;
  const sentence = reasonText(reason);
  return [
    `  <testsuite name="comparison" tests="1" failures="1" errors="0" skipped="0">`,
    `    <testcase name="verdict" classname="${attr(`${result.baseline.suite}.comparison`)}">`,
    `      <failure message="${attr(sentence)}" type="${reason.rule}">${text(sentence)}</failure>`,
    '    </testcase>',
    '  </testsuite>',
  ].join('\n');
}

/**
 * What a case is in the JUnit file, decided in one place for its test case and its suite's counts:
 * an error when a candidate repeat was not scored (that says nothing about the prompt), skipped
 * when it is left out of the statistics or only in the baseline, a failure when it regressed.
 */
type JunitOutcome = 'error' | 'skipped' | 'failure' | 'pass';

function junitOutcome(c: CaseComparison): JunitOutcome {
  if (candidateNotScored(c) > 0) return 'error';
  const status = countedStatus(c);
  if (status === undefined || status === 'removed') return 'skipped';
  return status === 'regressed' || status === 'error-changed' ? 'failure' : 'pass';
}

/** Whether the cell's verdict test case fails: on a fail, and on an inconclusive verdict that the exit code counts as one. */
function verdictFails(cell: CellComparison, failOnInconclusive: boolean): boolean {
  return cell.verdict.verdict === 'fail' || (failOnInconclusive && cell.verdict.verdict === 'inconclusive' && !baselineUnscored(cell));
}

function casesWith(cell: CellComparison, outcome: JunitOutcome): number {
  return cell.cases.filter((c) => junitOutcome(c) === outcome).length;
}

/**
 * The cell's verdict test case is an error rather than a pass: its baseline scored none of its cases,
 * so there is no verdict and the comparison exits 3 (see exitCodeForComparison). A fail stays a failure.
 */
function baselineUnscored(cell: CellComparison): boolean {
  return cell.verdict.verdict !== 'fail' && cellBaselineUnscored(cell);
}

function testSuite(cell: CellComparison, suite: string, failOnInconclusive: boolean): string {
  const className = `${suite}.${cell.candidateCell.version}.${cell.candidateCell.model}`;
  const lines = [
    `  <testsuite name="${attr(cell.label)}" tests="${cell.cases.length + 1}" failures="${casesWith(cell, 'failure') + (verdictFails(cell, failOnInconclusive) ? 1 : 0)}" errors="${casesWith(cell, 'error') + (baselineUnscored(cell) ? 1 : 0)}" skipped="${casesWith(cell, 'skipped')}">`,
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
  for (const c of cell.cases) lines.push(...testCase(c, className));
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

function testCase(c: CaseComparison, className: string): string[] {
  const open = `    <testcase name="${attr(c.caseId)}" classname="${attr(className)}">`;
  const summary = `${c.status}: pass ${passesOf(c.baseline)} → ${passesOf(c.candidate)}, score ${signedNumber(c.scoreDelta)}`;
  const outcome = junitOutcome(c);
  if (outcome === 'error') {
    const notScored = candidateNotScored(c);
    // Not scored says nothing about the prompt: an error of the named kind, not a failure.
    const kinds = [...new Set(c.candidate!.errors.filter(isNotScoredKind))].sort();
    const first = c.candidate!.firstError && isNotScoredKind(c.candidate!.firstError.kind) ? c.candidate!.firstError : undefined;
    const message = `${notScored} of ${c.candidate!.repeats} candidate repeat${c.candidate!.repeats === 1 ? '' : 's'} not scored (${kinds.join(', ')})${first ? `: ${first.kind}: ${first.message}` : ''}`;
    const details = [message, summary];
    if (c.baseline?.errors.length) details.push(`baseline errors: ${c.baseline.errors.join(', ')}`);
    return [open, `      <error message="${attr(message)}" type="${attr(kinds.join(','))}">${text(details.join('\n'))}</error>`, '    </testcase>'];
  }
  if (outcome === 'skipped' && c.chaos?.notExercised) {
    const sides = Object.keys(c.chaos.notExercised).join(' and ');
    return [open, `      <skipped message="${attr(`a chaos case the ${sides} did not exercise (its request was its source's): left out of the statistics; ${summary}`)}"/>`, '    </testcase>'];
  }
  if (outcome === 'failure') {
    const details = [summary];
    const changes = scorerChanges(c, 10);
    if (changes) details.push(`scorer deltas: ${changes}`);
    const why = failureReason(c);
    if (why) details.push(`why: ${why}`);
    if (c.candidate?.errors.length) details.push(`candidate errors: ${c.candidate.errors.join(', ')}`);
    if (c.baseline?.errors.length) details.push(`baseline errors: ${c.baseline.errors.join(', ')}`);
    return [open, `      <failure message="${attr(summary)}" type="${attr(c.status)}">${text(details.join('\n'))}</failure>`, '    </testcase>'];
  }
  if (outcome === 'skipped') return [open, `      <skipped message="only in the baseline"/>`, '    </testcase>'];
  return [open, `      <system-out>${text(summary)}</system-out>`, '    </testcase>'];
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
