import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../../src/cli/commands/report.js';
import { tempProject, type TempProject } from '../../helpers/tempProject.js';
import { embeddedReport } from './embedded.js';
import { writeComparisonFixture } from './fixtures.js';

let project: TempProject | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await project?.cleanup();
  project = undefined;
});

function dataOf(html: string): { mode: string; verdict: string; cases: Array<{ id: string; status: string }> } {
  const report = embeddedReport(html);
  return { mode: report.data.mode, verdict: report.data.verdict.verdict, cases: report.cases };
}

describe('promptgold report', () => {
  it('writes <run>/report.html by default and prints where', async () => {
    project = await tempProject();
    const { candidate } = await writeComparisonFixture(project.root);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await reportCommand(candidate, {})).toBe(0);
    const file = join(candidate, 'report.html');
    expect(String(out.mock.calls[0]![0])).toContain(file);
    expect(dataOf(await readFile(file, 'utf8')).mode).toBe('run');
  });

  it('compares against a baseline with the compare engine', async () => {
    project = await tempProject();
    const { baseline, candidate } = await writeComparisonFixture(project.root);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const file = project.path('out', 'compare.html');
    const code = await reportCommand(candidate, { compare: baseline, html: file });
    const data = dataOf(await readFile(file, 'utf8'));
    expect(data.mode).toBe('comparison');
    // The command ends as compare would on the page's verdict: 1 on a fail.
    expect(data.verdict).toBe('fail');
    expect(code).toBe(1);
    expect(data.cases.find((c) => c.id === 'c1-refund')!.status).toBe('regressed');
    expect(data.cases.find((c) => c.id === 'c2-login')!.status).toBe('improved');
  });

  it('fails with a clear input error for a run that does not exist', async () => {
    project = await tempProject();
    await expect(reportCommand(project.path('missing-run'), {})).rejects.toThrow(/no run found for/);
  });
});
