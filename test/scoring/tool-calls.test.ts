import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { ToolCall } from '../../src/providers/types.js';
import { fieldOutcomes } from '../../src/scoring/field-results.js';
import { describeCalls, inOrderCount, readToolCalls, toolCalled, toolInput, toolOrder } from '../../src/scoring/tool-calls.js';
import { runScorer, type Sample, type Scorer } from '../../src/scoring/types.js';
import { context, makeSample } from './sample.js';

function withCalls(calls: ToolCall[] | undefined, expected?: unknown): Sample {
  const sample = makeSample('', expected);
  sample.generation = { text: '', stopReason: calls?.length ? 'tool_use' : 'end_turn', latencyMs: 1, ...(calls ? { toolCalls: calls } : {}) };
  return sample;
}

const lookup = (orderId: unknown, extra: Record<string, unknown> = {}): ToolCall => ({ id: 'toolu_1', name: 'lookup_order', input: { order_id: orderId, ...extra } });
const refund = (amount: unknown): ToolCall => ({ name: 'refund_order', input: { amount } });
const search = (query: string): ToolCall => ({ name: 'search_kb', input: { query } });

const score = (scorer: Scorer, sample: Sample) => runScorer(scorer, sample, context);

describe('reading tool calls', () => {
  it('treats absent calls as none, and a malformed list as an error', () => {
    expect(readToolCalls(withCalls(undefined))).toEqual({ ok: true, calls: [] });
    const bad = withCalls([{ input: {} } as unknown as ToolCall]);
    expect(readToolCalls(bad)).toMatchObject({ ok: false, error: expect.stringMatching(/^generation\.toolCalls is not a list/) });
    expect(describeCalls([])).toBe('no tool calls');
    expect(describeCalls([lookup('A'), refund(1)])).toBe('calls: lookup_order, refund_order');
  });

  it('counts how many expected names appear in order (longest common subsequence)', () => {
    expect(inOrderCount(['a', 'b'], ['a', 'x', 'b'])).toBe(2);
    expect(inOrderCount(['a', 'b'], ['b', 'a'])).toBe(1);
    expect(inOrderCount(['a', 'b', 'c'], ['c', 'a', 'b', 'b'])).toBe(2);
    expect(inOrderCount([], ['a'])).toBe(0);
  });
});

describe('toolCalled', () => {
  it('passes when the tool was called and says how often', async () => {
    const result = await score(toolCalled({ tool: 'lookup_order' }), withCalls([search('x'), lookup('A-1')]));
    expect(result).toMatchObject({ name: 'toolCalled(lookup_order)', score: 1, pass: true, reason: 'lookup_order was called 1 time (calls: search_kb, lookup_order)' });
    expect(result.details).toEqual({ calls: ['search_kb', 'lookup_order'], counts: { lookup_order: 1 } });
  });

  it('fails when it was not called, or not the required number of times', async () => {
    expect(await score(toolCalled({ tool: 'lookup_order' }), withCalls(undefined))).toMatchObject({ pass: false, reason: 'lookup_order was not called (no tool calls)' });
    const twice = withCalls([lookup('A'), lookup('B')]);
    expect(await score(toolCalled({ tool: 'lookup_order', times: 1 }), twice)).toMatchObject({ pass: false, reason: 'lookup_order was called 2 times, expected exactly 1 (calls: lookup_order, lookup_order)' });
    expect(await score(toolCalled({ tool: 'lookup_order', times: { min: 1, max: 2 } }), twice)).toMatchObject({ pass: true });
    expect(await score(toolCalled({ tool: 'lookup_order', times: { max: 1 } }), twice)).toMatchObject({ reason: expect.stringContaining('expected at most 1') });
  });

  it('with not, passes only when the tool (or, without a tool, any tool) was not called', async () => {
    expect(await score(toolCalled({ tool: 'refund_order', not: true }), withCalls([lookup('A')]))).toMatchObject({
      name: 'toolCalled:not(refund_order)',
      pass: true,
      reason: 'refund_order was not called, as required (calls: lookup_order)',
    });
    expect(await score(toolCalled({ tool: 'refund_order', not: true }), withCalls([refund(5)]))).toMatchObject({ pass: false, reason: 'refund_order was called 1 time but must not be (calls: refund_order)' });
    expect(await score(toolCalled({ not: true }), withCalls([]))).toMatchObject({ name: 'toolCalled:not', pass: true, reason: 'no tool was called, as required (no tool calls)' });
    expect(await score(toolCalled({ tool: '*', not: true }), withCalls([lookup('A'), search('q')]))).toMatchObject({ pass: false, reason: '2 tool calls were made but none may be (calls: lookup_order, search_kb)' });
    expect(await score(toolCalled(), withCalls([search('q')]))).toMatchObject({ pass: true, reason: '1 tool call was made (calls: search_kb)' });
  });

  it('reads the tool from the case: a name, a list (each must be called) or null (none may be)', async () => {
    const scorer = toolCalled({ expectedField: 'tool' });
    expect(scorer.name).toBe('toolCalled(expected.tool)');
    expect(await score(scorer, withCalls([lookup('A')], { tool: 'lookup_order' }))).toMatchObject({ pass: true });
    const both = await score(scorer, withCalls([lookup('A')], { tool: ['lookup_order', 'refund_order'] }));
    expect(both).toMatchObject({ score: 0.5, pass: false, reason: '1 of 2 tools as expected; refund_order was not called (calls: lookup_order)' });
    expect(await score(scorer, withCalls([lookup('A')], { tool: null }))).toMatchObject({ pass: false, reason: '1 tool call was made but none may be (calls: lookup_order)' });
    expect(await score(scorer, withCalls([], { tool: null }))).toMatchObject({ pass: true });
  });

  it('is an error when the case has no expected tool, or it is not a name', async () => {
    const scorer = toolCalled({ expectedField: 'tool' });
    expect((await score(scorer, withCalls([], {}))).error).toBe('expected.tool is missing: the case has no expected value to compare with');
    expect((await score(scorer, withCalls([], { tool: 3 }))).error).toBe('expected.tool is not a tool name, a list of tool names or null');
    expect((await score(toolCalled({ tool: 'x' }), withCalls([{ name: 7 } as unknown as ToolCall]))).error).toMatch(/malformed generation/);
  });

  it('rejects contradictory or bad options when the suite loads', () => {
    expect(() => toolCalled({ tool: 'a', not: true, times: 1 })).toThrow(/both not and times/);
    expect(() => toolCalled({ tool: 'a', times: -1 })).toThrow(InputError);
    expect(() => toolCalled({ tool: 'a', times: { min: 3, max: 1 } })).toThrow(/times\.min \(3\) is above times\.max \(1\)/);
    expect(() => toolCalled({ tool: '' })).toThrow(/tool must be a tool name/);
    expect(() => toolCalled({ tool: 'a', expectedField: 'tool' })).toThrow(/not both/);
  });
});

