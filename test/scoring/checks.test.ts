import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { checkFromSpec, checksFromSpecs } from '../../src/scoring/checks.js';
import { runScorer } from '../../src/scoring/types.js';
import { context, makeSample } from './sample.js';

const where = { file: 'fixtures/cases.jsonl', line: 4 };

describe('checkFromSpec', () => {
  it('builds each check type as a working scorer', async () => {
    const sample = makeSample('{"reply": "We will refund you", "category": "billing"}', 'We will refund you');
    const specs = [
      { type: 'contains', values: ['refund'] },
      { type: 'notContains', values: ['sorry'] },
      { type: 'regex', pattern: '^\\{' },
      { type: 'fuzzy', field: 'reply', expected: 'we will refund you', threshold: 0.7, method: 'levenshtein' },
      { type: 'exact', field: 'reply' },
      { type: 'jsonSchema', schema: { type: 'object', required: ['category'], properties: { category: { type: 'string' } } } },
    ];
    const scorers = checksFromSpecs(specs, where);
    expect(scorers.map((scorer) => scorer.name)).toEqual([
      'checks[0]:contains',
      'checks[1]:notContains',
      'checks[2]:regex',
      'checks[3]:fuzzy',
      'checks[4]:exact',
      'checks[5]:jsonSchema',
    ]);
    const results = await Promise.all(scorers.map((scorer) => runScorer(scorer, sample, context)));
    expect(results.map((result) => result.pass)).toEqual([true, true, true, true, true, true]);
  });

  it('fails a check in the failing direction', async () => {
    const scorer = checkFromSpec({ type: 'contains', values: ['apology'], name: 'apologises' }, where);
    expect(scorer.name).toBe('apologises');
    expect(await runScorer(scorer, makeSample('no'), context)).toMatchObject({ pass: false });
  });

  it('refuses reserved path segments and names from the dataset, naming file, line and option', () => {
    const at = { ...where, field: 'checks[0]' };
    expect(() => checkFromSpec({ type: 'exact', field: 'reply.__proto__' }, at)).toThrow('fixtures/cases.jsonl:4: checks[0].field: "reply.__proto__" uses the reserved name "__proto__"');
    expect(() => checkFromSpec({ type: 'fuzzy', expectedField: 'constructor' }, at)).toThrow('fixtures/cases.jsonl:4: checks[0].expectedField: "constructor" uses the reserved name');
    expect(() => checkFromSpec({ type: 'contains', values: ['x'], name: 'prototype' }, at)).toThrow('fixtures/cases.jsonl:4: checks[0].name: "prototype" uses the reserved name');
  });

  it('rejects an unknown type naming file, line and field', () => {
    expect(() => checkFromSpec({ type: 'containz', values: [] }, { ...where, field: 'checks[1]' })).toThrow(
      'fixtures/cases.jsonl:4: checks[1].type: unknown check type "containz"\n  hint: use one of: contains, notContains, regex, exact, fuzzy, jsonSchema',
    );
    expect(() => checkFromSpec({ values: ['x'] } as unknown as { type: string }, where)).toThrow(/check\.type: missing check type/);
  });

  it('rejects a bad option with its path', () => {
    const attempt = () => checkFromSpec({ type: 'fuzzy', expected: 'x', threshold: 'high' }, { ...where, field: 'checks[1]' });
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(/^fixtures\/cases\.jsonl:4: checks\[1\]\.threshold: /);
    expect(() => checkFromSpec({ type: 'fuzzy', threshold: 2 }, where)).toThrow(/check\.threshold: Too big/);
    expect(() => checkFromSpec({ type: 'contains', values: ['ok', 3] }, where)).toThrow(/check\.values\[1\]: /);
  });

  it('rejects an unknown option (a typo) and lists the accepted ones', () => {
    expect(() => checkFromSpec({ type: 'fuzzy', treshold: 0.7 }, where)).toThrow(
      /check\.treshold: unknown option "treshold" for a fuzzy check\n  hint: fuzzy checks accept: type, name, field, expected/,
    );
  });

  it('reports an invalid regex or schema at the option that holds it', () => {
    expect(() => checkFromSpec({ type: 'regex', pattern: '[a-' }, { ...where, field: 'checks[0]' })).toThrow(
      /^fixtures\/cases\.jsonl:4: checks\[0\]\.pattern: invalid regular expression \/\[a-\/: /,
    );
    expect(() => checkFromSpec({ type: 'jsonSchema', schema: { type: 'nope' } }, where)).toThrow(
      /^fixtures\/cases\.jsonl:4: check\.schema: invalid JSON Schema: /,
    );
  });
});
