/** Charts as inline SVG: pass rate with intervals, score (delta) histogram, cost against quality. */
import { cases, cellLabel, data, isCompare } from './data.js';
import { byId, svg, type Attrs, type Child } from './dom.js';
import { num, pct, truncateLabel, usd } from './format.js';
import { figure } from './widgets.js';

export function renderCharts(): void {
  const root = byId('chart-grid');
  root.appendChild(figure('Pass rate per cell, with 95% intervals', passRateChart()));
  root.appendChild(figure(isCompare ? 'Distribution of score deltas (candidate − baseline, per case)' : 'Distribution of case scores', histogramChart()));
  if (data.cells.some((c) => c.costUsd !== null)) root.appendChild(figure('Cost per sample against mean score, per cell', costQualityChart()));
}

function chartFrame(width: number, height: number, label: string): SVGSVGElement {
  return svg('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': label }, svg('title', null, label));
}

function line(cls: string, x1: number, x2: number, y1: number, y2: number): SVGLineElement {
  return svg('line', { class: cls, x1, x2, y1, y2 });
}

function text(attrs: Attrs, content: Child): SVGTextElement {
  return svg('text', attrs, content);
}

export function passRateChart(): SVGSVGElement {
  const labelWidth = 210;
  const width = 560;
  const rowHeight = 26;
  const top = 10;
  const plot = width - labelWidth - 60;
  const height = top + data.cells.length * rowHeight + 30;
  const chart = chartFrame(width, height, 'pass rate per cell with 95% intervals');
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const x = labelWidth + t * plot;
    chart.appendChild(line('grid', x, x, top, height - 22));
    chart.appendChild(text({ x, y: height - 8, 'text-anchor': 'middle' }, pct(t).replace('.0', '')));
  }
  data.cells.forEach((c, i) => {
    const y = top + i * rowHeight;
    chart.appendChild(text({ x: labelWidth - 8, y: y + 16, 'text-anchor': 'end' }, truncateLabel(cellLabel(i), 34)));
    const alt = c.run === 0 && isCompare && data.runs.length > 1 ? ' alt' : '';
    chart.appendChild(svg('rect', { class: `bar${alt}`, x: labelWidth, y: y + 5, width: Math.max(0, c.passRate * plot), height: rowHeight - 10 }));
    const x1 = labelWidth + c.passRateLow * plot;
    const x2 = labelWidth + c.passRateHigh * plot;
    const mid = y + rowHeight / 2;
    chart.appendChild(line('whisker', x1, x2, mid, mid));
    chart.appendChild(line('whisker', x1, x1, mid - 5, mid + 5));
    chart.appendChild(line('whisker', x2, x2, mid - 5, mid + 5));
    chart.appendChild(text({ x: labelWidth + plot + 6, y: y + 16 }, pct(c.passRate)));
  });
  return chart;
}

function histogramChart(): SVGSVGElement {
  const lo = isCompare ? -1 : 0;
  const hi = 1;
  const bins = 20;
  const values = cases().flatMap((row) => {
    const v = isCompare ? row.delta : row.candidate ? row.candidate.score : null;
    return v === null || v === undefined ? [] : [v];
  });
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]!++;
  const width = 560;
  const height = 240;
  const left = 50;
  const bottom = 30;
  const top = 10;
  const plotW = width - left - 15;
  const plotH = height - top - bottom;
  const max = Math.max(...counts, 1);
  const chart = chartFrame(width, height, `${isCompare ? 'histogram of score deltas, ' : 'histogram of case scores, '}${values.length} cases`);
  for (const t of [0, 0.5, 1]) {
    const y = top + plotH - t * plotH;
    chart.appendChild(line('grid', left, left + plotW, y, y));
    chart.appendChild(text({ x: left - 6, y: y + 4, 'text-anchor': 'end' }, String(Math.round(t * max))));
  }
  counts.forEach((count, b) => {
    const x = left + (b * plotW) / bins;
    const h = (count / max) * plotH;
    const center = lo + ((b + 0.5) * (hi - lo)) / bins;
    const cls = isCompare ? (center < -0.0001 ? 'bar neg' : center > 0.0001 ? 'bar pos' : 'bar') : 'bar';
    const rect = svg('rect', { class: cls, x: x + 1, y: top + plotH - h, width: Math.max(0, plotW / bins - 2), height: h });
    rect.appendChild(svg('title', null, `${count} cases in [${num(lo + (b * (hi - lo)) / bins, 2)}, ${num(lo + ((b + 1) * (hi - lo)) / bins, 2)})`));
    chart.appendChild(rect);
  });
  chart.appendChild(line('axis', left, left + plotW, top + plotH, top + plotH));
  for (const t of isCompare ? [-1, -0.5, 0, 0.5, 1] : [0, 0.25, 0.5, 0.75, 1]) {
    chart.appendChild(text({ x: left + ((t - lo) / (hi - lo)) * plotW, y: height - 10, 'text-anchor': 'middle' }, String(t)));
  }
  return chart;
}

function costQualityChart(): SVGSVGElement {
  // Cells without a known cost (a function provider) have no place on the cost axis.
  const points = data.cells.flatMap((c, i) => (c.samples > 0 && c.costUsd !== null ? [{ x: c.costUsd / c.samples, y: c.meanScore, i }] : []));
  const width = 560;
  const height = 260;
  const left = 70;
  const bottom = 40;
  const top = 12;
  const right = 36;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const xMax = Math.max(...points.map((p) => p.x), 0) * 1.15 || 1;
  const yMin = Math.max(0, Math.floor((Math.min(...points.map((p) => p.y), 1) - 0.05) * 10) / 10);
  const chart = chartFrame(width, height, 'cost per sample against mean score per cell');
  for (const t of [0, 0.5, 1]) {
    const x = left + t * plotW;
    const y = top + plotH - t * plotH;
    chart.appendChild(line('grid', x, x, top, top + plotH));
    chart.appendChild(line('grid', left, left + plotW, y, y));
    chart.appendChild(text({ x, y: height - 22, 'text-anchor': 'middle' }, t ? `$${(t * xMax).toPrecision(2)}` : '$0'));
    chart.appendChild(text({ x: left - 6, y: y + 4, 'text-anchor': 'end' }, num(yMin + t * (1 - yMin), 2)));
  }
  chart.appendChild(text({ x: left + plotW / 2, y: height - 4, 'text-anchor': 'middle' }, 'cost per sample (USD)'));
  chart.appendChild(text({ x: 12, y: top + plotH / 2, transform: `rotate(-90 12 ${top + plotH / 2})`, 'text-anchor': 'middle' }, 'mean score'));
  for (const p of points) {
    const x = left + (p.x / xMax) * plotW;
    const y = top + plotH - ((p.y - yMin) / (1 - yMin || 1)) * plotH;
    const dot = svg('circle', { class: 'dot', cx: x, cy: y, r: 6 });
    dot.appendChild(svg('title', null, `${cellLabel(p.i)}: ${usd(p.x)} per sample, mean score ${num(p.y)}`));
    chart.appendChild(dot);
    chart.appendChild(text({ x: x + 9, y: y - 6, 'text-anchor': x > left + plotW * 0.7 ? 'end' : 'start' }, truncateLabel(cellLabel(p.i), 30)));
  }
  return chart;
}
