/**
 * Dotted paths into parsed JSON (`summary`, `items.0.name`). Numeric segments index arrays; a
 * segment that does not resolve yields `undefined` rather than throwing, so a missing field is a
 * scored failure with a reason, not a crash. Lookups read own properties only, and a path naming
 * `__proto__`, `constructor` or `prototype` is refused when the scorer is built.
 */
import { InputError } from '../errors.js';
import { RESERVED_KEY_HINT, reservedSegment } from '../reservedKeys.js';

/** Split once at factory time so per-call lookups do no string work. `option` names it in errors. */
export function parsePath(path: string, option = 'field'): string[] {
  const segments = path.split('.').filter((segment) => segment !== '');
  const reserved = reservedSegment(segments);
  if (reserved) throw new InputError(`the path "${path}" uses the reserved segment "${reserved}"`, { field: option }, RESERVED_KEY_HINT);
  return segments;
}

export function getAtPath(value: unknown, segments: readonly string[]): unknown {
  let current: unknown = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      const index = Number(segment);
      if (!Number.isInteger(index) || index < 0) return undefined;
      current = current[index];
    } else {
      if (!Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

/** `output` + `summary` → `output.summary`; an empty path is just the root label. */
export function labelPath(root: string, path: string | undefined): string {
  return path ? `${root}.${path}` : root;
}
