/**
 * Dotted paths into parsed JSON (`summary`, `items.0.name`). Numeric segments index arrays; a
 * segment that does not resolve yields `undefined` rather than throwing, so a missing field is a
 * scored failure with a reason, not a crash.
 */

/** Split once at factory time so per-call lookups do no string work. */
export function parsePath(path: string): string[] {
  return path.split('.').filter((segment) => segment !== '');
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
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

/** `output` + `summary` → `output.summary`; an empty path is just the root label. */
export function labelPath(root: string, path: string | undefined): string {
  return path ? `${root}.${path}` : root;
}
