/**
 * The values the Messages API takes for each parameter a template's `params` may hold: the
 * SDK 1.12 request types, and for the sampling parameters (which SDK 1.x no longer types) the
 * API reference's ranges. A value outside them is answered 400 on every sample (or, on a model
 * that drops sampling parameters, never noticed), so a template is refused at load instead.
 * One check per parameter; the loader (modelParams.ts) adds the file lines.
 */
import { likelyMeant, meantText } from '../knownKeys.js';
import {
  CACHE_TTLS,
  EFFORTS,
  MIN_THINKING_BUDGET,
  SERVICE_TIERS,
  SPEEDS,
  THINKING_DISPLAYS,
  THINKING_FIELDS,
  THINKING_TYPES,
  type TemplateParam,
} from '../providers/requestParams.js';

/** What is wrong with a value, at `path` below the parameter (`[]`: the value itself). */
export interface ValueProblem {
  path: string[];
  message: string;
}

/** What a check needs besides the value: the front matter's `max_tokens`, which a thinking budget must stay below. */
export interface ValueContext {
  maxTokens: unknown;
}

type ValueCheck = (value: unknown, context: ValueContext) => ValueProblem[];

/** Every field a thinking setting may hold, for the likely field meant by an unknown one. */
const THINKING_FIELD_NAMES = ['type', ...new Set(Object.values(THINKING_FIELDS).flat())];

/** One check per parameter `params` may hold: a name added to TEMPLATE_PARAMS without a check here does not compile. */
const PARAM_VALUE_CHECKS: Record<TemplateParam, ValueCheck> = {
  temperature: unitIntervalProblems,
  top_p: unitIntervalProblems,
  top_k: topKProblems,
  thinking: thinkingProblems,
  effort: effortProblems,
  output_config: outputConfigProblems,
  metadata: metadataProblems,
  service_tier: (value) => oneOfProblems(value, SERVICE_TIERS),
  inference_geo: (value) => (value === null || typeof value === 'string' ? [] : here(`expected a region name as text, got ${shown(value)}`)),
  speed: (value) => (value === null ? [] : oneOfProblems(value, SPEEDS)),
  cache_control: cacheControlProblems,
};

/** What the API would refuse in the value of the template parameter `name`. */
export function paramValueProblems(name: TemplateParam, value: unknown, context: ValueContext): ValueProblem[] {
  return PARAM_VALUE_CHECKS[name](value, context);
}

const here = (message: string): ValueProblem[] => [{ path: [], message }];

const at = (field: string, problems: ValueProblem[]): ValueProblem[] => problems.map((problem) => ({ ...problem, path: [field, ...problem.path] }));

/** A value as the user wrote it: text quoted, numbers as they are, a mapping or a list by its kind. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** `temperature` and `top_p`: a number from 0 to 1. */
function unitIntervalProblems(value: unknown): ValueProblem[] {
  if (typeof value === 'number' && value >= 0 && value <= 1) return [];
  return here(`expected a number from 0 to 1, got ${shown(value)}`);
}

function topKProblems(value: unknown): ValueProblem[] {
  if (Number.isSafeInteger(value) && (value as number) >= 0) return [];
  return here(`expected a whole number 0 or more, got ${shown(value)}`);
}

function oneOfProblems(value: unknown, allowed: readonly string[]): ValueProblem[] {
  if (typeof value === 'string' && allowed.includes(value)) return [];
  return here(`expected one of ${allowed.join(', ')}, got ${shown(value)}`);
}

/** `effort`, and `output_config.effort`: the same values either way. */
function effortProblems(value: unknown): ValueProblem[] {
  return value === null ? [] : oneOfProblems(value, EFFORTS);
}

/** The value of `output_config`; its field names (and `format`, written as `output:`) are the loader's to check. */
function outputConfigProblems(value: unknown): ValueProblem[] {
  if (!isRecord(value)) return here(`expected a mapping ({ effort: … }), got ${shown(value)}`);
  return value.effort === undefined ? [] : at('effort', effortProblems(value.effort));
}

