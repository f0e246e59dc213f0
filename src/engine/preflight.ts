/**
 * What a run checks and warns about before it sends anything: unknown models (generators and
 * judges), a cost forecast over budget, retiring models, a judge that is also under test, and
 * prompt versions whose content changed without a version bump. Checks throw; warnings are
 * returned as lines for the entry point to show.
 */
import { dirname, relative } from 'node:path';
import { InputError } from '../errors.js';
import { formatUsd, type CostBudget } from '../providers/budget.js';
import { daysUntilRetirement, forecastCost, type CostEstimate, type ModelTable } from '../providers/pricing.js';
import { estimateInputTokens } from '../providers/tokens.js';
import { readRecordHeader } from '../records/reader.js';
import { latestRecordOf } from '../records/runDir.js';
import type { PromptRef } from '../records/types.js';
import { findVersionDrift, formatVersionDrift } from '../records/versionDrift.js';
import type { Scorer } from '../scoring/types.js';
import { buildRequest } from './executeSample.js';
import type { LoadedSuite } from './loadSuite.js';
import { planSamples } from './plan.js';

/** The judge-calling scorers of a suite, combinators looked into. */
function judgeScorersOf(scorers: readonly Scorer[]): Scorer[] {
  const found: Scorer[] = [];
  const visit = (scorer: Scorer) => {
    if (scorer.judgeModel) found.push(scorer);
    scorer.children?.forEach(visit);
  };
  scorers.forEach(visit);
  return found;
}

/** The judge models the suite's scorers call, combinators included, sorted. */
export function judgeModelsOf(scorers: readonly Scorer[]): string[] {
  return [...new Set(judgeScorersOf(scorers).map((scorer) => scorer.judgeModel!))].sort();
}

/** What a judge is shown besides the task and the output: its instructions and the rubric (a rough allowance). */
const JUDGE_INSTRUCTION_TOKENS = 600;

export function checkModelsKnown(loaded: LoadedSuite, table: ModelTable, options: { generators: boolean; judges: boolean }): void {
  const unknown = (model: string) => !table.get(model);
  const hint = `known models: ${table.ids().join(', ')}; add a new one with its prices under "models" in promptgold.config.json`;
  if (options.generators) {
    const model = loaded.models.find(unknown);
    if (model) throw new InputError(`unknown model "${model}"`, { file: loaded.relativeFile, field: 'models' }, hint);
  }
  if (options.judges) {
    const judge = judgeModelsOf(loaded.suite.scorers).find(unknown);
    if (judge) throw new InputError(`unknown judge model "${judge}": it could not be priced, budgeted or reached`, { file: loaded.relativeFile, field: 'scorers' }, hint);
  }
}

/**
 * Forecast of the run's cost against the budget — generator calls (inputs estimated from the
 * rendered prompts, outputs at max_tokens; at batch prices for a batch run) and judge calls (live,
 * shown the task and the whole output) — which throws when over it unless the user confirmed.
 * Returns the line to show.
 */
export function enforceForecast(loaded: LoadedSuite, table: ModelTable, budget: CostBudget, options: { confirmed: boolean; batch?: boolean }): string {
  const estimates: CostEstimate[] = [];
  const judges = judgeScorersOf(loaded.suite.scorers);
  for (const planned of planSamples(loaded.plan)) {
    const request = buildRequest(planned, planned.prompt.render(planned.case.vars, planned.case.id));
    const inputTokens = estimateInputTokens(request);
    estimates.push({ model: planned.model, inputTokens, maxOutputTokens: request.maxTokens });
    for (const judge of judges) {
      estimates.push({
        model: judge.judgeModel!,
        inputTokens: inputTokens + request.maxTokens + JUDGE_INSTRUCTION_TOKENS,
        maxOutputTokens: judge.judgeCalls?.maxOutputTokens ?? 1024,
        calls: judge.judgeCalls?.perSample ?? 1,
        batch: false,
      });
    }
  }
  const forecast = forecastCost(estimates, table, { batch: options.batch === true });
  const parts = [`inputs ≈4 chars/token, outputs at max_tokens${options.batch ? ', batch prices' : ''}`];
  if (judges.length) parts.push('judge calls included');
  const line = `cost forecast for ${loaded.suite.name}: up to ${formatUsd(forecast.totalUsd)} (${parts.join('; ')}) against a budget of ${formatUsd(budget.maxUsd)}`;
  if (forecast.totalUsd > budget.maxUsd && !options.confirmed) {
    throw new InputError(`${line}: over budget`, { field: '--max-cost' }, 'raise --max-cost, narrow the run (--limit, --model), or pass --yes to run until the budget is spent');
  }
  return line;
}

export function retirementWarnings(loaded: LoadedSuite, models: ModelTable): string[] {
  const lines: string[] = [];
  for (const id of loaded.models) {
    const model = models.get(id);
    const days = model ? daysUntilRetirement(model) : undefined;
    if (days !== undefined && days <= 90) {
      const when = days < 0 ? `retired ${-days} days ago` : `retires in ${days} days (${model!.retiresAt})`;
      lines.push(`WARNING: ${id} ${when}; plan the move with \`promptgold upgrade-check\``);
    }
  }
  return lines;
}

export function selfPreferenceWarnings(loaded: LoadedSuite): string[] {
  const judges = new Set(judgeModelsOf(loaded.suite.scorers));
  return loaded.models
    .filter((model) => judges.has(model))
    .map(
      (model) =>
        `WARNING: ${loaded.relativeFile}: ${model} is both a model under test and a rubric judge; judges tend to prefer their own outputs — use a different judge model`,
    );
}

/** Warn loudly when a prompt version's content changed since the suite's last run but its number did not. */
export async function versionDriftWarnings(loaded: LoadedSuite, runsDir: string, root: string): Promise<string[]> {
  const previousRecord = await latestRecordOf(loaded.suite.name, runsDir);
  if (!previousRecord) return [];
  let previous: PromptRef[];
  try {
    previous = (await readRecordHeader(previousRecord)).prompts;
  } catch {
    return []; // an unreadable earlier run is not this run's problem
  }
  const current = loaded.prompts.map((p) => ({ id: p.template.id, version: p.template.version, hash: p.template.hash, file: loaded.relative(p.template.file) }));
  return findVersionDrift(previous, current).map((drift) => formatVersionDrift(drift, relative(root, dirname(previousRecord))));
}
