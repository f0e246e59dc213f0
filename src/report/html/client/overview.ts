/**
 * Overview: the verdict, why samples failed (the failure digest), summary cards that each say what
 * they are out of, compared cells, the robustness of each chaos operator, the cell table and the
 * pass-rate chart.
 */
import type { CaseStatus } from '../../../compare/types.js';
import { BUDGET_SKIP } from '../../../records/errorKinds.js';
import { costReported } from '../../cost.js';
import { notScoredKindsText } from '../../notScored.js';
import { STOP_LABELS, refusalCategoriesText, stopFieldsOf, stopRate } from '../../stops.js';
import type { CellView, DigestGroupView } from '../types.js';
import { passRateChart } from './charts.js';
import { data, isCompare } from './data.js';
import { fieldAccuracySection } from './fieldAccuracy.js';
import { byId, el, type Child } from './dom.js';
import { int, ms, num, pct, pval, rel, signed, signedPct, usd, usdAt, usdDecimals } from './format.js';
import { renderVerdict } from './header.js';
import { badge, card, deltaSpan, figure, headRow, interval } from './widgets.js';

export function renderOverview(): void {
  const root = byId('overview');
  renderVerdict(root);
  const digest = digestSection();
  if (digest) root.appendChild(digest);
  root.appendChild(summaryCards());
  if (isCompare) root.appendChild(pairsTable());
  const operators = operatorsSection();
  if (operators) root.appendChild(operators);
  root.appendChild(el('h2', null, 'Cells (prompt version × model)'));
  root.appendChild(cellsTable());
  const fields = fieldAccuracySection();
  if (fields) root.appendChild(fields);
  const { limits } = data;
  if (limits.truncatedOutputs) {
    root.appendChild(el('p', { class: 'sub' }, `${int(limits.truncatedOutputs)} outputs longer than ${int(limits.outputChars)} characters are cut in this report (marked where shown).`));
  }
  if (limits.truncatedPrompts) root.appendChild(el('p', { class: 'sub' }, `${int(limits.truncatedPrompts)} prompts longer than ${int(limits.promptChars)} characters are cut.`));
  root.appendChild(el('div', { class: 'overview-chart' }, figure('Pass rate per cell, with 95% intervals', passRateChart())));
}

/** The cells the cards add up: the candidate's compared cells, or every cell of a run. */
function mainCells(): CellView[] {
  if (!isCompare) return data.cells;
  return [...new Set(data.pairs.map((p) => p.candidateCell))].map((i) => data.cells[i]!);
}

function summaryCards(): HTMLElement {
  const cells = mainCells();
  const sum = (of: (c: CellView) => number) => cells.reduce((total, c) => total + of(c), 0);
  const chaos = sum((c) => c.chaos?.samples ?? 0);
  const chaosPassed = sum((c) => c.chaos?.passed ?? 0);
  // Chaos samples sent as their source's request are neither passes nor failures.
  const chaosExercised = chaos - sum((c) => c.chaos?.notExercised ?? 0);
  const chaosScored = sum((c) => c.chaos?.scored ?? 0);
  const golden = sum((c) => c.samples) - chaos;
  const scored = sum((c) => c.scored);
  const passed = sum((c) => c.passed);
  const notScored = sum((c) => c.notScored);
  const errors = sum((c) => Object.values(c.errors).reduce((a, b) => a + b, 0));
  const budgetSkips = sum((c) => c.errors[BUDGET_SKIP] ?? 0);
  const priced = cells.filter((c) => c.costUsd !== null);
  const side = isCompare ? 'candidate ' : '';
  const cards: HTMLElement[] = [];
  if (isCompare) {
    const count = (status: CaseStatus): number => data.pairs.reduce((total, p) => total + (p.counts[status] ?? 0), 0);
    cards.push(
      card('regressed cases', int(count('regressed')), 'card-regressed'),
      card('improved cases', int(count('improved')), 'card-improved'),
      card('flaky cases', int(count('flaky')), 'card-flaky'),
    );
  }
  // Each figure says what it is out of: the pass rate is over the scored golden samples, chaos apart.
  cards.push(
    card(`${side}golden samples`, int(golden), 'card-samples', chaos ? `+${int(chaos)} chaos samples` : undefined),
    card(`${side}pass rate`, pct(scored ? passed / scored : null), 'card-pass-rate', `${int(passed)} of ${int(scored)} scored golden samples`),
  );
  if (chaos) {
    const apart = [...(chaosExercised < chaos ? [`${int(chaos - chaosExercised)} did not test their mutation`] : []), ...(chaosScored < chaosExercised ? [`${int(chaosExercised - chaosScored)} not scored`] : [])];
    const of = `${int(chaosScored)} scored chaos samples${apart.length ? ` (${apart.join(', ')})` : ''}`;
    cards.push(card(`${side}chaos pass rate`, pct(chaosScored ? chaosPassed / chaosScored : null), 'card-chaos-pass-rate', `${int(chaosPassed)} of ${of}`));
  }
  cards.push(
    card(`${side}not scored`, int(notScored), 'card-not-scored', notScored ? notScoredKindsText(cells) : 'every sample was scored', notScored ? 'bad' : undefined),
    card(`${side}cost`, priced.length ? usd(priced.reduce((total, c) => total + c.costUsd!, 0)) : '—', 'card-cost', priced.length ? undefined : 'no provider reported a cost'),
    // As the record summary counts errors: budget skips among them, said apart since they never ran (the JUnit skips them).
    card(`${side}errors`, int(errors), 'card-errors', errors ? `by kind in the cell table${budgetSkips ? `; ${int(budgetSkips)} of them skipped (budget): --max-cost reached` : ''}` : undefined),
  );
  return el('div', { class: 'cards' }, cards);
}

