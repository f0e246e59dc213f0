/**
 * Chaos case generation: every golden case × selected operator × variant, with each variant's
 * randomness seeded from (seed, case id, operator, variant index, field) alone, so adding or
 * removing other cases never changes a case's mutations.
 */
import type { ChaosOrigin, GoldenCase } from '../datasets/types.js';
import { InputError } from '../errors.js';
import { likelyMeant, meantText } from '../knownKeys.js';
import type { ChaosConfig } from './config.js';
import { makeCanary } from './canary.js';
import { estimateTokensOfText } from '../providers/tokens.js';
import { type ChaosFamily, type ChaosOperator, type OperatorContext } from './operator.js';
import { CHAOS_OPERATORS, getOperator } from './operators/index.js';
import { deriveSeed, Rng } from './random.js';
import { keepSourceVars } from './sourceVars.js';
import { plural } from '../text.js';

export interface ChaosGenerationContext {
  /** Context window of the model under test, for the padding operators (default 200 000). */
  contextWindowTokens?: number;
  /** Token estimator (default: about 4 characters per token). */
  estimateTokens?: (text: string) => number;
  /** The suite's seed, used when `config.seed` is not set (default 1). */
  seed?: number;
  /**
   * The variables the prompt versions under test render, when only the rendered request reaches
   * what is tested (a model, recorded answers). A mutation of any other variable could not reach
   * it: default fields are narrowed to these, and a field outside them is an input error. Absent:
   * every variable may reach it (the user's own function is handed the case's vars).
   */
  renderedVariables?: ReadonlySet<string>;
  /** The suite file, named by configuration errors. */
  suiteFile?: string;
}

interface Plan {
  operators: readonly ChaosOperator[];
  perCase: number;
  fields: readonly string[] | undefined;
  /** Default fields are the string vars among these (see ChaosGenerationContext.renderedVariables). */
  rendered: ReadonlySet<string> | undefined;
  seed: number;
  operatorContext: OperatorContext;
}

/**
 * All chaos cases for `cases`, in case × operator × variant order. Without `config.operators`
 * every operator runs except the opt-in ones (context-window padding, see `ChaosOperator.optIn`).
 */
export function generateChaosCases(
  cases: Iterable<GoldenCase>,
  config: ChaosConfig = {},
  ctx: ChaosGenerationContext = {},
): GoldenCase[] {
  return [...iterateChaosCases(cases, config, ctx)];
}

/**
 * The same cases one at a time, so a large dataset × padding operators need not be held in memory.
 * The configuration is validated immediately (not on the first `next()`). `cases` may be a
 * dataset read again on each walk: it is walked once here when `config.fields` is set, and once
 * by the generation.
 */
export function iterateChaosCases(
  cases: Iterable<GoldenCase>,
  config: ChaosConfig = {},
  ctx: ChaosGenerationContext = {},
): Generator<GoldenCase> {
  const plan = planFrom(cases, config, ctx);
  return generate(cases, plan);
}

/**
 * The chaos cases of `cases` as a list to walk more than once: the configuration is checked and the
 * plan made now, once; each walk generates the cases afresh from that plan (the same cases).
 */
export function chaosCaseList(cases: Iterable<GoldenCase>, config: ChaosConfig = {}, ctx: ChaosGenerationContext = {}): ChaosCaseList {
  const plan = planFrom(cases, config, ctx);
  return {
    [Symbol.iterator]: () => generate(cases, plan),
    operators: plan.operators.map((operator) => operator.name),
    perCase: plan.perCase,
    textFieldsOf: (source) => stringFields(source, plan.fields, plan.rendered),
    noCasesError: () => noChaosCasesError(cases, plan, ctx.suiteFile),
  };
}

/** The chaos cases of a plan, and what a run needs to say when they fall short of what was asked. */
export interface ChaosCaseList extends Iterable<GoldenCase> {
  /** The operators asked for (named, or every operator that is not opt-in). */
  operators: readonly string[];
  /** Variants asked for per golden case and operator. */
  perCase: number;
  /** The variables of a golden case its chaos variants may mutate: string values of the fields asked for. */
  textFieldsOf(source: GoldenCase): string[];
  /** The input error for a plan that makes no chaos case at all, saying why and how to fix it. */
  noCasesError(): InputError;
}

/**
 * Why no golden case gave a chaos case: no case has a string value in a field that may be mutated
 * (chaos mutates text only; the prompts may render none of the string variables), or every
 * operator left every such text unchanged. Walks the cases once: only called when nothing was made.
 */
