/** Matrix: pass rate per prompt version × model, one grid per run; a cell lists its cases. */
import { cellLabel, data } from './data.js';
import { byId, closest, el } from './dom.js';
import { int, num, pct, unique } from './format.js';

export function renderMatrix(onCell: (cell: number) => void): void {
  const root = byId('matrix');
  root.appendChild(el('p', { class: 'sub' }, 'Pass rate per prompt version × model. Choose a cell to list its cases.'));
  data.runs.forEach((run, runIndex) => {
    const cells = data.cells.flatMap((c, i) => (c.run === runIndex ? [i] : []));
    if (!cells.length) return;
    const versions = unique(cells.map((i) => data.cells[i]!.version));
    const models = unique(cells.map((i) => data.cells[i]!.model));
    if (data.runs.length > 1) root.appendChild(el('h3', null, `${run.label} (${run.source})`));
    const grid = el('div', { class: 'matrix', role: 'grid', 'aria-label': 'versions by models' });
    grid.style.gridTemplateColumns = `auto repeat(${models.length}, minmax(150px, auto))`;
    grid.appendChild(el('div', { class: 'head' }, 'version \\ model'));
    for (const m of models) grid.appendChild(el('div', { class: 'head', role: 'columnheader' }, m));
    for (const v of versions) {
      grid.appendChild(el('div', { class: 'head', role: 'rowheader' }, v));
      for (const m of models) {
        const index = cells.find((i) => data.cells[i]!.version === v && data.cells[i]!.model === m);
        grid.appendChild(index === undefined ? el('div', null, '—') : cellButton(index));
      }
    }
    root.appendChild(grid);
  });
  root.addEventListener('click', (event) => {
    const button = closest(event, 'button.cell');
    if (button) onCell(Number(button.getAttribute('data-cell')));
  });
}

function cellButton(index: number): HTMLButtonElement {
  const c = data.cells[index]!;
  const level = c.passRate >= 0.85 ? 'hi' : c.passRate >= 0.6 ? 'mid' : 'lo';
  return el('button', { class: `cell ${level}`, 'data-cell': index, type: 'button', 'aria-label': `${cellLabel(index)}: pass rate ${pct(c.passRate)}, show its cases` }, [
    el('span', { class: 'rate' }, pct(c.passRate)),
    el('span', { class: 'ci' }, `[${pct(c.passRateLow)}–${pct(c.passRateHigh)}]`),
    el('br'),
    // The pass rate's own denominator: the scored golden samples; chaos samples apart.
    `${int(c.passed)} of ${int(c.scored)} golden passed · score ${num(c.meanScore)}${c.chaos ? ` · +${int(c.chaos.samples)} chaos` : ''}`,
  ]);
}
