import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cspHash, escapeHtml, jsonForScriptTag, scriptSafeBytes } from '../../../src/report/html/embed.js';
import { showInvisibleControls, showText } from '../../../src/report/html/text.js';
import { caseListParts } from '../../../src/report/html/renderHtml.js';
import type { CaseListRow } from '../../../src/report/html/types.js';

describe('jsonForScriptTag', () => {
  it('round-trips any text and never contains <, >, & or line separators', () => {
    const value = { a: '</script><script>alert(1)</script>', b: '<!-- x -->', c: 'a & b', d: 'x\u2028y\u2029z', e: ['<', '>'] };
    const json = jsonForScriptTag(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('writes each unsafe character as its \\u escape and everything else as JSON.stringify does', () => {
    expect(jsonForScriptTag({ a: '<b>&\u2028\u2029', c: 'é 😀' })).toBe('{"a":"\\u003cb\\u003e\\u0026\\u2028\\u2029","c":"é 😀"}');
    expect(jsonForScriptTag(['<<', 'x', '>'])).toBe('["\\u003c\\u003c","x","\\u003e"]');
    expect(jsonForScriptTag('plain')).toBe('"plain"');
  });
});

describe('scriptSafeBytes', () => {
  it('gives the UTF-8 bytes of jsonForScriptTag, whatever the unsafe characters and where they sit', () => {
    const values: unknown[] = [
      'plain',
      '',
      '<',
      '<<>>&&',
      '\u2028\u2029\u2028',
      { a: '</script><script>alert(1)</script>', b: 'x & y', c: ['>', 'é 😀 ⟨U+202E⟩', '\u2029end'] },
      ['€<€', '😀>😀', 'a\u2028b<c&d>e\u2029f'],
      { lone: '\ud800<\udfff', quote: '"<\\>"' },
    ];
    for (const value of values) {
      const json = JSON.stringify(value);
      expect(scriptSafeBytes(json).equals(Buffer.from(jsonForScriptTag(value)))).toBe(true);
    }
  });
});

describe('cspHash', () => {
  it('is the base64 sha256 of the exact source', () => {
    expect(cspHash('alert(1)')).toBe(`'sha256-${createHash('sha256').update('alert(1)').digest('base64')}'`);
  });
});

describe('escapeHtml', () => {
  it('escapes markup and quotes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
  });
});

describe('text shown in the report', () => {
  it('makes bidi and zero-width controls visible', () => {
    expect(showInvisibleControls('a\u202Eb\u200Bc\u2066d\u2069\uFEFF')).toBe('a⟨U+202E⟩b⟨U+200B⟩c⟨U+2066⟩d⟨U+2069⟩⟨U+FEFF⟩');
    expect(showInvisibleControls('plain é 😀')).toBe('plain é 😀');
    // Each control, at both ends of each range, alone and twice (the quick test before the replace must find every one).
    for (const code of [0x061c, 0x200b, 0x200f, 0x202a, 0x202e, 0x2060, 0x2064, 0x2066, 0x2069, 0xfeff]) {
      const marker = `⟨U+${code.toString(16).toUpperCase().padStart(4, '0')}⟩`;
      const char = String.fromCharCode(code);
      expect(showInvisibleControls(char)).toBe(marker);
      expect(showInvisibleControls(`x${char}y${char}`)).toBe(`x${marker}y${marker}`);
    }
    for (const code of [0x061b, 0x061d, 0x200a, 0x2010, 0x2029, 0x202f, 0x205f, 0x2065, 0x206a, 0xfefe, 0xff00]) {
      const char = String.fromCharCode(code);
      expect(showInvisibleControls(char)).toBe(char);
    }
  });

  it('cuts long text, records the original length, and never splits a surrogate pair', () => {
    expect(showText('abcdef', 10)).toEqual({ text: 'abcdef' });
    expect(showText('abcdef', 3)).toEqual({ text: 'abc', cut: 6 });
    const cut = showText('ab😀cd', 3);
    expect(cut).toEqual({ text: 'ab', cut: 6 });
  });
});

describe('caseListParts', () => {
  const row = (n: number): CaseListRow => ({ id: `case-${n}`, pair: 0, tags: [`t${n % 3}`, '<b>'], status: n % 2 ? 'pass' : 'fail', flags: 0, delta: n / 7, candidate: { cell: 0, score: 0.5, passes: 1, n: 1 } });

  it('joins into one array of every row, escaped for the script tag, however many pieces it takes', () => {
    for (const count of [0, 1, 249, 250, 251, 1001]) {
      const rows = Array.from({ length: count }, (_, n) => row(n));
      const page = [...caseListParts(rows, (listed) => listed)].join('');
      expect(page).toBe(`<script type="application/json" id="report-cases">${jsonForScriptTag(rows)}</script>\n`);
    }
  });

  it('cuts a large list into pieces far below the 128 KB where V8 maps a string on its own', () => {
    const rows = Array.from({ length: 5000 }, (_, n) => row(n));
    const parts = [...caseListParts(rows, (listed) => listed)];
    const pieces = parts.slice(1, -1).filter((part) => part !== ',');
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(64 * 1024);
    // Each piece holds whole rows (a secret is redacted part by part, and can only sit inside one value).
    expect(pieces.flatMap((piece) => JSON.parse(`[${piece}]`) as CaseListRow[])).toEqual(rows);
    expect(parts.filter((part) => part === ',')).toHaveLength(pieces.length - 1);
  });
});
