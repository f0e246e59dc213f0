/**
 * What `promptgold run` checks and warns about before it sends anything: unknown models, a cost
 * forecast over budget, retiring models, a judge that is also under test, and prompt versions
 * whose content changed without a version bump.
 */
import { join, relative } from 'node:path';
import { buildRequest } from '../engine/executeSample.js';
import type { LoadedSuite } from '../engine/loadSuite.js';
import { planSamples } from '../engine/plan.js';
import { InputError } from '../errors.js';
import { formatUsd, type CostBudget } from '../providers/budget.js';
import { daysUntilRetirement, forecastCost, type ModelTable } from '../providers/pricing.js';
import { estimateInputTokens } from '../providers/tokens.js';
import { readRecordHeader } from '../records/reader.js';
import { latestRunOf } from '../records/runDir.js';
import type { PromptRef } from '../records/types.js';
import { findVersionDrift, formatVersionDrift } from '../records/versionDrift.js';

export function checkModelsKnown(loaded: LoadedSuite, table: ModelTable): void {
  for (const model of loaded.models) {
    if (table.get(model)) continue;
    throw new InputError(
      `unknown model "${model}"`,
      { file: loaded.relativeFile, field: 'models' },
      `known models: ${table.ids().join(', ')}; add a new one with its prices under "models" in promptgold.config.json`,
    );
  }
}

export function enforceForecast(loaded: LoadedSuite, table: ModelTable, budget: CostBudget, confirmed: boolean): void {
  const estimates = [];
  for (const planned of planSamples({ prompts: loaded.prompts, models: loaded.models, cases: loaded.cases, repeats: loaded.repeats })) {
    const request = buildRequest(planned, planned.prompt.render(planned.case.vars, planned.case.id));
    estimates.push({ model: planned.model, inputTokens: estimateInputTokens(request), maxOutputTokens: request.maxTokens });
  }
  const forecast = forecastCost(estimates, table);
  const line = `cost forecast for ${loaded.suite.name}: up to ${formatUsd(forecast.totalUsd)} (inputs ≈4 chars/token, outputs at max_tokens) against a budget of ${formatUsd(budget.maxUsd)}`;
  process.stderr.write(`${line}\n`);
  if (forecast.totalUsd > budget.maxUsd && !confirmed) {
    throw new InputError(`${line}: over budget`, { field: '--max-cost' }, 'raise --max-cost, narrow the run (--limit, --model), or pass --yes to run until the budget is spent');
  }
}

export function warnOnRetirement(loaded: LoadedSuite, models: ModelTable): void {
  for (const id of loaded.models) {
    const model = models.get(id);
    const days = model ? daysUntilRetirement(model) : undefined;
    if (days !== undefined && days <= 90) {
      const when = days < 0 ? `retired ${-days} days ago` : `retires in ${days} days (${model!.retiresAt})`;
      process.stderr.write(`WARNING: ${id} ${when}; plan the move with \`promptgold upgrade-check\`\n`);
    }
  }
}

export function warnOnSelfPreference(loaded: LoadedSuite): void {
  const judges = new Set(loaded.suite.scorers.map((s) => s.judgeModel).filter((m): m is string => Boolean(m)));
  for (const model of loaded.models) {
    if (judges.has(model)) {
      process.stderr.write(
        `WARNING: ${loaded.relativeFile}: ${model} is both a model under test and a rubric judge; judges tend to prefer their own outputs — use a different judge model\n`,
      );
    }
  }
}

/** Warn loudly when a prompt version's content changed since the suite's last run but its number did not. */
export async function warnOnVersionDrift(loaded: LoadedSuite, outDir: string, root: string): Promise<void> {
  const previousDir = await latestRunOf(loaded.suite.name, outDir);
  if (!previousDir) return;
  let previous: PromptRef[];
  try {
    previous = (await readRecordHeader(join(previousDir, 'run.jsonl'))).prompts;
  } catch {
    return; // an unreadable earlier run is not this run's problem
  }
  const current = loaded.prompts.map((p) => ({ id: p.template.id, version: p.template.version, hash: p.template.hash, file: loaded.relative(p.template.file) }));
  for (const drift of findVersionDrift(previous, current)) {
    process.stderr.write(`${formatVersionDrift(drift, relative(root, previousDir))}\n`);
  }
}
