/** What a suite's job ending in an error means, from how far it got (src/cli/commands/run.ts). */
import { describe, expect, it } from 'vitest';
import { closingLine, jobEnd, type SuiteRunOutcome, type SuiteWithoutOutcome } from '../../src/cli/commands/run.js';
import { ExitCode, type WordedError } from '../../src/errors.js';
import type { RunResult } from '../../src/engine/run.js';

const refusal: WordedError = { text: 'suites/b.eval.ts: provider: no such provider', exitCode: ExitCode.usageOrInput };
const ioError: WordedError = { text: 'reports/runs/a/run.jsonl: no space left on device (ENOSPC on write)', exitCode: ExitCode.infrastructure };
const closeError: WordedError = { text: 'suites/recordings/a.jsonl: illegal operation on a directory (EISDIR on read)', exitCode: ExitCode.usageOrInput };

function outcome(suite: string): SuiteRunOutcome {
  return { suite, runDir: `/p/reports/runs/${suite}`, result: { status: 'complete', runDir: `/p/reports/runs/${suite}`, planned: 2, written: 2 } as unknown as RunResult };
}

describe('jobEnd', () => {
  it('an error before the run folder was claimed is a refusal: not run, no folder', () => {
    expect(jobEnd('b', { runDir: null }, refusal, 1)).toEqual({
      said: [refusal],
      withoutOutcome: { suite: 'b', status: 'not run', runDir: null, error: { text: refusal.text, exitCode: ExitCode.usageOrInput }, before: 1 },
    });
  });

  it('an error after the claim (the batch phase, runSuite, a damaged record on --resume) is an aborted run with its folder', () => {
    const end = jobEnd('a', { runDir: '/p/reports/runs/a' }, ioError, 0);
    expect(end.withoutOutcome).toMatchObject({ status: 'aborted', runDir: '/p/reports/runs/a', error: { exitCode: ExitCode.infrastructure } });
  });

  it('a run that threw and then failed to close says both, the run error first, and the higher code counts', () => {
    const end = jobEnd('a', { runDir: '/p/reports/runs/a', closeFailure: closeError }, ioError, 0);
    expect(end.said).toEqual([ioError, closeError]);
    expect(end.withoutOutcome?.error).toEqual({ text: `${ioError.text}\n${closeError.text}`, exitCode: ExitCode.infrastructure });
  });

  it("an error closing a finished run's provider keeps the outcome and is kept with it, not as a suite without one", () => {
    const end = jobEnd('a', { runDir: '/p/reports/runs/a', outcome: outcome('a'), closeFailure: closeError }, undefined, 0);
    expect(end).toEqual({ said: [closeError], laterFailures: [closeError] });
  });

  it('an error thrown after the outcome was listed (printing failing samples, the page) does not list the suite twice', () => {
    const end = jobEnd('a', { runDir: '/p/reports/runs/a', outcome: outcome('a') }, ioError, 0);
    expect(end.withoutOutcome).toBeUndefined();
    expect(end.laterFailures).toEqual([ioError]);
  });

  it('a job that ended well says nothing', () => {
    expect(jobEnd('a', { runDir: '/p/reports/runs/a', outcome: outcome('a') }, undefined, 0)).toEqual({ said: [] });
  });
});

describe('closingLine', () => {
  const shown = (dir: string) => dir.replace('/p/', '');
  const refused: SuiteWithoutOutcome = { suite: 'b', status: 'not run', runDir: null, error: { text: refusal.text, exitCode: ExitCode.usageOrInput }, before: 0 };
  const aborted: SuiteWithoutOutcome = { suite: 'a', status: 'aborted', runDir: '/p/reports/runs/a', error: { text: ioError.text, exitCode: ExitCode.infrastructure }, before: 0 };
  const notStarted: SuiteWithoutOutcome = { suite: 'd', status: 'not run', runDir: null, error: { text: 'stopped before it started: the run was interrupted (Ctrl-C or SIGTERM)' }, before: 1 };

  it('names refused suites as not run and failed ones as failed, with their folder, when later outcomes buried them', () => {
    expect(closingLine([refused, aborted, notStarted], [outcome('c')], shown)).toBe(
      '1 suite did not run: b (exit 2); 1 suite failed: a (exit 3; run folder reports/runs/a); the errors are above',
    );
  });

  it('says nothing when no outcome came after the error', () => {
    expect(closingLine([refused], [], shown)).toBeUndefined();
    expect(closingLine([{ ...refused, before: 1 }], [outcome('c')], shown)).toBeUndefined();
  });

  it("names a run that failed after it finished when a later suite's outcome followed it", () => {
    const a = { ...outcome('a'), laterFailures: [closeError] };
    expect(closingLine([], [a, outcome('c')], shown)).toBe('1 suite failed after the run finished: a (exit 2); the error is above');
  });
});