function noChaosCasesError(cases: Iterable<GoldenCase>, plan: Plan, suiteFile: string | undefined): InputError {
  const at = (field: string) => ({ ...(suiteFile !== undefined && { file: suiteFile }), field });
  let golden = 0;
  let withText = 0;
  const types = new Map<string, Map<string, number>>();
  for (const source of cases) {
    if (source.chaos) continue;
    golden++;
    if (stringFields(source, plan.fields, plan.rendered).length > 0) withText++;
    for (const name of plan.fields ?? Object.keys(source.vars)) {
      if (plan.fields === undefined && plan.rendered && !plan.rendered.has(name)) continue;
      const byType = types.get(name) ?? new Map<string, number>();
      const type = valueType(source.vars[name]);
      byType.set(type, (byType.get(type) ?? 0) + 1);
      types.set(name, byType);
    }
  }
  const operators = plan.operators.map((operator) => operator.name).join(', ');
  if (withText > 0) {
    return new InputError(
      `no chaos case could be made: the operators (${operators}) left the text of every one of ${plural(withText, 'golden case')} with text unchanged${golden > withText ? ` (${golden - withText === 1 ? 'the other one has' : `the other ${golden - withText} have`} no string value to mutate)` : ''}`,
      at('chaos.operators'),
      'pick operators that change this text (`promptgold chaos --list`), or run without --chaos',
    );
  }
  const found = [...types].map(([name, byType]) => `${name}: ${[...byType].map(([type, n]) => `${type} in ${plural(n, 'case')}`).join(', ')}`);
  const where = plan.fields !== undefined ? 'chaos.fields' : plan.rendered ? 'the string variables the prompts render' : 'the string variables of the cases';
  return new InputError(
    `no chaos case could be made: none of ${plural(golden, 'golden case')} has a string value in ${where}${found.length ? ` (${found.join('; ')})` : ''}; chaos mutates text only`,
    at('chaos.fields'),
    plan.rendered
      ? `name string variables that the prompts render (${listOrNone([...plan.rendered])}) in chaos.fields, or run without --chaos`
      : 'name string variables of the cases in chaos.fields, or run without --chaos',
  );
}

