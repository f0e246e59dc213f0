/** Builds small run records in memory and on disk for compare tests. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RecordHeader, SampleRecord } from '../../src/records/types.js';
import { recordHeader } from '../helpers/builders.js';

export function header(overrides: Partial<RecordHeader> = {}): RecordHeader {
  return recordHeader({
    prompts: [
      { id: 'demo', version: 'v1', hash: 'hash-v1', file: 'prompts/demo.v1.hbs' },
      { id: 'demo', version: 'v2', hash: 'hash-v2', file: 'prompts/demo.v2.hbs' },
    ],
    dataset: { path: 'cases.jsonl', hash: 'dataset-1', cases: 10 },
    options: { repeats: 1 },
    ...overrides,
  });
}

export interface SampleSpec {
  caseId: string;
  version?: string;
  model?: string;
  repeat?: number;
  pass: boolean;
  score?: number;
  output?: string;
  tags?: string[];
  error?: string;
  costUsd?: number;
  latencyMs?: number | null;
  inputTokens?: number;
  chaosSource?: string;
}

export function sample(spec: SampleSpec, index = 0): SampleRecord {
  const score = spec.score ?? (spec.pass ? 1 : 0);
  const record: SampleRecord = {
    type: 'sample',
    index,
    caseId: spec.caseId,
    promptId: 'demo',
    version: spec.version ?? 'v1',
    model: spec.model ?? 'model-a',
    repeat: spec.repeat ?? 0,
    tags: spec.tags ?? [],
    promptHash: `p-${spec.caseId}`,
    output: spec.error ? null : (spec.output ?? `answer for ${spec.caseId}`),
    stopReason: spec.error ? null : 'end_turn',
    scores: spec.error ? [] : [{ name: 'exact', score, pass: spec.pass, reason: spec.pass ? 'equal' : 'output differs from expected' }],
    score: spec.error ? 0 : score,
    pass: spec.error ? false : spec.pass,
    usage: { inputTokens: spec.inputTokens ?? 100, outputTokens: 10 },
    costUsd: spec.costUsd ?? 0.001,
    latencyMs: spec.latencyMs === undefined ? 500 : spec.latencyMs,
  };
  if (spec.error) record.error = { kind: spec.error, message: `${spec.error} happened` };
  if (spec.chaosSource) record.chaos = { sourceCaseId: spec.chaosSource, operators: ['homoglyphs'], fields: ['text'], ops: [], property: 'same' };
  return record;
}

/** Writes header + samples (+ a summary line unless `complete: false`) as a run.jsonl. */
export async function writeRecord(file: string, samples: SampleRecord[], options: { header?: Partial<RecordHeader>; complete?: boolean } = {}): Promise<string> {
  const lines: unknown[] = [header({ planned: samples.length, ...options.header }), ...samples.map((s, i) => ({ ...s, index: i }))];
  if (options.complete !== false) {
    lines.push({ type: 'summary', cells: [], totals: { samples: samples.length, passed: 0, errors: 0, infrastructureErrors: 0, costUsd: 0, judgeCostUsd: 0 }, threshold: null, failingCells: [] });
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

/** n cases with the given pass pattern per side: `pattern[i]` = [baseline pass, candidate pass]. */
export function pairedSamples(pattern: Array<[boolean, boolean]>, versions: [string, string] = ['v1', 'v2']): SampleRecord[] {
  const out: SampleRecord[] = [];
  pattern.forEach(([before, after], i) => {
    const caseId = `c${String(i).padStart(3, '0')}`;
    out.push(sample({ caseId, version: versions[0], pass: before }));
    out.push(sample({ caseId, version: versions[1], pass: after }));
  });
  return out;
}

export function repeatPattern(pattern: Array<[boolean, boolean]>, times: number): Array<[boolean, boolean]> {
  return Array.from({ length: times }, () => pattern).flat();
}
