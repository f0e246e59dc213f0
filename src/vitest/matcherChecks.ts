/**
 * The logic behind the `expect` matchers, free of vitest: each check returns whether it passed and
 * both messages (for `expect(x).toY()` and `expect(x).not.toY()`), plus the values to diff.
 */
import { isDeepStrictEqual } from 'node:util';
import type * as z from 'zod';
import { InputError } from '../errors.js';
import type { Generation, GenerationRequest, Provider } from '../providers/types.js';
import { extractJson } from '../scoring/extract-json.js';
import { optionNames, refuseNonObjectOptions, refuseUnknownNormalize, refuseUnknownOptions } from '../scoring/options.js';
import { compileJsonSchema, describeAjvErrors, type JsonSchema } from '../scoring/json-schema.js';
import { similarityMeasures, textNormalizer, type NormalizeOptions, type SimilarityMethod } from '../scoring/similarity.js';
import { runScorer, type Sample, type Score, type Scorer } from '../scoring/types.js';
import { describeZodIssues } from '../scoring/zod-schema.js';

export interface CheckResult {
  pass: boolean;
  /** Why `expect(x).toY()` failed. */
  failure: string;
  /** Why `expect(x).not.toY()` failed. */
  negatedFailure: string;
  /**
   * Why the check could not be made at all (a judge that failed): the matcher fails with it,
   * negated or not, as neither a pass nor a fail was shown.
   */
  error?: string;
  actual?: unknown;
  expected?: unknown;
}

export interface FuzzyMatchOptions {
  /** Pass when similarity >= threshold. Default 0.8. */
  threshold?: number;
  /** Default `dice`. */
  method?: SimilarityMethod;
  normalize?: NormalizeOptions;
}

