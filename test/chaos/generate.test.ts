import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateChaosCases, iterateChaosCases } from '../../src/chaos/generate.js';
import { sourceVarsOf } from '../../src/chaos/sourceVars.js';
import type { GoldenCase } from '../../src/datasets/types.js';
import { InputError } from '../../src/errors.js';
import { RICH_TEXT } from './fixtures.js';

function golden(id: string, vars: Record<string, unknown>, extra: Partial<GoldenCase> = {}): GoldenCase {
  return { id, vars, tags: ['billing'], origin: { file: 'cases.jsonl', line: 3 }, expected: { category: 'billing' }, ...extra };
}

const CASES: GoldenCase[] = [
  golden('t1', { ticket: RICH_TEXT, subject: 'Refund for order 4821', priority: 2 }),
  golden('t2', { ticket: 'My invoice shows the wrong VAT number, please fix it.', subject: 'VAT', meta: { vip: true } }),
];

describe('generateChaosCases', () => {
  it('names each case after its source and operator and links it back', () => {
    const generated = generateChaosCases(CASES, { operators: ['zero-width', 'ignore-previous'], seed: 7 });
    expect(generated.map((c) => c.id)).toEqual(['t1~zero-width', 't1~ignore-previous', 't2~zero-width', 't2~ignore-previous']);
    const first = generated[0]!;
    expect(first.chaos).toMatchObject({ sourceCaseId: 't1', operators: ['zero-width'], fields: ['ticket', 'subject'] });
    expect(first.chaos?.property).toContain('same answer as source');
    expect(first.chaos?.ops[0]).toMatch(/^ticket: inserted \d+ zero-width/);
    expect(first.expected).toEqual({ category: 'billing' });
    expect(first.tags).toEqual(['billing', 'chaos', 'chaos:invisible']);
    expect(first.origin).toEqual({ file: 'cases.jsonl', line: 3 });
    expect(first.vars['priority']).toBe(2);
  });

  it('plants one canary per variant, shared by every mutated field', () => {
    const [injected] = generateChaosCases(CASES.slice(0, 1), { operators: ['ignore-previous'] });
    const canary = injected!.chaos!.canary!;
    expect(canary).toMatch(/^CANARY-[0-9a-f]{6}$/);
    expect(injected!.vars['ticket']).toContain(canary);
    expect(injected!.vars['subject']).toContain(canary);
  });

  it('is deterministic and independent of the other cases', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const config = { operators: ['homoglyphs', 'typo-drop', 'hidden-html-comment', 'shuffle-list-items'], seed };
        const all = generateChaosCases(CASES, config);
        expect(generateChaosCases(CASES, config)).toEqual(all);
        const onlySecond = generateChaosCases(CASES.slice(1), config);
        expect(onlySecond).toEqual(all.filter((c) => c.chaos?.sourceCaseId === 't2'));
        const reversedOperators = generateChaosCases(CASES, { ...config, operators: [...config.operators].reverse() });
        expect(new Map(reversedOperators.map((c) => [c.id, c]))).toEqual(new Map(all.map((c) => [c.id, c])));
      }),
      { numRuns: 20 },
    );
  });

  it('gives different mutations for different seeds', () => {
    const a = generateChaosCases(CASES, { operators: ['homoglyphs'], seed: 1 });
    const b = generateChaosCases(CASES, { operators: ['homoglyphs'], seed: 2 });
    expect(a.map((c) => c.vars['ticket'])).not.toEqual(b.map((c) => c.vars['ticket']));
  });

  it('numbers variants when perCase > 1 and keeps one copy of seed-independent results', () => {
    const generated = generateChaosCases(CASES.slice(0, 1), { operators: ['typo-drop', 'base64'], perCase: 3, fields: ['ticket'] });
    expect(generated.map((c) => c.id)).toEqual(['t1~typo-drop~0', 't1~typo-drop~1', 't1~typo-drop~2', 't1~base64~0']);
    expect(new Set(generated.map((c) => c.vars['ticket'])).size).toBe(4);
  });

  it('mutates only the chosen string fields and skips variants that change nothing', () => {
    const generated = generateChaosCases(CASES, { operators: ['nfc', 'zero-width'], fields: ['subject', 'priority'] });
    expect(generated.map((c) => c.id)).toEqual(['t1~zero-width', 't2~zero-width']);
    for (const c of generated) {
      expect(c.chaos?.fields).toEqual(['subject']);
      const source = CASES.find((s) => s.id === c.chaos?.sourceCaseId)!;
      expect(c.vars['ticket']).toBe(source.vars['ticket']);
      expect(c.vars['priority']).toBe(source.vars['priority']);
    }
  });

  it('uses every operator but the opt-in padding by default', () => {
    const generated = generateChaosCases(CASES.slice(1), { fields: ['ticket'] });
    const operators = new Set(generated.map((c) => c.chaos!.operators[0]));
    expect(operators.size).toBeGreaterThanOrEqual(25);
    expect([...operators].some((name) => name?.startsWith('pad-context'))).toBe(false);
  });

  it('passes the context window to the padding operators', () => {
    const generated = generateChaosCases(CASES.slice(1), { operators: ['pad-context-90'] }, { contextWindowTokens: 1_000, seed: 3 });
    const padded = generated.find((c) => c.id === 't2~pad-context-90')!;
    expect(Math.ceil((padded.vars['ticket'] as string).length / 4)).toBeLessThanOrEqual(900);
    expect(Math.ceil((padded.vars['ticket'] as string).length / 4)).toBeGreaterThan(880);
  });

  it('does not mutate chaos cases again', () => {
    const once = generateChaosCases(CASES, { operators: ['empty'] });
    const twice = generateChaosCases([...CASES, ...once], { operators: ['empty'] });
    expect(twice).toEqual(once);
  });

  it('reports configuration mistakes as InputErrors naming the field', () => {
    expect(() => generateChaosCases(CASES, { operators: ['empty', 'nope'] })).toThrow(/chaos\.operators\[1\]: unknown chaos operator "nope"/);
    expect(() => generateChaosCases(CASES, { perCase: 0 })).toThrow(InputError);
    expect(() => generateChaosCases(CASES, { perCase: 1.5 })).toThrow(/chaos\.perCase/);
    expect(() => generateChaosCases(CASES, { fields: ['ticket', 'body'] })).toThrow(/chaos\.fields\[1\]: no case has a variable named "body"/);
    expect(() => iterateChaosCases(CASES, { operators: ['nope'] })).toThrow(InputError);
  });
});