/** Why samples failed and which errors they ended in, most common first, each with a few cases. */
function digestSection(): HTMLElement | null {
  const digest = data.digest;
  if (!digest) return null;
  const section = el('section', { id: 'digest', 'aria-label': 'why samples failed' });
  const list = (groups: DigestGroupView[], id: string, more: { groups: number; samples: number }, sourceLabel: string): HTMLElement => {
    const rows = groups.map((g) =>
      el('tr', null, [
        el('td', { class: 'mono' }, g.source),
        el('td', { class: 'num' }, `${int(g.count)}×`),
        el('td', null, g.example),
        el('td', { class: 'cases' }, [g.cases.join(', '), g.more ? ', …' : '']),
      ]),
    );
    const table = el('table', { id }, [headRow([sourceLabel, 'samples', 'reason (first seen)', 'cases'], (i) => i === 1), el('tbody', null, rows)]);
    const rest = more.groups ? el('p', { class: 'sub' }, `… and ${int(more.samples)} more in ${int(more.groups)} other group${more.groups === 1 ? '' : 's'} (the Cases tab lists every one).`) : null;
    return el('div', { class: 'scroll' }, [table, rest]);
  };
  const whose = isCompare ? ' of the candidate' : '';
  if (digest.errors.length) {
    section.appendChild(el('h2', null, `${int(digest.erroredSamples)} sample${digest.erroredSamples === 1 ? '' : 's'}${whose} ended in an error${split(digest.erroredSamples, digest.erroredChaosSamples)}`));
    section.appendChild(list(digest.errors, 'digest-errors', digest.moreErrors, 'kind'));
  }
  if (digest.failures.length) {
    section.appendChild(el('h2', null, `Why ${int(digest.failedSamples)} sample${digest.failedSamples === 1 ? '' : 's'}${whose} failed${split(digest.failedSamples, digest.failedChaosSamples)}`));
    section.appendChild(list(digest.failures, 'digest-failures', digest.moreFailures, 'scorer'));
  }
  return section;
}

/** ` (124 golden, 1,234 chaos)` when some were chaos samples. */
function split(total: number, chaos: number): string {
  return chaos ? ` (${int(total - chaos)} golden, ${int(chaos)} chaos)` : '';
}

/** Pass rate per chaos operator against the golden cases it mutated, worst first, the worst highlighted. */
function operatorsSection(): HTMLElement | null {
  if (!data.operators.length) return null;
  const unexercised = data.operators.some((o) => o.notExercised > 0);
  const rows = data.operators.map((o) =>
    el('tr', { class: o.worst ? 'worst' : null, 'data-operator': o.operator }, [
      el('td', { class: 'mono' }, [o.operator, o.worst ? [' ', el('span', { class: 'badge b-fail' }, 'worst')] : null]),
      el('td', { class: 'num' }, int(o.samples)),
      el('td', { class: 'num' }, pct(o.passRate)),
      el('td', { class: 'num' }, pct(o.sourcePassRate)),
      el('td', { class: 'num' }, o.drop === null ? '—' : deltaSpan(o.drop, signedPct(o.drop))),
      unexercised ? el('td', { class: 'num' }, int(o.notExercised)) : null,
    ]),
  );
  const whose = isCompare ? 'the candidate\'s ' : '';
  return el('section', { id: 'operators', 'aria-label': 'robustness per chaos operator' }, [
    el('h2', null, 'Robustness per chaos operator'),
    el('p', { class: 'sub' }, `Pass rate of ${whose}chaos samples per operator, against the golden cases they were made from; operators that cost 10 points or more are highlighted. Chaos samples do not count toward the pass rate or the threshold.`),
    el('div', { class: 'scroll' }, el('table', { id: 'operators-table' }, [headRow(['operator', 'chaos samples', 'pass rate', 'source cases pass rate', 'change', ...(unexercised ? ['not exercised (same request as source)'] : [])], (i) => i > 0), el('tbody', null, rows)])),
  ]);
}

