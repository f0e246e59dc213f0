/** Calibration: the judge against human labels — agreement, confusion matrix, disagreements, noise. */
import type { CalibrationView } from '../types.js';
import { data } from './data.js';
import { el, maybeById } from './dom.js';
import { int, num, pct } from './format.js';
import { card, headRow } from './widgets.js';

export function renderCalibration(): void {
  const root = maybeById('calibration');
  const c = data.calibration;
  if (!root || !c) return;
  const a = c.agreement;
  const kappaName = a.kappaKind === 'cohen' ? "Cohen's kappa" : 'quadratic-weighted kappa';
  root.appendChild(
    el(
      'p',
      { class: 'sub' },
      `Scorer ${c.scorer} of suite ${c.suite}: its judge against human labels, from promptgold calibrate. Cases without their own output were judged on ${c.labeledOutput} (repeat 1).`,
    ),
  );
  root.appendChild(
    el('div', { class: 'cards' }, [
      card('judge model', c.judgeModel, 'cal-judge-model'),
      card('scale', c.scale, 'cal-scale'),
      card('labelled cases', int(c.labeled), 'cal-labeled'),
      card('agreement', pct(a.percentAgreement), 'cal-agreement'),
      card(kappaName, num(a.kappa), 'cal-kappa'),
      card('true positive rate', pct(a.truePositiveRate), 'cal-tpr'),
      card('true negative rate', pct(a.trueNegativeRate), 'cal-tnr'),
      card('unscored', int(c.unscored), 'cal-unscored'),
    ]),
  );
  const facts = [`Agreement and kappa over ${int(a.n)} cases with both a human and a judge label.`];
  if (a.kappaKind !== 'cohen') facts.push(`Unweighted Cohen's kappa: ${num(a.cohensKappa)}.`);
  facts.push('True positive rate: of the outputs humans pass, the share the judge passes; true negative rate: of those humans fail, the share the judge fails.');
  if (c.unscored) facts.push(`${int(c.unscored)}${c.unscored === 1 ? ' labelled case got' : ' labelled cases got'} no usable judgement and ${c.unscored === 1 ? 'is' : 'are'} left out.`);
  root.appendChild(el('p', { class: 'sub' }, facts.join(' ')));
  const failed = c.failures.first;
  if (failed) {
    const calls = `${int(c.failures.count)} ${c.failures.count === 1 ? 'call' : 'calls'}`;
    root.appendChild(el('p', { class: 'warnings', id: 'cal-failures' }, `${calls} failed at the provider, so their judgements are missing from these figures (promptgold calibrate exited 3). First: ${failed.caseId}: ${failed.reason}`));
  }
  root.appendChild(el('h3', null, 'Confusion matrix'));
  root.appendChild(confusionTable(a));
  root.appendChild(el('h3', null, `Disagreements (${int(c.disagreements.length)})`));
  root.appendChild(disagreementTable(c.disagreements));
  root.appendChild(el('h3', null, 'Judge noise'));
  root.appendChild(noiseTable(c.noise));
}

function confusionTable(a: CalibrationView['agreement']): HTMLElement {
  return el(
    'div',
    { class: 'scroll' },
    el('table', { id: 'calibration-confusion' }, [
      el('caption', null, 'Rows: the human label. Columns: the judge label. Shaded: both agree.'),
      el('thead', null, el('tr', null, [el('th', { scope: 'col' }, 'human ↓ · judge →'), a.categories.map((k) => el('th', { scope: 'col', class: 'num' }, k))])),
      el(
        'tbody',
        null,
        a.categories.map((human, i) => {
          const row = a.confusion[i] ?? [];
          return el('tr', { 'data-human': human }, [
            el('th', { scope: 'row' }, human),
            a.categories.map((judge, j) => el('td', { class: `num${i === j ? ' agree' : ''}`, 'data-judge': judge }, int(row[j] ?? 0))),
          ]);
        }),
      ),
    ]),
  );
}

function disagreementTable(items: CalibrationView['disagreements']): HTMLElement {
  if (!items.length) return el('p', { class: 'sub' }, 'The judge agrees with every human label.');
  const rows = items.map((d) =>
    el('tr', null, [el('td', { class: 'mono case-id' }, d.caseId), el('td', { class: 'human' }, d.human), el('td', { class: 'judge' }, d.judge), el('td', { class: 'reason' }, d.reason)]),
  );
  return el('div', { class: 'scroll' }, el('table', { id: 'calibration-disagreements' }, [headRow(['case', 'human', 'judge', "judge's reason"]), el('tbody', null, rows)]));
}

function noiseTable(n: CalibrationView['noise']): HTMLElement {
  const rows: Array<[string, string]> = [
    ['judgements asked for per output', int(n.judgementsRequested)],
    ['usable judgements per output', judgementsText(n.judgementsPerOutput)],
    ['outputs with two or more usable judgements', int(n.outputs)],
    ['outputs where every judgement agrees', pct(n.unanimous)],
    ['mean pairwise agreement of judgements', pct(n.pairwiseAgreement)],
    ['mean standard deviation of the score', num(n.meanStdev)],
    ['largest standard deviation of the score', num(n.maxStdev)],
  ];
  const wrap = el('div', null);
  if (n.judgementsRequested < 2) wrap.appendChild(el('p', { class: 'sub' }, 'Noise is measured when each output is judged more than once (calibrate --judge-samples 2 or more).'));
  wrap.appendChild(el('table', { id: 'calibration-noise' }, el('tbody', null, rows.map(([label, value]) => el('tr', null, [el('th', { scope: 'row' }, label), el('td', { class: 'num' }, value)])))));
  return wrap;
}

/** `3`, or `2–3` when outputs got different numbers of usable judgements. */
function judgementsText(counts: CalibrationView['noise']['judgementsPerOutput']): string {
  return counts.fewest === counts.most ? int(counts.most) : `${int(counts.fewest)}–${int(counts.most)}`;
}
