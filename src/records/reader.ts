/**
 * Streaming readers of the run folder's JSONL files. A file cut short by a killed process ends in a
 * partial line: that line is ignored (the sample it held is simply not done yet); any other bad
 * line is an input error naming file and line, with how to repair it.
 */
import { createReadStream } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../errors.js';
import type { RecordHeader, RecordLine, RecordSummary, SampleRecord } from './types.js';
import { RECORD_VERSION } from './types.js';

export interface ReadLine<T = RecordLine> {
  line: number;
  text: string;
  value: T;
}

export const REPAIR_HINT = 'a promptgold file was edited or damaged: restore it, or delete the bad line and run `promptgold run --resume` to redo that sample';

/**
 * Bytes read at a time, into two reused buffers: the next read goes on while the lines of this one
 * are parsed. Each read is a round trip to libuv's thread pool, which on a busy machine waits
 * longer than the read itself takes, so reads are large. (Reading through a FileHandle rather than
 * a read stream costs a third of the CPU time: no Buffer and no stream machinery per chunk.)
 */
const READ_BYTES = 1024 * 1024;

/**
 * Bytes decoded and split into lines at a time, and so one batch. Larger pieces measured slower,
 * not faster: splitting a string of 128 KB or more into lines cost 3–4× as much CPU per byte.
 */
const CHUNK_BYTES = 64 * 1024;

/**
 * The lines of a text file, one batch per chunk, split where `readline` splits them: at
 * `\n`, `\r\n` and a lone `\r`. The line terminators are not part of the text.
 */
async function* readLineBatches(file: string): AsyncGenerator<string[]> {
  const handle = await open(file, 'r');
  const buffers = [Buffer.allocUnsafe(READ_BYTES), Buffer.allocUnsafe(READ_BYTES)];
  let next = 0;
  let reading: Promise<{ bytesRead: number }> | undefined = handle.read(buffers[next]!, 0, READ_BYTES, null);
  try {
    const decoder = new StringDecoder('utf8');
    let decoderHoldsBytes = false;
    let rest = '';
    for (;;) {
      const { bytesRead } = await reading;
      reading = undefined;
      if (bytesRead === 0) break;
      const buffer = buffers[next]!;
      next = 1 - next;
      reading = handle.read(buffers[next]!, 0, READ_BYTES, null);
      for (let start = 0; start < bytesRead; start += CHUNK_BYTES) {
        const chunk = buffer.subarray(start, Math.min(bytesRead, start + CHUNK_BYTES));
        // ASCII text after a whole character is the same string from either decoder; the plain copy costs a fifth.
        let text: string;
        if (!decoderHoldsBytes && isAscii(chunk)) text = chunk.toString('latin1');
        else {
          text = decoder.write(chunk);
          // A chunk that ends in an ASCII byte leaves no partial character in the decoder.
          decoderHoldsBytes = chunk[chunk.length - 1]! >= 0x80;
        }
        // Only the new text is split: a line longer than a chunk is not copied and scanned again per chunk.
        const pieces = text.split('\n');
        pieces[0] = rest + pieces[0];
        rest = pieces.pop()!;
        yield splitCarriageReturns(pieces);
      }
    }
    rest += decoder.end();
    if (rest !== '') yield splitCarriageReturns([rest]);
  } finally {
    // A consumer that stops early leaves a read in flight: let it finish before closing.
    await reading?.catch(() => undefined);
    await handle.close();
  }
}

/** `\r\n` ends a line like `\n` (the `\r` is dropped); any other `\r` ends a line too. */
function splitCarriageReturns(pieces: string[]): string[] {
  if (!pieces.some((piece) => piece.includes('\r'))) return pieces;
  return pieces.flatMap((piece) => (piece.endsWith('\r') ? piece.slice(0, -1) : piece).split('\r'));
}

/**
 * Parses a JSONL file's lines in order. Only the last line may be cut off; each value must be a
 * JSON object (a `null` or a bare number is damage, reported with its line).
 */
class JsonlLineParser {
  private lineNumber = 0;
  private pendingBad: { line: number; message: string } | undefined;

  constructor(private readonly file: string) {}

