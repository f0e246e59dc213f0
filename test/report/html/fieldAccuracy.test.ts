import { afterEach, describe, expect, it } from 'vitest';
import { buildReportData } from '../../../src/report/html/index.js';
import { tempProject, type TempProject } from '../../helpers/tempProject.js';
import { header, samplesFor, writeRun } from './fixtures.js';
import { writeExtractionRun } from './fieldAccuracyFixture.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('field accuracy in the report data', () => {
  it('carries each cell’s per-field counts from the record', async () => {
    project = await tempProject();
    const data = await buildReportData({ runs: [{ dir: await writeExtractionRun(project.path('run')) }] });
    expect(data.cells.map((cell) => [cell.version, cell.fieldAccuracy])).toEqual([
      ['v1', { date: { right: 3, total: 4 }, total: { right: 2, total: 4 }, vendor: { right: 4, total: 4 } }],
      ['v2', { date: { right: 4, total: 4 }, total: { right: 4, total: 4 }, vendor: { right: 3, total: 4 } }],
    ]);
  });

  it('has no field accuracy when no scorer reports fields', async () => {
    project = await tempProject();
    const dir = await writeRun(project.path('run'), header('tickets', ['v2'], ['model-a'], 14), samplesFor('v2', 'cand'));
    const data = await buildReportData({ runs: [{ dir }] });
    expect(data.cells.every((cell) => !('fieldAccuracy' in cell))).toBe(true);
  });
});