const QUOTE_LIMIT = 120;

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT - 1)}…` : text;
}

function textOf(value: unknown, matcher: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TypeError(`${matcher}: expected a string to compare, received ${value === null ? 'null' : typeof value}`);
}

const FUZZY_MATCH_OPTIONS = optionNames<FuzzyMatchOptions>({ threshold: true, method: true, normalize: true });

export function checkFuzzyMatch(received: unknown, expected: string | readonly string[], options: FuzzyMatchOptions = {}): CheckResult {
  refuseNonObjectOptions('toFuzzyMatch', options, 'options', FUZZY_MATCH_OPTIONS);
  refuseUnknownOptions('toFuzzyMatch', options, FUZZY_MATCH_OPTIONS);
  refuseUnknownNormalize('toFuzzyMatch', options.normalize);
  const method = options.method ?? 'dice';
  const similarity = similarityMeasures[method];
  if (!similarity) {
    throw new InputError(`unknown fuzzy method "${String(method)}"`, { field: 'method' }, `use one of: ${Object.keys(similarityMeasures).join(', ')}`);
  }
  const threshold = options.threshold ?? 0.8;
  if (!(threshold >= 0 && threshold <= 1)) throw new InputError(`threshold must be between 0 and 1, got ${threshold}`, { field: 'threshold' });
  const normalize = textNormalizer(options.normalize);
  const text = textOf(received, 'toFuzzyMatch');
  const candidates = typeof expected === 'string' ? [expected] : [...expected];
  if (candidates.length === 0) throw new InputError('toFuzzyMatch needs at least one expected string', { field: 'expected' });

  let best = -1;
  let bestIndex = 0;
  let bestPieces = 1;
  candidates.forEach((candidate, index) => {
    const measured = similarity(normalize(text), normalize(textOf(candidate, 'toFuzzyMatch')));
    if (measured.value > best) [best, bestIndex, bestPieces] = [measured.value, index, measured.pieces];
  });
  const target = candidates[bestIndex]!;
  const against = candidates.length > 1 ? ` (best of ${candidates.length} expected answers)` : '';
  const bound = bestPieces > 1 ? ` (a lower bound: texts this long are compared in ${bestPieces} aligned pieces)` : '';
  const figure = `${method} similarity ${best.toFixed(3)}${bound}`;
  return {
    pass: best >= threshold,
    failure: `expected ${show(text)} to fuzzy-match ${show(target)}${against}: ${figure} < threshold ${threshold}`,
    negatedFailure: `expected ${show(text)} not to fuzzy-match ${show(target)}${against}: ${figure} >= threshold ${threshold}`,
    actual: text,
    expected: target,
  };
}

/** A zod schema, told apart from a JSON Schema by its `safeParse` method. */
export type SchemaLike = z.ZodType | JsonSchema;

function isZod(schema: SchemaLike): schema is z.ZodType {
  return typeof schema === 'object' && schema !== null && typeof (schema as { safeParse?: unknown }).safeParse === 'function';
}

/** Strings are parsed as JSON first (raw, fenced or embedded in prose), like the schema scorers do. */
export function checkMatchSchema(received: unknown, schema: SchemaLike): CheckResult {
  let value = received;
  if (typeof received === 'string') {
    const parsed = extractJson(received);
    if (!parsed.ok) {
      const failure = `expected ${show(received)} to contain JSON matching the schema, but no JSON was found: ${parsed.error}`;
      return { pass: false, failure, negatedFailure: failure };
    }
    value = parsed.value;
  }
  const kind = isZod(schema) ? 'zod schema' : 'JSON Schema';
  let problems: string | undefined;
  if (isZod(schema)) {
    const result = schema.safeParse(value);
    if (!result.success) problems = describeZodIssues(result.error.issues);
  } else {
    const validate = compileJsonSchema(schema);
    if (!validate(value)) problems = describeAjvErrors(validate.errors ?? []);
  }
  return {
    pass: problems === undefined,
    failure: `expected ${show(value)} to match the ${kind}: ${problems ?? ''}`,
    negatedFailure: `expected ${show(value)} not to match the ${kind}, but it does`,
  };
}

/** Strings: every item is a substring. Arrays: every item is deeply equal to some element. */
export function checkContainAll(received: unknown, items: readonly unknown[]): CheckResult {
  // Nothing to look for, or an empty string, is contained in anything: a check that cannot fail.
  if (!Array.isArray(items) || items.length === 0) throw new TypeError('toContainAll: expected a non-empty list of items to look for');
  if (typeof received === 'string' && items.includes('')) throw new TypeError('toContainAll: an empty string is in every text; leave it out of the items');
  let missing: unknown[];
  if (typeof received === 'string') {
    missing = items.filter((item) => !received.includes(textOf(item, 'toContainAll')));
  } else if (Array.isArray(received)) {
    missing = items.filter((item) => !received.some((element) => isDeepStrictEqual(element, item)));
  } else {
    throw new TypeError(`toContainAll: expected a string or an array, received ${received === null ? 'null' : typeof received}`);
  }
  const found = items.length - missing.length;
  return {
    pass: missing.length === 0,
    failure: `expected ${show(received)} to contain all of ${show(items)}; missing ${missing.length} of ${items.length}: ${missing.map(show).join(', ')}`,
    negatedFailure: `expected ${show(received)} not to contain all of ${show(items)}, but all ${found} are there`,
  };
}

export interface RubricMatchOptions {
  /** The judge: a provider, or a function from judge model to provider. */
  judge?: Provider | ((model: string) => Provider);
  /** Vars the rubric may refer to (e.g. the question the output answers). */
  vars?: Record<string, unknown>;
  expected?: unknown;
  signal?: AbortSignal;
}

/**
 * Scores `received` with a rubric scorer (any Scorer works: an LLM-judged rubric or a
 * deterministic checklist) and passes when the scorer passes.
 */
const RUBRIC_MATCH_OPTIONS = optionNames<RubricMatchOptions>({ judge: true, vars: true, expected: true, signal: true });

export async function checkSatisfyRubric(received: unknown, rubric: Scorer, options: RubricMatchOptions = {}): Promise<CheckResult> {
  refuseNonObjectOptions('toSatisfyRubric', options, 'options', RUBRIC_MATCH_OPTIONS);
  refuseUnknownOptions('toSatisfyRubric', options, RUBRIC_MATCH_OPTIONS);
  if (!rubric || typeof rubric.score !== 'function') {
    throw new InputError('toSatisfyRubric needs a scorer', { field: 'rubric' }, 'pass rubric({ criteria, judge }) or any other scorer');
  }
  const output = judgedText(received);
  const judge = options.judge;
  const context = {
    signal: options.signal ?? new AbortController().signal,
    ...(judge ? { judge: typeof judge === 'function' ? judge : () => judge } : {}),
  };
  const score = await runScorer(rubric, sampleOf(output, options), context);
  const details = describeScore(score);
  return {
    ...(score.error !== undefined && { error: `could not judge ${show(output)} against the rubric ${rubric.name}, so it neither passes nor fails:\n${details}` }),
    pass: score.pass && !score.error,
    failure: `expected ${show(output)} to satisfy the rubric ${rubric.name}:\n${details}`,
    negatedFailure: `expected ${show(output)} not to satisfy the rubric ${rubric.name}:\n${details}`,
  };
}

/**
 * The text a rubric judges: a string as it is, another value as JSON. A value with no JSON text
 * (undefined, a function) is refused: the scorer would get no output, and a rubric that looks for
 * a fault finds none in it, so `.not.toSatisfyRubric` would pass for a missing reply.
 */
function judgedText(received: unknown): string {
  if (typeof received === 'string') return received;
  const text = JSON.stringify(received) as string | undefined;
  if (text === undefined) throw new TypeError(`toSatisfyRubric: expected a text to judge (or a JSON value), received ${received === undefined ? 'undefined' : `a ${typeof received}`}`);
  return text;
}

function describeScore(score: Score, indent = '  '): string {
  const mark = score.pass && !score.error ? '✓' : '✗';
  const line = `${indent}${mark} ${score.name} ${score.score.toFixed(2)}: ${score.reason}`;
  return [line, ...(score.children ?? []).map((child) => describeScore(child, `${indent}  `))].join('\n');
}

function sampleOf(output: string, options: RubricMatchOptions): Sample {
  const request: GenerationRequest = { model: 'expect', messages: [{ role: 'user', content: '' }], maxTokens: 0 };
  const generation: Generation = { text: output, stopReason: 'end_turn', latencyMs: 0 };
  const sample: Sample = {
    caseId: 'expect',
    vars: options.vars ?? {},
    tags: [],
    output,
    generation,
    request,
    promptId: 'expect',
    promptVersion: 'expect',
    model: 'expect',
    repeat: 0,
  };
  if (options.expected !== undefined) sample.expected = options.expected;
  return sample;
}
