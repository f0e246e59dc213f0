import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import '../../src/vitest/index.js';
import { checkFuzzyMatch } from '../../src/vitest/index.js';
import { rubric } from '../../src/judge/rubric.js';
import type { Provider } from '../../src/providers/types.js';
import type { Scorer } from '../../src/scoring/types.js';

describe('toFuzzyMatch', () => {
  it('passes at or above the threshold and fails below it with the similarity in the message', () => {
    expect('The capital of France is Paris.').toFuzzyMatch('the capital of france is paris', { normalize: { case: true } });
    expect(() => expect('Berlin').toFuzzyMatch('Paris', { threshold: 0.8 })).toThrow(/expected "Berlin" to fuzzy-match "Paris": dice similarity 0\.000 < threshold 0\.8/);
  });

  it('takes the best of several expected answers and supports every method', () => {
    expect('colour').toFuzzyMatch(['flavour', 'color'], { method: 'levenshtein', threshold: 0.8 });
    expect('b a c').toFuzzyMatch('a b c', { method: 'tokenSet', threshold: 1 });
    expect(checkFuzzyMatch('colour', ['flavour', 'color'], { method: 'levenshtein' }).expected).toBe('color');
  });

  it('negates with a message that says why it matched', () => {
    expect('Paris').not.toFuzzyMatch('Berlin');
    expect(() => expect('Paris').not.toFuzzyMatch('Paris')).toThrow(/not to fuzzy-match "Paris": dice similarity 1\.000 >= threshold 0\.8/);
  });

  it('rejects an unknown method and a non-string received value', () => {
    expect(() => expect('a').toFuzzyMatch('a', { method: 'soundex' as never })).toThrow(/unknown fuzzy method "soundex"/);
    expect(() => expect({ a: 1 }).toFuzzyMatch('a')).toThrow(/expected a string to compare, received object/);
  });

  it('works as an asymmetric matcher inside toEqual', () => {
    expect({ answer: 'Paris, France' }).toEqual({ answer: expect.toFuzzyMatch('Paris, France.') });
  });

  it('refuses a misspelt option rather than passing on the default threshold', () => {
    const misspelt = { treshold: 0.99 } as never;
    expect(() => expect('The capital is Pariss').toFuzzyMatch('The capital is Paris.', misspelt)).toThrow(
      /toFuzzyMatch: unknown option "treshold" \(did you mean "threshold"\?\)\n {2}hint: toFuzzyMatch takes threshold, method, normalize/,
    );
    expect(() => expect('a').toFuzzyMatch('a', { normalise: { case: true } } as never)).toThrow(/toFuzzyMatch: unknown option "normalise" \(did you mean "normalize"\?\)/);
    expect(() => expect({ answer: 'Paris' }).toEqual({ answer: expect.toFuzzyMatch('Paris', misspelt) })).toThrow(/unknown option "treshold"/);
  });

  it('refuses a normalize of the wrong shape, and options that are not an object', () => {
    expect(() => expect('A').toFuzzyMatch('a', { normalize: { lowercase: true } } as never)).toThrow(
      /normalize\.lowercase: toFuzzyMatch: unknown normalize option "lowercase"\n {2}hint: normalize takes case, whitespace, unicode/,
    );
    expect(() => expect('A').toFuzzyMatch('a', { normalize: true } as never)).toThrow(/normalize: toFuzzyMatch: normalize must be an object, got boolean true/);
    expect(() => expect('A').toFuzzyMatch('a', 0.9 as never)).toThrow(/options: toFuzzyMatch: options must be an object, got number 0\.9\n {2}hint: toFuzzyMatch takes \{ threshold, method, normalize \}/);
  });
});

