/**
 * Per-case checks declared as data in a dataset file, e.g.
 *   { "type": "contains", "values": ["refund"] }
 *   { "type": "fuzzy", "expected": "…", "threshold": 0.7, "method": "levenshtein" }
 * Each spec is validated strictly (an unknown option is a typo, not something to ignore) and
 * turned into the same scorer the TypeScript API builds. Errors name `file:line: checks[1].threshold`.
 */
import { z } from 'zod';
import type { CheckSpec } from '../datasets/types.js';
import { InputError } from '../errors.js';
import { RESERVED_KEY_HINT, reservedInPath } from '../reservedKeys.js';
import { contains, notContains } from './contains.js';
import { exact } from './exact.js';
import { fuzzy } from './fuzzy.js';
import { jsonSchema } from './json-schema.js';
import { regex } from './regex.js';
import type { Scorer } from './types.js';

export type { CheckSpec };

export interface CheckLocation {
  file: string;
  line: number;
  /** Path of the check in the case, e.g. `checks[1]`. Default `check`. */
  field?: string;
  /** What the scorer's default name starts with (`check` → `check:regex`). Default: the field. */
  namePrefix?: string;
}

const common = {
  type: z.string(),
  name: z.string().min(1).optional(),
  field: z.string().min(1).optional(),
};
const values = z.array(z.string().min(1)).min(1);

const specSchemas = {
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
  jsonSchema: z.strictObject({ ...common, schema: z.union([z.record(z.string(), z.unknown()), z.boolean()]) }),
} as const;

type CheckType = keyof typeof specSchemas;
const CHECK_TYPES = Object.keys(specSchemas) as CheckType[];

function isCheckType(type: string): type is CheckType {
  return Object.prototype.hasOwnProperty.call(specSchemas, type);
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
  const options = Object.keys(specSchemas[type].shape).join(', ');
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
    throw new InputError(problem, location('type'), `use one of: ${CHECK_TYPES.join(', ')}`);
  }
  const parse = <T extends CheckType>(kind: T): z.infer<(typeof specSchemas)[T]> & { name: string } => {
    const parsed = specSchemas[kind].safeParse(spec);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw issue ? specError(issue, kind, where, prefix) : new InputError('invalid check', location('type'));
    }
    const data = parsed.data as z.infer<(typeof specSchemas)[T]>;
    // Paths and names from the file become object keys later: reserved ones are refused here, located.
    for (const option of ['field', 'expectedField', 'name'] as const) {
      const value = (data as Record<string, unknown>)[option];
      const reserved = typeof value === 'string' ? reservedInPath(value) : undefined;
      if (reserved) throw new InputError(`"${value}" uses the reserved name "${reserved}"`, location(option), RESERVED_KEY_HINT);
    }
    return { ...data, name: data.name ?? `${where.namePrefix ?? prefix}:${kind}` };
  };
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
  }
}

/** All checks of one case, named and located as `checks[0]`, `checks[1]` … */
export function checksFromSpecs(specs: readonly CheckSpec[], where: { file: string; line: number }): Scorer[] {
  return specs.map((spec, index) => checkFromSpec(spec, { ...where, field: `checks[${index}]` }));
}
