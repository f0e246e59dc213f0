/**
 * Message Batches (half price, results within 24 h) for large runs. The engine submits, keeps each
 * accepted batch id in the run folder as soon as the API accepts it (`onSubmitted`, one chunk at a
 * time), and on resume calls `waitFor` / `results` again without re-submitting. Results arrive out
 * of order and are matched by custom id. A request the batch never ran (`expired`, `canceled`)
 * comes back as a resumable error: `--resume` sends it again.
 */
import { sha256Hex, stableStringify } from '../../canonical.js';
import { abortableSleep } from '../pacing.js';
import { estimateInputTokens } from '../tokens.js';
import { BATCH_CANCELED, BATCH_EXPIRED, ProviderError, type Generation, type GenerationRequest, type ProviderErrorKind } from '../types.js';
import { DEFAULT_MAX_RETRY_WAIT_MS, lazySdkHandle, assertKeyAvailable, checkTimerOptions, oneTimeWarnings, type AnthropicProviderOptions } from './client.js';
import { classifyAnthropicError } from './errors.js';
import { BadRequestStreak, DEFAULT_IDENTICAL_BAD_REQUESTS } from './badRequestStreak.js';
import { countTokensBody, inputLimitsOf, mustCountTokens, requestRefusal, type InputTokens } from './inputGuard.js';
import { modelFactsResolver, warnIfDeprecated } from './modelFacts.js';
import { buildMessageParams, droppedParamsOf } from './params.js';
import { generationFromMessage, type ApiMessage } from './response.js';
import { checkStructuredOutput } from './structured.js';

export const MAX_REQUESTS_PER_BATCH = 100_000;
export const MAX_BATCH_BYTES = 256 * 1024 * 1024;

export interface BatchItem {
  customId: string;
  request: GenerationRequest;
}

export interface BatchResult {
  customId: string;
  generation?: Generation;
  error?: ProviderError;
}

export interface BatchCounts {
  processing: number;
  succeeded: number;
  errored: number;
  canceled: number;
  expired: number;
}

export interface BatchProgress {
  batches: { id: string; status: string; counts: BatchCounts }[];
  /** Summed over all batches. */
  counts: BatchCounts;
  endedBatches: number;
}

export interface BatchClientOptions extends AnthropicProviderOptions {
  /** Chunk limits; the API's own limits by default (lower them in tests). */
  maxRequestsPerBatch?: number;
  maxBatchBytes?: number;
}

export interface SubmitOptions {
  /**
   * Called with each batch id as soon as the API accepted its chunk, and awaited before the next
   * chunk is sent: persist it there, so a failure or a kill later never loses an accepted batch.
   */
  onSubmitted?: (batchId: string, customIds: string[]) => void | Promise<void>;
}

export interface ResultsOptions {
  /** The request of a custom id: its droppedParams are recorded and its output schema checked. */
  requestOf?: (customId: string) => GenerationRequest | undefined;
}

export interface BatchClient {
  /**
   * The live provider's refusals before sending (see refusals in createBatchClient), by custom id,
   * and the errors counting tokens met; throws a fatal one (a retired model, a rejected key), which
   * stops the live run too. When `signal` aborts, counting stops: the requests not yet counted are not refused (the caller sends nothing then).
   */
  refusals(items: BatchItem[], signal?: AbortSignal): Promise<Map<string, ProviderError>>;
  submit(items: BatchItem[], options?: SubmitOptions): Promise<string[]>;
  waitFor(batchIds: string[], options?: { pollMs?: number; onProgress?: (progress: BatchProgress) => void; signal?: AbortSignal }): Promise<void>;
  results(batchIds: string[], options?: ResultsOptions): AsyncIterable<BatchResult>;
}



/** Thrown when a later chunk fails after earlier ones were accepted: those ids must not be lost. */
export class BatchSubmitError extends ProviderError {
  constructor(
    cause: ProviderError,
    readonly submittedBatchIds: string[],
  ) {
    super(cause.kind, `${cause.message} (batches already submitted: ${submittedBatchIds.join(', ') || 'none'})`, {
      ...(cause.status !== undefined && { status: cause.status }),
      fatal: cause.fatal,
      cause,
    });
    this.name = 'BatchSubmitError';
  }
}

interface BatchLine {
  custom_id: string;
  params: Record<string, unknown>;
}

