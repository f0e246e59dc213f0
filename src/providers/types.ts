/**
 * The provider contract: `generate(request, context) → generation`. Shapes follow the Claude
 * Messages API (system text, user/assistant turns, max_tokens, stop sequences, usage with cache
 * reads and writes) so the Anthropic provider is a thin mapping, while replay, function and the
 * cross-cutting layers (cache, record, pacing, budget) stay SDK-free.
 */

/**
 * Prompt caching: the request up to and including the marked block is cacheable (`5m` by default,
 * `1h` for long runs such as batches). At most four marks per request.
 */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface TextBlock {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
}

/**
 * Where a document's or image's bytes come from: base64 data (PDF, images) or plain text. `sha256`
 * (of the decoded bytes, or of the UTF-8 text) and `bytes` identify the content in replay keys,
 * recordings and prompt stores, so none of them holds the data itself; the renderer fills them in.
 */
export interface BinarySource {
  type: 'base64';
  mediaType: string;
  data: string;
  sha256?: string;
  bytes?: number;
}

export interface PlainTextSource {
  type: 'text';
  mediaType: 'text/plain';
  data: string;
  sha256?: string;
  bytes?: number;
}

export interface DocumentBlock {
  type: 'document';
  source: BinarySource | PlainTextSource;
  title?: string;
  context?: string;
  /** Ask the model to cite passages of this document. */
  citations?: boolean;
  cacheControl?: CacheControl;
}

export interface ImageBlock {
  type: 'image';
  source: BinarySource;
  cacheControl?: CacheControl;
}

/** A tool call of an earlier assistant turn (multi-step conversations; see `ToolResultBlock`). */
export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
  cacheControl?: CacheControl;
}

/**
 * The result of a tool call, sent back in a user turn so the model can continue. promptgold
 * evaluates one step (no tool loop), but a request may carry results from an earlier step.
 */
export interface ToolResultBlock {
  type: 'tool_result';
  toolUseId: string;
  content?: string | Array<TextBlock | ImageBlock | DocumentBlock>;
  isError?: boolean;
  cacheControl?: CacheControl;
}

export type ContentBlock = TextBlock | DocumentBlock | ImageBlock | ToolUseBlock | ToolResultBlock;

export interface ChatMessage {
  role: 'user' | 'assistant';
  /** A plain string, or content blocks (text, documents, images, tool calls and results). */
  content: string | ContentBlock[];
}

/** A tool the model may call: its input is described by a JSON Schema (type object). */
export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  cacheControl?: CacheControl;
}

/** How the model may use the tools: `auto` (default), `any` tool, one named `tool`, or `none`. */
export type ToolChoice =
  | { type: 'auto'; disableParallelToolUse?: boolean }
  | { type: 'any'; disableParallelToolUse?: boolean }
  | { type: 'tool'; name: string; disableParallelToolUse?: boolean }
  | { type: 'none' };

/** What a rendered prompt asks of a model. Everything here is part of the replay/cache key. */
export interface GenerationRequest {
  model: string;
  /** System text, or system text blocks (some of them marked for prompt caching). */
  system?: string | TextBlock[];
  messages: ChatMessage[];
  maxTokens: number;
  stopSequences?: string[];
  /**
   * Extra model parameters from the template (temperature, top_p, thinking, effort …). A provider
   * drops the ones a model rejects and reports them in `Generation.droppedParams`.
   */
  params?: Record<string, unknown>;
  /** JSON Schema the answer must follow (structured output), from the template's `output`. */
  outputSchema?: Record<string, unknown>;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /**
   * Stream the answer (server-sent events): set by the template or suite, or by the engine for a
   * `max_tokens` too large to wait for (see `providers/streaming.ts`). Time to first token is
   * measured only on streamed answers.
   */
  stream?: boolean;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens?: number;
  cacheReadInputTokens?: number;
  /** Cache writes split by TTL, when the API reports them. */
  cacheCreation5mInputTokens?: number;
  cacheCreation1hInputTokens?: number;
  serviceTier?: 'standard' | 'priority' | 'batch' | string;
  /** Output tokens spent on thinking (part of outputTokens), when the API reports them. */
  thinkingTokens?: number;
  /** `fast` when the answer ran in fast mode (priced with the table's multiplier); absent for standard. */
  speed?: string;
  /** Where inference ran when not global (`us`): priced with the table's multiplier. */
  inferenceGeo?: string;
}

export type StopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded'
  | (string & {});

/** A tool the model asked to call (`tool_use` block): its name and input, in the order the answer gave them. */
export interface ToolCall {
  /** The API's `tool_use` id, when there is one (needed to send a tool result back). */
  id?: string;
  name: string;
  input: unknown;
}

export interface Generation {
  /** The answer: all text blocks joined. */
  text: string;
  /** Tool calls the answer made, in order (absent when none). */
  toolCalls?: ToolCall[];
  stopReason: StopReason;
  /** For a refusal: the category the API gave, if any. */
  stopDetails?: Record<string, unknown>;
  usage?: TokenUsage;
  /** Cost in USD of this generation, computed from usage and the price table. */
  costUsd?: number;
  latencyMs: number;
  /** How many HTTP attempts it took (1 = no retry). */
  attempts?: number;
  /** Parameters the template asked for that the model does not accept and were not sent. */
  droppedParams?: string[];
  /** The model id that actually answered, when the provider says. */
  model?: string;
  /** True when served from the response cache: left out of latency and cost totals. */
  cached?: boolean;
  /** Provider-specific response, kept for recordings; never contains credentials. */
  raw?: unknown;
  /** The model's thinking text (all thinking blocks joined), when it returned any: not part of `text`. */
  thinking?: string;
  /** The stop sequence that ended the answer, for `stopReason: stop_sequence`. */
  stopSequence?: string;
  /** The API's request id (`request-id` header), for support tickets. */
  requestId?: string;
  /** Date of the price table `costUsd` was computed with. */
  pricesAsOf?: string;
  /** The answer was streamed. */
  streamed?: boolean;
  /** Streamed answers: ms from sending the request to the first streamed content (thinking, text or tool input). */
  ttftMs?: number;
  /**
   * What prompt caching saved on this answer, in USD: cache reads priced at the input rate minus
   * what they cost, less the premium paid for cache writes (negative when writes were not reused).
   * Absent when the answer neither read nor wrote the cache.
   */
  cacheSavedUsd?: number;
}

