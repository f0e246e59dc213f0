/**
 * Scorers for the tool calls an answer made (`sample.generation.toolCalls`, in the order the answer
 * gave them; absent means none):
 * - `toolCalled`: a tool was called (a number of times), or was not;
 * - `toolInput`: a tool's input matches a JSON Schema, or an expected input field by field;
 * - `toolOrder`: the calls follow an expected order (as a subsequence, or exactly).
 * What is expected may be static or come from the case (`expectedField: 'tools.lookup_order'`).
 * A wrong call is a failure; a case without the expected value, or calls the provider returned in a
 * malformed shape, is an error.
 */
import { InputError } from '../errors.js';
import type { ErrorLocation } from '../errors.js';
import type { ToolCall } from '../providers/types.js';
import { compareFields, compileFieldSpecs, describeWrongFields, everyFieldWrong, fieldShareThreshold, rightOfTotal } from './field-match.js';
import type { FieldComparison, FieldMatcher, FieldSpec } from './field-match.js';
import { fieldDetails } from './field-results.js';
import { compileJsonSchema, describeAjvErrors } from './json-schema.js';
import type { JsonSchema } from './json-schema.js';
import { fixed2 } from './text.js';
import type { Sample, Score, Scorer } from './types.js';
import { expectedReader, unreadableScore } from './value-source.js';
import type { ExpectedOptions, SideReader, Unreadable } from './value-source.js';
import { optionNames, refuseUnknownOptions } from './options.js';

/** `tool: '*'` (or no tool) means any tool. */
export const ANY_TOOL = '*';
const CALLS_SHOWN = 8;

// ---------------------------------------------------------------------------------------------
// Pure helpers

/** The calls a sample's answer made, or why they cannot be read (an error: the generation is malformed). */
export function readToolCalls(sample: Sample): { ok: true; calls: readonly ToolCall[] } | Unreadable {
  const calls: unknown = sample.generation.toolCalls;
  if (calls === undefined) return { ok: true, calls: [] };
  if (!Array.isArray(calls) || !calls.every((call) => call !== null && typeof call === 'object' && typeof (call as { name?: unknown }).name === 'string')) {
    const reason = 'generation.toolCalls is not a list of { name, input } calls: the provider returned a malformed generation';
    return { ok: false, reason, error: reason };
  }
  return { ok: true, calls: calls as ToolCall[] };
}

/** `calls: lookup_order, refund_order` or `no tool calls`, for reasons. */
export function describeCalls(calls: readonly ToolCall[]): string {
  if (calls.length === 0) return 'no tool calls';
  const names = calls.slice(0, CALLS_SHOWN).map((call) => call.name);
  return `calls: ${names.join(', ')}${calls.length > CALLS_SHOWN ? ` (+${calls.length - CALLS_SHOWN} more)` : ''}`;
}

export function callsTo(calls: readonly ToolCall[], tool: string): ToolCall[] {
  return tool === ANY_TOOL ? [...calls] : calls.filter((call) => call.name === tool);
}

/** Length of the longest common subsequence: how many of `expected` appear in `actual` in order. */
export function inOrderCount(expected: readonly string[], actual: readonly string[]): number {
  let previous = new Array<number>(actual.length + 1).fill(0);
  for (const want of expected) {
    const row = new Array<number>(actual.length + 1).fill(0);
    for (let j = 1; j <= actual.length; j++) {
      row[j] = want === actual[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, row[j - 1]!);
    }
    previous = row;
  }
  return previous[actual.length]!;
}

export interface CallCount {
  min: number;
  max: number;
}

/** `exactly 1`, `at least 1`, `at most 2`, `1–3 times`. */
function describeCount(count: CallCount): string {
  if (count.min === count.max) return `exactly ${count.min}`;
  if (count.max === Infinity) return `at least ${count.min}`;
  if (count.min === 0) return `at most ${count.max}`;
  return `${count.min}–${count.max}`;
}