/** Splits request lines into batches that respect both the count and the serialized-size limit. */
export function chunkBatchLines(lines: BatchLine[], maxRequests: number, maxBytes: number): BatchLine[][] {
  const envelope = Buffer.byteLength('{"requests":[]}');
  const chunks: BatchLine[][] = [];
  let current: BatchLine[] = [];
  let bytes = envelope;
  for (const line of lines) {
    const size = Buffer.byteLength(JSON.stringify(line)) + 1;
    if (envelope + size > maxBytes) {
      throw new ProviderError('bad_request', `batch request ${line.custom_id} alone is ${size} bytes, over the ${maxBytes}-byte batch limit`);
    }
    if (current.length > 0 && (current.length >= maxRequests || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = envelope;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function emptyCounts(): BatchCounts {
  return { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
}

const ERROR_KINDS: Record<string, ProviderErrorKind> = {
  invalid_request_error: 'bad_request',
  authentication_error: 'auth',
  permission_error: 'auth',
  not_found_error: 'not_found',
  rate_limit_error: 'rate_limit',
  overloaded_error: 'overloaded',
  timeout_error: 'timeout',
  api_error: 'provider_error',
};

/**
 * A non-succeeded batch result → ProviderError with a kind. `expired` and `canceled` requests never
 * ran (nothing billed): they carry a code that makes them resumable. An `errored` one is classified
 * like a live error, with its error code.
 */
export function batchResultError(customId: string, result: { type: string; error?: unknown }): ProviderError {
  if (result.type === 'canceled') {
    return new ProviderError('provider_error', `batch request ${customId} was canceled before it ran; --resume sends it again`, { code: BATCH_CANCELED });
  }
  if (result.type === 'expired') {
    return new ProviderError('timeout', `batch request ${customId} expired: the batch did not reach it within 24 hours; --resume sends it again`, {
      code: BATCH_EXPIRED,
    });
  }
  const inner = (result.error as { error?: { type?: string; message?: string; details?: { error_code?: unknown } } } | undefined)?.error;
  const code = typeof inner?.details?.error_code === 'string' ? inner.details.error_code : undefined;
  const classified = classifyAnthropicError({ type: inner?.type, errorCode: code, message: inner?.message ?? 'errored', name: 'BatchError' });
  const kind = classified.kind === 'provider_error' ? (ERROR_KINDS[inner?.type ?? ''] ?? 'provider_error') : classified.kind;
  return new ProviderError(kind, `batch request ${customId} errored: ${inner?.type ?? 'error'}: ${inner?.message ?? 'no message'}`, {
    fatal: classified.fatal,
    ...(code !== undefined && { code }),
  });
}

/** Which request a refusal is for, in the streak of identical ones: repeats share their request. */
function requestKeyOf(request: GenerationRequest): string {
  return sha256Hex(stableStringify(request));
}

export function createBatchClient(options: BatchClientOptions): BatchClient {
  assertKeyAvailable(options.apiKey);
  checkTimerOptions(options);
  const sdk = lazySdkHandle(options);
  const factsOf = modelFactsResolver(options, sdk);
  const warn = oneTimeWarnings(options);
  const maxRequests = Math.min(options.maxRequestsPerBatch ?? MAX_REQUESTS_PER_BATCH, MAX_REQUESTS_PER_BATCH);
  const maxBytes = Math.min(options.maxBatchBytes ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES);

  /**
   * The requests the live provider would refuse unsent, refused before the batch is, by the same
   * guard (see inputGuard.ts) against the same model facts (models.retrieve over the table). A
   * prompt is counted (count_tokens) once per distinct request: repeats share their count, and a
   * count that fails is that request's error, as it is the live sample's. What stops a live run
   * stops the batch before anything is sent: a fatal refusal (a retired model, a count answered
   * with a rejected key), or the same 400 for stopAfterIdenticalBadRequests different requests in
   * a row (in plan order; a request the guard lets through breaks the streak, as an answer does live).
   * A deprecated model is warned of once, as live.
   */
  async function refusals(items: BatchItem[], signal?: AbortSignal): Promise<Map<string, ProviderError>> {
    const refused = new Map<string, ProviderError>();
    const streak = new BadRequestStreak(options.stopAfterIdenticalBadRequests ?? DEFAULT_IDENTICAL_BAD_REQUESTS);
    let last: { request: GenerationRequest; problem: ProviderError | undefined } | undefined;
    for (const { customId, request } of items) {
      if (signal?.aborted) break;
      if (last?.request !== request) {
        last = { request, problem: await refusalOf(request, streak, signal) };
        if (last.problem?.fatal) throw last.problem;
        if (!last.problem) streak.reset();
      }
      if (last.problem) refused.set(customId, last.problem);
    }
    return refused;
  }

  async function refusalOf(request: GenerationRequest, streak: BadRequestStreak, signal?: AbortSignal): Promise<ProviderError | undefined> {
    const facts = await factsOf(request.model);
    warnIfDeprecated(request.model, facts, warn);
    const { client, apiKey, outputFormat } = await sdk();
    // As live: an output schema that cannot be sent stops the run here, before the batch is.
    const { body } = buildMessageParams(request, facts.info, outputFormat);
    const limits = inputLimitsOf(options, facts);
    const estimate = estimateInputTokens(request);
    let input: InputTokens = { tokens: estimate, exact: false };
    if (mustCountTokens(estimate, limits)) {
      type CountBody = Parameters<typeof client.messages.countTokens>[0];
      try {
        input = { tokens: (await client.messages.countTokens(countTokensBody(body) as CountBody, signal ? { signal } : undefined)).input_tokens, exact: true };
      } catch (error) {
        // Stopped while counting: not refused; the caller, seeing the signal, sends nothing.
        if (signal?.aborted) return undefined;
        // As live: this request's error (a 400 counted in the streak), unless it is fatal.
        const classified = classifyAnthropicError(error, { model: request.model, attempts: 0, secrets: [apiKey], maxRetryWaitMs: options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS });
        return streak.answer(classified, requestKeyOf(request));
      }
    }
    return requestRefusal(request, input, facts, limits, (message) => streak.failure(message, requestKeyOf(request)));
  }

  async function submit(items: BatchItem[], submitOptions: SubmitOptions = {}): Promise<string[]> {
    const { client, apiKey, outputFormat } = await sdk();
    const lines = items.map(({ customId, request }) => ({
      custom_id: customId,
      params: buildMessageParams(request, options.models.get(request.model), outputFormat).body,
    }));
    const ids: string[] = [];
    for (const chunk of chunkBatchLines(lines, maxRequests, maxBytes)) {
      let batchId: string;
      try {
        type CreateParams = Parameters<typeof client.messages.batches.create>[0];
        batchId = (await client.messages.batches.create({ requests: chunk } as unknown as CreateParams)).id;
      } catch (error) {
        const classified = classifyAnthropicError(error, { secrets: [apiKey] });
        throw ids.length > 0 ? new BatchSubmitError(classified, ids) : classified;
      }
      ids.push(batchId);
      await submitOptions.onSubmitted?.(batchId, chunk.map((line) => line.custom_id));
    }
    return ids;
  }

  async function waitFor(
    batchIds: string[],
    waitOptions: { pollMs?: number; onProgress?: (progress: BatchProgress) => void; signal?: AbortSignal } = {},
  ): Promise<void> {
    const { client, apiKey } = await sdk();
    const pollMs = waitOptions.pollMs ?? 30_000;
    const signal = waitOptions.signal;
    for (;;) {
      const progress: BatchProgress = { batches: [], counts: emptyCounts(), endedBatches: 0 };
      for (const id of batchIds) {
        let batch;
        try {
          batch = await client.messages.batches.retrieve(id, null, signal ? { signal } : undefined);
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          throw classifyAnthropicError(error, { secrets: [apiKey] });
        }
        const counts = { ...emptyCounts(), ...batch.request_counts };
        progress.batches.push({ id, status: batch.processing_status, counts });
        for (const key of Object.keys(progress.counts) as (keyof BatchCounts)[]) progress.counts[key] += counts[key];
        if (batch.processing_status === 'ended') progress.endedBatches += 1;
      }
      waitOptions.onProgress?.(progress);
      if (progress.endedBatches === batchIds.length) return;
      await abortableSleep(pollMs, signal);
    }
  }

  /** How long the batch took from submission to its end: the latency of each of its answers. */
  async function batchLatencyMs(id: string): Promise<number> {
    const { client } = await sdk();
    try {
      const batch = await client.messages.batches.retrieve(id);
      const created = Date.parse(batch.created_at);
      const ended = Date.parse(batch.ended_at ?? '');
      return Number.isFinite(created) && Number.isFinite(ended) ? Math.max(0, ended - created) : 0;
    } catch {
      return 0;
    }
  }

  function answerOf(customId: string, message: ApiMessage, latencyMs: number, resultsOptions: ResultsOptions): BatchResult {
    const request = resultsOptions.requestOf?.(customId);
    const model = request?.model ?? message.model ?? '';
    const info = options.models.get(model);
    const generation: Generation = {
      ...generationFromMessage(message, info, { batch: true, pricesAsOf: options.models.pricesAsOf }),
      latencyMs,
      attempts: 1,
    };
    if (request) {
      const droppedParams = droppedParamsOf(request, info);
      if (droppedParams.length > 0) generation.droppedParams = droppedParams;
      try {
        checkStructuredOutput(request.outputSchema, generation);
      } catch (error) {
        return { customId, error: error as ProviderError };
      }
    }
    return { customId, generation };
  }

  async function* results(batchIds: string[], resultsOptions: ResultsOptions = {}): AsyncIterable<BatchResult> {
    const { client, apiKey } = await sdk();
    for (const id of batchIds) {
      let lines;
      try {
        lines = await client.messages.batches.results(id);
      } catch (error) {
        throw classifyAnthropicError(error, { secrets: [apiKey] });
      }
      const latencyMs = await batchLatencyMs(id);
      for await (const line of lines) {
        const result = line.result as { type: string; message?: ApiMessage; error?: unknown };
        if (result.type === 'succeeded' && result.message) yield answerOf(line.custom_id, result.message, latencyMs, resultsOptions);
        else yield { customId: line.custom_id, error: batchResultError(line.custom_id, result) };
      }
    }
  }

  return { refusals, submit, waitFor, results };
}
