import * as z from 'zod';
import type { CheckSpec, GoldenCase } from './types.js';
import { caseIdFromVars } from './caseId.js';
import { reservedSegment } from '../reservedKeys.js';
import { problemsFromZod, typeName, type Problem } from './problems.js';
import { builtOnFirstUse } from '../builtOnFirstUse.js';

/**
 * The schemas of a case, built on first use: most datasets hold only cases plainCase reads, and
 * building zod schemas takes start-up time (issue 17).
 */
function buildSchemas() {
  const human = z.strictObject({
    pass: z.boolean().optional(),
    score: z.number().optional(),
    /** The output the label is about, when it is not the suite's own first-cell output. */
    output: z.string().optional(),
    note: z.string().optional(),
  });
  const check = z.looseObject({ type: z.string().min(1) });
  /** One case as written in a dataset file. Strict: an unknown key is almost always a typo. */
  const golden = z.strictObject({
    id: z.union([z.string().min(1), z.number()]).optional(),
    vars: z.record(z.string(), z.unknown()),
    expected: z.unknown().optional(),
    tags: z.array(z.string()).optional(),
    checks: z.array(check).optional(),
    human: human.optional(),
  });
  return { golden, caseKeys: Object.keys(golden.shape), humanKeys: Object.keys(human.shape) };
}

/** The schema of one case as written in a dataset file, and the keys it and its human label allow. */
const caseSchemas = builtOnFirstUse(buildSchemas);

function allowedKeysAt(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return caseSchemas().caseKeys;
  if (path.length === 1 && path[0] === 'human') return caseSchemas().humanKeys;
  return [];
}

export type CaseValidation = { ok: true; value: GoldenCase } | { ok: false; problems: Problem[] };

/** Validates one raw case and normalizes it: id to string (or derived from vars), tags to a list. */
export function validateCase(raw: unknown, origin: GoldenCase['origin']): CaseValidation {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ line: origin.line, message: `expected a case object, got ${typeName(raw)}` }] };
  }
  const vars = (raw as { vars?: unknown }).vars;
  const reserved = vars !== null && typeof vars === 'object' && !Array.isArray(vars) ? reservedSegment(Object.keys(vars)) : undefined;
  if (reserved) {
    // zod would drop a `__proto__` key without a word; a variable named like this is refused instead.
    const message = `the variable name "${reserved}" is reserved (__proto__, constructor and prototype reach the prototype of every object); rename it`;
    return { ok: false, problems: [{ line: origin.line, field: `vars.${reserved}`, message }] };
  }
  const id = (raw as { id?: unknown }).id;
  if (typeof id === 'number' && Number.isInteger(id) && !Number.isSafeInteger(id)) {
    // JSON.parse rounds it: 12345678901234567891 reads as 12345678901234567000, another case's id.
    const message = `the id is a whole number beyond ${Number.MAX_SAFE_INTEGER}, where JSON numbers lose digits (it reads as ${String(id)}, which may not be what the file says): write the id as a string, "id": "<its digits>"`;
    return { ok: false, problems: [{ line: origin.line, field: 'id', message }] };
  }
  const plain = plainCase(raw as Record<string, unknown>, origin);
  if (plain) return { ok: true, value: plain };
  const parsed = caseSchemas().golden.safeParse(raw);
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error.issues, raw, allowedKeysAt).map((problem) => ({
      ...problem,
      line: origin.line,
    }));
    return { ok: false, problems };
  }
  const data = parsed.data;
  const golden: GoldenCase = {
    id: data.id === undefined ? caseIdFromVars(data.vars) : String(data.id),
    vars: data.vars,
    tags: data.tags ?? [],
    origin,
  };
  if ('expected' in data) golden.expected = data.expected;
  if (data.checks) golden.checks = data.checks;
  if (data.human) golden.human = data.human;
  return { ok: true, value: golden };
}

const PLAIN_KEYS = new Set(['id', 'vars', 'expected', 'tags', 'checks']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The case without going through zod, for the shapes nearly every dataset line has: a given or
 * derived id, plain `vars`, any `expected`, string tags, checks with a `type`. It accepts only
 * what the case schema accepts and builds the same case, keeping the parsed objects (they are fresh
 * from the parser); anything else, `human` labels included, goes through the schema, which also
 * words the problems. Validating a 100,000-line dataset takes a fraction of the time this way.
 */
function plainCase(raw: Record<string, unknown>, origin: GoldenCase['origin']): GoldenCase | undefined {
  for (const key in raw) if (!PLAIN_KEYS.has(key) || !Object.hasOwn(raw, key)) return undefined;
  const { id, vars, tags, checks } = raw;
  if (!(id === undefined || (typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isFinite(id)))) return undefined;
  if (!isPlainObject(vars)) return undefined;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((tag) => typeof tag === 'string'))) return undefined;
  if (checks !== undefined && !(Array.isArray(checks) && checks.every((check) => isPlainObject(check) && typeof check.type === 'string' && check.type.length > 0))) return undefined;
  const golden: GoldenCase = {
    id: id === undefined ? caseIdFromVars(vars) : String(id),
    vars,
    tags: (tags as string[] | undefined) ?? [],
    origin,
  };
  if ('expected' in raw) golden.expected = raw.expected;
  if (checks !== undefined) golden.checks = checks as CheckSpec[];
  return golden;
}
