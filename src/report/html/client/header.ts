/** The page title line and the verdict box. */
import { data, isCompare } from './data.js';
import { byId, el } from './dom.js';
import { int } from './format.js';

export function renderHeader(): void {
  byId('title').textContent = data.title;
  byId('subtitle').textContent = data.runs
    .map((r) => `${r.label}: ${r.source} (${int(r.samples)} samples${r.commit ? `, ${r.commit.slice(0, 8)}` : ''}${r.complete ? '' : ', incomplete'})`)
    .join(' · ');
}

export function renderVerdict(container: HTMLElement): void {
  const v = data.verdict;
  const reasons = el('ul', null, v.reasons.map((r) => el('li', null, r)));
  let needed: HTMLElement | null = null;
  if (v.needed && (v.needed.cases || v.needed.repeats)) {
    const ways = [v.needed.cases ? `${int(v.needed.cases)} cases` : null, v.needed.repeats ? `${v.needed.repeats} repeats` : null].filter(Boolean);
    needed = el('p', null, `To settle it: ${ways.join(' or ')}.`);
  }
  container.appendChild(
    el('section', { class: `verdict verdict-${v.verdict}`, 'aria-label': 'verdict' }, [
      el('div', { class: 'word', id: 'verdict-word' }, v.verdict),
      el('div', null, [el('strong', null, isCompare ? 'Regression verdict' : 'Run verdict'), reasons, needed]),
    ]),
  );
  if (data.warnings.length) {
    container.appendChild(el('div', { class: 'warnings', role: 'note' }, [el('strong', null, 'Warnings'), el('ul', null, data.warnings.map((w) => el('li', null, w)))]));
  }
}
