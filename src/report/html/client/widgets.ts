/** Small pieces several views share: status badges, signed deltas, cards, intervals, figures. */
import type { RowStatus } from '../types.js';
import { statusText } from './data.js';
import { el, type Child } from './dom.js';

export function badge(status: RowStatus | 'inconclusive'): HTMLSpanElement {
  return el('span', { class: `badge b-${status}` }, statusText(status));
}

/** A change coloured by its sign. */
export function deltaSpan(x: number, text: string): HTMLSpanElement {
  return el('span', { class: x > 0 ? 'pos' : x < 0 ? 'neg' : '' }, text);
}

/** A figure with its label, and under it what it is out of (`note`, e.g. its denominator). */
export function card(label: string, value: string, id: string, note?: string, tone?: 'bad'): HTMLDivElement {
  return el('div', { class: tone ? `card card-${tone}` : 'card' }, [
    el('div', { class: 'label' }, label),
    el('div', { class: 'value', id }, value),
    note ? el('div', { class: 'note', id: `${id}-note` }, note) : null,
  ]);
}

/** `x [low–high]`, the interval muted. */
export function interval(x: number, low: number, high: number, format: (value: number) => string): Child[] {
  return [format(x), ' ', el('span', { class: 'ci' }, `[${format(low)}–${format(high)}]`)];
}

export function figure(caption: string, chart: Child): HTMLElement {
  return el('figure', null, [el('figcaption', null, caption), chart]);
}

/** A table header row; `numeric(i)` right-aligns column i. */
export function headRow(labels: readonly string[], numeric: (index: number) => boolean = () => false): HTMLTableSectionElement {
  return el('thead', null, el('tr', null, labels.map((label, i) => el('th', { scope: 'col', class: numeric(i) ? 'num' : null }, label))));
}
