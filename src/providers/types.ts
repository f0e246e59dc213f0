/**
 * The provider contract: `generate(request, context) → generation`. Shapes follow the Claude
 * Messages API (system text, user/assistant turns, max_tokens, stop sequences, usage with cache
 * reads and writes) so the Anthropic provider is a thin mapping, while replay, function and the
 * cross-cutting layers (cache, record, pacing, budget) stay SDK-free.
 */

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** What a rendered prompt asks of a model. Everything here is part of the replay/cache key. */
export interface GenerationRequest {
  model: string;
  system?: string;
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

export interface Generation {
  /** The answer: all text blocks joined. */
  text: string;
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
}

export interface GenerateContext {
  signal: AbortSignal;
  /** 0-based repeat index: part of the replay and cache key so repeats stay independent. */
  repeat: number;
  caseId: string;
  /** The case's variables, for function providers that test the user's own code. */
  vars: Record<string, unknown>;
  promptId: string;
  promptVersion: string;
}

export interface Provider {
  /** Stable id, e.g. `replay`, `anthropic`, `function:myApp`: part of cache keys. */
  readonly id: string;
  generate(request: GenerationRequest, context: GenerateContext): Promise<Generation>;
  /** Release sockets, flush files. */
  close?(): Promise<void>;
}

/**
 * Why a sample produced no generation. `rate_limit … provider_error` are infrastructure failures
 * (exit 3); `context_overflow`, `bad_request` and `refusal` are outcomes of the prompt itself.
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
]);

export function isInfrastructureKind(kind: string): boolean {
  return INFRASTRUCTURE_KINDS.has(kind as ProviderErrorKind);
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly attempts: number | undefined;
  readonly status: number | undefined;
  /** True when continuing the run is pointless (bad key, unknown model): the engine stops early. */
  readonly fatal: boolean;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { attempts?: number; status?: number; fatal?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.attempts = options.attempts;
    this.status = options.status;
    this.fatal = options.fatal ?? false;
  }
}
