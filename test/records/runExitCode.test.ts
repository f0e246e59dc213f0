import { describe, expect, it } from 'vitest';
import { ExitCode, strongestExitCode } from '../../src/errors.js';
import { runEndExitCode, runExitCode } from '../../src/records/runOutcome.js';
import type { RecordSummary } from '../../src/records/types.js';

const finished = (summary: Partial<RecordSummary>) => ({ kind: 'finished' as const, summary: { tooManyErrors: false, failingCells: [], ...summary } as RecordSummary });

describe('the exit code of a run, from its facts (README: 3 wins over 130, 130 over 2, and 2 over 1)', () => {
  it('3 for a fatal error, samples left unrun or too many unscored, whatever else holds', () => {
    for (const facts of [{ fatal: true }, { incomplete: true }, { tooManyErrors: true }]) {
      expect(runExitCode(facts)).toBe(ExitCode.infrastructure);
      expect(runExitCode({ ...facts, interrupted: true, failingCells: 2 })).toBe(ExitCode.infrastructure);
    }
  });

  it('130 for an interrupted run, over a cell below the threshold; 1 for such a cell; else 0', () => {
    expect(runExitCode({ interrupted: true, failingCells: 1 })).toBe(ExitCode.interrupted);
    expect(runExitCode({ failingCells: 1 })).toBe(ExitCode.evaluationFailed);
    expect(runExitCode({ failingCells: 0 })).toBe(ExitCode.passed);
    expect(runExitCode({})).toBe(ExitCode.passed);
  });

  it('`report <run>` gives the code `run` gave, through the same rule', () => {
    expect(runEndExitCode({ kind: 'interrupted', samples: 3, planned: 9 })).toBe(runExitCode({ interrupted: true }));
    expect(runEndExitCode({ kind: 'stopped', samples: 3, planned: 9 })).toBe(runExitCode({ fatal: true }));
    expect(runEndExitCode({ kind: 'incomplete', cause: 'not_run', samples: 9, planned: 9 })).toBe(runExitCode({ incomplete: true }));
    expect(runEndExitCode(finished({ tooManyErrors: true, failingCells: ['v1 × m'] }))).toBe(ExitCode.infrastructure);
    expect(runEndExitCode(finished({ failingCells: ['v1 × m'] }))).toBe(ExitCode.evaluationFailed);
    expect(runEndExitCode(finished({}))).toBe(ExitCode.passed);
  });

  it('of several codes, the strongest wins: 3, then 130, then 2, then 1', () => {
    expect(strongestExitCode([1, 2, 130, 3])).toBe(3);
    expect(strongestExitCode([1, 2, 130])).toBe(130);
    expect(strongestExitCode([1, 2])).toBe(2);
    expect(strongestExitCode([0, 1])).toBe(1);
    expect(strongestExitCode([0])).toBeUndefined();
  });
});
