/**
 * Streaming readers of the run folder's JSONL files. A file cut short by a killed process ends in a
 * partial line: that line is ignored (the sample it held is simply not done yet); any other bad
 * line is an input error naming file and line, with how to repair it.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { InputError } from '../errors.js';
import type { RecordHeader, RecordLine, RecordSummary, SampleRecord } from './types.js';
import { RECORD_VERSION } from './types.js';

export interface ReadLine<T = RecordLine> {
  line: number;
  text: string;
  value: T;
}

const REPAIR_HINT = 'a promptgold file was edited or damaged: restore it, or delete the bad line and run `promptgold run --resume` to redo that sample';

/**
 * Every non-empty line of a JSONL file, parsed. Only the last line may be cut off; each value must
 * be a JSON object (a `null` or a bare number is damage, reported with its line).
 */
export async function* readJsonlObjects(file: string): AsyncGenerator<ReadLine<Record<string, unknown>>> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  let pendingBad: { line: number; message: string } | undefined;
  for await (const text of lines) {
    lineNumber++;
    if (text.trim() === '') continue;
    if (pendingBad) throw new InputError(pendingBad.message, { file, line: pendingBad.line }, REPAIR_HINT);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      // Only the last line may be partial; remember the problem and fail if another line follows.
      pendingBad = { line: lineNumber, message: `not valid JSON (${error.message})` };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(`expected a JSON object, found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`, { file, line: lineNumber }, REPAIR_HINT);
    }
    yield { line: lineNumber, text, value: value as Record<string, unknown> };
  }
}

/** The lines of a run record (or baseline file); each must carry a string `type`. */
export async function* readRecordLines(file: string): AsyncGenerator<ReadLine> {
  await access(file).catch(() => {
    throw new InputError('run record not found', { file }, 'pass a run folder under reports/runs/ or a run.jsonl file');
  });
  for await (const read of readJsonlObjects(file)) {
    if (typeof read.value.type !== 'string') throw new InputError('the line has no "type"', { file, line: read.line, field: 'type' }, REPAIR_HINT);
    yield read as unknown as ReadLine;
  }
}

/** Reads only the header line, without scanning the rest of a possibly huge record. */
export async function readRecordHeader(file: string): Promise<RecordHeader> {
  await access(file).catch(() => {
    throw new InputError('run record not found', { file }, 'pass a run folder under reports/runs/ or a run.jsonl file');
  });
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
  return header;
}