function pairsTable(): HTMLElement {
  const wrap = el('div', null, el('h2', null, 'Compared cells'));
  // Refusal and max_tokens rates get columns only when some pair had any.
  const stopped = data.pairs.some((p) => p.operational.stops);
  const head = ['cells', 'verdict', 'cases', 'pass rate', 'Δ pass rate [95% CI]', 'Δ mean score [95% CI]', 'regressed / improved', 'cost', 'p95 latency', ...(stopped ? ['refusal rate', 'cut at max_tokens'] : [])];
  const rows = data.pairs.map((p, i) => {
    const s = p.stats;
    const o = p.operational;
    const costDecimals = usdDecimals([o.costUsd.baseline, o.costUsd.candidate]);
    // `baseline → candidate` on two lines.
    const label: Child[] = p.label.split(' → ').map((part, j) => (j ? [el('br'), `→ ${part}`] : [part]));
    const rate = (r: { baseline: number | null; candidate: number | null } | undefined): Child =>
      r ? [`${pct(r.baseline)} → ${pct(r.candidate)}`, r.baseline !== null && r.candidate !== null ? el('span', { class: 'ci' }, signedPct(r.candidate - r.baseline)) : null] : '—';
    return el('tr', { 'data-pair': i }, [
      el('td', { class: 'label' }, label),
      el('td', null, badge(p.verdict)),
      el('td', { class: 'num' }, int(s.n)),
      el('td', { class: 'num' }, `${pct(s.baselinePassRate.estimate)} → ${pct(s.candidatePassRate.estimate)}`),
      el('td', { class: 'num' }, [
        deltaSpan(s.passRateDiff.estimate, signedPct(s.passRateDiff.estimate)),
        ' ',
        el('span', { class: 'ci' }, `[${signedPct(s.passRateDiff.low)}, ${signedPct(s.passRateDiff.high)}] p ${pval(s.passRateDiff.pValue)}`),
      ]),
      el('td', { class: 'num' }, [deltaSpan(s.scoreDiff.estimate, signed(s.scoreDiff.estimate)), ' ', el('span', { class: 'ci' }, `[${signed(s.scoreDiff.low)}, ${signed(s.scoreDiff.high)}]`)]),
      el('td', { class: 'num' }, [`${p.counts.regressed ?? 0} / ${p.counts.improved ?? 0} `, el('span', { class: 'ci' }, `McNemar p ${pval(s.mcnemar.pExact)}`)]),
      el('td', { class: 'num cost' }, costReported(o.costUsd) ? [`${usdAt(o.costUsd.baseline, costDecimals)} → ${usdAt(o.costUsd.candidate, costDecimals)}`, el('span', { class: 'ci' }, rel(o.costUsd.relative))] : '—'),
      el('td', { class: 'num' }, [`${ms(o.latencyP95Ms.baseline)} → ${ms(o.latencyP95Ms.candidate)}`, el('span', { class: 'ci' }, rel(o.latencyP95Ms.relative))]),
      ...(stopped ? [el('td', { class: 'num refusal-rate' }, rate(o.stops?.refusalRate)), el('td', { class: 'num max-tokens-rate' }, rate(o.stops?.maxTokensRate))] : []),
    ]);
  });
  wrap.appendChild(el('div', { class: 'scroll' }, el('table', { id: 'pairs-table' }, [headRow(head, (i) => i > 1), el('tbody', null, rows)])));
  if (stopped) wrap.appendChild(el('p', { class: 'sub' }, 'Refusal and max_tokens rates are shares of the scored golden samples of the compared cases.'));
  for (const p of data.pairs) {
    // Pair reasons usually reappear in the overall verdict; only say what it did not.
    const untold = p.reasons.filter((r) => !data.verdict.reasons.some((v) => v.includes(r)));
    if (untold.length) wrap.appendChild(el('p', { class: 'sub' }, `${p.label}: ${untold.join(' ')}`));
  }
  return wrap;
}

