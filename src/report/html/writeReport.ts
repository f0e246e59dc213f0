/**
 * Builds the report from records and writes it as one file, piece by piece: the overview and the
 * case list from the first pass, then the case details: copied from the spool the first pass
 * wrote them to when the record was in the page's order (firstPassDetails.ts), else each chunk as
 * the second pass reads it. A page file appears only when it is whole (see replaceFile.ts).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InfrastructureError } from '../../errors.js';
import { replaceFile, writtenInPlace } from '../../replaceFile.js';
import { detailChunks } from './details.js';
import { Interner } from './interner.js';
import { reportOutline, type ReportInput, type ReportOutline } from './outline.js';
import { checkPagePath } from './pagePath.js';
import { chunkParts, pageBytes, WRITE_AHEAD_BYTES } from './pageBytes.js';
import { DETAIL_CHUNK } from './pageData.js';
import { caseListParts, PAGE_END, pageHead } from './renderHtml.js';

/** Returns the absolute path written. */
export async function writeHtmlReport(input: ReportInput, file: string): Promise<string> {
  const path = resolve(file);
  await checkPagePath(path);
  const whole = !(await writtenInPlace(path, `${path}.page.tmp`));
  try {
    // A page written in place is written in one stream: a pipe's reader could take the end of a first stream for the page's end.
    const outline = await reportOutline(input, whole ? { spoolFile: `${path}.details.tmp` } : {});
    try {
      await mkdir(dirname(path), { recursive: true });
      // A page that fails on the way (a record changed between the passes, a full disk) leaves the page that was there.
      await replaceFile(path, (written) => writePage(outline, written), `${path}.page.tmp`);
    } finally {
      if (outline.spooledDetails) await rm(outline.spooledDetails, { force: true });
    }
  } catch (error) {
    throw pageWriteError(error, path) ?? error;
  }
  return path;
}

/**
 * A system error on the page, its temporary files or its folders (a full disk, no permission) as
 * an error of the machine, not of promptgold (exit 3). Errors on the records are left as they are.
 */
function pageWriteError(error: unknown, page: string): InfrastructureError | undefined {
  const { code, path } = error as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof path !== 'string') return undefined;
  const onPage = path === page || path.startsWith(`${page}.`) || page.startsWith(`${path}${sep}`);
  if (!onPage) return undefined;
  return new InfrastructureError(`the report page ${page} could not be written: ${(error as Error).message}`, 'mend the cause (disk space, permissions) and write the report again; a page that was there before is kept', error);
}

async function writePage(outline: ReportOutline, file: string): Promise<void> {
  await pipeline(pageParts(outline), createWriteStream(file, { highWaterMark: WRITE_AHEAD_BYTES }));
  if (outline.spooledDetails) await appendToPage(file, outline.spooledDetails);
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
