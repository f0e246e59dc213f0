import { describe, expect, it } from 'vitest';
import { balancedEnd, extractJson, extractSampleJson } from '../../src/scoring/extract-json.js';
import { makeSample } from './sample.js';

describe('extractJson', () => {
  it('parses the whole text when it is JSON', () => {
    expect(extractJson('  {"a": 1}\n')).toEqual({ ok: true, value: { a: 1 }, from: 'raw' });
    expect(extractJson('[1,2]')).toEqual({ ok: true, value: [1, 2], from: 'raw' });
    expect(extractJson('42')).toEqual({ ok: true, value: 42, from: 'raw' });
  });

  it('prefers a ```json fence over an untagged one', () => {
    const text = 'Here:\n```\n{"which": "plain"}\n```\nand\n```json\n{"which": "json"}\n```\n';
    expect(extractJson(text)).toEqual({ ok: true, value: { which: 'json' }, from: 'fenced' });
  });

  it('uses an untagged fence when no json fence parses', () => {
    const text = 'Result:\n```\n{"ok": true}\n```';
    expect(extractJson(text)).toEqual({ ok: true, value: { ok: true }, from: 'fenced' });
  });

  it('finds embedded JSON with braces and escaped quotes inside strings', () => {
    const text = 'Sure! The answer is {"note": "use } and { freely", "q": "say \\"hi}\\"", "n": [1, {"x": "]"}]} as requested.';
    const result = extractJson(text);
    expect(result).toEqual({
      ok: true,
      value: { note: 'use } and { freely', q: 'say "hi}"', n: [1, { x: ']' }] },
      from: 'embedded',
    });
  });

  it('ignores apostrophes and quotes in prose before the JSON', () => {
    const text = `It's "done": {"status": "ok"}`;
    expect(extractJson(text)).toEqual({ ok: true, value: { status: 'ok' }, from: 'embedded' });
  });

  it('skips a balanced but invalid candidate and takes the next one', () => {
    const text = 'see {not json} then {"a": [1, 2]}';
    expect(extractJson(text)).toEqual({ ok: true, value: { a: [1, 2] }, from: 'embedded' });
  });

  it('reports failure for text without JSON', () => {
    const result = extractJson('no structured data here');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toBe('no JSON object or array found in the text');
  });

  it('reports failure for unbalanced or broken JSON', () => {
    const unbalanced = extractJson('answer: {"a": [1, 2}');
    expect(unbalanced.ok).toBe(false);
    if (!unbalanced.ok) expect(unbalanced.error).toMatch(/offset 8/);
    const empty = extractJson('   ');
    expect(empty).toEqual({ ok: false, error: 'output is empty' });
    const brokenFence = extractJson('```json\n{"a": }\n```');
    expect(brokenFence.ok).toBe(false);
    if (!brokenFence.ok) expect(brokenFence.error).toMatch(/^fenced block: /);
  });

  // Both inputs once took minutes (a quadratic fence regex, an unbounded bracket scan); a regression shows up
  // as the test's timeout, not as a timing assertion.
  it('stays linear on hostile text: a line of backticks, a flood of unbalanced brackets', () => {
    expect(extractJson(`${'`'.repeat(200_000)} then {"a": 1}`)).toEqual({ ok: true, value: { a: 1 }, from: 'embedded' });
    const flood = extractJson(`x${'{'.repeat(200_000)}`);
    expect(flood).toEqual({ ok: false, error: 'unbalanced { at offset 1' });
    expect(extractJson('```json\n{"a": 1}\n``` and ```\n[2]\n```')).toEqual({ ok: true, value: { a: 1 }, from: 'fenced' });
    expect(extractJson('```text\nnot json\n```\n```json  \n{"b": 2}\n```')).toEqual({ ok: true, value: { b: 2 }, from: 'fenced' });
  });

  it('takes no object from inside a JSON value the text ends in (an answer cut off at max_tokens)', () => {
    const cut = '{"category": "bug", "priority": "urgent", "similar": {"category": "billing", "priority": "low"}, "summary": "The customer rep';
    expect(extractJson(cut)).toEqual({ ok: false, error: 'the JSON at offset 0 is not closed: the text ends inside it (was the answer cut off?)' });
    expect(extractJson(`Here it is: ${cut}`)).toEqual({ ok: false, error: 'the JSON at offset 12 is not closed: the text ends inside it (was the answer cut off?)' });
    expect(extractJson('[{"a": 1}, {"b":')).toMatchObject({ ok: false, error: expect.stringContaining('offset 0 is not closed') });
    // A stray bracket in a sentence is not JSON: the object after it is still found.
    expect(extractJson('A stray { brace, then {"a": 2}')).toEqual({ ok: true, value: { a: 2 }, from: 'embedded' });
    expect(extractJson('Note [see below]: {"a": 3} and [unclosed note {"b": 4}')).toEqual({ ok: true, value: { a: 3 }, from: 'embedded' });
    expect(extractJson('(see [the table: {"a": 5}')).toEqual({ ok: true, value: { a: 5 }, from: 'embedded' });
  });

  it('balancedEnd rejects mismatched closers', () => {
    expect(balancedEnd('{"a": [1}', 0)).toBe(-1);
    expect(balancedEnd('x{"a": "}"}y', 1)).toBe(10);
  });
});

describe('extractSampleJson', () => {
  it('returns the same extraction object for the same sample, and re-parses a changed output', () => {
    const sample = makeSample('{"a": 1}');
    const first = extractSampleJson(sample);
    expect(extractSampleJson(sample)).toBe(first);
    sample.output = '{"a": 2}';
    expect(extractSampleJson(sample)).toEqual({ ok: true, value: { a: 2 }, from: 'raw' });
  });
});