/** Fields of a mapping not in `known`, each with the likely one meant. */
function unknownFieldProblems(value: Record<string, unknown>, of: string, known: readonly string[], holds: string): ValueProblem[] {
  return Object.keys(value)
    .filter((field) => !known.includes(field))
    .map((field) => ({ path: [field], message: `unknown field "${field}" of ${of}${meantText(likelyMeant(field, known))}; ${holds}` }));
}

function metadataProblems(value: unknown): ValueProblem[] {
  if (!isRecord(value)) return here(`expected a mapping ({ user_id: … }), got ${shown(value)}`);
  const problems = unknownFieldProblems(value, 'metadata', ['user_id'], 'it holds user_id only');
  const userId = value.user_id;
  if (userId !== undefined && userId !== null && typeof userId !== 'string') {
    problems.push({ path: ['user_id'], message: `expected the user id as text, got ${shown(userId)}` });
  }
  return problems;
}

/** Top-level `cache_control`: `{ type: ephemeral, ttl?: 5m | 1h }`, or null. */
function cacheControlProblems(value: unknown): ValueProblem[] {
  if (value === null) return [];
  if (!isRecord(value)) return here(`expected a mapping ({ type: ephemeral, ttl: 5m }), got ${shown(value)}`);
  const problems = unknownFieldProblems(value, 'cache_control', ['type', 'ttl'], 'it holds type and ttl');
  if (value.type !== 'ephemeral') problems.push({ path: ['type'], message: `expected ephemeral, got ${shown(value.type)}` });
  if (value.ttl !== undefined && !(CACHE_TTLS as readonly unknown[]).includes(value.ttl)) problems.push({ path: ['ttl'], message: `expected ${CACHE_TTLS.join(' or ')}, got ${shown(value.ttl)}` });
  return problems;
}

function thinkingProblems(value: unknown, context: ValueContext): ValueProblem[] {
  if (!isRecord(value)) return here(`expected a mapping ({ type: enabled, budget_tokens: 2048 }), got ${shown(value)}`);
  const type = value.type;
  if (typeof type !== 'string' || !(THINKING_TYPES as readonly string[]).includes(type)) {
    return at('type', here(`expected the thinking type, one of ${THINKING_TYPES.join(', ')}, got ${shown(type)}`));
  }
  const takes = THINKING_FIELDS[type as keyof typeof THINKING_FIELDS];
  const problems: ValueProblem[] = [];
  for (const field of Object.keys(value)) {
    if (field === 'type' || takes.includes(field)) continue;
    if (field === 'budget_tokens') problems.push({ path: [field], message: `budget_tokens is taken only with type: enabled (this is type: ${type}); remove it` });
    else if (field === 'display') problems.push({ path: [field], message: `thinking type ${type} takes no display; remove it` });
    else problems.push({ path: [field], message: `unknown field "${field}" of thinking${meantText(likelyMeant(field, THINKING_FIELD_NAMES))}; type ${type} takes ${['type', ...takes].join(', ')}` });
  }
  if (type === 'enabled') {
    const budget = thinkingBudgetProblem(value.budget_tokens, context.maxTokens);
    if (budget) problems.push({ path: ['budget_tokens'], message: budget });
  }
  if (takes.includes('display') && value.display !== undefined && value.display !== null) problems.push(...at('display', oneOfProblems(value.display, THINKING_DISPLAYS)));
  return problems;
}

/** What the API would answer 400 about the budget of `type: enabled`: it is required, at least 1024 and below max_tokens. */
function thinkingBudgetProblem(budget: unknown, maxTokens: unknown): string | undefined {
  if (budget === undefined) return `thinking type enabled needs budget_tokens: a whole number from ${MIN_THINKING_BUDGET} up to less than max_tokens`;
  if (typeof budget !== 'number' || !Number.isInteger(budget)) return `budget_tokens must be a whole number, got ${shown(budget)}`;
  if (budget < MIN_THINKING_BUDGET) return `budget_tokens ${budget} is below ${MIN_THINKING_BUDGET}, the least the API takes`;
  if (typeof maxTokens === 'number' && budget >= maxTokens) {
    return `budget_tokens ${budget} must be less than max_tokens (${maxTokens}), which covers thinking and the answer: raise max_tokens or lower the budget`;
  }
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
