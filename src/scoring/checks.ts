/**
 * Per-case checks declared as data in a dataset file, e.g.
 *   { "type": "contains", "values": ["refund"] }
 *   { "type": "fuzzy", "expected": "…", "threshold": 0.7, "method": "levenshtein" }
 *   { "type": "toolCalled", "tool": "lookup_order" }
 *   { "type": "numeric", "field": "total", "expected": 12.5, "absolute": 0.01 }
 * Each spec is validated strictly (an unknown option is a typo, not something to ignore) and
 * turned into the same scorer the TypeScript API builds. Errors name `file:line: checks[1].threshold`.
 */
import * as z from 'zod';
import type { CheckSpec } from '../datasets/types.js';
import { InputError } from '../errors.js';
import { RESERVED_KEY_HINT, reservedInPath } from '../reservedKeys.js';
import { contains, notContains } from './contains.js';
import { exact } from './exact.js';
import { extraction } from './extraction.js';
import { fuzzy } from './fuzzy.js';
import { jsonSchema } from './json-schema.js';
import { numeric } from './numeric.js';
import { regex } from './regex.js';
import { toolCalled, toolInput, toolOrder } from './tool-calls.js';
import type { Scorer } from './types.js';
import { builtOnFirstUse } from '../builtOnFirstUse.js';

export type { CheckSpec };

export interface CheckLocation {
  file: string;
  line: number;
  /** Path of the check in the case, e.g. `checks[1]`. Default `check`. */
  field?: string;
  /** What the scorer's default name starts with (`check` → `check:regex`). Default: the field. */
  namePrefix?: string;
}

/**
 * The schema of each check type, built on first use: building zod schemas takes start-up time, and
 * most datasets have no checks (issue 17).
 */
function buildSpecSchemas() {
  const common = {
    type: z.string(),
    name: z.string().min(1).optional(),
    field: z.string().min(1).optional(),
  };
  const values = z.array(z.string().min(1)).min(1);
  const named = { type: z.string(), name: z.string().min(1).optional() };
  const fromCase = { expected: z.unknown().optional(), expectedField: z.string().min(1).optional() };
  const toolName = z.string().min(1);
  const jsonSchemaValue = z.union([z.record(z.string(), z.unknown()), z.boolean()]);
  const tolerance = { absolute: z.number().min(0).optional(), relative: z.number().min(0).optional() };
  const fieldMatcher = z.union(
    [
      z.enum(['exact', 'ignoreCase', 'numeric']),
      z.strictObject({ fuzzy: z.number().min(0).max(1), method: z.enum(['dice', 'levenshtein', 'tokenSet']).optional() }),
      z.strictObject(tolerance),
    ],
    { error: 'a field matcher is "exact", "ignoreCase", "numeric", { "absolute": 0.01, "relative": 0.02 } or { "fuzzy": 0.8 }' },
  );
  const fields = z.record(z.string().min(1), fieldMatcher);
  const share = z.number().min(0).max(1);

  return {
    contains: z.strictObject({ ...common, values, mode: z.enum(['all', 'any']).optional(), caseInsensitive: z.boolean().optional() }),
    notContains: z.strictObject({ ...common, values, caseInsensitive: z.boolean().optional() }),
    regex: z.strictObject({ ...common, pattern: z.string().min(1), flags: z.string().optional(), mustMatch: z.boolean().optional() }),
    exact: z.strictObject({
      ...common,
      expected: z.unknown().optional(),
      expectedField: z.string().min(1).optional(),
      caseInsensitive: z.boolean().optional(),
      trim: z.boolean().optional(),
    }),
    fuzzy: z.strictObject({
      ...common,
      expected: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
      expectedField: z.string().min(1).optional(),
      method: z.enum(['dice', 'levenshtein', 'tokenSet']).optional(),
      threshold: z.number().min(0).max(1).optional(),
      normalize: z
        .strictObject({ case: z.boolean().optional(), whitespace: z.boolean().optional(), unicode: z.union([z.boolean(), z.literal('NFKC')]).optional() })
        .optional(),
    }),
    jsonSchema: z.strictObject({ ...common, schema: jsonSchemaValue }),
    numeric: z.strictObject({ ...common, expected: z.union([z.number(), z.string()]).optional(), expectedField: z.string().min(1).optional(), ...tolerance }),
    extraction: z.strictObject({ ...common, expected: z.record(z.string(), z.unknown()).optional(), expectedField: z.string().min(1).optional(), fields: fields.optional(), threshold: share.optional() }),
    toolCalled: z.strictObject({
      ...named,
      tool: toolName.optional(),
      times: z.union([z.number().int().min(0), z.strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() })]).optional(),
      not: z.boolean().optional(),
      ...fromCase,
    }),
    toolInput: z.strictObject({ ...named, tool: toolName, schema: jsonSchemaValue.optional(), ...fromCase, fields: fields.optional(), threshold: share.optional() }),
    toolOrder: z.strictObject({ ...named, order: z.array(toolName).optional(), ...fromCase, strict: z.boolean().optional() }),
  } as const;
}

type SpecSchemas = ReturnType<typeof buildSpecSchemas>;
const specSchemas = builtOnFirstUse(buildSpecSchemas);

type CheckType = keyof SpecSchemas;

function isCheckType(type: string): type is CheckType {
  return Object.prototype.hasOwnProperty.call(specSchemas(), type);
}

