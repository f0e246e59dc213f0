/** What a record's unfinished samples are called, told apart from their lines: never sent, or answered but not judged. */
import { describe, expect, it } from 'vitest';
import { countNotRun, noNotRun, notFinishedText, notRunReason, notRunTotal } from '../../src/records/completeness.js';
import { BATCH_EXPIRED, BATCH_MISSING } from '../../src/providers/types.js';

/** A budget skip's error; the message says which call was not sent, but the count goes by the line's output. */
const budget = (message: string) => ({ kind: 'budget', message });

describe('samples that did not finish', () => {
  it('counts a budget skip with an answer as answered but not judged, one without as never sent', () => {
    const counts = noNotRun();
    countNotRun(counts, { output: null, error: budget('budget of $1.00 reached ($1.00 spent); request not sent') });
    countNotRun(counts, { output: 'Paris', error: budget("quality's judge: budget of $1.00 reached ($1.00 spent); request not sent") });
    countNotRun(counts, { output: '', error: budget("quality's judge: budget of $1.00 reached ($1.00 spent); request not sent") });
    countNotRun(counts, { output: null, error: { kind: 'provider_error', code: BATCH_EXPIRED } });
    countNotRun(counts, { output: null, error: { kind: 'provider_error', code: BATCH_MISSING } });
    countNotRun(counts, { output: null, error: { kind: 'timeout' } });
    countNotRun(counts, { output: 'Paris' });
    expect(counts).toEqual({ budget: 1, unjudged: 2, batch: 1, missing: 1 });
    expect(notRunTotal(counts)).toBe(5);
    expect(notRunReason(counts)).toBe(
      '1 sample skipped: budget reached; 2 samples answered but not judged: budget reached; 1 batch request expired or was canceled; 1 batch request came back without a result',
    );
  });

  it('says only what happened', () => {
    const unjudged = { ...noNotRun(), unjudged: 1 };
    expect(notRunReason(unjudged)).toBe('1 sample answered but not judged: budget reached');
    expect(notFinishedText(unjudged, 2500, (n) => n.toLocaleString('en-US'))).toBe('1 of 2,500 planned samples did not finish (1 sample answered but not judged: budget reached)');
    expect(notFinishedText({ ...noNotRun(), budget: 3 }, 4)).toBe('3 of 4 planned samples did not finish (3 samples skipped: budget reached)');
    expect(notRunReason({ ...noNotRun(), batch: 2 })).toBe('2 batch requests expired or were canceled');
  });
});
