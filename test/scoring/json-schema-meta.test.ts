import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { configuredAjv, loadDraft07Meta, withBuiltDraft07Meta } from '../../src/scoring/json-schema-meta.js';
import { draft07MetaSource } from '../../src/scoring/json-schema-meta-source.js';
import { packagePath } from '../../src/packageRoot.js';

// The build's step, done here into a folder under node_modules (so the generated module's
// requires of ajv resolve as they do from dist/).
const folder = packagePath('node_modules', '.cache', `promptgold-test-${process.pid}`);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function builtMeta() {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'draft-07-meta.cjs');
  writeFileSync(file, draft07MetaSource());
  return loadDraft07Meta(file)!;
}

function outcome(ajv: Ajv, schema: unknown): string {
  try {
    ajv.compile(schema as object);
    return 'compiles';
  } catch (error) {
    return (error as Error).message;
  }
}

const SCHEMAS: unknown[] = [
  { type: 'object', required: ['a'], properties: { a: { type: 'string', minLength: 1 }, b: { enum: [1, 'x', null] } } },
  { type: 'object', properties: { a: { type: 'strin' } } },
  { type: 'object', properties: { a: { type: 'number', minimum: 'x' } } },
  { type: 'object', required: 'a' },
  { type: 'array', items: 5 },
  { enum: [] },
  { type: 'string', pattern: '(' },
  { type: 'string', format: 'email' },
  { type: 'string', format: 5 },
  { $comment: 5 },
  { $id: 'not a uri ::', type: 'object' },
  { $ref: '#/definitions/missing' },
  { definitions: { positive: { type: 'number', exclusiveMinimum: 0 } }, $ref: '#/definitions/positive' },
  { type: 'object', properties: { a: { type: ['string', 'null'] } }, additionalProperties: false },
  { type: 'object', dependencies: { a: ['b'], c: 4 } },
  { $schema: 'http://json-schema.org/draft-07/schema#', type: 'strin' },
  { $schema: 7 },
  { type: 'object', properties: { a: { type: 'integer', multipleOf: -1 } } },
];

describe('the draft-07 meta-schema validator the build writes', () => {
  it('accepts and refuses exactly what ajv\'s own check does, with the same message', () => {
    const meta = builtMeta();
    for (const schema of SCHEMAS) {
      const own = configuredAjv(Ajv, {});
      const built = withBuiltDraft07Meta(configuredAjv(Ajv, {}), meta);
      expect(outcome(built, schema), JSON.stringify(schema)).toBe(outcome(own, schema));
    }
    // The list holds schemas each check refuses, not only ones both accept.
    expect(SCHEMAS.filter((schema) => /^schema is invalid/.test(outcome(configuredAjv(Ajv, {}), schema))).length).toBeGreaterThan(8);
  });

  it('checks a schema without compiling the meta-schema, and leaves one that names its $schema to ajv', () => {
    const ajv = withBuiltDraft07Meta(configuredAjv(Ajv, {}), builtMeta());
    const validate = vi.spyOn(ajv, 'validate');
    expect(outcome(ajv, { type: 'object', properties: { a: { type: 'strin' } } })).toMatch(/^schema is invalid: data\/properties\/a\/type must be equal to one of the allowed values/);
    expect(outcome(ajv, { type: 'string' })).toBe('compiles');
    expect(validate).not.toHaveBeenCalled();
    expect(outcome(ajv, { $schema: 'http://json-schema.org/draft-07/schema#', type: 'string' })).toBe('compiles');
    expect(validate).toHaveBeenCalledOnce();
  });

  it('is not used from the sources, where no build wrote it', () => {
    expect(loadDraft07Meta()).toBeUndefined();
  });
});