  /** The next line, parsed; undefined for a blank line or a line that is cut off if it is the last. */
  parse(text: string): ReadLine<Record<string, unknown>> | undefined {
    this.lineNumber++;
    if (text.trim() === '') return undefined;
    if (this.pendingBad) throw new InputError(this.pendingBad.message, { file: this.file, line: this.pendingBad.line }, REPAIR_HINT);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      // Only the last line may be partial; remember the problem and fail if another line follows.
      this.pendingBad = { line: this.lineNumber, message: `not valid JSON (${error.message})` };
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(`expected a JSON object, found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`, { file: this.file, line: this.lineNumber }, REPAIR_HINT);
    }
    return { line: this.lineNumber, text, value: value as Record<string, unknown> };
  }
}

/**
 * Every non-empty line of a JSONL file, parsed, in batches (one per chunk read: a consumer of a
 * large file awaits once per batch, not once per line). Each line is checked as JsonlLineParser
 * says, and passes `check` when one is given. A bad line ends the reading with an InputError after
 * the lines before it have been yielded, as if they had been read one by one.
 */
export async function* readJsonlObjectBatches(file: string, check?: (read: ReadLine<Record<string, unknown>>) => void): AsyncGenerator<Array<ReadLine<Record<string, unknown>>>> {
  const parser = new JsonlLineParser(file);
  for await (const lines of readLineBatches(file)) {
    const batch: Array<ReadLine<Record<string, unknown>>> = [];
    try {
      for (const text of lines) {
        const read = parser.parse(text);
        if (!read) continue;
        check?.(read);
        batch.push(read);
      }
    } catch (error) {
      if (batch.length > 0) yield batch;
      throw error;
    }
    if (batch.length > 0) yield batch;
  }
}

/**
 * Every non-empty line of a JSONL file, checked as readJsonlObjectBatches checks them, handed to
 * `visit` as soon as it is parsed. No batch of parsed lines is held: a consumer that keeps little
 * of each line leaves the garbage collector almost nothing to copy when it runs, where a batch of
 * parsed lines would be copied whole (on a large comparison most of the collector's work). A bad
 * line throws an InputError after the lines before it have been visited.
 */
export async function visitJsonlObjects(file: string, visit: (read: ReadLine<Record<string, unknown>>) => void, check?: (read: ReadLine<Record<string, unknown>>) => void): Promise<void> {
  const parser = new JsonlLineParser(file);
  for await (const lines of readLineBatches(file)) {
    for (const text of lines) {
      const read = parser.parse(text);
      if (!read) continue;
      check?.(read);
      visit(read);
    }
  }
}

/** Every non-empty line of a JSONL file, parsed, one at a time (see readJsonlObjectBatches). */
export async function* readJsonlObjects(file: string): AsyncGenerator<ReadLine<Record<string, unknown>>> {
  for await (const batch of readJsonlObjectBatches(file)) yield* batch;
}

/** The lines of a run record (or baseline file) in batches; each must carry a string `type`. */
export async function* readRecordBatches(file: string): AsyncGenerator<ReadLine[]> {
  await requireRecord(file);
  for await (const batch of readJsonlObjectBatches(file, hasType(file))) yield batch as unknown as ReadLine[];
}

/** The lines of a run record (or baseline file), each handed to `visit` as soon as it is parsed (see visitJsonlObjects); each must carry a string `type`. */
export async function visitRecordLines(file: string, visit: (read: ReadLine) => void): Promise<void> {
  await requireRecord(file);
  await visitJsonlObjects(file, visit as unknown as (read: ReadLine<Record<string, unknown>>) => void, hasType(file));
}

async function requireRecord(file: string): Promise<void> {
  await access(file).catch(() => {
    throw new InputError('run record not found', { file }, 'pass a run folder under reports/runs/ or a run.jsonl file');
  });
}

function hasType(file: string): (read: ReadLine<Record<string, unknown>>) => void {
  return (read) => {
    if (typeof read.value.type !== 'string') throw new InputError('the line has no "type"', { file, line: read.line, field: 'type' }, REPAIR_HINT);
  };
}

/** The lines of a run record (or baseline file), one at a time; each must carry a string `type`. */
export async function* readRecordLines(file: string): AsyncGenerator<ReadLine> {
  for await (const batch of readRecordBatches(file)) yield* batch;
}

