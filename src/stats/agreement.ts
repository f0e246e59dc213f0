import { InputError } from '../errors.js';
import { requireSameLength } from './validate.js';

/**
 * Agreement between two raters (e.g. an LLM judge and a human, or two judges) who each put the
 * same items into one of k categories. A confusion matrix has rows for rater A, columns for
 * rater B, in the order of `categories`.
 */

export type ConfusionMatrix = number[][];

export function confusionMatrix<T>(labelsA: readonly T[], labelsB: readonly T[], categories: readonly T[]): ConfusionMatrix {
  requireSameLength(labelsA, labelsB, 'labelsB');
  const indexOf = new Map<T, number>();
  categories.forEach((category, i) => {
    if (indexOf.has(category)) {
      throw new InputError(`category ${String(category)} is listed twice`, { field: `categories[${i}]` });
    }
    indexOf.set(category, i);
  });
  const matrix = categories.map(() => categories.map(() => 0));
  labelsA.forEach((a, i) => {
    const row = categoryIndex(indexOf, a, `labelsA[${i}]`);
    const column = categoryIndex(indexOf, labelsB[i] as T, `labelsB[${i}]`);
    (matrix[row] as number[])[column] = ((matrix[row] as number[])[column] as number) + 1;
  });
  return matrix;
}

function categoryIndex<T>(indexOf: Map<T, number>, label: T, field: string): number {
  const index = indexOf.get(label);
  if (index === undefined) {
    throw new InputError(`label ${String(label)} is not one of the categories`, { field }, 'add it to categories');
  }
  return index;
}

/** Share of items (0..1, not 0..100) on which both raters agree: trace / total. NaN for an empty matrix. */
export function percentAgreement(confusion: ConfusionMatrix): number {
  const { total, k } = checkSquare(confusion);
  let agreed = 0;
  for (let i = 0; i < k; i++) agreed += cell(confusion, i, i);
  return total === 0 ? NaN : agreed / total;
}

/**
 * Cohen's kappa: (p_o − p_e) / (1 − p_e), where p_e = Σ row_i·col_i / N² is the agreement
 * expected from the raters' marginals alone. NaN when p_e = 1 (both raters used one category).
 */
export function cohensKappa(confusion: ConfusionMatrix): number {
  const k = checkSquare(confusion).k;
  return weightedKappaWith(confusion, (i, j) => (i === j ? 0 : 1), k);
}

export type KappaWeighting = 'quadratic' | 'linear';

/**
 * Weighted kappa for ordered categories: 1 − Σ w_ij·O_ij / Σ w_ij·E_ij with disagreement weights
 * w_ij = (i − j)²/(k − 1)² (quadratic) or |i − j|/(k − 1) (linear) and E_ij = row_i·col_j / N.
 * Near misses count as partial agreement. With two categories it equals Cohen's kappa.
 */
export function weightedKappa(confusion: ConfusionMatrix, weighting: KappaWeighting = 'quadratic'): number {
  const k = checkSquare(confusion).k;
  const span = Math.max(1, k - 1);
  const weight =
    weighting === 'quadratic'
      ? (i: number, j: number) => ((i - j) / span) ** 2
      : (i: number, j: number) => Math.abs(i - j) / span;
  return weightedKappaWith(confusion, weight, k);
}

function weightedKappaWith(confusion: ConfusionMatrix, weight: (i: number, j: number) => number, k: number): number {
  const rows = new Array<number>(k).fill(0);
  const columns = new Array<number>(k).fill(0);
  let total = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const count = cell(confusion, i, j);
      rows[i] = (rows[i] as number) + count;
      columns[j] = (columns[j] as number) + count;
      total += count;
    }
  }
  if (total === 0) return NaN;
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = weight(i, j);
      observed += w * cell(confusion, i, j);
      expected += (w * (rows[i] as number) * (columns[j] as number)) / total;
    }
  }
  return expected === 0 ? NaN : 1 - observed / expected;
}

function cell(confusion: ConfusionMatrix, i: number, j: number): number {
  return (confusion[i] as number[])[j] as number;
}

function checkSquare(confusion: ConfusionMatrix): { k: number; total: number } {
  const k = confusion.length;
  let total = 0;
  confusion.forEach((row, i) => {
    if (row.length !== k) {
      throw new InputError(`row has ${row.length} cells but the matrix has ${k} rows`, { field: `confusion[${i}]` }, 'a confusion matrix is k × k');
    }
    row.forEach((count, j) => {
      if (!(Number.isFinite(count) && count >= 0)) {
        throw new InputError(`must be a count >= 0, got ${count}`, { field: `confusion[${i}][${j}]` });
      }
      total += count;
    });
  });
  return { k, total };
}
