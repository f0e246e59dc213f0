/**
 * What became of the chaos part a run asked for: how many golden cases got chaos variants, and
 * which operators made none. A run that asked for chaos and got only part of it says so (see
 * src/report/chaosCoverage.ts); one that got none at all is an input error (ChaosCaseList.noCasesError).
 */
export interface ChaosCoverage {
  /** Golden cases of the plan. */
  goldenCases: number;
  /** Chaos cases made from them. */
  chaosCases: number;
  /**
   * Golden cases no chaos case was made from: `noText`, no string value in a field that may be
   * mutated; `unchanged`, no operator changed their text.
   */
  withoutVariants: { noText: number; unchanged: number };
  /** Operators asked for. */
  operators: number;
  /** Those that made no chaos case of any golden case, in the order asked. */
  idleOperators: string[];
  /**
   * With `perCase` above 1: operators that made fewer variants than asked of the cases they
   * changed, in the order asked (an operator that does not draw at random gives one text again,
   * and a repeated text is kept once). Absent when every operator made them all.
   */
  fewerVariants?: { perCase: number; operators: Array<{ operator: string; asked: number; made: number }> };
}

/** Whether some golden case or some operator asked for got no chaos case, or fewer than `perCase` asks. */
export function isPartialCoverage(coverage: ChaosCoverage): boolean {
  return coverage.withoutVariants.noText + coverage.withoutVariants.unchanged > 0 || coverage.idleOperators.length > 0 || coverage.fewerVariants !== undefined;
}
