/**
 * When an answer streams. A non-streamed request must finish within one HTTP response, and the SDK
 * refuses to send one it expects to take over 10 minutes (its estimate: an hour per 128 000 output
 * tokens), so a request whose `max_tokens` could take longer streams. Everything else streams only
 * when the template or suite asks (`stream: true`). SDK-free: the engine decides with it, so the
 * decision is in the request (and its replay key) and the record says which answers streamed.
 */

/** The SDK's own estimate: an hour for 128 000 output tokens. */
const MS_PER_OUTPUT_TOKEN = (60 * 60 * 1000) / 128_000;
/** The SDK's own cap for a non-streamed request; above it, stream. */
export const NON_STREAMING_LIMIT_MS = 10 * 60 * 1000;

/** How long an answer of `maxTokens` may take to generate, by the SDK's estimate. */
export function expectedGenerationMs(maxTokens: number): number {
  return Math.ceil(MS_PER_OUTPUT_TOKEN * maxTokens);
}

/** Whether a request of this size must stream: a non-streamed one may take at most 10 minutes (max_tokens above 21 333). */
export function needsStreaming(maxTokens: number): boolean {
  return expectedGenerationMs(maxTokens) > NON_STREAMING_LIMIT_MS;
}

export type StreamingReason = 'asked' | 'large max_tokens' | 'not asked';

/**
 * The streaming decision for a request: what the template or suite asked (`stream: true|false`)
 * wins; otherwise a `max_tokens` above the non-streaming limit streams.
 */
export function streamingDecision(asked: boolean | undefined, maxTokens: number): { stream: boolean; reason: StreamingReason } {
  if (asked !== undefined) return { stream: asked, reason: asked ? 'asked' : 'not asked' };
  return needsStreaming(maxTokens) ? { stream: true, reason: 'large max_tokens' } : { stream: false, reason: 'not asked' };
}
