import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/random.js';
import { firstInvalidUtf8, utf8Text, Utf8Chunks } from '../../src/utf8.js';
import { thrownInputError } from '../helpers/thrown.js';

const strict = new TextDecoder('utf-8', { fatal: true });
const isWellFormed = (bytes: Uint8Array): boolean => {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
};


/** Feeds `bytes` to a Utf8Chunks in pieces of `size`, with the line each piece starts in, as readFileLines does. */
function checkInChunks(bytes: Buffer, size: number): void {
  const chunks = new Utf8Chunks('data.jsonl');
  let line = 1;
  for (let at = 0; at < bytes.length; at += size) {
    const chunk = bytes.subarray(at, at + size);
    chunks.check(chunk, line);
    for (const byte of chunk) if (byte === 10) line++;
  }
  chunks.end(line);
}

describe('firstInvalidUtf8', () => {
  it('agrees with a strict decoder on well-formed and malformed byte strings', () => {
    const rng = createRng(7);
    // Bytes drawn mostly from the ranges that matter: ASCII, continuation bytes and every kind of lead byte.
    const pool = [0x41, 0x0a, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff];
    for (let n = 0; n < 20_000; n++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(rng.next() * 6) }, () => pool[Math.floor(rng.next() * pool.length)]!);
      const at = firstInvalidUtf8(bytes);
      expect(at === bytes.length, `${Buffer.from(bytes).toString('hex')}`).toBe(isWellFormed(bytes));
      if (at < bytes.length) expect(isWellFormed(bytes.subarray(0, at))).toBe(true);
    }
  });

  it('refuses overlong forms, surrogates and code points past U+10FFFF', () => {
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0xe0, 0x80, 0xaf]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from('é€😀', 'utf8'))).toBe(9);
  });
});

describe('utf8Text', () => {
  it('returns the text of a UTF-8 file, a literal U+FFFD included', () => {
    expect(utf8Text(Buffer.from('café � 😀\n', 'utf8'), 'a.csv')).toBe('café � 😀\n');
  });

  it('refuses Latin-1 naming the line, the byte and its column, with how to convert', () => {
    const error = thrownInputError(() => utf8Text(Buffer.from('id,ticket\nc1,plain\nc2,déjà vu\n', 'latin1'), 'cases.csv'));
    expect(error.location).toEqual({ file: 'cases.csv', line: 3 });
    expect(error.message).toContain('cases.csv:3: the file is not UTF-8: byte 0xE9 at column 5 (counted in bytes)');
    expect(error.hint).toContain('iconv -f windows-1252 -t utf-8');
  });

  it('refuses UTF-16, with or without a byte-order mark', () => {
    const withBom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,ticket\n', 'utf16le')]);
    expect(thrownInputError(() => utf8Text(withBom, 'cases.csv')).message).toContain('starts with a UTF-16 byte-order mark');
    expect(thrownInputError(() => utf8Text(Buffer.from('id,ticket\n', 'utf16le'), 'cases.csv')).message).toContain('looks like UTF-16');
    expect(thrownInputError(() => utf8Text(Buffer.from('id,ticket\n', 'utf16le').swap16(), 'cases.csv')).message).toContain('looks like UTF-16');
  });

  it('names a character that is not Latin-1 differently from a lone byte', () => {
    const error = thrownInputError(() => utf8Text(Buffer.from([0x61, 0xe2, 0x82]), 'p.hbs'));
    expect(error.message).toContain('byte 0xE2 at column 2');
    expect(error.hint).toContain('read as U+FFFD');
  });
});

describe('Utf8Chunks', () => {
  const text = Buffer.from('{"a":"é"}\n{"b":"€😀"}\n{"c":"ok"}\n', 'utf8');

  it('accepts a character split between chunks at every split point and chunk size', () => {
    for (let size = 1; size <= text.length; size++) expect(() => checkInChunks(text, size)).not.toThrow();
  });

  it('names the same line for a bad byte whatever the chunks', () => {
    const bad = Buffer.concat([text, Buffer.from('{"d":"caf', 'utf8'), Buffer.from([0xe9]), Buffer.from('"}\n', 'utf8')]);
    for (let size = 1; size <= bad.length; size++) {
      const error = thrownInputError(() => checkInChunks(bad, size));
      expect(error.location.line, `chunks of ${size}`).toBe(4);
      expect(error.message).toContain('byte 0xE9');
    }
    expect(thrownInputError(() => checkInChunks(bad, bad.length)).message).toContain('at column 10');
  });

  it('refuses a file that ends inside a character', () => {
    const cut = text.subarray(0, text.indexOf(Buffer.from('😀')) + 2);
    expect(thrownInputError(() => checkInChunks(cut, 4)).message).toMatch(/byte 0xF0 (at the end of the file|in this line)/);
  });

  it('refuses UTF-16 from the first chunk', () => {
    expect(thrownInputError(() => checkInChunks(Buffer.from('{"a":1}\n', 'utf16le'), 64)).message).toContain('looks like UTF-16');
  });
});
