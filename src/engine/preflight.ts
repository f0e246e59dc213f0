/**
 * What a run checks and warns about before it sends anything: unknown models (generators and
 * judges), a cost forecast over budget, retiring models, a judge that is also under test, and
 * prompt versions whose content changed without a version bump. Checks throw; warnings are
 * returned as lines for the entry point to show.
 */
import { dirname, relative } from 'node:path';
import { InputError } from '../errors.js';
import { formatUsd, type CostBudget } from '../providers/budget.js';
import { daysUntilRetirement, forecastCost, thinkingOn, type CostEstimate, type ModelInfo, type ModelTable } from '../providers/pricing.js';
import { estimateInputTokens, markedPrefixTokens } from '../providers/tokens.js';
import type { PromptTemplate } from '../prompts/index.js';
import type { GenerationRequest } from '../providers/types.js';
import { readRecordHeader } from '../records/reader.js';
import { latestRecordOf } from '../records/runDir.js';
import type { PromptRef } from '../records/types.js';
import { findVersionDrift, formatVersionDrift } from '../records/versionDrift.js';
import { plural } from '../text.js';
import type { Scorer } from '../scoring/types.js';
import { buildRequest, PreparedRequests } from './executeSample.js';
import type { LoadedSuite } from './loadSuite.js';
import { planSamples } from './plan.js';

/**
 * Every scorer a run of the suite calls on some sample: its scorers, and its chaos invariants when
 * the plan has chaos cases. (Per-case checks call no judge.) The checks below walk these.
 */
export function scorersOfRun(loaded: Pick<LoadedSuite, 'suite' | 'chaosCoverage'>): Scorer[] {
  const invariants = loaded.chaosCoverage ? (loaded.suite.chaos?.invariants ?? []) : [];
  return [...loaded.suite.scorers, ...invariants];
}

/**
 * The judge-calling scorers among `scorers` and the scorers they wrap (combinators, sameAsSource),
 * once per call they may make. `recorded`: names of the scores every source case's record holds;
 * a scorer run on the source's answer only when its score is not there (sameAsSource's) is left out
 * when it is, since that score is reused.
 */
function judgeScorersOf(scorers: readonly Scorer[], recorded: ReadonlySet<string> = new Set()): Scorer[] {
  const found: Scorer[] = [];
  const visit = (scorer: Scorer) => {
    if (scorer.judgeModel) found.push(scorer);
    scorer.children?.forEach(visit);
    if (scorer.sourceScorer && !recorded.has(scorer.sourceScorer.name)) visit(scorer.sourceScorer);
  };
  scorers.forEach(visit);
  return found;
}

/** The judge models `scorers` call, wrapped scorers included, sorted. */
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
    const judge = judgeModelsOf(scorersOfRun(loaded)).find(unknown);
    if (judge) throw new InputError(`unknown judge model "${judge}": it could not be priced, budgeted or reached`, { file: loaded.relativeFile, field: judgeField(loaded, judge) }, hint);
  }
}

/** Where a judge model is named: `scorers`, or `chaos.invariants` when only an invariant calls it. */
function judgeField(loaded: LoadedSuite, model: string): string {
  return judgeModelsOf(loaded.suite.scorers).includes(model) ? 'scorers' : 'chaos.invariants';
}

/**
 * Forecast of the run's cost against the budget — generator calls (inputs estimated from the
 * rendered prompts, outputs at max_tokens; at batch prices for a batch run) and judge calls (live,
 * shown the task and the whole output) — which throws when over it unless the user confirmed.
 * Returns the line to show.
 */
