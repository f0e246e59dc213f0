/**
 * Tool-call, numeric and extraction scorers through the built CLI: a suite whose provider (any
 * Provider object) answers with tool calls, scored by suite scorers and per-case checks; the field
 * accuracy reaches the record's summary and the console; a bad check is an input error at file:line.
 */
import { readFile, readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/records/reader.js';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

const PROMPT = `---
id: support
version: v1
max_tokens: 200
system: You are a support assistant with tools.
variables:
  message: string
---
{{message}}
`;

/** The support bot under test: it looks the order up, sometimes refunds, and answers with a JSON summary. */
const SUITE = `import { defineSuite, extraction, numeric, toolCalled, toolInput, toolOrder } from 'promptgold';
const answers = {
  c1: { calls: [['lookup_order', { order_id: 'A-1' }], ['refund_order', { order_id: 'A-1', amount: 25 }]], answer: { order_id: 'A-1', status: 'refunded', refunded: '$25.00' } },
  c2: { calls: [['lookup_order', { order_id: 'A-2' }], ['refund_order', { order_id: 'A-2', amount: '45' }]], answer: { order_id: 'A-2', status: 'refunded', refunded: '$45.00' } },
  c3: { calls: [['lookup_order', { order_id: 'A-3' }]], answer: { order_id: 'A-3', status: 'shipped', refunded: 0 } },
  c4: { calls: [['refund_order', { order_id: 'A-4', amount: 10 }], ['lookup_order', { order_id: 'A-4' }]], answer: { order_id: 'A-4', status: 'refunded', refunded: '10' } },
};
const supportBot = {
  id: 'function:support-bot',
  async generate(request, context) {
    const planned = answers[context.caseId];
    return {
      text: JSON.stringify(planned.answer),
      toolCalls: planned.calls.map(([name, input], i) => ({ id: 'toolu_' + i, name, input })),
      stopReason: 'tool_use',
      latencyMs: 1,
    };
  },
};
export default defineSuite({
  name: 'support',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  provider: supportBot,
  threshold: 0.5,
  scorers: [
    toolCalled({ tool: 'lookup_order', times: 1 }),
    toolInput({ tool: 'lookup_order', schema: { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' } }, additionalProperties: false } }),
    toolOrder({ expectedField: 'order' }),
    extraction({ expectedField: 'answer', fields: { order_id: 'exact', status: 'ignoreCase' } }),
    numeric({ field: 'refunded', expectedField: 'answer.refunded', absolute: 0.01 }),
  ],
});
`;

const refundCheck = (order: string, amount: number) => ({ type: 'toolInput', tool: 'refund_order', expected: { order_id: order, amount }, fields: { order_id: 'exact', amount: { absolute: 0.5 } } });
const CASES = [
  { id: 'c1', vars: { message: 'Refund order A-1 please' }, expected: { order: ['lookup_order', 'refund_order'], answer: { order_id: 'A-1', status: 'refunded', refunded: 25 } }, checks: [refundCheck('A-1', 25)] },
  { id: 'c2', vars: { message: 'Refund order A-2 please' }, expected: { order: ['lookup_order', 'refund_order'], answer: { order_id: 'A-2', status: 'refunded', refunded: 40 } }, checks: [refundCheck('A-2', 40)] },
  { id: 'c3', vars: { message: 'Where is order A-3?' }, expected: { order: ['lookup_order'], answer: { order_id: 'A-3', status: 'Shipped', refunded: 0 } }, checks: [{ type: 'toolCalled', tool: 'refund_order', not: true }] },
  { id: 'c4', vars: { message: 'Refund order A-4' }, expected: { order: ['lookup_order', 'refund_order'], answer: { order_id: 'A-4', status: 'refunded', refunded: 10 } }, checks: [refundCheck('A-4', 10)] },
];
const jsonl = (cases: unknown[]) => cases.map((c) => JSON.stringify(c)).join('\n');

async function supportProject(cases: unknown[] = CASES) {
  project = await tempProject({ 'suites/support.eval.ts': SUITE, 'suites/prompts/support.v1.hbs': PROMPT, 'suites/data.jsonl': jsonl(cases) });
  await linkPromptgold(project.root);
}

async function onlyRecordFile(): Promise<string> {
  const runs = await readdir(project.path('reports/runs'));
  expect(runs).toHaveLength(1);
  return project.path('reports/runs', runs[0]!, 'run.jsonl');
}

describe('tool-call scorers through the CLI', () => {
  it('scores the calls a provider returned, counts field accuracy per cell and prints it', async () => {
    await supportProject();
    const result = await runCli(['run'], project.root);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/support: 4 samples, 2 of 4 passed, 0 errors/);

    const file = await onlyRecordFile();
    const record = await readRecord(file);
    const byCase = new Map(record.samples.map((s) => [s.caseId, s]));
    const reason = (caseId: string, scorer: string) => byCase.get(caseId)!.scores.find((score) => score.name === scorer)?.reason;
    expect(byCase.get('c1')!.pass).toBe(true);
    expect(byCase.get('c3')!.pass).toBe(true);
    expect(reason('c2', 'check:toolInput')).toBe(
      'refund_order input: 1 of 2 fields right (0.50) against expected; amount: 45 differs from 40 by 5 (allowed ±0.5)',
    );
    expect(reason('c2', 'numeric(refunded)')).toBe(
      'output.refunded 45 (read from "$45.00": currency "$" dropped) is not within ±0.01 of expected.answer.refunded 40 (difference 5)',
    );
    expect(reason('c4', 'toolOrder')).toBe('calls do not follow the order lookup_order → refund_order: 1 of 2 in order (calls: refund_order, lookup_order)');
    expect(reason('c3', 'check:toolCalled')).toBe('refund_order was not called, as required (calls: lookup_order)');

    expect(record.summary!.cells[0]!.fieldAccuracy).toEqual({
      order_id: { right: 4, total: 4 },
      'refund_order.amount': { right: 2, total: 3 },
      'refund_order.order_id': { right: 3, total: 3 },
      status: { right: 4, total: 4 },
    });
    expect(result.stdout).toMatch(/field accuracy \(how often each field was right\):\nfield\s+v1 × claude-haiku-4-5\n/);
    expect(result.stdout).toMatch(/refund_order\.amount\s+66\.7% \(2\/3\)/);

    const { Ajv } = await import('ajv');
    const schema = JSON.parse(await readFile(new URL('../../schemas/run-record.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    const summaryLine = (await readFile(file, 'utf8')).trim().split('\n').at(-1)!;
    expect(validate(JSON.parse(summaryLine)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('stops with an input error naming file, line and field for a toolCalled check without "tool" (exit 2)', async () => {
    await supportProject([CASES[0], { ...CASES[2], checks: [{ type: 'toolCalled', name: 'refund_order', not: true }] }]);
    const result = await runCli(['run'], project.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/suites\/data\.jsonl:2: checks\[0\]\.tool: a toolCalled check needs "tool": the name of the tool/);
    expect(result.stderr).toMatch(/"name" names the check itself/);
  });
});
