/** Builds the report from records and writes it as one file, piece by piece. */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { buildReportData, type ReportInput } from './buildReportData.js';
import { redactKnownSecrets } from '../../secrets.js';
import { htmlReportParts } from './renderHtml.js';
import type { ReportData } from './types.js';

/** Returns the absolute path written. */
export async function writeHtmlReport(input: ReportInput, file: string): Promise<string> {
  const data = await buildReportData(input);
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  // A secret can only sit inside one JSON value, and every piece holds whole values.
  await pipeline(redactedParts(data), createWriteStream(path));
  return path;
}

function* redactedParts(data: ReportData): Generator<string> {
  for (const part of htmlReportParts(data)) yield redactKnownSecrets(part);
}