function cellsTable(): HTMLElement {
  const multi = data.runs.length > 1;
  // Time to first token, prompt caching, stops and cost get columns only when some cell has them.
  const streamed = data.cells.some((c) => c.ttftP50Ms !== undefined);
  const cached = data.cells.some((c) => c.cache !== undefined);
  const priced = data.cells.some((c) => c.costUsd !== null);
  const stops = stopFieldsOf(data.cells);
  const costDecimals = usdDecimals(data.cells.map((c) => c.costUsd));
  const savedDecimals = usdDecimals(data.cells.map((c) => c.cache?.savedUsd));
  const head = [
    ...(multi ? ['run'] : []),
    'version',
    'model',
    'samples',
    'passed',
    'pass rate [95% CI]',
    'mean score [95% CI]',
    ...(priced ? ['cost'] : []),
    'tokens in / out',
    'p50',
    'p95',
    ...(streamed ? ['ttft p50', 'ttft p95'] : []),
    ...(cached ? ['cache hits', 'cache read', 'cache saved'] : []),
    ...stops.map((field) => STOP_LABELS[field]),
    'not scored',
    'errors',
  ];
  const rows = data.cells.map((c, i) => {
    const errors = Object.entries(c.errors)
      .map(([kind, count]) => `${kind}: ${count}`)
      .join(', ');
    return el('tr', { 'data-cell': i }, [
      multi ? el('td', null, data.runs[c.run]?.label) : null,
      el('td', null, c.version),
      el('td', null, c.model),
      el('td', { class: 'num samples' }, c.chaos ? [int(c.samples - c.chaos.samples), el('span', { class: 'ci' }, ` +${int(c.chaos.samples)} chaos`)] : int(c.samples)),
      // The pass rate's own denominator: the scored golden samples.
      el('td', { class: 'num passed' }, `${int(c.passed)}/${int(c.scored)}`),
      el('td', { class: 'num pass-rate' }, [interval(c.passRate, c.passRateLow, c.passRateHigh, pct), c.failing ? [' ', badge('fail')] : null]),
      el('td', { class: 'num mean-score' }, interval(c.meanScore, c.meanScoreLow, c.meanScoreHigh, (x) => num(x))),
      priced ? el('td', { class: 'num cost' }, usdAt(c.costUsd, costDecimals)) : null,
      el('td', { class: 'num' }, `${int(c.inputTokens)} / ${int(c.outputTokens)}`),
      el('td', { class: 'num p50' }, ms(c.p50Ms)),
      el('td', { class: 'num p95' }, ms(c.p95Ms)),
      ...(streamed ? [el('td', { class: 'num ttft-p50' }, ms(c.ttftP50Ms ?? null)), el('td', { class: 'num ttft-p95' }, ms(c.ttftP95Ms ?? null))] : []),
      ...(cached
        ? [
            el('td', { class: 'num cache-hits' }, c.cache ? pct(c.cache.hitRate) : '—'),
            el('td', { class: 'num cache-read' }, c.cache ? `${int(c.cache.readTokens)} tok` : '—'),
            el('td', { class: 'num cache-saved' }, c.cache ? usdAt(c.cache.savedUsd, savedDecimals) : '—'),
          ]
        : []),
      ...stops.map((field) => el('td', { class: `num stop-${field}` }, stopRate(c.stops, field, c.scored))),
      el('td', { class: c.notScored ? 'num err not-scored' : 'num not-scored' }, int(c.notScored)),
      el('td', { class: errors ? 'err errors' : 'errors' }, errors || '0'),
    ]);
  });
  const firstNumeric = multi ? 3 : 2;
  const table = el('table', { id: 'cells-table' }, [headRow(head, (i) => i >= firstNumeric && i < head.length - 1), el('tbody', null, rows)]);
  const notes: Child[] = [];
  if (stops.length) notes.push(el('p', { class: 'sub' }, 'Refusals, max_tokens and context-window stops are shares of the scored golden samples (the pass rate\'s denominator).'));
  const refusing = data.cells.filter((c) => c.stops.refusals > 0);
  if (refusing.length) {
    notes.push(el('p', { class: 'sub', id: 'refusal-categories' }, `Refusals by category: ${refusing.map((c) => `${c.version} × ${c.model}: ${refusalCategoriesText(c.stops)}`).join('; ')}.`));
  }
  if (!priced) notes.push(el('p', { class: 'sub' }, 'No cost column: no provider of these cells reported a cost (a function provider, or models missing from the price table).'));
  return el('div', null, [el('div', { class: 'scroll' }, table), notes]);
}
