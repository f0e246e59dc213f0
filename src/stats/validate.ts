import { InputError } from '../errors.js';

/**
 * Argument checks shared by the statistics functions. Parameters such as `confidence` or
 * `alpha` usually come from a user's suite or CLI flags, so a bad value is an InputError that
 * names the parameter rather than a silent NaN further down.
 */

export function requireProbability(value: number, field: string): void {
  if (!(value > 0 && value < 1)) {
    throw new InputError(`must be a number strictly between 0 and 1, got ${value}`, { field }, 'e.g. 0.95 for a 95% interval');
  }
}

export function requireNonNegativeInteger(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new InputError(`must be a non-negative integer, got ${value}`, { field });
  }
}

export function requirePositiveInteger(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(`must be a positive integer, got ${value}`, { field });
  }
}

export function requireFiniteNonNegative(value: number, field: string): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new InputError(`must be a finite number >= 0, got ${value}`, { field });
  }
}

export function requireSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, field: string): void {
  if (a.length !== b.length) {
    throw new InputError(
      `has ${b.length} entries but there are ${a.length} values`,
      { field },
      'pass exactly one entry per value, in the same order',
    );
  }
}
