/** Robustness: chaos pass rate per mutation operator against its golden source cases. */
import { cellLabel, data } from './data.js';
import { el, maybeById } from './dom.js';
import { int, pct, signedPct } from './format.js';
import { deltaSpan, headRow } from './widgets.js';

export function renderRobustness(): void {
  const root = maybeById('robustness');
  if (!root) return;
  root.appendChild(el('p', { class: 'sub' }, 'Pass rate of chaos cases per mutation operator, against the pass rate of the golden cases they were made from (same cell).'));
  // Chaos samples sent as their source's request get a column only when there are any.
  const unexercised = data.robustness.some((r) => r.notExercised > 0);
  const rows = data.robustness.map((r) => {
    const drop = r.sourcePassRate === null || r.passRate === null ? null : r.passRate - r.sourcePassRate;
    return el('tr', null, [
      el('td', null, cellLabel(r.cell)),
      el('td', { class: 'mono' }, r.operator),
      el('td', { class: 'num' }, int(r.samples)),
      el('td', { class: 'num' }, pct(r.passRate)),
      el('td', { class: 'num' }, `${pct(r.sourcePassRate)} (${int(r.sourceSamples)})`),
      el('td', { class: 'num' }, drop === null ? '—' : deltaSpan(drop, signedPct(drop))),
      unexercised ? el('td', { class: 'num' }, int(r.notExercised)) : null,
    ]);
  });
  const head = headRow(['cell', 'operator', 'chaos samples', 'pass rate', 'source cases pass rate', 'drop', ...(unexercised ? ['not exercised (same request as source)'] : [])], (i) => i > 1);
  root.appendChild(el('div', { class: 'scroll' }, el('table', { id: 'robustness-table' }, [head, el('tbody', null, rows)])));
}
