import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { checkFromSpec, checksFromSpecs } from '../../src/scoring/checks.js';
import { fieldOutcomes } from '../../src/scoring/field-results.js';
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
      'fixtures/cases.jsonl:4: checks[1].type: unknown check type "containz"\n  hint: use one of: contains, notContains, regex, exact, fuzzy, jsonSchema, numeric, extraction, toolCalled, toolInput, toolOrder',
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
      /check\.treshold: unknown option "treshold" for a fuzzy check\n {2}hint: fuzzy checks accept: type, name, field, expected/,
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

describe('tool-call, numeric and extraction checks', () => {
  const calls = [
    { id: 'toolu_1', name: 'lookup_order', input: { order_id: 'A-1' } },
    { id: 'toolu_2', name: 'refund_order', input: { order_id: 'A-1', amount: '$25.00' } },
  ];
  const sample = makeSample('{"total": "1,234.50", "vendor": "ACME"}', { tools: { refund_order: { order_id: 'A-1', amount: 25 } }, order: ['lookup_order', 'refund_order'] }, {
    generation: { text: '{"total": "1,234.50", "vendor": "ACME"}', toolCalls: calls, stopReason: 'tool_use', latencyMs: 1 },
  });

  it('builds each type from a dataset line as a working scorer', async () => {
    const specs = [
      { type: 'toolCalled', tool: 'lookup_order' },
      { type: 'toolCalled', tool: 'cancel_order', not: true },
      { type: 'toolCalled', tool: '*', times: { min: 1, max: 2 } },
      { type: 'toolInput', tool: 'lookup_order', schema: { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' } } } },
      { type: 'toolInput', tool: 'refund_order', expectedField: 'tools.refund_order', fields: { order_id: 'exact', amount: { absolute: 0.01 } } },
      { type: 'toolOrder', order: ['lookup_order', 'refund_order'], strict: true },
      { type: 'toolOrder', expectedField: 'order' },
      { type: 'numeric', field: 'total', expected: 1234.5, absolute: 0.01 },
      { type: 'extraction', expected: { total: 1234.5, vendor: 'acme' }, fields: { total: 'numeric', vendor: 'ignoreCase' } },
    ];
    const scorers = checksFromSpecs(specs, where);
    expect(scorers.map((scorer) => scorer.name)).toEqual(specs.map((spec, i) => `checks[${i}]:${spec.type}`));
    const results = await Promise.all(scorers.map((scorer) => runScorer(scorer, sample, context)));
    expect(results.map((result) => [result.pass, result.error])).toEqual(specs.map(() => [true, undefined]));
    expect([...fieldOutcomes(results[4]!)]).toEqual([['refund_order.order_id', true], ['refund_order.amount', true]]);
    expect([...fieldOutcomes(results[8]!)]).toEqual([['total', true], ['vendor', true]]);
  });

  it('fails in the failing direction', async () => {
    const scorer = checkFromSpec({ type: 'toolCalled', tool: 'refund_order', not: true }, where);
    expect(await runScorer(scorer, sample, context)).toMatchObject({ pass: false, reason: 'refund_order was called 1 time but must not be (calls: lookup_order, refund_order)' });
  });

  it('says that "name" names the check when a toolCalled check has no "tool"', () => {
    expect(() => checkFromSpec({ type: 'toolCalled', name: 'lookup_order' }, { ...where, field: 'checks[2]' })).toThrow(
      'fixtures/cases.jsonl:4: checks[2].tool: a toolCalled check needs "tool": the name of the tool\n  hint: "name" names the check itself; write "tool": "lookup_order" (or "*" for any tool), or read it from the case with "expectedField"',
    );
  });

  it('reports missing, contradictory and bad options at file:line:field', () => {
    const at = { ...where, field: 'checks[0]' };
    expect(() => checkFromSpec({ type: 'toolInput', tool: 'lookup_order' }, at)).toThrow(/^fixtures\/cases\.jsonl:4: checks\[0\]\.schema: a toolInput check needs "schema"/);
    expect(() => checkFromSpec({ type: 'toolInput', schema: {} }, at)).toThrow(/^fixtures\/cases\.jsonl:4: checks\[0\]\.tool: /);
    expect(() => checkFromSpec({ type: 'toolInput', tool: 'a', schema: { type: 'object' }, expected: {} }, at)).toThrow(
      /^fixtures\/cases\.jsonl:4: checks\[0\]\.expected: toolInput takes a schema or an expected input, not both/,
    );
    expect(() => checkFromSpec({ type: 'toolInput', tool: 'a', schema: { type: 'objekt' } }, at)).toThrow(/^fixtures\/cases\.jsonl:4: checks\[0\]\.schema: invalid JSON Schema/);
    expect(() => checkFromSpec({ type: 'toolOrder' }, at)).toThrow(/checks\[0\]\.order: a toolOrder check needs "order"/);
    expect(() => checkFromSpec({ type: 'toolOrder', order: ['a'], expectedField: 'order' }, at)).toThrow(/checks\[0\]\.order: .*not both/);
    expect(() => checkFromSpec({ type: 'toolOrder', order: [] }, at)).toThrow(/checks\[0\]\.order: toolOrder needs at least one tool name/);
    expect(() => checkFromSpec({ type: 'toolCalled', tool: 'a', times: 1, not: true }, at)).toThrow(/checks\[0\]\.times: a toolCalled scorer cannot have both not and times/);
    expect(() => checkFromSpec({ type: 'toolCalled', tool: 'a', times: 1.5 }, at)).toThrow(/checks\[0\]\.times: /);
    expect(() => checkFromSpec({ type: 'numeric', expected: 1, absolute: -1 }, at)).toThrow(/checks\[0\]\.absolute: Too small/);
    expect(() => checkFromSpec({ type: 'extraction', fields: { total: 'exakt' } }, at)).toThrow(
      /checks\[0\]\.fields\.total: a field matcher is "exact", "ignoreCase", "numeric"/,
    );
    expect(() => checkFromSpec({ type: 'extraction', fields: { total: { fuzzy: 0.8, treshold: 1 } } }, at)).toThrow(/checks\[0\]\.fields\.total/);
    expect(() => checkFromSpec({ type: 'toolCalled', tool: 'a', tol: 1 }, at)).toThrow(/unknown option "tol" for a toolCalled check\n {2}hint: toolCalled checks accept: type, name, tool, times, not, expected, expectedField/);
  });
});
