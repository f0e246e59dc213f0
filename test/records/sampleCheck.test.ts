/**
 * A hand-edited or damaged record is refused by every reader that computes from it (compare,
 * baseline save, report) with file, line and field: never a crash inside the statistics, never a
 * value read the wrong way, never a sample counted (or shown) twice.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveBaseline } from '../../src/compare/baselineFile.js';
import { compareRecords } from '../../src/compare/compareRuns.js';
import { SampleLineCheck } from '../../src/records/sampleCheck.js';
import { writeHtmlReport } from '../../src/report/html/writeReport.js';
import { pairedSamples, repeatPattern, sample, writeRecord } from '../compare/records.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-sample-check-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const good = () => ({ ...sample({ caseId: 'c1', pass: true }), index: 3 }) as unknown as Record<string, unknown>;

describe('SampleLineCheck', () => {
  it.each([
    ['a pass written as a string', { pass: 'false' }, 'pass', 'expected true or false, got "false"'],
    ['a score out of range', { score: 90 }, 'score', 'expected a number from 0 to 1, got 90'],
    ['no scores', { scores: undefined }, 'scores', 'expected a list of scores, got nothing'],
    ['a scorer score that is not a number', { scores: [{ name: 'exact', score: null, pass: true, reason: 'r' }] }, 'scores[0].score', 'expected a number from 0 to 1, got null'],
    ['an error that is only its kind', { error: 'timeout' }, 'error', 'expected an error { kind, message }, got "timeout"'],
    ['no case id', { caseId: undefined }, 'caseId', 'expected a string, got nothing'],
    ['a repeat that is not a number', { repeat: 'x' }, 'repeat', 'expected a whole number from 0, got "x"'],
    ['an earlier try whose cost is a string', { history: [{ error: { kind: 'timeout', message: 'm' }, costUsd: '0.1' }] }, 'history[0].costUsd', 'expected a cost in USD, 0 or more, got "0.1"'],
    ['an earlier try whose judge cost is negative', { history: [{ error: { kind: 'timeout', message: 'm' }, judgeCostUsd: -1 }] }, 'history[0].judgeCostUsd', 'expected a cost in USD, 0 or more, got -1'],
    ['a history that is not a list', { history: { error: 'x' } }, 'history', 'expected a list of earlier tries, got {"error":"x"}'],
  ])('refuses %s, naming the field', (_, change, field, message) => {
    const check = new SampleLineCheck('run.jsonl');
    expect(() => check.check({ ...good(), ...change }, 7)).toThrowError(expect.objectContaining({ detail: message, location: { file: 'run.jsonl', line: 7, field } }));
  });

  it('refuses a sample recorded twice, in whatever order the lines come', () => {
    const check = new SampleLineCheck('run.jsonl');
    for (const index of [0, 2, 1, 5]) check.check({ ...good(), index }, index + 2);
    expect(() => check.check({ ...good(), index: 2 }, 9)).toThrowError('run.jsonl:9: index: sample 2 (case c1) is recorded twice: this line repeats an earlier one');
    expect(() => check.check({ ...good(), index: 100_000 }, 10)).not.toThrow();
  });
});

describe('every reader refuses a damaged record', () => {
  async function withDuplicate(name: string): Promise<string> {
    const file = await writeRecord(join(dir, `${name}/run.jsonl`), pairedSamples(repeatPattern([[true, false]], 6)));
    const lines = (await readFile(file, 'utf8')).split('\n');
    // Sample 1 (c000, v2, a fail) copied with its pass turned: the copy would hide the regression.
    const copy = lines[2]!.replace('"pass":false', '"pass":true');
    lines.splice(3, 0, copy);
    await writeFile(file, lines.join('\n'));
    return file;
  }

  it('compare, baseline save and report: a sample recorded twice is an input error naming its line', async () => {
    const compared = await withDuplicate('compare');
    await expect(compareRecords(compared, compared, { root: dir, baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } })).rejects.toThrowError(
      /compare\/run\.jsonl:4: index: sample 1 \(case c000\) is recorded twice/,
    );
    await expect(saveBaseline(await withDuplicate('baseline'), { root: dir })).rejects.toThrowError(/baseline\/run\.jsonl:4: index: sample 1 \(case c000\) is recorded twice/);
    await withDuplicate('report');
    await expect(writeHtmlReport({ runs: [{ dir: join(dir, 'report') }] }, join(dir, 'report/report.html'))).rejects.toThrowError(/report\/run\.jsonl:4: index: sample 1/);
  });

  it('compare: a header without its dataset is an input error, not a crash', async () => {
    const file = await writeRecord(join(dir, 'header/run.jsonl'), pairedSamples(repeatPattern([[true, true]], 3)), { header: { dataset: undefined as never } });
    await expect(compareRecords(file, file, { root: dir, baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } })).rejects.toThrowError(
      /header\/run\.jsonl:1: dataset: expected the dataset \{ path, hash, cases \}/,
    );
  });
});