export function enforceForecast(loaded: LoadedSuite, table: ModelTable, budget: CostBudget, options: { confirmed: boolean; batch?: boolean }): string {
  const estimates: CostEstimate[] = [];
  // A golden case and a chaos case share their scorers array (unless the case has checks of its own).
  const judgesOf = new WeakMap<readonly Scorer[], Scorer[]>();
  // Every golden case is scored by the suite's scorers: a chaos sample's source has their scores on its record.
  const recorded = new Set(loaded.suite.scorers.map((scorer) => scorer.name));
  const judgesFor = (scorers: Scorer[]): Scorer[] => {
    let judges = judgesOf.get(scorers);
    if (!judges) judgesOf.set(scorers, (judges = judgeScorersOf(scorers, recorded)));
    return judges;
  };
  let anyJudge = false;
  const requests = new PreparedRequests();
  let estimated: { request: GenerationRequest; inputTokens: number } | undefined;
  for (const planned of planSamples(loaded.plan)) {
    // The repeats of a case share one request, and so one estimate.
    const { request } = requests.get(planned);
    if (estimated?.request !== request) estimated = { request, inputTokens: estimateInputTokens(request) };
    const { inputTokens } = estimated;
    estimates.push({ model: planned.model, inputTokens, maxOutputTokens: request.maxTokens });
    const judges = judgesFor(loaded.scorersFor(planned.case));
    if (judges.length) anyJudge = true;
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
  if (anyJudge) parts.push('judge calls included');
  const line = `cost forecast for ${loaded.suite.name}: up to ${formatUsd(forecast.totalUsd)} (${parts.join('; ')}) against a budget of ${formatUsd(budget.maxUsd)}`;
  if (forecast.totalUsd > budget.maxUsd && !options.confirmed) {
    throw new InputError(`${line}: over budget`, { field: '--max-cost' }, 'raise --max-cost, narrow the run (--limit, --model), or pass --yes to run until the budget is spent');
  }
  return line;
}

/**
 * Template features a model rejects, found before anything is sent: a max_tokens above what the
 * model can write; a thinking type it does not take; a prefill (last assistant turn) on a model
 * that does not take one, or with thinking on; a forced tool choice (`any`, a named tool) on a
 * model that rejects it, or with thinking on. Models missing from the table are not checked.
 */
export function checkModelCapabilities(loaded: LoadedSuite, table: ModelTable): void {
  for (const prompt of loaded.prompts) {
    const template = prompt.template;
    const file = loaded.relative(template.file);
    const choice = template.toolChoice;
    const forced = choice !== undefined && (choice.type === 'any' || choice.type === 'tool');
    for (const model of loaded.models) {
      const info = table.get(model);
      if (!info) continue;
      checkMaxTokens(template, info, file);
      checkThinkingType(template, info, file);
      if (prompt.shape.prefill && info.acceptsPrefill === false) {
        const accepting = table.ids().filter((id) => table.get(id)?.acceptsPrefill !== false);
        throw new InputError(
          `${model} does not accept a prefill: version ${template.version} ends with an {{#assistant}} turn`,
          { file, line: prompt.shape.prefillLine, field: 'body' },
          `end the conversation with a {{#user}} turn (ask for the format in words, or use output: for structured output), or run this version on a model that takes a prefill (${accepting.join(', ')})`,
        );
      }
      if (prompt.shape.prefill && thinkingOn(template.params, info)) {
        throw new InputError(
          `${model} does not take a prefill while thinking is on: version ${template.version} ends with an {{#assistant}} turn`,
          { file, line: prompt.shape.prefillLine, field: 'body' },
          'set params: { thinking: { type: disabled } }, or end the conversation with a {{#user}} turn (ask for the format in words, or use output: for structured output)',
        );
      }
      if (forced && info.acceptsForcedToolChoice === false) {
        throw new InputError(
          `${model} rejects tool_choice ${choice.type === 'tool' ? `{ type: tool, name: ${choice.name} }` : choice.type} (a forced tool call)`,
          { file, line: template.keyLines?.toolChoice, field: 'front matter.tool_choice' },
          'use tool_choice: auto (the model decides) or none, or output: for a fixed answer shape; or leave this model out of the suite',
        );
      }
      if (forced && thinkingOn(template.params, info)) {
        throw new InputError(
          `tool_choice ${choice.type} forces a tool call, which ${model} rejects while thinking is on`,
          { file, line: template.keyLines?.toolChoice, field: 'front matter.tool_choice' },
          'set params: { thinking: { type: disabled } }, or use tool_choice: auto',
        );
      }
    }
  }
}

function checkMaxTokens(template: PromptTemplate, info: ModelInfo, file: string): void {
  const maxTokens = template.maxTokens;
  if (info.maxOutputTokens === undefined || maxTokens <= info.maxOutputTokens) return;
  throw new InputError(
    `max_tokens ${maxTokens} is more than ${info.id} can write (at most ${info.maxOutputTokens})`,
    { file, line: template.keyLines?.maxTokens, field: 'front matter.max_tokens' },
    `lower max_tokens to ${info.maxOutputTokens} or less, or leave ${info.id} out of the suite`,
  );
}

function checkThinkingType(template: PromptTemplate, info: ModelInfo, file: string): void {
  const asked = (template.params?.['thinking'] as { type?: unknown } | undefined)?.type;
  const types: readonly string[] | undefined = info.thinking?.types;
  if (asked === undefined || types === undefined || types.includes(String(asked))) return;
  throw new InputError(
    `${info.id} does not take thinking type ${String(asked)} (it takes ${types.join(', ')})`,
    { file, line: template.keyLines?.thinkingType, field: 'front matter.params.thinking' },
    `set params: { thinking: { type: ${types[0]}${types[0] === 'enabled' ? ', budget_tokens: 1024 } } with max_tokens above 1024' : ' } }'}, or leave ${info.id} out of the suite`,
  );
}

/**
 * Prompt-caching marks that will not pay: a marked prefix shorter than the model caches (nothing
 * is written or read, silently), and 5-minute marks in a batch run, whose requests may be
 * processed hours apart. Judged on each version's first case.
 */
export function promptCacheWarnings(loaded: LoadedSuite, table: ModelTable, options: { batch?: boolean } = {}): string[] {
  const lines: string[] = [];
  // Golden cases come first in plan order.
  const [first] = loaded.cases;
  if (!first) return lines;
  for (const prompt of loaded.prompts) {
    const file = loaded.relative(prompt.template.file);
    for (const model of loaded.models) {
      const request = buildRequest({ index: 0, case: first, prompt, model, repeat: 0 }, prompt.render(first.vars, first.id));
      const prefix = markedPrefixTokens(request);
      if (prefix === undefined) break; // no marks in this version
      const minimum = table.get(model)?.minCacheableTokens;
      if (minimum !== undefined && prefix < minimum) {
        lines.push(`WARNING: ${file}: the prefix marked for prompt caching is about ${prefix} tokens, below the ${minimum} that ${model} caches; it will be neither written nor read`);
      }
      if (options.batch && hasFiveMinuteMark(request)) {
        lines.push(`WARNING: ${file}: a batch run's requests may be processed hours apart, so a 5m prompt cache is rarely read back; mark it cache: 1h`);
      }
    }
  }
  return [...new Set(lines)];
}

function hasFiveMinuteMark(request: ReturnType<typeof buildRequest>): boolean {
  const blocks = [
    ...(request.tools ?? []),
    ...(typeof request.system === 'string' ? [] : (request.system ?? [])),
    ...request.messages.flatMap((message) => (typeof message.content === 'string' ? [] : message.content)),
  ];
  return blocks.some((block) => block.cacheControl !== undefined && (block.cacheControl.ttl ?? '5m') === '5m');
}

export function retirementWarnings(loaded: LoadedSuite, models: ModelTable): string[] {
  const lines: string[] = [];
  for (const id of loaded.models) {
    const model = models.get(id);
    const days = model ? daysUntilRetirement(model) : undefined;
    if (days !== undefined && days <= 90) {
      const when = days < 0 ? `retired ${plural(-days, 'day')} ago` : `retires in ${plural(days, 'day')} (${model!.retiresAt})`;
      lines.push(`WARNING: ${id} ${when}; plan the move with \`promptgold upgrade-check\``);
    }
  }
  return lines;
}

export function selfPreferenceWarnings(loaded: LoadedSuite): string[] {
  const judges = new Set(judgeModelsOf(scorersOfRun(loaded)));
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
