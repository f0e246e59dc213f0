/**
 * Field accuracy: for extraction suites, how often each field was right, per cell (rows are fields,
 * columns cells). Shown on the overview when some scorer reported per-field results.
 */
import { cellLabel, data } from './data.js';
import { el } from './dom.js';
import { int, pct } from './format.js';
import { headRow } from './widgets.js';

export function fieldAccuracySection(): HTMLElement | null {
  const cells = data.cells.map((cell, index) => ({ cell, index })).filter(({ cell }) => cell.fieldAccuracy && Object.keys(cell.fieldAccuracy).length);
  if (!cells.length) return null;
  const fields = [...new Set(cells.flatMap(({ cell }) => Object.keys(cell.fieldAccuracy!)))].sort();
  const rows = fields.map((field) =>
    el('tr', { 'data-field': field }, [
      el('td', { class: 'mono' }, field),
      ...cells.map(({ cell }) => {
        const counts = cell.fieldAccuracy![field];
        if (!counts || !counts.total) return el('td', { class: 'num' }, '—');
        const rate = counts.right / counts.total;
        return el('td', { class: 'num', title: `${int(counts.right)} of ${int(counts.total)} right` }, [pct(rate), ' ', el('span', { class: 'ci' }, `${int(counts.right)}/${int(counts.total)}`)]);
      }),
    ]),
  );
  const head = headRow(['field', ...cells.map(({ index }) => cellLabel(index))], (i) => i > 0);
  return el('div', { id: 'field-accuracy' }, [
    el('h2', null, 'Field accuracy'),
    el('p', { class: 'sub' }, 'How often each field was right, per cell, over the scored golden samples (from scorers that compare fields, such as extraction).'),
    el('div', { class: 'scroll' }, el('table', { id: 'field-accuracy-table' }, [head, el('tbody', null, rows)])),
  ]);
}
