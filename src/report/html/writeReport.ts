/**
 * Builds the report from records and writes it as one file, piece by piece: the overview and the
 * case list from the first pass, then the case details: copied from the spool the first pass
 * wrote them to when the record was in the page's order (firstPassDetails.ts), else each chunk as
 * the second pass reads it. The file appears only when it is whole.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { detailChunks } from './details.js';
import { Interner } from './interner.js';
import { reportOutline, type ReportInput, type ReportOutline } from './outline.js';
import { chunkParts, pageBytes, WRITE_AHEAD_BYTES } from './pageBytes.js';
import { DETAIL_CHUNK } from './pageData.js';
import { caseListParts, PAGE_END, pageHead } from './renderHtml.js';

/** Returns the absolute path written. */
export async function writeHtmlReport(input: ReportInput, file: string): Promise<string> {
  const path = resolve(file);
  const outline = await reportOutline(input, { spoolFile: `${path}.details.tmp` });
  // Written beside its place and moved there whole: a report that fails on the way (a record
  // changed between the passes, a full disk) leaves the page that was there, never half a page.
  const partial = `${path}.page.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await pipeline(pageParts(outline), createWriteStream(partial, { highWaterMark: WRITE_AHEAD_BYTES }));
    if (outline.spooledDetails) await appendToPage(partial, outline.spooledDetails);
    await rename(partial, path);
  } catch (error) {
    // Not recursive: a folder of that name is not this report's to remove.
    await rm(partial, { force: true }).catch(() => undefined);
    throw error;
  } finally {
    if (outline.spooledDetails) await rm(outline.spooledDetails, { force: true });
  }
  return path;
}

/** The page up to its details, and the details and the page's end when the second pass makes them. */
async function* pageParts(outline: ReportOutline): AsyncGenerator<Buffer> {
  yield pageBytes(pageHead({ ...outline.overview, caseCount: outline.rows.length, detailChunk: DETAIL_CHUNK }));
  for (const part of caseListParts(outline.rows, (row) => row.list)) yield pageBytes(part);
  if (outline.spooledDetails) return;
  for await (const rows of detailChunks(outline, () => new Interner())) yield* chunkParts(rows);
  yield pageBytes(PAGE_END);
}

/** Appends the spooled details and the page's end, through one reused buffer (a fresh buffer per read faults in fresh pages). */
async function appendToPage(path: string, spool: string): Promise<void> {
  const source = await open(spool, 'r');
  try {
    const page = await open(path, 'a');
    try {
      const buffer = Buffer.allocUnsafe(WRITE_AHEAD_BYTES);
      for (;;) {
        const { bytesRead } = await source.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        await page.write(buffer, 0, bytesRead);
      }
      await page.write(pageBytes(PAGE_END));
    } finally {
      await page.close();
    }
  } finally {
    await source.close();
  }
}
