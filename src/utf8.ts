import { isUtf8 } from 'node:buffer';
import { InputError } from './errors.js';

/**
 * The user's text files (datasets, templates, partials, rubrics, text attachments, config) are
 * read as UTF-8, and only as UTF-8: a byte that is not UTF-8 would otherwise become U+FFFD and a
 * prompt would quietly differ from the file. Such a file is refused, naming the line and byte.
 */

/** The text of a whole file's bytes; an InputError naming `file` when they are not UTF-8. */
export function utf8Text(bytes: Buffer, file: string): string {
  refuseUtf16(bytes, file);
  if (!isUtf8(bytes)) throw notUtf8At(bytes, firstInvalidUtf8(bytes), 1, file);
  return bytes.toString('utf8');
}

/**
 * Checks a file read in chunks, each chunk before it is decoded; a character split between two
 * chunks is checked whole. `line` is the line the chunk starts in, for the error.
 */
export class Utf8Chunks {
  /** The start of a character the last chunk ended inside (at most 3 bytes). */
  private pending: Buffer | null = null;
  private first = true;
  /** Whether the next chunk starts a line (for the column in an error). */
  private atLineStart = true;

  constructor(private readonly file: string) {}

  check(chunk: Buffer, line: number): void {
    if (this.first) {
      refuseUtf16(chunk, this.file);
      this.first = false;
    }
    const carried = this.pending?.length ?? 0;
    const joined = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const tail = incompleteTail(joined);
    const bytes = joined.subarray(0, joined.length - tail);
    if (!isUtf8(bytes)) {
      const at = firstInvalidUtf8(bytes);
      if (at >= carried) throw notUtf8At(chunk, at - carried, line, this.file, this.atLineStart);
      // The bad byte ended the previous chunk, inside the line this chunk starts in.
      throw notUtf8(this.file, line, bytes[at]!, bytes[at + 1], 'in this line');
    }
    this.pending = tail > 0 ? Buffer.from(joined.subarray(joined.length - tail)) : null;
    this.atLineStart = chunk[chunk.length - 1] === 10;
  }

  /** At the end of the file: a character cut off by the end is not UTF-8 either. */
  end(line: number): void {
    if (this.pending) throw notUtf8(this.file, line, this.pending[0]!, this.pending[1], 'at the end of the file (a character cut off)');
  }
}

/** The offset of the first byte that does not begin or continue a well-formed UTF-8 character; the length when there is none. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const [length, low, high] = lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
      : lead === 0xe0 ? [3, 0xa0, 0xbf]
      : lead === 0xed ? [3, 0x80, 0x9f]
      : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf]
      : lead === 0xf0 ? [4, 0x90, 0xbf]
      : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf]
      : lead === 0xf4 ? [4, 0x80, 0x8f]
      : [0, 0, 0];
    if (length === 0) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const second = bytes[i + 1];
    if (second === undefined || second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return i;
}

/** How many bytes at the end of `bytes` begin a character that the next chunk completes (0–3). */
function incompleteTail(bytes: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, bytes.length); k++) {
    const byte = bytes[bytes.length - k]!;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte < 0xc0) return 0;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return length > k ? k : 0;
  }
  return 0;
}

function refuseUtf16(bytes: Uint8Array, file: string): void {
  const bom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  // Text that is mostly ASCII, in UTF-16 without a byte-order mark, starts with a zero byte before or after a letter.
  const zeroes = bytes.length >= 2 && (bytes[0] === 0) !== (bytes[1] === 0);
  if (!bom && !zeroes) return;
  throw new InputError(
    `the file is not UTF-8: it ${bom ? 'starts with a UTF-16 byte-order mark' : 'looks like UTF-16 (a zero byte in its first two)'}`,
    { file, line: 1 },
    'save it as UTF-8 (e.g. `iconv -f utf-16 -t utf-8 in > out`), the only encoding promptgold reads',
  );
}

/** The error for the byte at `at` of `bytes`, which start in line `line` (at its start, or partway when `atLineStart` is false). */
function notUtf8At(bytes: Buffer, at: number, line: number, file: string, atLineStart = true): InputError {
  let lineStart: number | undefined = atLineStart ? 0 : undefined;
  for (let i = bytes.indexOf(10); i !== -1 && i < at; i = bytes.indexOf(10, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const position = lineStart === undefined ? 'in this line' : `at column ${at - lineStart + 1} (counted in bytes)`;
  return notUtf8(file, line, bytes[at]!, bytes[at + 1], position);
}

function notUtf8(file: string, line: number, byte: number, next: number | undefined, position: string): InputError {
  const hex = byte.toString(16).toUpperCase().padStart(2, '0');
  // é in Latin-1 is 0xE9 followed by a plain letter: a lead byte with no continuation after it.
  const latin1 = byte >= 0x80 && (next === undefined || (next & 0xc0) !== 0x80);
  return new InputError(
    `the file is not UTF-8: byte 0x${hex} ${position} does not begin or continue a UTF-8 character`,
    { file, line },
    latin1
      ? 'a lone byte like this is usually Latin-1 or Windows-1252 text (é is 0xE9 there): save the file as UTF-8 (e.g. `iconv -f windows-1252 -t utf-8 in > out`)'
      : 'save the file as UTF-8, the only encoding promptgold reads (otherwise these bytes would be read as U+FFFD and the prompt would differ from the file)',
  );
}
