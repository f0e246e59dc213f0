import { InputError } from '../errors.js';
import { requireNonNegativeInteger, requirePositiveInteger } from './validate.js';

/**
 * Repeated-attempt metrics from c passing attempts out of n for one case.
 * Both are unbiased estimators over the n attempts taken and are computed as running products,
 * which stay in [0, 1] where the binomial coefficients themselves would overflow.
 */

/**
 * pass@k: probability that at least one of k attempts drawn without replacement passes,
 * 1 − C(n − c, k)/C(n, k) = 1 − Π_{i=n−c+1}^{n} (1 − k/i)  (Chen et al. 2021).
 */
export function passAtK(nPassed: number, nTotal: number, k: number): number {
  checkCounts(nPassed, nTotal, k);
  if (nTotal - nPassed < k) return 1;
  let allFail = 1;
  for (let i = nTotal - nPassed + 1; i <= nTotal; i++) allFail *= 1 - k / i;
  return 1 - allFail;
}

/** pass^k: probability that all k attempts drawn without replacement pass, C(c, k)/C(n, k) = Π_{i<k} (c − i)/(n − i). */
export function passHatK(nPassed: number, nTotal: number, k: number): number {
  checkCounts(nPassed, nTotal, k);
  if (nPassed < k) return 0;
  let allPass = 1;
  for (let i = 0; i < k; i++) allPass *= (nPassed - i) / (nTotal - i);
  return allPass;
}

function checkCounts(nPassed: number, nTotal: number, k: number): void {
  requireNonNegativeInteger(nPassed, 'nPassed');
  requirePositiveInteger(nTotal, 'nTotal');
  requirePositiveInteger(k, 'k');
  if (nPassed > nTotal) throw new InputError(`nPassed (${nPassed}) exceeds nTotal (${nTotal})`, { field: 'nPassed' });
  if (k > nTotal) {
    throw new InputError(`k (${k}) exceeds the ${nTotal} attempts taken`, { field: 'k' }, 'run at least k repeats per case');
  }
}