describe('toMatchSchema', () => {
  const ticket = z.object({ category: z.enum(['billing', 'bug']), priority: z.number().int() });
  const jsonSchema = { type: 'object', properties: { category: { type: 'string' } }, required: ['category'] };

  it('validates objects and JSON inside model output against zod', () => {
    expect({ category: 'bug', priority: 2 }).toMatchSchema(ticket);
    expect('Here you go:\n```json\n{"category":"billing","priority":1}\n```').toMatchSchema(ticket);
    expect(() => expect('{"category":"spam","priority":1.5}').toMatchSchema(ticket)).toThrow(/to match the zod schema: \/category: .*; \/priority: /);
  });

  it('validates against a JSON Schema with ajv', () => {
    expect('{"category":"bug"}').toMatchSchema(jsonSchema);
    expect(() => expect({}).toMatchSchema(jsonSchema)).toThrow(/to match the JSON Schema: \/: must have required property 'category'/);
    expect({}).not.toMatchSchema(jsonSchema);
  });

  it('says so when a string holds no JSON', () => {
    expect(() => expect('no json here').toMatchSchema(ticket)).toThrow(/no JSON was found/);
  });
});

describe('toContainAll', () => {
  it('checks substrings of a string and lists the missing ones', () => {
    expect('refund issued for order 42').toContainAll(['refund', '42']);
    expect(() => expect('refund issued').toContainAll(['refund', 'order', '42'])).toThrow(/missing 2 of 3: "order", "42"/);
  });

  it('refuses a list that could not fail: no items, or an empty string looked for in a text', () => {
    expect(() => expect('anything').toContainAll([])).toThrow(/non-empty list of items/);
    expect(() => expect([1]).not.toContainAll([])).toThrow(/non-empty list of items/);
    expect(() => expect('anything').toContainAll(['any', ''])).toThrow(/an empty string is in every text/);
  });

  it('checks items of an array by deep equality', () => {
    expect([{ id: 1 }, { id: 2 }]).toContainAll([{ id: 2 }]);
    expect(() => expect([{ id: 1 }]).toContainAll([{ id: 3 }])).toThrow(/missing 1 of 1: \{"id":3\}/);
    expect(['a', 'b']).not.toContainAll(['a', 'c']);
  });
});

