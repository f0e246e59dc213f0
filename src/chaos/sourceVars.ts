/**
 * The vars of each chaos case's source, by chaos case (the source's own object, not a copy): a run
 * renders the source's request with them to tell whether a mutation changed the chaos sample's
 * request at all. Kept beside the case, not in it, so nothing that writes a case out (the
 * `chaos --out` preview) writes them; an entry lives as long as its chaos case. A module of its own
 * so the engine reads it without loading the operators.
 */
import type { GoldenCase } from '../datasets/types.js';

const SOURCE_VARS = new WeakMap<GoldenCase, Readonly<Record<string, unknown>>>();

export function keepSourceVars(chaosCase: GoldenCase, vars: Readonly<Record<string, unknown>>): void {
  SOURCE_VARS.set(chaosCase, vars);
}

/** The vars of the golden case a chaos case was made from; undefined for a case chaos generation did not make. */
export function sourceVarsOf(chaosCase: GoldenCase): Readonly<Record<string, unknown>> | undefined {
  return SOURCE_VARS.get(chaosCase);
}
