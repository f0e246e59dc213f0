/** Wording of `promptgold upgrade-check`: the decision, the pricing table and the retirement warning. */
import type { CandidateRunProblem, Retirement, UpgradeDecision, UpgradePricing } from '../compare/upgrade.js';
import { count, fixed, percent, plural, signedPercent, usd } from './format.js';
import { allowedShare, thresholdMissText } from './notScored.js';

export type CellPricing = UpgradePricing & { cell: string };

const DECISION: Record<UpgradeDecision, string> = { go: 'GO', 'no-go': 'NO-GO', inconclusive: 'INCONCLUSIVE' };

export function decisionText(decision: UpgradeDecision): string {
  return DECISION[decision];
}

/** Why the new model's own run fails, as a sentence (after "<model>'s own run fails: "). */
export function candidateProblemText(problem: CandidateRunProblem): string {
  if (problem.kind === 'unscored') {
    return `${count(problem.notScored)} of its ${count(problem.samples)} samples were not scored; maxErrorRate allows ${allowedShare(problem.maxErrorRate)}`;
  }
  return `${problem.cell}: ${thresholdMissText(problem, `pass rate ${percent(problem.passRate)} of ${count(problem.scored)} scored golden samples`, problem.threshold)}`;
}

/** How the new model's input tokens were obtained. */
export function pricingNote(p: UpgradePricing): string {
  if (p.basis === 'measured') return `input tokens of ${p.to.model} as counted by the API`;
  const why = p.tokenizerFactor === 1 ? ' (same tokenizer generation assumed)' : ' (newer tokenizers count ~30% more tokens for the same text)';
  return `estimate: ${p.to.model}'s input tokens = ${p.from.model}'s measured count × ${p.tokenizerFactor}${why}; run with --provider anthropic for the real count`;
}

export function retirementText(r: Retirement): string {
  return r.days < 0 ? `${r.model} retired on ${r.date} (${plural(-r.days, 'day')} ago)` : `${r.model} retires on ${r.date}, in ${plural(r.days, 'day')}`;
}

export function formatPricing(pricing: CellPricing[]): string {
  const lines = ['tokens and price per sample (prices as of ' + (pricing[0]?.pricesAsOf ?? '—') + '):'];
  for (const p of pricing) {
    lines.push(
      `  ${p.cell}`,
      `    ${p.from.model}: ${fixed(p.from.inputTokensPerSample, 0)} in / ${fixed(p.from.outputTokensPerSample, 0)} out → ${usd(p.from.costPerSampleUsd)}`,
      `    ${p.to.model}: ${fixed(p.to.inputTokensPerSample, 0)} in${p.basis === 'estimate' ? ' (estimate)' : ''} / ${fixed(p.to.outputTokensPerSample, 0)} out → ${usd(p.to.costPerSampleUsd)}${p.relativeCost === null ? '' : ` (${signedPercent(p.relativeCost)})`}`,
      `    ${pricingNote(p)}`,
    );
  }
  return lines.join('\n');
}

/** The Markdown section upgrade-check appends to the compare report. */
export function pricingMarkdown(pricing: CellPricing[], retirement: Retirement | undefined): string {
  const lines = ['', '### Tokens and price per sample', '', '| cell | model | input tokens | output tokens | cost/sample |', '| --- | --- | ---: | ---: | ---: |'];
  for (const p of pricing) {
    lines.push(`| ${p.cell} | ${p.from.model} | ${fixed(p.from.inputTokensPerSample, 0)} | ${fixed(p.from.outputTokensPerSample, 0)} | ${usd(p.from.costPerSampleUsd)} |`);
    lines.push(`| ${p.cell} | ${p.to.model} | ${fixed(p.to.inputTokensPerSample, 0)}${p.basis === 'estimate' ? ' (est.)' : ''} | ${fixed(p.to.outputTokensPerSample, 0)} | ${usd(p.to.costPerSampleUsd)} |`);
  }
  if (pricing[0]) lines.push('', `Prices as of ${pricing[0].pricesAsOf}. ${pricingNote(pricing[0])}.`);
  if (retirement) lines.push('', `> ⚠️ ${retirementText(retirement)}.`);
  return `${lines.join('\n')}\n`;
}
