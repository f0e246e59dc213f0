/** Builds the report from records and writes it as one file. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { buildReportData, type ReportInput } from './buildReportData.js';
import { redactKnownSecrets } from '../../secrets.js';
import { renderHtmlReport } from './renderHtml.js';

/** Returns the absolute path written. */
export async function writeHtmlReport(input: ReportInput, file: string): Promise<string> {
  const html = renderHtmlReport(await buildReportData(input));
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, redactKnownSecrets(html));
  return path;
}
