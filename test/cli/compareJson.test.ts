/**
 * `compare --json` writes its report in pieces through a buffer (src/report/prettyJson.ts): the
 * file is JSON.stringify(result, null, 2) and a newline, byte for byte, across buffer flushes, with
 * a case larger than the buffer, multi-byte text, and the API key redacted wherever it appears.
 * Needs `npm run build`.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';
import { sample, writeRecord } from '../compare/records.js';

// Built from parts, as the other tests' keys are: no key-shaped literal in the repository.
const KEY = ['sk', 'ant', 'test-compare-json-0123456789'].join('-');

let project: TempProject;
afterEach(async () => project?.cleanup());

describe('compare --json', () => {
  it('writes JSON.stringify(result, null, 2) in pieces, redacted, for a report larger than its write buffer', async () => {
    project = await tempProject();
    const samples = [];
    for (let i = 0; i < 3000; i++) {
      const caseId = `case-${String(i).padStart(4, '0')}`;
      const output = i === 7 ? `${'€'.repeat(400_000)} ${KEY}` : `answer ${i} — café 🙂 ${i % 100 === 0 ? KEY : ''}`;
      samples.push(sample({ caseId, version: 'v1', pass: i % 3 !== 0, output }), sample({ caseId, version: 'v2', pass: i % 4 !== 0, output }));
    }
    await writeRecord(project.path('run/run.jsonl'), samples, { header: { dataset: { path: 'cases.jsonl', hash: 'dataset-1', cases: 3000 } } });

    const result = await runCli(['compare', 'run', '--baseline', 'version=v1', '--candidate', 'version=v2', '--no-html', '--json', 'out/cmp.json'], project.root, { env: { ANTHROPIC_API_KEY: KEY } });
    expect(result.stderr).toBe('');
    expect([0, 1]).toContain(result.code);

    const text = await readFile(project.path('out/cmp.json'), 'utf8');
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024);
    expect(text).not.toContain(KEY);
    const report = JSON.parse(text) as { cells: Array<{ cases: Array<{ caseId: string; baseline: { outputs: string[] } }> }> };
    expect(text).toBe(`${JSON.stringify(report, null, 2)}\n`);
    const cases = report.cells[0]!.cases;
    expect(cases).toHaveLength(3000);
    expect(cases[7]!.baseline.outputs[0]).toBe(`${'€'.repeat(400_000)} [redacted]`);
    expect(cases[100]!.baseline.outputs[0]).toBe('answer 100 — café 🙂 [redacted]');
  }, 120_000);
});
