/**
 * The chaos operator contract: a pure function of (text, seeded rng, context) that returns the
 * mutated text, whether it actually changed, and short human descriptions of what it did.
 */
import type { Rng } from './random.js';

export type ChaosFamily = 'invisible' | 'noise' | 'encoding' | 'injection' | 'structure' | 'size';

export interface OperatorContext {
  /** The model's context window in tokens (padding operators measure against it; default 200 000). */
  contextWindowTokens?: number;
  estimateTokens(text: string): number;
  /**
   * The canary injection operators must plant. Generation passes one per variant so that every
   * mutated field of a case carries the same canary; when absent the operator draws its own.
   */
  canary?: string;
  /** Name of the variable being mutated (used to forge a matching closing tag). */
  field?: string;
}

export interface OperatorResult {
  text: string;
  /** Exactly `text !== input`. */
  changed: boolean;
  /** Short descriptions of the edits: "inserted 3 zero-width spaces at 4, 17, 30". Empty when unchanged. */
  ops: string[];
  /** The token the injected instruction asks the model to output. */
  canary?: string;
}

export interface ChaosOperator {
  name: string;
  family: ChaosFamily;
  description: string;
  /** What must still hold for the model's answer to the mutated input. */
  property: string;
  /**
   * Left out when a suite does not name its operators: each call costs up to a whole context
   * window of input tokens, which nobody should pay for by default.
   */
  optIn?: boolean;
  /** True when the result does not depend on the rng (the same for every seed). */
  deterministic?: boolean;
  /**
   * Set by operators that only add invisible characters or re-encode: removing the characters
   * matched by `strip` (if any) from input and output leaves two strings with the same NFKC form.
   */
  keepsSkeleton?: { strip?: RegExp };
  apply(text: string, rng: Rng, ctx: OperatorContext): OperatorResult;
}

/** Builds a truthful result: `changed` is computed, and descriptions are dropped when nothing changed. */
export function outcome(input: string, text: string, ops: string[], canary?: string): OperatorResult {
  const changed = text !== input;
  const result: OperatorResult = { text, changed, ops: changed ? ops : [] };
  if (canary !== undefined && changed) result.canary = canary;
  return result;
}

export const DEFAULT_CONTEXT_WINDOW_TOKENS = 200_000;


