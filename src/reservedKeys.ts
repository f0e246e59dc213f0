/**
 * Keys that reach an object's prototype when a path built from data is written or read:
 * `expected.__proto__.polluted` in a CSV header once set `({}).polluted` for the whole process.
 * Wherever a key or a path comes from a user's file (CSV headers, `vars` keys, scorer `field` and
 * `expectedField` paths, check names), these are refused with a clear error instead.
 */

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

export const RESERVED_KEY_HINT = 'rename it: __proto__, constructor and prototype are reserved names (they reach the prototype of every object)';

/** The first reserved segment among `segments`, or undefined. */
export function reservedSegment(segments: Iterable<string>): string | undefined {
  for (const segment of segments) if (RESERVED.has(segment)) return segment;
  return undefined;
}

/** The first reserved segment of a dotted path (`a.__proto__.b` → `__proto__`), or undefined. */
export function reservedInPath(path: string): string | undefined {
  return reservedSegment(path.split('.'));
}
