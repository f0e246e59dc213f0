/**
 * Validation of the output (or a JSON field of it) against a zod schema, with the same JSON
 * extraction as `jsonSchema` and issue paths written the same way (`/items/0/name: …`).
 * Uses the synchronous parse: schemas with async refinements are not supported here.
 */
import type * as z from 'zod';
import type { Scorer } from './types.js';
import { defaultName, jsonOutputReader, unreadableScore } from './value-source.js';
import type { FieldOption } from './value-source.js';
import { optionNames, refuseUnknownOptions } from './options.js';

export interface ZodSchemaOptions extends FieldOption {
  name?: string;
}

const ISSUES_SHOWN = 3;

export function describeZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, ISSUES_SHOWN).map((issue) => {
    const where = issue.path.length === 0 ? '/' : `/${issue.path.map(String).join('/')}`;
    return `${where}: ${issue.message}`;
  });
  const more = issues.length > ISSUES_SHOWN ? ` (+${issues.length - ISSUES_SHOWN} more)` : '';
  return `${shown.join('; ')}${more}`;
}

const ZOD_SCHEMA_OPTIONS = optionNames<ZodSchemaOptions>({ name: true, field: true });

export function zodSchema(schema: z.ZodType, options: ZodSchemaOptions = {}): Scorer {
  refuseUnknownOptions('zodSchema', options, ZOD_SCHEMA_OPTIONS);
  const name = options.name ?? defaultName('zodSchema', options.field);
  const side = jsonOutputReader(options.field);

  return {
    name,
    score(sample) {
      const actual = side.read(sample);
      if (!actual.ok) return unreadableScore(name, actual);
      const result = schema.safeParse(actual.value);
      if (result.success) return { name, score: 1, pass: true, reason: `${side.label} matches the zod schema` };
      const issues = result.error.issues;
      return {
        name,
        score: 0,
        pass: false,
        reason: `${side.label} does not match the zod schema: ${describeZodIssues(issues)}`,
        details: { issues: issues.slice(0, 10).map((issue) => ({ path: issue.path.map(String), message: issue.message })) },
      };
    },
  };
}
