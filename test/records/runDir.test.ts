import { mkdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { latestRunOf, newRunId } from '../../src/records/runDir.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

describe('run folders', () => {
  it('names runs by suite and UTC second', () => {
    expect(newRunId('triage', new Date('2026-11-22T01:02:03.456Z'))).toBe('triage-20261122-010203');
    expect(newRunId('my suite/x', new Date('2026-11-22T01:02:03Z'))).toBe('my_suite_x-20261122-010203');
  });

  it('finds the latest run of a suite, same-second counters included, ignoring other suites', async () => {
    project = await tempProject();
    for (const name of ['triage-20261121-235959', 'triage-20261122-010203', 'triage-20261122-010203-2', 'triage-20261122-010203-10', 'triage-x-20261123-000000', 'other-20271122-000000']) {
      await mkdir(project.path(name));
    }
    expect(await latestRunOf('triage', project.root)).toBe(project.path('triage-20261122-010203-10'));
    expect(await latestRunOf('missing', project.root)).toBeUndefined();
  });
});
