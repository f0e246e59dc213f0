/** Wording of `promptgold upgrade-check`: the decision, the pricing table and the retirement warning. */
import type { ComparisonResult, Deltas } from '../compare/types.js';
import type { CandidateRunProblem, Retirement, UpgradeDecision, UpgradePricing } from '../compare/upgrade.js';
import { costReported } from './cost.js';
import { count, fixed, percent, plural, signedPercent, usd, usdPair } from './format.js';
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

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function retirementText(r: Retirement): string {
  return r.days < 0 ? `${r.model} retired on ${r.date} (${plural(-r.days, 'day')} ago)` : `${r.model} retires on ${r.date}, in ${plural(r.days, 'day')}`;
}

/** What the pricing section is shown beside: the compared cells (their recorded cost) and the policy (maxCostIncrease). */
export type PricingContext = Pick<ComparisonResult, 'cells' | 'policy'>;

/**
 * The cost change the compare table and the maxCostIncrease rule read — the cost per sample the
 * runs recorded — when the list-price figures of the pricing section show a different one (the
 * tokenizer estimate, list prices without cache or batch pricing). Undefined when no cost was
 * recorded, or when both say the same change: then there is nothing to tell apart.
 */
function recordedCostOf(p: CellPricing, context: PricingContext): Deltas | undefined {
  const recorded = context.cells.find((cell) => cell.label === p.cell)?.operational.costUsd;
  if (!recorded || !costReported(recorded)) return undefined;
  if (p.relativeCost !== null && recorded.relative !== null && signedPercent(p.relativeCost) === signedPercent(recorded.relative)) return undefined;
  return recorded;
}

/** `cost per sample recorded in the run (what maxCostIncrease checks): $0.0045 → $0.0060 (+33%)`. */
function recordedCostText(recorded: Deltas, limit: number | null): string {
  // The rule reads a cost on both sides; without one it was not applied (a `rule_not_checked` note says so).
  const rule = limit === null || !recorded.baseline || !recorded.candidate ? '' : ' (what maxCostIncrease checks)';
  const change = recorded.relative === null ? '' : ` (${signedPercent(recorded.relative)})`;
  return `cost per sample recorded in the run${rule}: ${usdPair(recorded.baseline, recorded.candidate).join(' → ')}${change}`;
}

/**
 * A model's list price per sample. A price of exactly $0 comes from no tokens at all (a provider,
 * such as your own function, that reports no usage), so it is said as such, not as a `$0.000000`
 * to read as free.
 */
function listPrice(cost: number | null): string {
  return cost === 0 ? 'no price reported' : usd(cost);
}

/** The list-price change of the new model's line: labelled as such when the run recorded a different one. */
function listPriceChange(p: CellPricing, recorded: Deltas | undefined): string {
  // A new model with no price reported would read −100%.
  if (p.relativeCost === null || p.to.costPerSampleUsd === 0) return '';
  if (!recorded) return ` (${signedPercent(p.relativeCost)})`;
  return ` (${signedPercent(p.relativeCost)} at list prices${p.basis === 'estimate' ? ', estimated' : ''})`;
}

export function formatPricing(pricing: CellPricing[], context: PricingContext): string {
  const lines = ['tokens and price per sample (prices as of ' + (pricing[0]?.pricesAsOf ?? '—') + '):'];
  for (const p of pricing) {
    const recorded = recordedCostOf(p, context);
    lines.push(
      `  ${p.cell}`,
      `    ${p.from.model}: ${fixed(p.from.inputTokensPerSample, 0)} in / ${fixed(p.from.outputTokensPerSample, 0)} out → ${listPrice(p.from.costPerSampleUsd)}`,
      `    ${p.to.model}: ${fixed(p.to.inputTokensPerSample, 0)} in${p.basis === 'estimate' ? ' (estimate)' : ''} / ${fixed(p.to.outputTokensPerSample, 0)} out → ${listPrice(p.to.costPerSampleUsd)}${listPriceChange(p, recorded)}`,
      `    ${pricingNote(p)}`,
      ...(recorded ? [`    ${recordedCostText(recorded, context.policy.maxCostIncrease)}, not the list-price figures above`] : []),
    );
  }
  return lines.join('\n');
}

/** The Markdown section upgrade-check appends to the compare report. */
export function pricingMarkdown(pricing: CellPricing[], retirement: Retirement | undefined, context: PricingContext): string {
  const lines = ['', '### Tokens and price per sample', '', '| cell | model | input tokens | output tokens | cost/sample |', '| --- | --- | ---: | ---: | ---: |'];
  for (const p of pricing) {
    lines.push(`| ${p.cell} | ${p.from.model} | ${fixed(p.from.inputTokensPerSample, 0)} | ${fixed(p.from.outputTokensPerSample, 0)} | ${listPrice(p.from.costPerSampleUsd)} |`);
    lines.push(`| ${p.cell} | ${p.to.model} | ${fixed(p.to.inputTokensPerSample, 0)}${p.basis === 'estimate' ? ' (est.)' : ''} | ${fixed(p.to.outputTokensPerSample, 0)} | ${listPrice(p.to.costPerSampleUsd)} |`);
  }
  if (pricing[0]) lines.push('', `Prices as of ${pricing[0].pricesAsOf}. ${pricingNote(pricing[0])}.`);
  for (const p of pricing) {
    const recorded = recordedCostOf(p, context);
    if (recorded) lines.push('', `${pricing.length > 1 ? `${p.cell}: ` : ''}${capitalized(recordedCostText(recorded, context.policy.maxCostIncrease))}, not the list-price figures of this table.`);
  }
  if (retirement) lines.push('', `> ⚠️ ${retirementText(retirement)}.`);
  return `${lines.join('\n')}\n`;
}
