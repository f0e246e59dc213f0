import { Ajv } from 'ajv';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { InputError } from '../../src/errors.js';
import { compileJsonSchema, jsonSchema } from '../../src/scoring/json-schema.js';
import type { Score, Scorer } from '../../src/scoring/types.js';
import { zodSchema } from '../../src/scoring/zod-schema.js';
import { context, makeSample } from './sample.js';

const ticketSchema = {
  title: 'Ticket',
  type: 'object',
  properties: {
    category: { enum: ['billing', 'bug', 'feature', 'account', 'other', 'spam'] },
    email: { type: 'string', format: 'email' },
    priority: { type: 'integer', minimum: 1, maximum: 3, description: 'annotation', example: 2 },
  },
  required: ['category'],
  additionalProperties: false,
};

function score(scorer: Scorer, output: string): Score {
  return scorer.score(makeSample(output), context) as Score;
}

describe('jsonSchema', () => {
  afterEach(() => vi.restoreAllMocks());

  it('passes a valid fenced answer', () => {
    const result = score(jsonSchema({ schema: ticketSchema }), '```json\n{"category": "bug", "priority": 2}\n```');
    expect(result).toEqual({ name: 'jsonSchema', score: 1, pass: true, reason: 'output matches JSON Schema "Ticket"' });
  });

  it('fails with ajv errors and their instance paths', () => {
    const result = score(jsonSchema({ schema: ticketSchema }), '{"category": "refunds", "email": "nope", "extra": 1}');
    expect(result.pass).toBe(false);
    expect(result.score).toBe(0);
    expect(result.reason).toBe(
      'output does not match JSON Schema "Ticket": /: must NOT have additional properties (extra); ' +
        '/category: must be equal to one of the allowed values (billing, bug, feature, account, other…); ' +
        '/email: must match format "email"',
    );
  });

  it('validates a field of the output', () => {
    const scorer = jsonSchema({ schema: { type: 'array', items: { type: 'string' } }, field: 'tags' });
    expect(score(scorer, '{"tags": ["a", "b"]}').reason).toBe('output.tags matches JSON Schema');
    expect(score(scorer, '{"tags": ["a", 2]}').reason).toBe('output.tags does not match JSON Schema: /1: must be string');
  });

  it('fails (not errors) when the output is not JSON', () => {
    const result = score(jsonSchema({ schema: ticketSchema }), 'I cannot help with that.');
    expect(result).toMatchObject({ pass: false, reason: 'output is not JSON: no JSON object or array found in the text' });
    expect(result.error).toBeUndefined();
  });

  it('compiles each schema once, by identity and by content', () => {
    const compile = vi.spyOn(Ajv.prototype, 'compile');
    const schema = { type: 'object', properties: { unique: { const: 'compile-once-test' } } };
    const first = compileJsonSchema(schema);
    jsonSchema({ schema });
    const sameContent = compileJsonSchema(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>);
    expect(sameContent).toBe(first);
    expect(compile).toHaveBeenCalledTimes(1);
  });

  it('supports draft 2020-12 schemas, such as those zod generates', () => {
    const schema = z.toJSONSchema(z.object({ n: z.number() })) as Record<string, unknown>;
    expect(schema['$schema']).toContain('2020-12');
    const scorer = jsonSchema({ schema });
    expect(score(scorer, '{"n": 1}').pass).toBe(true);
    expect(score(scorer, '{"n": "1"}').reason).toBe('output does not match JSON Schema: /n: must be number');
  });

  it('runs "pattern" and "patternProperties" on the linear-time engine: a hostile value cannot freeze it', () => {
    const scorer = jsonSchema({
      schema: {
        type: 'object',
        properties: { code: { type: 'string', pattern: '^(a+)+$' } },
        patternProperties: { '^x(y+)+$': { type: 'number' }, '^z+$': { type: 'string' } },
      },
    });
    const hostile = `${'a'.repeat(100)}!`;
    expect(score(scorer, JSON.stringify({ code: hostile })).reason).toBe('output does not match JSON Schema: /code: must match pattern "^(a+)+$"');
    // Two patterns in one schema stay two patterns (ajv keys compiled patterns by their text).
    expect(score(scorer, JSON.stringify({ code: 'aaa', xyy: 1, zz: 'ok' })).pass).toBe(true);
    expect(score(scorer, JSON.stringify({ xyy: 'one', zz: 2 })).reason).toBe('output does not match JSON Schema: /xyy: must be number; /zz: must be string');
    expect(score(scorer, JSON.stringify({ [`x${'y'.repeat(100)}!`]: 'not checked' })).pass).toBe(true);
  });

  it('refuses a schema pattern the linear-time engine cannot run, with the source location', () => {
    const source = { file: 'cases.jsonl', line: 2, field: 'checks[0].schema' };
    expect(() => jsonSchema({ schema: { type: 'string', pattern: '^(?!none)' }, source })).toThrow(InputError);
    expect(() => jsonSchema({ schema: { type: 'string', pattern: '^(?!none)' }, source })).toThrow(
      /^cases\.jsonl:2: checks\[0\]\.schema: invalid JSON Schema: a "pattern" regular expression \/\^\(\?!none\)\/u uses a negative lookahead/,
    );
  });

  it('rejects an invalid schema at factory time, with the source location', () => {
    expect(() => jsonSchema({ schema: { type: 'object', propertees: {} } })).toThrow(InputError);
    expect(() =>
      jsonSchema({ schema: { type: 'strnig' }, source: { file: 'cases.yaml', line: 7, field: 'checks[2].schema' } }),
    ).toThrow(/^cases\.yaml:7: checks\[2\]\.schema: invalid JSON Schema: /);
    expect(() => jsonSchema({ schema: { type: 'object', propertees: {} } })).toThrow(/unknown keyword: "propertees"/);
  });
});

describe('zodSchema', () => {
  const schema = z.object({ category: z.enum(['billing', 'bug']), items: z.array(z.object({ name: z.string() })) });

  it('passes a valid embedded answer', () => {
    const result = score(zodSchema(schema), 'Result: {"category": "bug", "items": [{"name": "x"}]}');
    expect(result).toEqual({ name: 'zodSchema', score: 1, pass: true, reason: 'output matches the zod schema' });
  });

  it('fails with zod issues and their paths', () => {
    const result = score(zodSchema(schema), '{"category": "spam", "items": [{"name": 3}]}');
    expect(result.pass).toBe(false);
    expect(result.reason).toMatch(/^output does not match the zod schema: \/category: .+; \/items\/0\/name: .+expected string/);
  });

  it('reads a field and reports non-JSON output as a failure', () => {
    const scorer = zodSchema(z.number().int(), { field: 'count' });
    expect(scorer.name).toBe('zodSchema(count)');
    expect(score(scorer, '{"count": 3}').pass).toBe(true);
    expect(score(scorer, 'three').reason).toMatch(/^output is not JSON: /);
  });
});