/** `['values', 0]` → `values[0]`. */
function issuePath(path: readonly PropertyKey[]): string {
  let result = '';
  for (const segment of path) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else result += result ? `.${String(segment)}` : String(segment);
  }
  return result;
}

function specError(issue: z.core.$ZodIssue, type: CheckType, where: CheckLocation, prefix: string): InputError {
  const options = Object.keys(specSchemas()[type].shape).join(', ');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const at = [issuePath(issue.path), key].filter(Boolean).join('.');
    return new InputError(`unknown option "${key}" for a ${type} check`, { file: where.file, line: where.line, field: `${prefix}.${at}` }, `${type} checks accept: ${options}`);
  }
  const at = issuePath(issue.path);
  return new InputError(issue.message, { file: where.file, line: where.line, field: at ? `${prefix}.${at}` : prefix }, `${type} checks accept: ${options}`);
}

export function checkFromSpec(spec: CheckSpec, where: CheckLocation): Scorer {
  const prefix = where.field ?? 'check';
  const location = (field: string) => ({ file: where.file, line: where.line, field: `${prefix}.${field}` });
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new InputError('a check must be an object like { "type": "contains", "values": ["…"] }', { file: where.file, line: where.line, field: prefix });
  }
  const type: unknown = spec.type;
  if (typeof type !== 'string' || !isCheckType(type)) {
    const problem = typeof type === 'string' ? `unknown check type "${type}"` : 'missing check type';
    throw new InputError(problem, location('type'), `use one of: ${Object.keys(specSchemas()).join(', ')}`);
  }
  const parse = <T extends CheckType>(kind: T): z.infer<SpecSchemas[T]> & { name: string } => {
    const parsed = specSchemas()[kind].safeParse(spec);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw issue ? specError(issue, kind, where, prefix) : new InputError('invalid check', location('type'));
    }
    // `type` chose the factory; the factory itself takes only its own options.
    const { type: _type, ...data } = parsed.data as z.infer<SpecSchemas[T]> & { type: string };
    // Paths and names from the file become object keys later: reserved ones are refused here, located.
    for (const option of ['field', 'expectedField', 'name'] as const) {
      const value = (data as Record<string, unknown>)[option];
      const reserved = typeof value === 'string' ? reservedInPath(value) : undefined;
      if (reserved) throw new InputError(`"${value}" uses the reserved name "${reserved}"`, location(option), RESERVED_KEY_HINT);
    }
    return { ...data, name: (data as { name?: string }).name ?? `${where.namePrefix ?? prefix}:${kind}` } as z.infer<SpecSchemas[T]> & { name: string };
  };
  const hasCaseValue = (spec: { expected?: unknown; expectedField?: string }) => spec.expected !== undefined || spec.expectedField !== undefined;
  try {
    switch (type) {
      case 'contains':
        return contains(parse('contains'));
      case 'notContains':
        return notContains(parse('notContains'));
      case 'regex':
        return regex({ ...parse('regex'), source: location('pattern') });
      case 'exact':
        return exact(parse('exact'));
      case 'fuzzy':
        return fuzzy(parse('fuzzy'));
      case 'jsonSchema':
        return jsonSchema({ ...parse('jsonSchema'), source: location('schema') });
      case 'numeric':
        return numeric(parse('numeric'));
      case 'extraction':
        return extraction(parse('extraction'));
      case 'toolCalled': {
        const parsed = parse('toolCalled');
        if (parsed.tool === undefined && !hasCaseValue(parsed)) {
          throw new InputError(
            'a toolCalled check needs "tool": the name of the tool',
            location('tool'),
            '"name" names the check itself; write "tool": "lookup_order" (or "*" for any tool), or read it from the case with "expectedField"',
          );
        }
        return toolCalled(parsed);
      }
      case 'toolInput': {
        const parsed = parse('toolInput');
        if (parsed.schema === undefined && !hasCaseValue(parsed)) {
          throw new InputError('a toolInput check needs "schema", or the expected input as "expected" or "expectedField"', location('schema'));
        }
        return parsed.schema !== undefined ? toolInput({ ...parsed, schema: parsed.schema, source: location('schema') }) : toolInput(parsed);
      }
      case 'toolOrder': {
        const { order, ...parsed } = parse('toolOrder');
        if (order !== undefined && hasCaseValue(parsed)) throw new InputError('a toolOrder check takes "order" or an expected order from the case, not both', location('order'));
        if (order === undefined && !hasCaseValue(parsed)) throw new InputError('a toolOrder check needs "order": the tool names in the order they must be called', location('order'));
        return order !== undefined ? toolOrder(order, parsed) : toolOrder(parsed);
      }
    }
  } catch (error) {
    throw locate(error, where, prefix);
  }
}

/** A factory's error (which knows only the option) located at the check's file, line and field. */
function locate(error: unknown, where: CheckLocation, prefix: string): unknown {
  if (!(error instanceof InputError) || error.location.file !== undefined) return error;
  const field = error.location.field ? `${prefix}.${error.location.field}` : prefix;
  return new InputError(error.detail, { file: where.file, line: where.line, field }, error.hint, error);
}

/** All checks of one case, named and located as `checks[0]`, `checks[1]` … */
export function checksFromSpecs(specs: readonly CheckSpec[], where: { file: string; line: number }): Scorer[] {
  return specs.map((spec, index) => checkFromSpec(spec, { ...where, field: `checks[${index}]` }));
}
