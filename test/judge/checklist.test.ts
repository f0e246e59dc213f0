/** Deterministic checklist items: one child score per item, each with its own reason. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { checklist } from '../../src/judge/checklist.js';
import { runScorer } from '../../src/scoring/types.js';
import { makeSample } from './helpers.js';

const signal = new AbortController().signal;

describe('checklist', () => {
  it('reports every item separately and scores the fraction that hold', async () => {
    const scorer = checklist({
      mustInclude: ['refund', 'ticket #42'],
      mustNotInclude: ['sorry for the inconvenience'],
      mustMatch: [/\d+ days/],
      mustNotMatch: ['[Aa]s an AI'],
      maxWords: 13,
      minWords: 3,
      maxChars: 80,
    });
    const score = await runScorer(scorer, makeSample('Your Refund for ticket #42 arrives in 5 days. Sorry for the inconvenience.'), { signal });
    expect(score.children?.map((c) => [c.name, c.pass, c.reason])).toEqual([
      ['mustInclude "refund"', true, 'contains "refund"'],
      ['mustInclude "ticket #42"', true, 'contains "ticket #42"'],
      ['mustNotInclude "sorry for the inconvenience"', false, 'contains forbidden "sorry for the inconvenience"'],
      ['mustMatch /\\d+ days/', true, 'matches /\\d+ days/'],
      ['mustNotMatch /[Aa]s an AI/', true, 'does not match /[Aa]s an AI/'],
      ['maxWords 13', true, '13 words <= 13'],
      ['minWords 3', true, '13 words >= 3'],
      ['maxChars 80', true, '74 characters <= 80'],
    ]);
    expect(score.pass).toBe(false);
    expect(score.score).toBeCloseTo(7 / 8, 10);
    expect(score.reason).toBe('1 of 8 items fail: mustNotInclude "sorry for the inconvenience" (contains forbidden "sorry for the inconvenience")');
  });

  it('checks JSON validity, per-sample phrases, case sensitivity and custom items', async () => {
    const scorer = checklist({
      jsonValid: true,
      mustInclude: (sample) => [String(sample.vars['must'])],
      caseInsensitive: false,
      items: [{ name: 'short', check: (sample) => sample.output.length < 40 }, { name: 'has ok', check: (s) => ({ pass: s.output.includes('"ok"'), reason: 'looked for "ok"' }) }],
    });
    const good = await runScorer(scorer, makeSample('```json\n{"ok": true}\n```', { vars: { must: 'ok' } }), { signal });
    expect(good.pass).toBe(true);
    expect(good.children?.find((c) => c.name === 'jsonValid')?.reason).toBe('contains valid JSON (fenced)');
    const bad = await runScorer(scorer, makeSample('{"OK": tru', { vars: { must: 'ok' } }), { signal });
    expect(bad.children?.map((c) => c.pass)).toEqual([false, false, true, false]);
  });

  it('errors, never holds, when a custom item returns something other than true, false or { pass: boolean }', async () => {
    const answers: unknown[] = ['false', 1, { pass: 'false', reason: 'looked' }, undefined, { reason: 'no pass' }];
    for (const answer of answers) {
      const scorer = checklist({ items: [{ name: 'polite', check: () => answer as boolean }] });
      const score = await runScorer(scorer, makeSample('fine'), { signal });
      expect(score.pass).toBe(false);
      expect(score.error).toMatch(/^checklist item "polite" returned .*: a check returns true, false or \{ pass: true \| false, reason \}$/);
    }
    const score = await runScorer(checklist({ items: [{ name: 'polite', check: () => ({ pass: 'false' }) as unknown as boolean }] }), makeSample('fine'), { signal });
    expect(score.error).toBe('checklist item "polite" returned { pass: "false" }: a check returns true, false or { pass: true | false, reason }');
  });

  it('refuses an empty phrase, which every output contains, when built or when a phrases function answers it', async () => {
    expect(() => checklist({ mustInclude: ['refund', ''] })).toThrow('checklist: mustInclude[1] is not a phrase: an empty string, which every output contains');
    expect(() => checklist({ mustNotInclude: [''] })).toThrow(InputError);
    const scorer = checklist({ mustInclude: (sample) => [String(sample.vars['must'] ?? '')] });
    const score = await runScorer(scorer, makeSample('anything', { vars: {} }), { signal });
    expect(score).toMatchObject({ pass: false, error: 'checklist: mustInclude(sample) returned a list whose item 0 is not a phrase: an empty string, which every output contains' });
  });

  it('rejects an empty checklist and bad limits', () => {
    expect(() => checklist({})).toThrow(InputError);
    expect(() => checklist({ maxWords: -1 })).toThrow(/maxWords must be a whole number/);
    expect(() => checklist({ mustInclude: [] })).toThrow(/mustInclude is empty/);
    expect(() => checklist({ mustMatch: ['('] })).toThrow(/mustMatch\[0\]: invalid regular expression/);
  });
});
