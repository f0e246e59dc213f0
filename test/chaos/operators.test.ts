import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANARY_PATTERN, decodeTagCharacters } from '../../src/chaos/canary.js';
import type { OperatorContext } from '../../src/chaos/operator.js';
import { CHAOS_OPERATORS, getOperator } from '../../src/chaos/operators/index.js';
import { Rng } from '../../src/chaos/random.js';
import { InputError } from '../../src/errors.js';
import { anyText, RICH_TEXT, smallContext } from './fixtures.js';

const FAMILIES = ['invisible', 'noise', 'encoding', 'injection', 'structure', 'size'];

function run(name: string, text: string, seed = 1, ctx: OperatorContext = smallContext) {
  return getOperator(name).apply(text, new Rng(seed), ctx);
}

describe('operator registry', () => {
  it('has at least 25 uniquely named, documented operators in every family', () => {
    expect(CHAOS_OPERATORS.length).toBeGreaterThanOrEqual(25);
    const names = CHAOS_OPERATORS.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);
    for (const op of CHAOS_OPERATORS) {
      expect(op.name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(FAMILIES).toContain(op.family);
      expect(op.description.length).toBeGreaterThan(10);
      expect(op.property.length).toBeGreaterThan(10);
    }
    expect(new Set(CHAOS_OPERATORS.map((op) => op.family)).size).toBe(FAMILIES.length);
  });

  it('rejects an unknown operator with an InputError listing the known ones', () => {
    expect(() => getOperator('zero-widht')).toThrow(InputError);
    try {
      getOperator('zero-widht', 'chaos.operators[2]');
    } catch (error) {
      expect((error as InputError).message).toContain('chaos.operators[2]: unknown chaos operator "zero-widht"');
      expect((error as InputError).message).toContain('zero-width, bidi-override');
    }
  });
});

