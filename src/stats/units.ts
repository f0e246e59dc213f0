import { InputError } from '../errors.js';
import { requireSameLength } from './validate.js';

/**
 * The independent units of a paired comparison. Each case gives one value (a per-case difference,
 * or a per-case rate); cases that belong together — a golden case and its chaos variants — form a
 * cluster, and the cluster is the unit: its cases are summed, so `sums[u]` is the total of unit u's
 * values and `sizes[u]` how many cases it holds. Without clusters every case is its own unit.
 * The mean over cases is Σ sums / Σ sizes whatever the grouping.
 */
export interface UnitTotals {
  sums: Float64Array;
  sizes: Float64Array;
}

/** Units in order of first appearance; `clusters[i]` names case i's cluster (omit it for one unit per case). */
export function unitTotals(values: ArrayLike<number>, clusters?: ArrayLike<string>): UnitTotals {
  if (clusters) requireSameLength(values, clusters, 'clusters');
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new InputError(`value ${i} is not a finite number: ${values[i]}`, { field: 'values' });
  }
  if (!clusters) return { sums: Float64Array.from(values), sizes: new Float64Array(values.length).fill(1) };
  const index = new Map<string, number>();
  const sums: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const id = clusters[i] as string;
    let u = index.get(id);
    if (u === undefined) {
      u = sums.length;
      index.set(id, u);
      sums.push(0);
      sizes.push(0);
    }
    sums[u]! += values[i] as number;
    sizes[u]!++;
  }
  return { sums: Float64Array.from(sums), sizes: Float64Array.from(sizes) };
}

export function unitCount(units: UnitTotals): number {
  return units.sums.length;
}

/** Σ sums / Σ sizes: the mean over cases (NaN without cases). */
export function unitMean(units: UnitTotals): number {
  let total = 0;
  let cases = 0;
  for (let u = 0; u < units.sums.length; u++) {
    total += units.sums[u]!;
    cases += units.sizes[u]!;
  }
  return cases === 0 ? NaN : total / cases;
}

/** Σ sizes: the number of cases the units hold. */
export function unitCases(units: UnitTotals): number {
  let cases = 0;
  for (const size of units.sizes) cases += size;
  return cases;
}

/** √(Σ_u (S_u − mean·m_u)²) / N: the plain cluster-robust standard error of the mean over cases. */
export function unitStandardError(units: UnitTotals, mean = unitMean(units)): number {
  let squares = 0;
  let cases = 0;
  for (let u = 0; u < units.sums.length; u++) {
    const residual = units.sums[u]! - mean * units.sizes[u]!;
    squares += residual * residual;
    cases += units.sizes[u]!;
  }
  return Math.sqrt(squares) / cases;
}

/** Units with the same (sum, size), counted once: what the interval methods iterate over. */
export interface UnitGroup {
  sum: number;
  size: number;
  count: number;
}

/**
 * Identical units grouped. Sums within 1e-12 (relative) of each other count as equal, so a cluster
 * total that differs from another only by floating-point rounding (the same cases added in another
 * order) joins its group; the group keeps its smallest member's value. Groups come out sorted by
 * size, then sum, so everything computed from them is deterministic.
 */
export function groupUnits(units: UnitTotals): UnitGroup[] {
  const groups: UnitGroup[] = [];
  let current: UnitGroup | undefined;
  const add = (sum: number, size: number) => {
    if (current && current.size === size && Math.abs(sum - current.sum) <= 1e-12 * Math.max(1, Math.abs(sum))) current.count++;
    else {
      current = { sum, size, count: 1 };
      groups.push(current);
    }
  };
  if (singleCasesWithoutNegativeZero(units)) {
    // The same order as below, from the typed array's own numeric sort: several times faster.
    for (const sum of units.sums.slice().sort()) add(sum, 1);
    return groups;
  }
  const n = units.sums.length;
  const order = new Uint32Array(n);
  for (let u = 0; u < n; u++) order[u] = u;
  order.sort((a, b) => units.sizes[a]! - units.sizes[b]! || units.sums[a]! - units.sums[b]!);
  for (const u of order) add(units.sums[u]!, units.sizes[u]!);
  return groups;
}

/**
 * Every unit one case, and no sum −0: then sorting the sums alone orders the units as the general
 * sort does (the numeric sort puts −0 before 0, which the comparison `a − b` treats as a tie).
 */
function singleCasesWithoutNegativeZero(units: UnitTotals): boolean {
  for (let u = 0; u < units.sums.length; u++) {
    if (units.sizes[u] !== 1 || Object.is(units.sums[u], -0)) return false;
  }
  return true;
}
