/** Overview: verdict, summary cards, compared cells, the cell table and the pass-rate chart. */
import type { CaseStatus } from '../../../compare/types.js';
import { passRateChart } from './charts.js';
import { data, isCompare } from './data.js';
import { fieldAccuracySection } from './fieldAccuracy.js';
import { byId, el, type Child } from './dom.js';
import { int, ms, num, pct, pval, rel, signed, signedPct, usd } from './format.js';
import { renderVerdict } from './header.js';
import { badge, card, deltaSpan, figure, headRow, interval } from './widgets.js';

export function renderOverview(): void {
  const root = byId('overview');
  renderVerdict(root);
  root.appendChild(summaryCards());
  if (isCompare) root.appendChild(pairsTable());
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

function summaryCards(): HTMLElement {
  const total = { samples: 0, scored: 0, passed: 0, cost: 0, errors: 0 };
  for (const c of data.cells) {
    total.samples += c.samples;
    total.scored += c.scored;
    total.passed += c.passed;
    total.cost += c.costUsd;
    for (const count of Object.values(c.errors)) total.errors += count;
  }
  const cards: HTMLElement[] = [];
  if (isCompare) {
    const count = (status: CaseStatus): number => data.pairs.reduce((sum, p) => sum + (p.counts[status] ?? 0), 0);
    cards.push(
      card('regressed cases', int(count('regressed')), 'card-regressed'),
      card('improved cases', int(count('improved')), 'card-improved'),
      card('flaky cases', int(count('flaky')), 'card-flaky'),
    );
  }
  cards.push(
    card('samples', int(total.samples), 'card-samples'),
    card('pass rate', pct(total.scored ? total.passed / total.scored : null), 'card-pass-rate'),
    card('cost', usd(total.cost), 'card-cost'),
    card('errors', int(total.errors), 'card-errors'),
  );
  return el('div', { class: 'cards' }, cards);
}

function pairsTable(): HTMLElement {
  const wrap = el('div', null, el('h2', null, 'Compared cells'));
  const head = ['cells', 'verdict', 'cases', 'pass rate', 'Δ pass rate [95% CI]', 'Δ mean score [95% CI]', 'regressed / improved', 'cost', 'p95 latency'];
  const rows = data.pairs.map((p, i) => {
    const s = p.stats;
    const o = p.operational;
    // `baseline → candidate` on two lines.
    const label: Child[] = p.label.split(' → ').map((part, j) => (j ? [el('br'), `→ ${part}`] : [part]));
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
      el('td', { class: 'num' }, [`${usd(o.costUsd.baseline)} → ${usd(o.costUsd.candidate)}`, el('span', { class: 'ci' }, rel(o.costUsd.relative))]),
      el('td', { class: 'num' }, [`${ms(o.latencyP95Ms.baseline)} → ${ms(o.latencyP95Ms.candidate)}`, el('span', { class: 'ci' }, rel(o.latencyP95Ms.relative))]),
    ]);
  });
  wrap.appendChild(el('div', { class: 'scroll' }, el('table', { id: 'pairs-table' }, [headRow(head, (i) => i > 1), el('tbody', null, rows)])));
  for (const p of data.pairs) {
    // Pair reasons usually reappear in the overall verdict; only say what it did not.
    const untold = p.reasons.filter((r) => !data.verdict.reasons.some((v) => v.includes(r)));
    if (untold.length) wrap.appendChild(el('p', { class: 'sub' }, `${p.label}: ${untold.join(' ')}`));
  }
  return wrap;
}

function cellsTable(): HTMLElement {
  const multi = data.runs.length > 1;
  // Time to first token and prompt caching get columns only when some cell has them.
  const streamed = data.cells.some((c) => c.ttftP50Ms !== undefined);
  const cached = data.cells.some((c) => c.cache !== undefined);
  const head = [
    ...(multi ? ['run'] : []),
    'version',
    'model',
    'samples',
    'pass rate [95% CI]',
    'mean score [95% CI]',
    'cost',
    'tokens in / out',
    'p50',
    'p95',
    ...(streamed ? ['ttft p50', 'ttft p95'] : []),
    ...(cached ? ['cache hits', 'cache read', 'cache saved'] : []),
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
      el('td', { class: 'num' }, int(c.samples)),
      el('td', { class: 'num pass-rate' }, [interval(c.passRate, c.passRateLow, c.passRateHigh, pct), c.failing ? [' ', badge('fail')] : null]),
      el('td', { class: 'num mean-score' }, interval(c.meanScore, c.meanScoreLow, c.meanScoreHigh, (x) => num(x))),
      el('td', { class: 'num cost' }, usd(c.costUsd)),
      el('td', { class: 'num' }, `${int(c.inputTokens)} / ${int(c.outputTokens)}`),
      el('td', { class: 'num p50' }, ms(c.p50Ms)),
      el('td', { class: 'num p95' }, ms(c.p95Ms)),
      ...(streamed ? [el('td', { class: 'num ttft-p50' }, ms(c.ttftP50Ms ?? null)), el('td', { class: 'num ttft-p95' }, ms(c.ttftP95Ms ?? null))] : []),
      ...(cached
        ? [
            el('td', { class: 'num cache-hits' }, c.cache ? pct(c.cache.hitRate) : '—'),
            el('td', { class: 'num cache-read' }, c.cache ? `${int(c.cache.readTokens)} tok` : '—'),
            el('td', { class: 'num cache-saved' }, c.cache ? usd(c.cache.savedUsd) : '—'),
          ]
        : []),
      el('td', { class: errors ? 'err errors' : 'errors' }, errors || '0'),
    ]);
  });
  const firstNumeric = multi ? 3 : 2;
  return el('div', { class: 'scroll' }, el('table', { id: 'cells-table' }, [headRow(head, (i) => i >= firstNumeric && i < head.length - 1), el('tbody', null, rows)]));
}
