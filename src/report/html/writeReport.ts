/**
 * Builds the report from records and writes it as one file, piece by piece: the overview and the
 * case list from the first pass, then each chunk of case details as the second pass reads it.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { redactKnownSecrets } from '../../secrets.js';
import { detailRows } from './details.js';
import { Interner } from './interner.js';
import { reportOutline, type ReportInput, type ReportOutline } from './outline.js';
import { DETAIL_CHUNK, detailChunkOf } from './pageData.js';
import { caseListParts, detailPart, PAGE_END, pageHead } from './renderHtml.js';

/** Returns the absolute path written. */
export async function writeHtmlReport(input: ReportInput, file: string): Promise<string> {
  const outline = await reportOutline(input);
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  // A secret can only sit inside one JSON value, and every piece holds whole values.
  await pipeline(redacted(pageParts(outline)), createWriteStream(path));
  return path;
}

async function* pageParts(outline: ReportOutline): AsyncGenerator<string> {
  yield pageHead({ ...outline.overview, caseCount: outline.rows.length, detailChunk: DETAIL_CHUNK });
  yield* caseListParts(outline.rows.map((row) => row.list));
  let index = 0;
  for await (const { rows, strings, prompts } of detailRows(outline, () => new Interner())) {
    yield detailPart(detailChunkOf(rows, strings.values, (hash) => prompts.get(hash)), index++);
  }
  yield PAGE_END;
}

async function* redacted(parts: AsyncIterable<string>): AsyncGenerator<string> {
  for await (const part of parts) yield redactKnownSecrets(part);
}
