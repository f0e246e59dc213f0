import { sha256Hex, stableStringify } from '../canonical.js';

/**
 * The id of a case that has none in its file: a hash of its vars, so it stays the same across
 * reorderings of the file and pairs across runs as long as the inputs do not change.
 */
export function caseIdFromVars(vars: Record<string, unknown>): string {
  const digest = sha256Hex(stableStringify(vars));
  return `case-${digest.slice(0, 12)}`;
}
