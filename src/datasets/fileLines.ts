import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { Utf8Chunks } from '../utf8.js';

/** Bytes read at a time. */
const CHUNK_BYTES = 64 * 1024;

export interface FileLine {
  /** The line without its `\n` (and without a `\r` before it). */
  text: string;
  /** 1-based. */
  line: number;
}

export interface FileLinesOptions {
  /** Sees every chunk of raw bytes, in order (e.g. to hash the file while reading it). */
  onBytes?: (bytes: Buffer) => void;
  /** Sees the open file's stat before the first line (e.g. to notice a file that changed since an earlier read). */
  onOpen?: (stat: Stats) => void;
  /** Reads no further than this many bytes (e.g. the length the file had when it was checked). */
  maxBytes?: number;
  /** Sees the open file's stat after the last line, before it is closed. */
  onEnd?: (stat: Stats) => void;
}

/**
 * The lines of a UTF-8 text file, read synchronously in 64 KB chunks so a file of any size is
 * never held whole; a leading byte-order mark is dropped, and a byte that is not UTF-8 is an
 * InputError naming its line. Synchronous so that a plan built from a
 * dataset stays a plain generator the scheduler pulls from: one chunk from the page cache takes
 * microseconds. The file is closed when the caller stops early too.
 */
export function* readFileLines(path: string, options: FileLinesOptions = {}): Generator<FileLine> {
  const fd = openSync(path, 'r');
  try {
    options.onOpen?.(fstatSync(fd));
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    const utf8 = new Utf8Chunks(path);
    // The start of a line that continues into the next chunk, in pieces (joined once, so a very
    // long line costs linear time).
    let partial: string[] = [];
    let line = 1;
    let first = true;
    let offset = 0;
    for (;;) {
      const wanted = options.maxBytes === undefined ? CHUNK_BYTES : Math.min(CHUNK_BYTES, options.maxBytes - offset);
      const read = wanted > 0 ? readSync(fd, buffer, 0, wanted, null) : 0;
      if (read === 0) break;
      offset += read;
      const bytes = buffer.subarray(0, read);
      options.onBytes?.(bytes);
      utf8.check(bytes, line);
      let text = decoder.write(bytes);
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        const piece = text.slice(start, end);
        const whole = partial.length ? partial.join('') + piece : piece;
        partial = [];
        yield { text: withoutCr(whole), line: line++ };
        start = end + 1;
      }
      if (start < text.length) partial.push(text.slice(start));
    }
    utf8.end(line);
    const rest = partial.join('') + decoder.end();
    if (rest.length > 0) yield { text: withoutCr(rest), line };
    options.onEnd?.(fstatSync(fd));
  } finally {
    closeSync(fd);
  }
}

function withoutCr(text: string): string {
  return text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
}
