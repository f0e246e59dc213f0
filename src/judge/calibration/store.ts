/** Where calibration reports live: `<outDir>/calibration/<suite>.json`, stable JSON, for the HTML report. */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { replaceFileWith } from '../../replaceFile.js';
import { redactKnownSecrets } from '../../secrets.js';
import type { CalibrationReport } from './types.js';

export function calibrationPath(outDir: string, suite: string): string {
  return join(outDir, 'calibration', `${suite.replace(/[^\w.-]+/g, '_')}.json`);
}

/** Keys in the report's own order, two-space indented: equal reports give equal bytes. */
export async function writeCalibration(file: string, report: CalibrationReport): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await replaceFileWith(file, redactKnownSecrets(`${JSON.stringify(report, null, 2)}\n`));
}