/**
 * The per-sample deadline, as the engine runs it. A provider that queues requests (a rate limiter,
 * concurrency slots, token counting) pauses it while queued and starts it when the request is
 * sent, so time spent waiting for its turn never counts against the sample.
 */
export interface SampleDeadline {
  /** The request is waiting in the provider's own queue: the deadline does not run. */
  pause(): void;
  /**
   * The request is being sent: the deadline (re)starts now and lasts at least `minimumMs`, the
   * time the provider's own retries may take (attempts × per-attempt timeout + retry waits).
   */
  start(minimumMs?: number): void;
}

export interface GenerateContext {
  signal: AbortSignal;
  /** Absent outside the engine (tests, direct calls): there is then no deadline to manage. */
  deadline?: SampleDeadline;
  /** 0-based repeat index: part of the replay and cache key so repeats stay independent. */
  repeat: number;
  caseId: string;
  /** The case's variables, for function providers that test the user's own code. */
  vars: Record<string, unknown>;
  promptId: string;
  promptVersion: string;
  /**
   * Whether an answer may be stored in the response cache and served from it. A judge sets it so
   * an answer it cannot use (a refusal, bad JSON) is neither kept nor read back: asking again,
   * as `--retry-errors` does, gets a new answer. Absent: every answer is cacheable.
   */
  cacheable?: (generation: Generation) => boolean;
}

export interface Provider {
  /** Stable id, e.g. `replay`, `anthropic`, `function:myApp`: part of cache keys. */
  readonly id: string;
  generate(request: GenerationRequest, context: GenerateContext): Promise<Generation>;
  /** Release sockets, flush files. */
  close?(): Promise<void>;
}

/**
 * Why a sample produced no generation. `rate_limit … account` are infrastructure failures
 * (exit 3); `context_overflow`, `bad_request`, `refusal` and `bad_output` are outcomes of the
 * prompt itself.
 */
export type ProviderErrorKind =
  | 'rate_limit'
  | 'overloaded'
  | 'timeout'
  | 'connection'
  | 'auth'
  | 'not_found'
  | 'replay_miss'
  | 'provider_error'
  /** The account cannot be billed: spend limit reached, billing error, organization on hold. */
  | 'account'
  | 'context_overflow'
  | 'bad_request'
  | 'refusal'
  | 'bad_output'
  | 'budget';

const INFRASTRUCTURE_KINDS: ReadonlySet<ProviderErrorKind> = new Set<ProviderErrorKind>([
  'rate_limit',
  'overloaded',
  'timeout',
  'connection',
  'auth',
  'not_found',
  'replay_miss',
  'provider_error',
  'account',
]);

export function isInfrastructureKind(kind: string): boolean {
  return INFRASTRUCTURE_KINDS.has(kind as ProviderErrorKind);
}

/** Error codes of batch requests that never ran (nothing billed): `--resume` sends them again. */
export const BATCH_EXPIRED = 'batch_expired';
export const BATCH_CANCELED = 'batch_canceled';
/** A request of an ended batch whose results had no line for it: it may never have run. */
export const BATCH_MISSING = 'batch_missing';

/**
 * Samples that did not finish and that `--resume` runs: skipped for the budget (before their
 * answer, or before their judge), or a batch request that expired or was canceled. Every other
 * recorded sample is finished.
 */
export function isResumableError(error: { kind: string; code?: string } | undefined): boolean {
  if (!error) return false;
  return error.kind === 'budget' || error.code === BATCH_EXPIRED || error.code === BATCH_CANCELED || error.code === BATCH_MISSING;
}

/** The budget's refusal to send a request (see withBudget): nothing was sent or billed. */
export function isBudgetRefusal(error: unknown): error is ProviderError {
  return error instanceof ProviderError && error.kind === 'budget';
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly attempts: number | undefined;
  readonly status: number | undefined;
  /**
   * True when continuing the run is pointless (bad key, unknown model, an account that cannot be
   * billed, the same 400 again and again): the engine stops early.
   */
  readonly fatal: boolean;
  /** The API's stable error code (`error.details.error_code`), e.g. `enforced_spend_limit_reached`. */
  readonly code: string | undefined;
  /** The API's request id of the failed attempt. */
  readonly requestId: string | undefined;
  /**
   * For a rate limit: how long the API asked to wait (retry-after), in ms. For another retried
   * failure (529, 5xx): the wait it asked for, when that was longer than the run waits.
   */
  readonly retryAfterMs: number | undefined;
  /**
   * The answer itself, when the error is about it (`bad_output`: it breaks the output schema): it
   * was given and billed, so the sample keeps its text, usage and cost, and the budget counts it.
   */
  readonly generation: Generation | undefined;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: {
      attempts?: number;
      status?: number;
      fatal?: boolean;
      cause?: unknown;
      code?: string;
      requestId?: string;
      retryAfterMs?: number;
      generation?: Generation;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.attempts = options.attempts;
    this.status = options.status;
    this.fatal = options.fatal ?? false;
    this.code = options.code;
    this.requestId = options.requestId;
    this.retryAfterMs = options.retryAfterMs;
    this.generation = options.generation;
  }
}
