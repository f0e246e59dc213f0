/**
 * Streaming reader of run records. A record cut short by a killed process ends in a partial line:
 * that line is ignored (the sample it held is simply not done yet), any other bad line is an error
 * naming file and line.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { InputError } from '../errors.js';
import type { RecordHeader, RecordLine, RecordSummary, SampleRecord } from './types.js';
import { RECORD_VERSION } from './types.js';

export interface ReadLine {
  line: number;
  text: string;
  value: RecordLine;
}

export async function* readRecordLines(file: string): AsyncGenerator<ReadLine> {
  await access(file).catch(() => {
    throw new InputError('run record not found', { file }, 'pass a run folder under reports/runs/ or a run.jsonl file');
  });
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  let pendingBad: { line: number; message: string } | undefined;
  for await (const text of lines) {
    lineNumber++;
    if (text.trim() === '') continue;
    if (pendingBad) throw new InputError(pendingBad.message, { file, line: pendingBad.line });
    try {
      yield { line: lineNumber, text, value: JSON.parse(text) as RecordLine };
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      // Only the last line may be partial; remember the problem and fail if another line follows.
      pendingBad = { line: lineNumber, message: `not valid JSON (${error.message})` };
    }
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
  if (value.type !== 'header') throw new InputError('the first line is not a record header', { file, line: 1 }, 'is this a promptgold run.jsonl?');
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
