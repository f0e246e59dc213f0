import type { CaseSide, RepeatDetails } from './types.js';

/**
 * The side's per-repeat outputs, scores and stop reasons. A comparison made without them
 * (`repeatDetails: false`, for outputs that do not show them) throws here rather than showing a
 * case as if it had no outputs.
 */
export function repeatDetailsOf(side: CaseSide): RepeatDetails {
  const { outputs, scores, stopReasons } = side;
  if (!outputs || !scores || !stopReasons) throw new Error('this comparison was made without per-repeat details (repeatDetails: false): compare with them to show outputs and scores');
  return { outputs, scores, stopReasons };
}
