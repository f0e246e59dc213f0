/**
 * Builds the report from records and writes it as one file, piece by piece: the overview and the
 * case list from the first pass, then each chunk of case details as the second pass reads it.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { redactKnownSecrets } from '../../secrets.js';
import { detailChunks, type DetailRow } from './details.js';
import { scriptSafeBytes } from './embed.js';
import { Interner } from './interner.js';
import { reportOutline, type ReportInput, type ReportOutline } from './outline.js';
import { DETAIL_CHUNK, DetailChunkBuilder } from './pageData.js';
import { caseListParts, detailPartFrame, PAGE_END, pageHead } from './renderHtml.js';

/**
 * Bytes the page may have queued for writing before making more waits. With the stream's 16 KB
 * default nearly every part waited for its write to finish on libuv's thread pool (~0.3 s idle on
 * a 200,000-sample report); a megabyte lets the next parts be made while the last ones are written.
 */
const WRITE_AHEAD_BYTES = 1024 * 1024;

/** Returns the absolute path written. */
export async function writeHtmlReport(input: ReportInput, file: string): Promise<string> {
  const outline = await reportOutline(input);
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  await pipeline(pageParts(outline), createWriteStream(path, { highWaterMark: WRITE_AHEAD_BYTES }));
  return path;
}

/** The page's bytes; a secret can only sit inside one JSON value, and every piece holds whole values. */
async function* pageParts(outline: ReportOutline): AsyncGenerator<Buffer> {
  yield bytes(pageHead({ ...outline.overview, caseCount: outline.rows.length, detailChunk: DETAIL_CHUNK }));
  for (const part of caseListParts(outline.rows, (row) => row.list)) yield bytes(part);
  for await (const rows of detailChunks(outline, () => new Interner())) yield* chunkParts(rows);
  yield bytes(PAGE_END);
}

function bytes(part: string): Buffer {
  return Buffer.from(redactKnownSecrets(part));
}

/**
 * `bytes(jsonForScriptTag(value))` for a detail chunk's large values, made faster by escaping after
 * redacting: the same bytes for every secret without `<`, `>`, `&`, U+2028 or U+2029 (an API key has none).
 */
function jsonBytes(value: unknown): Buffer {
  return scriptSafeBytes(redactKnownSecrets(JSON.stringify(value)));
}

/**
 * A detail chunk's part of the page. The chunk's tables are complete only once its last case is
 * made, and the page has them first, so the cases are made first and written after the tables.
 */
function* chunkParts(rows: DetailRow[]): Generator<Buffer> {
  const first = rows[0]!;
  const builder = new DetailChunkBuilder(first.context.strings.values, (hash) => first.prompts.get(hash));
  const cases = rows.map((detail) => builder.addDetail(detail));
  const tables = builder.tables();
  const [open, beforePrompts, beforeCases, close] = detailPartFrame(first.chunk);
  yield bytes(open);
  yield jsonBytes(tables.strings);
  yield bytes(beforePrompts);
  yield jsonBytes(tables.prompts);
  yield bytes(beforeCases);
  yield jsonBytes(cases);
  yield bytes(close);
}