function times(n: number): string {
  return `${n} time${n === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------------
// toolCalled

export interface ToolCalledOptions extends ExpectedOptions {
  name?: string;
  /** The tool's name; `'*'` or absent: any tool. */
  tool?: string;
  /** How often it must be called: a count or a range. Default: at least once. */
  times?: number | { min?: number; max?: number };
  /** Pass only when the tool (any tool, without `tool`) was not called. */
  not?: boolean;
}

const TOOL_CALLED_OPTIONS = optionNames<ToolCalledOptions>({ name: true, expected: true, expectedField: true, tool: true, times: true, not: true });

/**
 * A tool was (not) called. Without `tool`, and with `expected` or `expectedField`, the tool comes
 * from the case: a name, a list of names (each must be called), or `null` (no tool may be called).
 */
export function toolCalled(options: ToolCalledOptions = {}): Scorer {
  refuseUnknownOptions('toolCalled', options, TOOL_CALLED_OPTIONS);
  const fromCase = options.tool === undefined && (options.expected !== undefined || options.expectedField !== undefined);
  if (options.tool !== undefined && (typeof options.tool !== 'string' || options.tool === '')) {
    throw new InputError('tool must be a tool name', { field: 'tool' }, "e.g. toolCalled({ tool: 'lookup_order' }); '*' means any tool");
  }
  if (options.tool !== undefined && (options.expected !== undefined || options.expectedField !== undefined)) {
    throw new InputError('a toolCalled scorer takes a tool or an expected tool from the case, not both', { field: 'tool' }, 'leave tool out to read the tool name from the case');
  }
  if (options.not && options.times !== undefined) {
    throw new InputError('a toolCalled scorer cannot have both not and times', { field: 'times' }, 'not: true already means "called 0 times"');
  }
  const count = callCount(options.times);
  const tool = options.tool ?? ANY_TOOL;
  const not = options.not ?? false;
  const label = fromCase ? (options.expectedField ? `expected.${options.expectedField}` : 'expected') : tool === ANY_TOOL ? '' : tool;
  const name = options.name ?? `toolCalled${not ? ':not' : ''}${label ? `(${label})` : ''}`;
  const expectedSide = fromCase ? expectedReader(options) : undefined;

  return {
    name,
    score(sample) {
      const read = readToolCalls(sample);
      if (!read.ok) return unreadableScore(name, read);
      let tools: string[] = [tool];
      let mustNot = not;
      if (expectedSide) {
        const wanted = toolsFromCase(expectedSide, sample);
        if (!wanted.ok) return unreadableScore(name, wanted);
        if (wanted.tools === null) {
          tools = [ANY_TOOL];
          mustNot = true;
        } else tools = wanted.tools;
      }
      return scoreCalled(name, read.calls, tools, mustNot, count);
    },
  };
}

function callCount(option: ToolCalledOptions['times']): CallCount {
  if (option === undefined) return { min: 1, max: Infinity };
  const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (typeof option === 'number') {
    if (!isCount(option)) throw new InputError(`times must be a whole number ≥ 0, got ${option}`, { field: 'times' });
    return { min: option, max: option };
  }
  const min = option.min ?? 0;
  const max = option.max ?? Infinity;
  if (!isCount(min)) throw new InputError(`times.min must be a whole number ≥ 0, got ${String(option.min)}`, { field: 'times.min' });
  if (max !== Infinity && !isCount(max)) throw new InputError(`times.max must be a whole number ≥ 0, got ${String(option.max)}`, { field: 'times.max' });
  if (min > max) throw new InputError(`times.min (${min}) is above times.max (${max})`, { field: 'times' });
  return { min, max };
}

function toolsFromCase(side: SideReader, sample: Sample): { ok: true; tools: string[] | null } | Unreadable {
  const read = side.read(sample);
  if (!read.ok) return read;
  const value = read.value;
  if (value === null) return { ok: true, tools: null };
  if (typeof value === 'string' && value !== '') return { ok: true, tools: [value] };
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && item !== '')) return { ok: true, tools: value as string[] };
  const reason = `${side.label} is not a tool name, a list of tool names or null`;
  return { ok: false, reason, error: reason };
}

function scoreCalled(name: string, calls: readonly ToolCall[], tools: readonly string[], mustNot: boolean, count: CallCount): Score {
  const outcomes = tools.map((tool) => {
    const n = callsTo(calls, tool).length;
    const pass = mustNot ? n === 0 : n >= count.min && n <= count.max;
    return { tool, n, pass, clause: calledClause(tool, n, pass, mustNot, count) };
  });
  const passed = outcomes.filter((outcome) => outcome.pass).length;
  const pass = passed === outcomes.length;
  const shown = pass ? outcomes : outcomes.filter((outcome) => !outcome.pass);
  const prefix = outcomes.length > 1 ? `${passed} of ${outcomes.length} tools as expected; ` : '';
  const reason = `${prefix}${shown.map((outcome) => outcome.clause).join('; ')} (${describeCalls(calls)})`;
  return {
    name,
    score: passed / outcomes.length,
    pass,
    reason,
    details: { calls: calls.map((call) => call.name), counts: Object.fromEntries(outcomes.map((outcome) => [outcome.tool, outcome.n])) },
  };
}

function calledClause(tool: string, n: number, pass: boolean, mustNot: boolean, count: CallCount): string {
  if (tool === ANY_TOOL) {
    if (mustNot) return pass ? 'no tool was called, as required' : `${n} tool call${n === 1 ? ' was' : 's were'} made but none may be`;
    return pass ? `${n} tool call${n === 1 ? ' was' : 's were'} made` : `${n} tool call${n === 1 ? ' was' : 's were'} made, expected ${describeCount(count)}`;
  }
  if (mustNot) return pass ? `${tool} was not called, as required` : `${tool} was called ${times(n)} but must not be`;
  if (pass) return `${tool} was called ${times(n)}`;
  return n === 0 ? `${tool} was not called` : `${tool} was called ${times(n)}, expected ${describeCount(count)}`;
}

// ---------------------------------------------------------------------------------------------
// toolInput

interface ToolInputCommon {
  name?: string;
  /** The tool whose calls' input is checked. */
  tool: string;
}

export interface ToolInputSchemaOptions extends ToolInputCommon {
  /** Every call to the tool must have an input valid against this schema (compiled once). */
  schema: JsonSchema;
  /** Where the schema was declared, for the error when it is invalid. */
  source?: ErrorLocation;
}

export interface ToolInputExpectedOptions extends ToolInputCommon, ExpectedOptions {
  /** How to compare each field (see `extraction`). Default: every top-level field of the expected input. */
  fields?: Readonly<Record<string, FieldMatcher>>;
  /** Pass when at least this share of the fields is right. Default 1. */
  threshold?: number;
}

export type ToolInputOptions = ToolInputSchemaOptions | ToolInputExpectedOptions;

const TOOL_INPUT_OPTIONS = optionNames<ToolInputSchemaOptions & ToolInputExpectedOptions>({ name: true, tool: true, schema: true, source: true, expected: true, expectedField: true, fields: true, threshold: true });

/**
 * The input of a tool's calls: with `schema`, every call must be valid; otherwise the best of the
 * calls to the tool is compared field by field with the expected input (`expected` or
 * `expectedField`, default the case's whole `expected`), and each field's result goes into
 * `details.fields` as `tool.field`, so field accuracy counts them.
 */
export function toolInput(options: ToolInputOptions): Scorer {
  refuseUnknownOptions('toolInput', options, TOOL_INPUT_OPTIONS);
  if (typeof options.tool !== 'string' || options.tool === '' || options.tool === ANY_TOOL) {
    throw new InputError('toolInput needs the name of one tool', { field: 'tool' }, "e.g. toolInput({ tool: 'lookup_order', schema: { … } })");
  }
  if ('schema' in options && options.schema !== undefined) {
    const other = ['expected', 'expectedField', 'fields', 'threshold'].find((key) => (options as unknown as Record<string, unknown>)[key] !== undefined);
    if (other) throw new InputError(`toolInput takes a schema or an expected input, not both (got schema and ${other})`, { field: other });
    return toolInputSchema(options);
  }
  return toolInputExpected(options as ToolInputExpectedOptions);
}

function toolInputSchema(options: ToolInputSchemaOptions): Scorer {
  const validate = compileJsonSchema(options.schema, options.source);
  const tool = options.tool;
  const name = options.name ?? `toolInput:schema(${tool})`;
  const title = typeof options.schema === 'object' && typeof options.schema['title'] === 'string' ? ` "${options.schema['title']}"` : '';
  return {
    name,
    score(sample) {
      const read = readToolCalls(sample);
      if (!read.ok) return unreadableScore(name, read);
      const calls = callsTo(read.calls, tool);
      if (calls.length === 0) return { name, score: 0, pass: false, reason: `${tool} was not called (${describeCalls(read.calls)})` };
      let valid = 0;
      let firstInvalid: { index: number; errors: string } | undefined;
      calls.forEach((call, index) => {
        if (validate(call.input)) valid++;
        else firstInvalid ??= { index, errors: describeAjvErrors(validate.errors ?? []) };
      });
      const of = calls.length > 1 ? ` (all ${calls.length} calls)` : '';
      const reason = firstInvalid
        ? `${tool} input${calls.length > 1 ? ` (call ${firstInvalid.index + 1} of ${calls.length})` : ''} does not match JSON Schema${title}: ${firstInvalid.errors}`
        : `${tool} input matches JSON Schema${title}${of}`;
      return { name, score: valid / calls.length, pass: valid === calls.length, reason, details: { calls: calls.length, valid } };
    },
  };
}

function toolInputExpected(options: ToolInputExpectedOptions): Scorer {
  const threshold = fieldShareThreshold(options.threshold);
  const specs: FieldSpec[] | undefined = options.fields === undefined ? undefined : compileFieldSpecs(options.fields, { field: 'fields' });
  const tool = options.tool;
  const name = options.name ?? `toolInput(${tool})`;
  const expectedSide = expectedReader(options);
  const prefix = `${tool}.`;

  return {
    name,
    score(sample) {
      const expected = expectedSide.read(sample);
      if (!expected.ok) return unreadableScore(name, expected);
      const read = readToolCalls(sample);
      if (!read.ok) return unreadableScore(name, read);
      const calls = callsTo(read.calls, tool);
      if (calls.length === 0) {
        const notCalled = `${tool} was not called`;
        return everyFieldWrong(name, expected.value, specs, expectedSide.label, notCalled, { reasonHead: `${notCalled} (${describeCalls(read.calls)})`, prefix });
      }

      let best: FieldComparison | undefined;
      let bestIndex = 0;
      for (const [index, call] of calls.entries()) {
        const comparison = compareFields(call.input, expected.value, specs, expectedSide.label);
        if (comparison.error !== undefined) return { name, score: 0, pass: false, reason: comparison.error, error: comparison.error };
        if (!best || comparison.right > best.right) {
          best = comparison;
          bestIndex = index;
        }
      }
      const { right, total, results } = best!;
      const share = right / total;
      const pass = share >= threshold;
      const which = calls.length > 1 ? ` (call ${bestIndex + 1} of ${calls.length}, the best)` : '';
      let reason: string;
      if (right === total) reason = `${tool} input${which} matches ${expectedSide.label} on ${total === 1 ? 'its 1 field' : `all ${total} fields`}`;
      else {
        const against = threshold < 1 ? ` ${pass ? '>=' : '<'} ${fixed2(threshold)}` : '';
        reason = `${tool} input${which}: ${rightOfTotal(right, total)}${against} against ${expectedSide.label}; ${describeWrongFields(results)}`;
      }
      return { name, score: share, pass, reason, details: { fields: fieldDetails(results, prefix), right, total, call: bestIndex } };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// toolOrder

export interface ToolOrderOptions {
  name?: string;
  /** true: the calls must be exactly these, in this order. Default false: these, in this order, others allowed between. */
  strict?: boolean;
}

export interface ToolOrderFromCaseOptions extends ToolOrderOptions, ExpectedOptions {}

const TOOL_ORDER_OPTIONS = optionNames<ToolOrderOptions>({ name: true, strict: true });
const TOOL_ORDER_FROM_CASE_OPTIONS = optionNames<ToolOrderFromCaseOptions>({ name: true, strict: true, expected: true, expectedField: true });

/**
 * The calls follow an expected order of tool names: `toolOrder(['lookup_order', 'refund_order'])`,
 * or from the case: `toolOrder({ expectedField: 'tools.order' })`. Score: the share of the expected
 * names found in order (strict: of the longer of the two sequences).
 */
export function toolOrder(order: readonly string[], options?: ToolOrderOptions): Scorer;
export function toolOrder(options: ToolOrderFromCaseOptions): Scorer;
export function toolOrder(orderOrOptions: readonly string[] | ToolOrderFromCaseOptions, extra: ToolOrderOptions = {}): Scorer {
  const fromCase = !Array.isArray(orderOrOptions);
  const options: ToolOrderFromCaseOptions = fromCase ? (orderOrOptions as ToolOrderFromCaseOptions) : extra;
  refuseUnknownOptions('toolOrder', options, fromCase ? TOOL_ORDER_FROM_CASE_OPTIONS : TOOL_ORDER_OPTIONS);
  const strict = options.strict ?? false;
  const name = options.name ?? `toolOrder${strict ? ':strict' : ''}`;
  let expectedOf: (sample: Sample) => { ok: true; order: readonly string[] } | Unreadable;
  if (fromCase) {
    const side = expectedReader(options);
    expectedOf = (sample) => {
      const read = side.read(sample);
      if (!read.ok) return read;
      const value = read.value;
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
        const reason = `${side.label} is not a list of tool names`;
        return { ok: false, reason, error: reason };
      }
      if (value.length === 0 && !strict) {
        const reason = `${side.label} is an empty list: there is no order to check (strict: true with [] means no calls)`;
        return { ok: false, reason, error: reason };
      }
      return { ok: true, order: value as string[] };
    };
  } else {
    const order = orderOrOptions as readonly string[];
    order.forEach((item, index) => {
      if (typeof item !== 'string' || item === '') throw new InputError(`order[${index}] is not a tool name`, { field: `order[${index}]` });
    });
    if (order.length === 0 && !strict) {
      throw new InputError('toolOrder needs at least one tool name', { field: 'order' }, 'to require no tool calls, use toolCalled({ not: true })');
    }
    const fixed = { ok: true as const, order: [...order] };
    expectedOf = () => fixed;
  }

  return {
    name,
    score(sample) {
      const read = readToolCalls(sample);
      if (!read.ok) return unreadableScore(name, read);
      const expected = expectedOf(sample);
      if (!expected.ok) return unreadableScore(name, expected);
      return scoreOrder(name, expected.order, read.calls, strict);
    },
  };
}

function scoreOrder(name: string, expected: readonly string[], calls: readonly ToolCall[], strict: boolean): Score {
  const actual = calls.map((call) => call.name);
  const matched = inOrderCount(expected, actual);
  const arrow = expected.length ? expected.join(' → ') : '(no calls)';
  const details = { expected: [...expected], calls: actual, inOrder: matched };
  if (strict) {
    const pass = matched === expected.length && actual.length === expected.length;
    const longer = Math.max(expected.length, actual.length);
    const reason = pass ? `calls are exactly ${arrow}` : `calls are not exactly ${arrow} (${describeCalls(calls)})`;
    return { name, score: longer === 0 ? 1 : matched / longer, pass, reason, details };
  }
  const pass = matched === expected.length;
  const reason = pass
    ? `calls follow the order ${arrow} (${describeCalls(calls)})`
    : `calls do not follow the order ${arrow}: ${matched} of ${expected.length} in order (${describeCalls(calls)})`;
  return { name, score: matched / expected.length, pass, reason, details };
}