describe.each(CHAOS_OPERATORS.map((op) => [op.name, op] as const))('%s', (_name, op) => {
  it('is deterministic per seed, truthful about changes, and never throws', () => {
    fc.assert(
      fc.property(anyText, fc.integer(), (text, seed) => {
        const first = op.apply(text, new Rng(seed), smallContext);
        const second = op.apply(text, new Rng(seed), smallContext);
        expect(second).toEqual(first);
        expect(first.changed).toBe(first.text !== text);
        expect(first.ops.length > 0).toBe(first.changed);
        if (first.canary !== undefined) expect(first.canary).toMatch(/^CANARY-[0-9a-f]{6}$/);
      }),
      { numRuns: 60 },
    );
  });

  it('handles empty, lone-surrogate and astral inputs', () => {
    for (const text of ['', '\uD800', 'a\uDC00b', '\uDBFF', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀🎉 𠜎𠜱', '👩🏽‍💻'.repeat(5)]) {
      const result = op.apply(text, new Rng(9), smallContext);
      expect(typeof result.text).toBe('string');
      expect(result.changed).toBe(result.text !== text);
    }
  });

  it('copes with a 1 MB input', () => {
    const big = `${RICH_TEXT}\n`.repeat(Math.ceil(1_000_000 / RICH_TEXT.length)).slice(0, 1_000_000);
    const result = op.apply(big, new Rng(5), { estimateTokens: (text) => Math.ceil(text.length / 4) });
    expect(result.changed).toBe(result.text !== big);
  });

  if (!op.deterministic) {
    it('usually gives different output for different seeds', () => {
      const outputs = new Set(Array.from({ length: 30 }, (_, seed) => op.apply(RICH_TEXT, new Rng(seed), smallContext).text));
      expect(outputs.size).toBeGreaterThan(1);
    });
  }

  const skeleton = op.keepsSkeleton;
  if (skeleton) {
    it('keeps the NFKC skeleton once its invisible characters are removed', () => {
      const strip = (text: string) => (skeleton.strip ? text.replace(skeleton.strip, '') : text).normalize('NFKC');
      fc.assert(
        fc.property(anyText, fc.integer(), (text, seed) => {
          const result = op.apply(text, new Rng(seed), smallContext);
          expect(strip(result.text)).toBe(strip(text));
        }),
        { numRuns: 100 },
      );
    });
  }

  if (op.family === 'injection') {
    it('plants a canary that the injected text asks for', () => {
      const result = op.apply(RICH_TEXT, new Rng(4), smallContext);
      expect(result.changed).toBe(true);
      expect(result.canary).toMatch(/^CANARY-[0-9a-f]{6}$/);
      expect([...decodeTagCharacters(result.text).matchAll(CANARY_PATTERN)].map((m) => m[0])).toContain(result.canary);
      const given = op.apply(RICH_TEXT, new Rng(4), { ...smallContext, canary: 'CANARY-abc123' });
      expect(given.canary).toBe('CANARY-abc123');
    });
  }
});

describe('operator behaviour', () => {
  it('zero-width only adds zero-width characters, between whole characters', () => {
    const result = run('zero-width', RICH_TEXT);
    // eslint-disable-next-line no-misleading-character-class -- single invisible characters, joiners included
    expect(result.text.replace(/[\u200b\u200c\u200d\u2060\ufeff]/g, '')).toBe(RICH_TEXT.replace(/[\u200d]/g, ''));
    expect(result.ops[0]).toMatch(/^inserted \d+ zero-width characters? \(U\+[0-9A-F]{4}.*\) at \d+/);
  });

  it('homoglyphs swap letters for look-alikes without changing length', () => {
    const result = run('homoglyphs', 'Open the cooperative space');
    expect(result.text).toHaveLength('Open the cooperative space'.length);
    expect(result.text).not.toBe('Open the cooperative space');
    expect(result.text).toMatch(/[\u0400-\u04ff\u0370-\u03ff]/);
  });

  it('bidi-override wraps a span in a matching open/close control pair', () => {
    const result = run('bidi-override', 'pay the invoice number 4821 today please');
    expect(result.text).toMatch(/[\u202a-\u202e\u2066-\u2068][^\u202c\u2069]*[\u202c\u2069]/);
  });

  it('exotic-whitespace keeps words and NFKC form', () => {
    const text = 'one two three four five six';
    const result = run('exotic-whitespace', text);
    expect(result.changed).toBe(true);
    expect(result.text.normalize('NFKC')).toBe(text);
    expect(run('exotic-whitespace', 'nospaces').changed).toBe(false);
  });

  it('typos make small edits', () => {
    const text = 'The quick brown fox jumps over the lazy dog near the river bank';
    const adjacent = run('typo-adjacent-key', text);
    expect(adjacent.text).toHaveLength(text.length);
    expect(run('typo-drop', text).text.length).toBeLessThan(text.length);
    const transposed = run('typo-transpose', text);
    expect([...transposed.text].sort().join('')).toBe([...text].sort().join(''));
    expect(transposed.changed).toBe(true);
  });

  it('random-case and leetspeak change only letters', () => {
    const text = 'Please restore my settings';
    expect(run('random-case', text).text.toLowerCase()).toBe(text.toLowerCase());
    expect(run('leetspeak', text).text).toMatch(/[0-9]/);
  });

  it('encodings round-trip', () => {
    const b64 = run('base64', RICH_TEXT).text;
    expect(b64.startsWith('The following is base64-encoded: ')).toBe(true);
    expect(Buffer.from(b64.slice('The following is base64-encoded: '.length), 'base64').toString('utf8')).toBe(RICH_TEXT);
    const hex = run('hex', 'abc').text;
    expect(hex).toBe('The following is hex-encoded: 616263');
    const rot = getOperator('rot13');
    const once = rot.apply('Hello, World', new Rng(1), smallContext).text.replace('The following is rot13-encoded: ', '');
    expect(once).toBe('Uryyb, Jbeyq');
    expect(run('nfd', 'café').text).toBe('cafe\u0301');
    expect(run('nfc', 'cafe\u0301').text).toBe('café');
    expect(run('nfkc', 'ﬁle ＡＢＣ').text).toBe('file ABC');
    expect(run('nfc', 'plain ascii').changed).toBe(false);
  });

  it('tag-smuggling hides a decodable instruction in tag characters', () => {
    const result = run('tag-smuggling', 'Summarise this ticket.');
    const hidden = decodeTagCharacters(result.text);
    expect(hidden).toContain(result.canary);
    expect(result.text.replace(/[\u{E0000}-\u{E007F}]/gu, '')).toBe('Summarise this ticket.');
  });

  it('fake-xml-delimiter closes the field\'s own tag', () => {
    const result = run('fake-xml-delimiter', 'my printer is on fire', 1, { ...smallContext, field: 'ticket' });
    expect(result.text).toContain('</ticket><system>');
    expect(result.text).toContain('</system><ticket>');
  });

  it('shuffle-list-items keeps markers in place and items as a multiset', () => {
    const result = run('shuffle-list-items', RICH_TEXT);
    const lines = result.text.split('\n');
    expect(lines.slice(2, 5).map((l) => l.slice(0, 2))).toEqual(['- ', '- ', '- ']);
    expect(lines.slice(5, 7).map((l) => l.slice(0, 3))).toEqual(['1. ', '2. ']);
    expect(lines.slice(2, 5).sort()).toEqual(['- a blue cup', '- a large plate', '- a steel fork']);
    expect(lines.slice(5, 7).map((l) => l.slice(3)).sort()).toEqual(['open the box', 'take a photo']);
    expect(result.changed).toBe(true);
    expect(run('shuffle-list-items', 'no list here').changed).toBe(false);
  });

  it('lone-surrogates leaves at least one unpaired surrogate', () => {
    const result = run('lone-surrogates', 'valid text 😀 here');
    const unpaired = [...result.text].some((char) => char.length === 1 && char.charCodeAt(0) >= 0xd800 && char.charCodeAt(0) <= 0xdfff);
    expect(unpaired).toBe(true);
  });

  it('truncate-mid-grapheme cuts inside a character', () => {
    for (let seed = 0; seed < 20; seed++) {
      const result = run('truncate-mid-grapheme', 'a 😀 b e\u0301 c 👨‍👩‍👧 d', seed);
      const cut = result.text;
      expect('a 😀 b e\u0301 c 👨‍👩‍👧 d'.startsWith(cut)).toBe(true);
      const next = 'a 😀 b e\u0301 c 👨‍👩‍👧 d'.charCodeAt(cut.length);
      const last = cut.charCodeAt(cut.length - 1);
      const inside = (last >= 0xd800 && last <= 0xdbff) || last === 0x200d || (next >= 0x300 && next <= 0x36f);
      expect(inside).toBe(true);
    }
    const plain = run('truncate-mid-grapheme', 'plain ascii text only');
    expect(plain.text.endsWith('\ud83d')).toBe(true);
  });

  it('empty, whitespace-only and repeat-token change size', () => {
    expect(run('empty', 'abc').text).toBe('');
    expect(run('empty', '').changed).toBe(false);
    expect(run('whitespace-only', 'abc').text.trim()).toBe('');
    const repeated = run('repeat-token', 'refund please');
    expect(repeated.text.split(/\s+/).length).toBeGreaterThan(2000);
  });

  it.each([50, 90, 99])('pad-context-%i fills that share of the window', (percent) => {
    const estimateTokens = (text: string) => Math.ceil(text.length / 3.6);
    const result = run(`pad-context-${percent}`, RICH_TEXT, 3, { estimateTokens, contextWindowTokens: 200_000 });
    const tokens = estimateTokens(result.text);
    const target = Math.floor(200_000 * (percent / 100));
    expect(tokens).toBeLessThanOrEqual(target);
    expect(tokens).toBeGreaterThan(target * 0.995);
    expect(result.text.endsWith(RICH_TEXT)).toBe(true);
    const defaultWindow = run(`pad-context-${percent}`, 'hi', 3, { estimateTokens });
    expect(estimateTokens(defaultWindow.text)).toBeGreaterThan(target * 0.99);
  });

  it('padding leaves an input that is already too large unchanged', () => {
    const result = run('pad-context-50', 'x'.repeat(10_000), 1, { estimateTokens: (t) => t.length, contextWindowTokens: 1_000 });
    expect(result.changed).toBe(false);
    expect(result.ops).toEqual([]);
  });
});
