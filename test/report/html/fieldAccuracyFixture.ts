/** A run of an extraction suite whose scores report per-field results, for the field-accuracy view. */
import type { SampleRecord } from '../../../src/records/types.js';
import { header, sample, writeRun } from './fixtures.js';

/** Per version: which fields each of four cases got right. */
const RIGHT: Record<string, Array<Record<string, boolean>>> = {
  v1: [
    { total: true, vendor: true, date: true },
    { total: false, vendor: true, date: true },
    { total: false, vendor: true, date: false },
    { total: true, vendor: true, date: true },
  ],
  v2: [
    { total: true, vendor: true, date: true },
    { total: true, vendor: false, date: true },
    { total: true, vendor: true, date: true },
    { total: true, vendor: true, date: true },
  ],
};

export function extractionSamples(): SampleRecord[] {
  const records: SampleRecord[] = [];
  for (const [version, cases] of Object.entries(RIGHT)) {
    cases.forEach((fields, i) => {
      const pass = Object.values(fields).every(Boolean);
      const record = sample({ caseId: `inv-${i}`, version, repeat: 0, output: '{}', pass }, records.length);
      const right = Object.values(fields).filter(Boolean).length;
      record.scores = [
        {
          name: 'extraction',
          score: right / 3,
          pass,
          reason: pass ? 'output matches expected on all 3 fields' : `output: ${right} of 3 fields right`,
          details: { fields: Object.fromEntries(Object.entries(fields).map(([field, ok]) => [field, ok ? { pass: true, score: 1 } : { pass: false, score: 0, reason: 'wrong' }])), right, total: 3 },
        },
      ];
      records.push(record);
    });
  }
  return records;
}

export function writeExtractionRun(dir: string): Promise<string> {
  const samples = extractionSamples();
  return writeRun(dir, header('invoices', ['v1', 'v2'], ['model-a'], samples.length), samples);
}
