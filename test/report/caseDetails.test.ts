/** The "why" of a compare report's case follows the run's golden-refusal rule (records/stops.ts). */
import { describe, expect, it } from 'vitest';
import type { CaseComparison } from '../../src/compare/types.js';
import { isGoldenRefusal } from '../../src/records/stops.js';
import { failureReason } from '../../src/report/caseDetails.js';

function refusedCase(stopReason: string, chaos?: CaseComparison['chaos']): CaseComparison {
  const candidate = { errors: [], outputs: ['partial answer'], scores: [[{ name: 'exact', score: 1, pass: true, reason: '' }]], stopReasons: [stopReason] };
  return { caseId: 'a', candidate, ...(chaos ? { chaos } : {}) } as unknown as CaseComparison;
}

describe('failureReason', () => {
  const chaos = { operators: ['homoglyphs'], sourceCaseId: 'a' };
  it.each([
    ['a golden case that refused', 'refusal', undefined],
    ['a chaos case that refused', 'refusal', chaos],
    ['a golden case that answered', 'end_turn', undefined],
  ])('%s: a refusal reason exactly when isGoldenRefusal says so', (_, stopReason, chaosOf) => {
    const refused = isGoldenRefusal({ stopReason, chaos: chaosOf });
    expect(failureReason(refusedCase(stopReason, chaosOf))).toBe(refused ? 'refused (stop reason refusal): a refusal fails a golden case whatever its scores' : undefined);
  });
});
