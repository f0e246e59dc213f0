/**
 * Builds the report from records and writes it as one file, piece by piece: the overview and the
 * case list from the first pass, then each case's details as the second pass reads it. A case is
 * serialised as soon as it is read, so only its text, not its objects, waits for the chunk's end.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { redactKnownSecrets } from '../../secrets.js';
import { detailRows } from './details.js';
import { jsonForScriptTag } from './embed.js';
import { Interner } from './interner.js';
import { reportOutline, type ReportInput, type ReportOutline } from './outline.js';
import { DETAIL_CHUNK, DetailChunkBuilder } from './pageData.js';
import { caseListParts, detailPartParts, PAGE_END, pageHead } from './renderHtml.js';

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
  let chunk: { index: number; builder: DetailChunkBuilder; cases: string[] } | undefined;
  for await (const { chunk: index, row, strings, prompts } of detailRows(outline, () => new Interner())) {
    if (chunk?.index !== index) {
      if (chunk) yield* detailPartParts(chunk.index, chunk.builder.tables(), chunk.cases);
      chunk = { index, builder: new DetailChunkBuilder(strings.values, (hash) => prompts.get(hash)), cases: [] };
    }
    chunk.cases.push(jsonForScriptTag(chunk.builder.add(row)));
  }
  if (chunk) yield* detailPartParts(chunk.index, chunk.builder.tables(), chunk.cases);
  yield PAGE_END;
}

async function* redacted(parts: AsyncIterable<string>): AsyncGenerator<string> {
  for await (const part of parts) yield redactKnownSecrets(part);
}