describe('toSatisfyRubric', () => {
  const politeJudge: Provider = {
    id: 'fake-judge',
    async generate(request) {
      const polite = /please|thank/i.test(request.messages[0]!.content as string);
      return { text: polite ? 'PASS' : 'FAIL', stopReason: 'end_turn', latencyMs: 0 };
    },
  };
  /** A minimal judged rubric: asks the judge provider and reads its verdict. */
  const politeness: Scorer = {
    name: 'rubric:polite',
    async score(sample, context) {
      const judge = context.judge!('claude-haiku-4-5');
      const verdict = await judge.generate(
        { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: sample.output }], maxTokens: 10 },
        { signal: context.signal, repeat: 0, caseId: sample.caseId, vars: sample.vars, promptId: 'judge', promptVersion: '1' },
      );
      const pass = verdict.text === 'PASS';
      return { name: 'rubric:polite', score: pass ? 1 : 0, pass, reason: pass ? 'the reply is polite' : 'the reply is curt' };
    },
  };

  it('refuses a misspelt option (a judge given as `judges` would leave the rubric without one)', async () => {
    await expect(expect('Thank you.').toSatisfyRubric(politeness, { judges: politeJudge } as never)).rejects.toThrow(
      /toSatisfyRubric: unknown option "judges" \(did you mean "judge"\?\)\n {2}hint: toSatisfyRubric takes judge, vars, expected, signal/,
    );
  });

  it('passes the output through the rubric scorer with the given judge', async () => {
    await expect('Thank you for waiting, here is your refund.').toSatisfyRubric(politeness, { judge: politeJudge });
    await expect(expect('No.').toSatisfyRubric(politeness, { judge: () => politeJudge })).rejects.toThrow(/to satisfy the rubric rubric:polite:\n {2}✗ rubric:polite 0\.00: the reply is curt/);
    await expect('No.').not.toSatisfyRubric(politeness, { judge: politeJudge });
  });

  it('fails (never passes silently) when the scorer throws', async () => {
    const broken: Scorer = { name: 'broken', score: () => { throw new Error('judge unavailable'); } };
    await expect(expect('x').toSatisfyRubric(broken)).rejects.toThrow(/could not judge "x" against the rubric broken, so it neither passes nor fails:\n.*scorer threw: judge unavailable/);
    // Negated too: a judge that could not answer shows neither that the text passes nor that it fails.
    await expect(expect('You idiot.').not.toSatisfyRubric(broken)).rejects.toThrow(/could not judge "You idiot\." .*neither passes nor fails/);
    const down: Provider = { id: 'down', generate: () => Promise.reject(new Error('503 judge down')) };
    await expect(expect('You idiot.').not.toSatisfyRubric(politeness, { judge: down })).rejects.toThrow(/could not judge/);
  });

  it('fails a rubric that shows the judge the expected answer when none is given, without asking the judge', async () => {
    let asked = 0;
    const passing: Provider = {
      id: 'passing',
      async generate() {
        asked++;
        return { text: JSON.stringify({ criteria: [{ id: 'correct', reasoning: 'fine', verdict: 'pass' }], overall: 'ok' }), stopReason: 'end_turn', latencyMs: 0 };
      },
    };
    const correct = rubric({ criteria: [{ id: 'correct', description: 'Gives the reference answer.', pass: 'same answer', fail: 'another answer' }], judge: passing, includeExpected: true });
    await expect(expect('Berlin').toSatisfyRubric(correct)).rejects.toThrow(/could not judge "Berlin" against the rubric rubric, so it neither passes nor fails:\n.*expected is missing/);
    expect(asked).toBe(0);
    await expect('Paris').toSatisfyRubric(correct, { expected: 'Paris' });
    expect(asked).toBe(1);
  });

  it('refuses a received value with no text to judge (undefined), instead of judging the word "undefined"', async () => {
    // JSON.stringify(undefined) is undefined: the scorer got no output, and a rubric that looks for
    // rudeness found none, so expect(reply).not.toSatisfyRubric(rude) passed for a missing reply.
    const rude: Scorer = {
      name: 'rude',
      score: (sample) => {
        const found = /idiot/i.test(String(sample.output));
        return { name: 'rude', score: found ? 1 : 0, pass: found, reason: found ? 'insults the reader' : 'no insult' };
      },
    };
    await expect(expect(undefined).not.toSatisfyRubric(rude)).rejects.toThrow(/toSatisfyRubric: expected a text to judge \(or a JSON value\), received undefined/);
    await expect(expect(() => 'x').toSatisfyRubric(rude)).rejects.toThrow(/expected a text to judge \(or a JSON value\), received a function/);
    await expect({ text: 'You idiot.' }).toSatisfyRubric(rude);
  });

  it('refuses to be an asymmetric matcher, which vitest would read synchronously off a pending promise', () => {
    // vitest calls an asymmetric matcher synchronously and reads `pass` off its result: off this
    // matcher's promise that is undefined, so expect.not.toSatisfyRubric(…) matched whatever the text,
    // even one the rubric passes or a judge that failed.
    const passing: Scorer = { name: 'always', score: () => ({ name: 'always', score: 1, pass: true, reason: 'fine' }) };
    const asymmetric = expect as unknown as Record<string, (...args: unknown[]) => unknown> & { not: Record<string, (...args: unknown[]) => unknown> };
    expect(() => expect({ reply: 'Thank you!' }).toEqual({ reply: asymmetric.not.toSatisfyRubric!(passing) })).toThrow(
      /toSatisfyRubric cannot be used as an asymmetric matcher .*await expect\(value\)\.toSatisfyRubric/,
    );
    expect(() => asymmetric.toSatisfyRubric!(passing)).toThrow(/cannot be used as an asymmetric matcher/);
  });
});
