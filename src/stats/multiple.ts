/**
 * Multiple-comparison corrections for many p-values (e.g. one per tag or per scorer).
 * Adjusted values come back in the input order. NaN p-values stay NaN and are not counted in m,
 * as in R's p.adjust.
 */

/** Holm's step-down adjustment: controls the family-wise error rate and is never worse than Bonferroni. */
export function holm(pValues: readonly number[]): number[] {
  const order = definedIndices(pValues).sort((i, j) => (pValues[i] as number) - (pValues[j] as number));
  const m = order.length;
  const adjusted = pValues.map(() => NaN);
  let runningMax = 0;
  order.forEach((index, rank) => {
    // The rank-th smallest p is multiplied by (m − rank); the running max keeps the result monotone.
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * (pValues[index] as number)));
    adjusted[index] = runningMax;
  });
  return adjusted;
}

/** Bonferroni: min(1, m·p). */
export function bonferroni(pValues: readonly number[]): number[] {
  const m = definedIndices(pValues).length;
  return pValues.map((p) => (Number.isNaN(p) ? NaN : Math.min(1, m * p)));
}

function definedIndices(pValues: readonly number[]): number[] {
  const indices: number[] = [];
  pValues.forEach((p, i) => {
    if (!Number.isNaN(p)) indices.push(i);
  });
  return indices;
}