describe('toolInput with a schema', () => {
  const schema = { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string', pattern: '^A-\\d+$' } }, additionalProperties: false };

  it('passes when every call to the tool has a valid input', async () => {
    expect(await score(toolInput({ tool: 'lookup_order', schema }), withCalls([lookup('A-1'), search('q'), lookup('A-2')]))).toMatchObject({
      name: 'toolInput:schema(lookup_order)',
      score: 1,
      pass: true,
      reason: 'lookup_order input matches JSON Schema (all 2 calls)',
    });
  });

  it('fails naming the first invalid call and what is wrong with it', async () => {
    const result = await score(toolInput({ tool: 'lookup_order', schema }), withCalls([lookup('A-1'), lookup(42, { note: 'x' })]));
    expect(result).toMatchObject({ score: 0.5, pass: false });
    expect(result.reason).toBe('lookup_order input (call 2 of 2) does not match JSON Schema: /: must NOT have additional properties (note); /order_id: must be string');
    expect(await score(toolInput({ tool: 'lookup_order', schema }), withCalls([search('q')]))).toMatchObject({ pass: false, reason: 'lookup_order was not called (calls: search_kb)' });
  });

  it('compiles the schema once, and an invalid schema is an error when the suite loads', () => {
    expect(() => toolInput({ tool: 'lookup_order', schema: { type: 'object', propertees: {} } })).toThrow(/invalid JSON Schema/);
    expect(() => toolInput({ tool: 'lookup_order', schema, expectedField: 'x' } as never)).toThrow(/a schema or an expected input, not both \(got schema and expectedField\)/);
    expect(() => toolInput({ tool: '*', schema })).toThrow(/the name of one tool/);
  });
});

describe('toolInput with an expected input', () => {
  const expected = { tools: { lookup_order: { order_id: 'A-1', reason: 'damaged item', amount: 25 } } };
  const fields = { order_id: 'exact', reason: { fuzzy: 0.6 }, amount: { absolute: 0.5 } } as const;

  it('compares the best call field by field and reports the fields as tool.field', async () => {
    const calls = [lookup('A-9', { reason: 'damaged', amount: 25 }), lookup('A-1', { reason: 'Damaged item.', amount: '25.20' })];
    const result = await score(toolInput({ tool: 'lookup_order', expectedField: 'tools.lookup_order', fields }), withCalls(calls, expected));
    expect(result).toMatchObject({ name: 'toolInput(lookup_order)', score: 1, pass: true });
    expect(result.reason).toBe('lookup_order input (call 2 of 2, the best) matches expected.tools.lookup_order on all 3 fields');
    expect([...fieldOutcomes(result)]).toEqual([['lookup_order.order_id', true], ['lookup_order.reason', true], ['lookup_order.amount', true]]);
  });

  it('fails with the fields that are wrong', async () => {
    const result = await score(toolInput({ tool: 'lookup_order', expectedField: 'tools.lookup_order' }), withCalls([lookup('A-2', { reason: 'damaged item', amount: 30 })], expected));
    expect(result).toMatchObject({ pass: false });
    expect(result.score).toBeCloseTo(1 / 3, 10);
    expect(result.reason).toBe('lookup_order input: 1 of 3 fields right (0.33) against expected.tools.lookup_order; order_id: "A-2" ≠ "A-1"; amount: 30 differs from 25 by 5');
  });

  it('counts every expected field wrong when the tool was not called', async () => {
    const result = await score(toolInput({ tool: 'lookup_order', expectedField: 'tools.lookup_order' }), withCalls([search('A-1')], expected));
    expect(result).toMatchObject({ score: 0, pass: false, reason: 'lookup_order was not called (calls: search_kb): 0 of 3 fields right (0.00)' });
    expect(result.error).toBeUndefined();
    expect([...fieldOutcomes(result)].map(([, pass]) => pass)).toEqual([false, false, false]);
  });

  it('takes a static expected input, and is an error when the case lacks one', async () => {
    const result = await score(toolInput({ tool: 'refund_order', expected: { amount: 10 } }), withCalls([refund('$10.00')]));
    expect(result).toMatchObject({ pass: true, reason: 'refund_order input matches expected on its 1 field' });
    expect((await score(toolInput({ tool: 'lookup_order', expectedField: 'tools.lookup' }), withCalls([lookup('A-1')], expected))).error).toBe(
      'expected.tools.lookup is missing: the case has no expected value to compare with',
    );
  });
});

describe('toolOrder', () => {
  it('passes when the expected names appear in order, other calls between', async () => {
    const result = await score(toolOrder(['lookup_order', 'refund_order']), withCalls([lookup('A'), search('q'), refund(1)]));
    expect(result).toMatchObject({
      name: 'toolOrder',
      score: 1,
      pass: true,
      reason: 'calls follow the order lookup_order → refund_order (calls: lookup_order, search_kb, refund_order)',
    });
  });

  it('fails out of order with the share in order', async () => {
    const result = await score(toolOrder(['lookup_order', 'refund_order']), withCalls([refund(1), lookup('A')]));
    expect(result).toMatchObject({ score: 0.5, pass: false, reason: 'calls do not follow the order lookup_order → refund_order: 1 of 2 in order (calls: refund_order, lookup_order)' });
    expect(result.details).toEqual({ expected: ['lookup_order', 'refund_order'], calls: ['refund_order', 'lookup_order'], inOrder: 1 });
  });

  it('strict needs exactly these calls', async () => {
    const scorer = toolOrder(['lookup_order', 'refund_order'], { strict: true });
    expect(scorer.name).toBe('toolOrder:strict');
    expect(await score(scorer, withCalls([lookup('A'), refund(1)]))).toMatchObject({ pass: true, reason: 'calls are exactly lookup_order → refund_order' });
    const extra = await score(scorer, withCalls([lookup('A'), search('q'), refund(1)]));
    expect(extra).toMatchObject({ pass: false, reason: 'calls are not exactly lookup_order → refund_order (calls: lookup_order, search_kb, refund_order)' });
    expect(extra.score).toBeCloseTo(2 / 3, 10);
    expect(await score(toolOrder([], { strict: true }), withCalls([]))).toMatchObject({ pass: true, score: 1, reason: 'calls are exactly (no calls)' });
  });

  it('reads the order from the case', async () => {
    const scorer = toolOrder({ expectedField: 'order' });
    expect(await score(scorer, withCalls([lookup('A'), refund(1)], { order: ['lookup_order', 'refund_order'] }))).toMatchObject({ pass: true });
    expect((await score(scorer, withCalls([], { order: 'lookup_order' }))).error).toBe('expected.order is not a list of tool names');
    expect((await score(scorer, withCalls([], { order: [] }))).error).toMatch(/^expected\.order is an empty list/);
    expect((await score(scorer, withCalls([], {}))).error).toMatch(/^expected\.order is missing/);
  });

  it('rejects an empty or bad order when the suite loads', () => {
    expect(() => toolOrder([])).toThrow(/at least one tool name/);
    expect(() => toolOrder(['a', ''])).toThrow(/order\[1\] is not a tool name/);
  });
});
