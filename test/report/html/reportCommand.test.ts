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
    // The command ends as the run did: the fixture's candidate has unscored samples (a timeout)
    // beyond its maxErrorRate of 0, so 3, as `promptgold run` gave.
    expect(await reportCommand(candidate, {})).toBe(3);
    const file = join(candidate, 'report.html');
    const printed = out.mock.calls.map((call) => String(call[0])).join('');
    expect(printed).toContain(file);
    expect(printed).toContain('verdict: FAIL (exit 3): 1 of 14 samples were not scored (timeout 1); maxErrorRate allows 0%');
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
    // The command ends as compare would on the page's verdict: the fixture's candidate left a
    // sample unscored (a timeout) beyond its maxErrorRate of 0, so 3, as compare and run give.
    expect(data.verdict).toBe('fail');
    expect(code).toBe(3);
    expect(data.cases.find((c) => c.id === 'c1-refund')!.status).toBe('regressed');
    expect(data.cases.find((c) => c.id === 'c2-login')!.status).toBe('improved');
  });

  it('fails with a clear input error for a run that does not exist', async () => {
    project = await tempProject();
    await expect(reportCommand(project.path('missing-run'), {})).rejects.toThrow(/no run found for/);
  });
});