describe('generateChaosCases: fields the prompts render', () => {
  const rendered = new Set(['ticket']);

  it('without fields, mutates only the string vars a prompt renders', () => {
    const generated = generateChaosCases(CASES, { operators: ['zero-width'], seed: 7 }, { renderedVariables: rendered });
    expect(generated.map((c) => c.chaos?.fields)).toEqual([['ticket'], ['ticket']]);
    expect(generated[0]!.vars['subject']).toBe('Refund for order 4821');
  });

  it('makes no case when the prompts render none of its string vars', () => {
    expect(generateChaosCases(CASES, { operators: ['zero-width'] }, { renderedVariables: new Set(['priority']) })).toEqual([]);
  });

  it('refuses a field no prompt renders, naming the suite, the field and what the prompts render', () => {
    const refused = () => generateChaosCases(CASES, { fields: ['ticket', 'subject'] }, { renderedVariables: rendered, suiteFile: 'suites/t.eval.ts' });
    expect(refused).toThrow(InputError);
    expect(refused).toThrow(/no prompt version under test renders "subject": its mutations would be sent as their source cases' requests/);
    try {
      refused();
    } catch (error) {
      expect((error as InputError).location).toEqual({ file: 'suites/t.eval.ts', field: 'chaos.fields[1]' });
      expect((error as InputError).hint).toBe('the prompts render ticket: name those in chaos.fields, or render "subject" in the prompt');
    }
  });

  it('names the rendered variable a misspelt field most likely meant', () => {
    expect(() => generateChaosCases(CASES, { fields: ['tciket'] }, { renderedVariables: rendered })).toThrow('no case has a variable named "tciket" (did you mean "ticket"?)');
    expect(() => generateChaosCases(CASES, { fields: ['subjcet'] }, { renderedVariables: rendered })).toThrow('no case has a variable named "subjcet" (did you mean "subject"?)');
  });

  it('without what the prompts render (a function under test gets the vars), every string var stays a field', () => {
    expect(generateChaosCases(CASES, { operators: ['zero-width'], fields: ['subject'] }).map((c) => c.chaos?.fields)).toEqual([['subject'], ['subject']]);
  });

  it('keeps each chaos case\'s source vars beside it, not in it', () => {
    const [generated] = generateChaosCases(CASES.slice(0, 1), { operators: ['zero-width'] });
    expect(sourceVarsOf(generated!)).toBe(CASES[0]!.vars);
    expect(Object.keys(generated!.chaos!)).not.toContain('sourceVars');
    expect(sourceVarsOf(CASES[0]!)).toBeUndefined();
  });
});
