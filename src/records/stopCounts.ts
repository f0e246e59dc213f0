/**
 * How a cell's scored golden samples ended, for endings that look like answers (see stops.ts). Kept
 * apart from types.ts, with no imports, so the HTML report's browser script can use it too.
 */
export interface StopCounts {
  /** Answers the model refused (`stop_reason: refusal`), and by the category the API gave. */
  refusals: number;
  refusalCategories: Record<string, number>;
  /** Answers cut at max_tokens. */
  maxTokens: number;
  /** Context-window stops: the model's (`model_context_window_exceeded`) and the local guard's. */
  contextWindow: number;
}