function valueType(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function* generate(cases: Iterable<GoldenCase>, plan: Plan): Generator<GoldenCase> {
  for (const source of cases) {
    // Chaos of chaos would double-count one source case in the statistics.
    if (source.chaos) continue;
    const fields = stringFields(source, plan.fields, plan.rendered);
    if (fields.length === 0) continue;
    for (const operator of plan.operators) {
      const seen = plan.perCase > 1 ? new Set<string>() : undefined;
      for (let variant = 0; variant < plan.perCase; variant++) {
        const generated = mutateCase(source, fields, operator, variant, plan);
        if (!generated) continue;
        if (seen) {
          // Operators that ignore the rng give the same text every variant: keep one.
          const key = fields.map((field) => generated.vars[field]).join('\u0000');
          if (seen.has(key)) continue;
          seen.add(key);
        }
        yield generated;
      }
    }
  }
}

function mutateCase(
  source: GoldenCase,
  fields: readonly string[],
  operator: ChaosOperator,
  variant: number,
  plan: Plan,
): GoldenCase | undefined {
  // One context object is reused for every call (operators are synchronous and pure). Only
  // injection operators plant canaries; sparing the others the draw keeps generation fast.
  const operatorContext = plan.operatorContext;
  if (operator.family === 'injection') {
    operatorContext.canary = makeCanary(new Rng(deriveSeed(plan.seed, source.id, operator.name, variant, 'canary')));
  } else {
    // Assigned, not deleted: `delete` would turn the hot context object into a slow dictionary.
    operatorContext.canary = undefined;
  }
  let vars: Record<string, unknown> | undefined;
  const changedFields: string[] = [];
  const ops: string[] = [];
  let planted: string | undefined;
  for (const field of fields) {
    const rng = new Rng(deriveSeed(plan.seed, source.id, operator.name, variant, field));
    operatorContext.field = field;
    const result = operator.apply(source.vars[field] as string, rng, operatorContext);
    if (!result.changed) continue;
    vars ??= { ...source.vars };
    vars[field] = result.text;
    changedFields.push(field);
    // join() yields flat strings; template literals leave trees of cons strings in memory.
    for (const op of result.ops) ops.push([field, op].join(': '));
    planted ??= result.canary;
  }
  if (!vars) return undefined;

  // Arrays grown by push() keep spare capacity; exact-length copies make 100k retained cases smaller.
  const chaos: ChaosOrigin = {
    sourceCaseId: source.id,
    operators: [operator.name],
    fields: changedFields.slice(),
    ops: ops.slice(),
    property: operator.property,
  };
  if (planted !== undefined) chaos.canary = planted;
  const id = plan.perCase > 1 ? [source.id, operator.name, variant].join('~') : [source.id, operator.name].join('~');
  const tags = chaosTags(source.tags, operator.family);
  // Built in one literal (not extended afterwards) so every case shares one object shape.
  const generated: GoldenCase =
    source.expected !== undefined
      ? { id, vars, expected: source.expected, tags, origin: source.origin, chaos }
      : { id, vars, tags, origin: source.origin, chaos };
  // Per-case checks describe the expected answer, which the chaos case shares with its source.
  if (source.checks !== undefined) generated.checks = source.checks;
  keepSourceVars(generated, source.vars);
  return generated;
}

function chaosTags(tags: readonly string[], family: ChaosFamily): string[] {
  const familyTag = FAMILY_TAGS[family];
  const hasChaos = tags.includes('chaos');
  const hasFamily = tags.includes(familyTag);
  if (hasChaos && hasFamily) return tags.slice();
  if (hasChaos) return [...tags, familyTag];
  if (hasFamily) return [...tags, 'chaos'];
  return [...tags, 'chaos', familyTag];
}

const FAMILY_TAGS: Readonly<Record<ChaosFamily, string>> = {
  invisible: 'chaos:invisible',
  noise: 'chaos:noise',
  encoding: 'chaos:encoding',
  injection: 'chaos:injection',
  structure: 'chaos:structure',
  size: 'chaos:size',
};

function stringFields(source: GoldenCase, wanted: readonly string[] | undefined, rendered: ReadonlySet<string> | undefined): string[] {
  const names = wanted ?? (rendered ? Object.keys(source.vars).filter((name) => rendered.has(name)) : Object.keys(source.vars));
  return names.filter((name) => typeof source.vars[name] === 'string');
}

function planFrom(cases: Iterable<GoldenCase>, config: ChaosConfig, ctx: ChaosGenerationContext): Plan {
  const perCase = config.perCase ?? 1;
  if (!Number.isInteger(perCase) || perCase < 1) {
    throw new InputError(`perCase must be a whole number ≥ 1, got ${String(perCase)}`, { field: 'chaos.perCase' }, 'use e.g. `perCase: 3`');
  }
  const seed = config.seed ?? ctx.seed ?? 1;
  if (!Number.isFinite(seed)) {
    throw new InputError(`seed must be a finite number, got ${String(seed)}`, { field: 'chaos.seed' });
  }
  const where = (field: string) => ({ ...(ctx.suiteFile !== undefined && { file: ctx.suiteFile }), field });
  if (config.operators?.length === 0) {
    throw new InputError('chaos.operators is empty: no chaos case can be made', where('chaos.operators'), 'name operators (`promptgold chaos --list`), or leave chaos.operators out for all of them');
  }
  if (config.fields?.length === 0) {
    throw new InputError('chaos.fields is empty: no chaos case can be made', where('chaos.fields'), 'name the string variables to mutate, or leave chaos.fields out for every one the prompts render');
  }
  const names = config.operators ?? CHAOS_OPERATORS.filter((operator) => !operator.optIn).map((operator) => operator.name);
  const operators = uniq(names.map((name, index) => getOperator(name, `chaos.operators[${index}]`)));
  const fields = config.fields;
  if (fields !== undefined) checkFields(fields, datasetVariables(cases), ctx);
  const operatorContext: OperatorContext = { estimateTokens: ctx.estimateTokens ?? estimateTokensOfText };
  if (ctx.contextWindowTokens !== undefined) operatorContext.contextWindowTokens = ctx.contextWindowTokens;
  return { operators, perCase, fields, rendered: ctx.renderedVariables, seed, operatorContext };
}

/** Every variable name of the cases, in order of first appearance; undefined when there are no cases. */
function datasetVariables(cases: Iterable<GoldenCase>): Set<string> | undefined {
  let variables: Set<string> | undefined;
  for (const golden of cases) {
    variables ??= new Set();
    for (const name of Object.keys(golden.vars)) variables.add(name);
  }
  return variables;
}

/**
 * A field must be a variable of the dataset and, when only the rendered request reaches what is
 * tested, one the prompt versions render: a mutation of any other would be sent as its source's
 * request and pass on no evidence.
 */
function checkFields(fields: readonly string[], dataset: ReadonlySet<string> | undefined, ctx: Pick<ChaosGenerationContext, 'renderedVariables' | 'suiteFile'>): void {
  const rendered = ctx.renderedVariables;
  fields.forEach((field, index) => {
    const where = { ...(ctx.suiteFile !== undefined && { file: ctx.suiteFile }), field: `chaos.fields[${index}]` };
    if (dataset && !dataset.has(field)) {
      const meant = likelyMeant(field, [...(rendered ?? dataset)]) ?? likelyMeant(field, [...dataset]);
      const renders = rendered ? `; the prompts render ${listOrNone([...rendered])}` : '';
      throw new InputError(`no case has a variable named "${field}"${meantText(meant)}`, where, `variables in the dataset: ${listOrNone([...dataset])}${renders}`);
    }
    if (rendered && !rendered.has(field)) {
      const meant = likelyMeant(field, [...rendered]);
      throw new InputError(
        `no prompt version under test renders "${field}"${meantText(meant)}: its mutations would be sent as their source cases' requests and pass on no evidence`,
        where,
        `the prompts render ${listOrNone([...rendered])}: name those in chaos.fields, or render "${field}" in the prompt`,
      );
    }
  });
}

function listOrNone(names: readonly string[]): string {
  return names.length ? names.join(', ') : '(none)';
}

function uniq<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