/** Reads only the header line, without scanning the rest of a possibly huge record. */
export async function readRecordHeader(file: string): Promise<RecordHeader> {
  await requireRecord(file);
  let text = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    text += chunk as string;
    const end = text.indexOf('\n');
    if (end >= 0) {
      text = text.slice(0, end);
      break;
    }
  }
  let value: RecordLine;
  try {
    value = JSON.parse(text) as RecordLine;
  } catch (error) {
    throw new InputError(`not valid JSON (${(error as Error).message})`, { file, line: 1 });
  }
  if (typeof value !== 'object' || value === null || value.type !== 'header') {
    throw new InputError('the first line is not a record header', { file, line: 1 }, 'is this a promptgold run.jsonl?');
  }
  return checkHeader(value, file, 1);
}

/**
 * The summary line of a finished record (its last line), read from the end of the file without
 * scanning the samples; undefined when the record has none (a run that did not finish).
 */
export async function readRecordSummary(file: string): Promise<RecordSummary | undefined> {
  await requireRecord(file);
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    // A window from the end, doubled until it holds the whole last line. Text before the window's
    // first newline may start inside a character; only what follows the last one is read.
    for (let window = 64 * 1024; ; window *= 2) {
      const start = Math.max(0, size - window);
      const bytes = Buffer.alloc(size - start);
      await handle.read(bytes, 0, bytes.length, start);
      const text = bytes.toString('utf8').replace(/\n+$/, '');
      const from = text.lastIndexOf('\n');
      if (from < 0 && start > 0) continue;
      let value: unknown;
      try {
        value = JSON.parse(text.slice(from + 1));
      } catch {
        return undefined; // a line cut short by a killed process: no summary
      }
      return (value as { type?: unknown } | null)?.type === 'summary' ? (value as RecordSummary) : undefined;
    }
  } finally {
    await handle.close();
  }
}

export interface RecordContents {
  header: RecordHeader;
  samples: SampleRecord[];
  summary: RecordSummary | undefined;
}

/** Reads a whole record into memory (for compare/report of moderate runs and for tests). */
export async function readRecord(file: string): Promise<RecordContents> {
  let header: RecordHeader | undefined;
  let summary: RecordSummary | undefined;
  const samples: SampleRecord[] = [];
  for await (const { value, line } of readRecordLines(file)) {
    if (value.type === 'header') header = checkHeader(value, file, line);
    else if (value.type === 'sample') samples.push(value);
    else if (value.type === 'summary') summary = value;
  }
  if (!header) throw new InputError('the record has no header line', { file, line: 1 }, 'is this a promptgold run.jsonl?');
  return { header, samples, summary };
}

export function checkHeader(header: RecordHeader, file: string, line: number): RecordHeader {
  if (header.recordVersion !== RECORD_VERSION) {
    throw new InputError(
      `recordVersion ${String(header.recordVersion)} is not supported (this promptgold reads version ${RECORD_VERSION})`,
      { file, line, field: 'recordVersion' },
      header.recordVersion > RECORD_VERSION ? 'upgrade promptgold' : 're-run the suite to produce a current record',
    );
  }
  const problem = headerProblem(header);
  if (problem) throw new InputError(`expected ${problem.expected}`, { file, line, field: problem.field }, REPAIR_HINT);
  return header;
}

/** The first header field the readers rely on that is missing or of the wrong type. */
function headerProblem(header: RecordHeader): { field: string; expected: string } | undefined {
  const h = header as unknown as Record<string, unknown>;
  if (typeof h.suite !== 'string') return { field: 'suite', expected: 'the suite name' };
  const dataset = h.dataset as Record<string, unknown> | null | undefined;
  if (dataset === null || typeof dataset !== 'object' || typeof dataset.hash !== 'string') return { field: 'dataset', expected: 'the dataset { path, hash, cases }' };
  if (!Array.isArray(h.prompts) || !h.prompts.every((p: unknown) => p !== null && typeof p === 'object' && typeof (p as { version?: unknown }).version === 'string')) {
    return { field: 'prompts', expected: 'a list of prompts { id, version, hash, file }' };
  }
  if (!Array.isArray(h.models) || !h.models.every((model: unknown) => typeof model === 'string')) return { field: 'models', expected: 'a list of model ids' };
  if (!Number.isSafeInteger(h.planned) || (h.planned as number) < 0) return { field: 'planned', expected: 'the number of samples planned' };
  if (h.options === null || typeof h.options !== 'object') return { field: 'options', expected: 'the options object' };
  return undefined;
}
