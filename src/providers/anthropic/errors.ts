/**
 * Maps whatever the SDK throws to a ProviderError kind. Works on the error's shape (name, status,
 * type, errorCode) rather than `instanceof`, so it needs no SDK import: an overload that arrives
 * mid-stream is a plain APIError with no status and `type === 'overloaded_error'`, and a spend
 * limit is a 429 told apart from a rate limit only by its `error.details.error_code`.
 */
import { ProviderError, type ProviderErrorKind } from '../types.js';
import { ACCOUNT_ERROR_CODES, retryAfterMsOf } from './attempts.js';
import { redactSecrets } from './secrets.js';

export interface ClassifyContext {
  model?: string;
  attempts?: number;
  /** Strings to scrub from the message (the API key). */
  secrets?: readonly string[];
  /** The longest retry-after the run waits: a 429 asking for more is reported as not waited out. */
  maxRetryWaitMs?: number;
}

interface ErrorShape {
  name?: unknown;
  status?: unknown;
  type?: unknown;
  errorCode?: unknown;
  requestID?: unknown;
  headers?: unknown;
  apiMessage?: unknown;
  message?: unknown;
  error?: unknown;
  cause?: unknown;
}

const CONTEXT_OVERFLOW = /prompt is too long|context (window|length)|too many (input )?tokens|exceeds? the (model's )?(maximum )?context/i;
/** How undici and Node report a connection closed under a response: `terminated`, `other side closed`, resets. */
const CONNECTION_CUT = /\bterminated\b|other side closed|socket hang up|ECONNRESET|UND_ERR_SOCKET|EPIPE/i;

function errorType(shape: ErrorShape): string | undefined {
  if (typeof shape.type === 'string') return shape.type;
  // The parsed error body: { type: 'error', error: { type, message } }.
  const inner = (shape.error as { error?: { type?: unknown } } | undefined)?.error?.type;
  return typeof inner === 'string' ? inner : undefined;
}

function errorCodeOf(shape: ErrorShape): string | undefined {
  if (typeof shape.errorCode === 'string') return shape.errorCode;
  const inner = (shape.error as { error?: { details?: { error_code?: unknown } } } | undefined)?.error?.details?.error_code;
  return typeof inner === 'string' ? inner : undefined;
}

function apiMessageOf(shape: ErrorShape): string {
  if (typeof shape.apiMessage === 'string' && shape.apiMessage) return shape.apiMessage;
  const inner = (shape.error as { error?: { message?: unknown } } | undefined)?.error?.message;
  if (typeof inner === 'string') return inner;
  return typeof shape.message === 'string' ? shape.message : String(shape);
}

/** The error and its causes, outermost first (the SDK wraps the fetch failure in APIConnectionError). */
function causeChain(shape: ErrorShape): ErrorShape[] {
  const chain: ErrorShape[] = [];
  let current: unknown = shape;
  while (typeof current === 'object' && current !== null && chain.length < 5) {
    chain.push(current as ErrorShape);
    current = (current as ErrorShape).cause;
  }
  return chain;
}

function isConnectionCut(shape: ErrorShape): boolean {
  if (shape instanceof SyntaxError) return false;
  return causeChain(shape).some((link) => {
    const code = (link as { code?: unknown }).code;
    return link.name === 'BodyCutError' || (typeof code === 'string' && CONNECTION_CUT.test(code)) || (typeof link.message === 'string' && CONNECTION_CUT.test(link.message));
  });
}

/** An account-level failure: every request would fail the same way until a person fixes billing. */
export function isAccountError(status: number | undefined, type: string | undefined, code: string | undefined): boolean {
  return status === 402 || type === 'billing_error' || (code !== undefined && ACCOUNT_ERROR_CODES.has(code));
}

function kindOf(shape: ErrorShape, status: number | undefined, type: string | undefined, code: string | undefined, text: string): ProviderErrorKind {
  const name = typeof shape.name === 'string' ? shape.name : '';
  if (name === 'APIConnectionTimeoutError') return 'timeout';
  // The SDK wraps what broke the stream's body in an AnthropicError: the stall is its cause.
  if (causeChain(shape).some((link) => link.name === 'StreamStalledError')) return 'timeout';
  if (name === 'APIConnectionError') return 'connection';
  if (isAccountError(status, type, code)) return 'account';
  if (type === 'overloaded_error' || status === 529) return 'overloaded';
  if (status === 429 || type === 'rate_limit_error') return 'rate_limit';
  if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error') return 'auth';
  if (status === 404 || type === 'not_found_error') return 'not_found';
  if (status === 408 || type === 'timeout_error') return 'timeout';
  if (status === 400 || status === 413 || status === 422 || type === 'invalid_request_error') {
    return CONTEXT_OVERFLOW.test(text) ? 'context_overflow' : 'bad_request';
  }
  if (status === undefined && isConnectionCut(shape)) return 'connection';
  return 'provider_error';
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function describe(kind: ProviderErrorKind, status: number | undefined, type: string | undefined, code: string | undefined, text: string, context: ClassifyContext, retryAfterMs: number | undefined): string {
  const where = [status !== undefined ? `HTTP ${status}` : undefined, type, code].filter(Boolean).join(' ');
  const detail = where ? `${where}: ${text}` : text;
  switch (kind) {
    case 'not_found':
      return context.model
        ? `model "${context.model}" was not found (${detail}); check the model id or your access to it`
        : `not found (${detail})`;
    case 'auth':
      return `the Anthropic API rejected the credentials (${detail}); check ANTHROPIC_API_KEY`;
    case 'account':
      return `the Anthropic account cannot be billed (${detail}); every request would fail the same way: fix the spend limit or billing in the Claude Console, then --resume`;
    case 'timeout':
      return `request timed out (${detail})`;
    case 'connection':
      return `could not reach the Anthropic API or the connection dropped (${detail})`;
    default:
      if (retryAfterMs !== undefined && context.maxRetryWaitMs !== undefined && retryAfterMs > context.maxRetryWaitMs) {
        return `Anthropic API ${kind}: the API asked to wait ${seconds(retryAfterMs)} before retrying, longer than this run waits (maxRetryWaitMs ${seconds(context.maxRetryWaitMs)}); not retried (${detail})`;
      }
      return `Anthropic API ${kind}: ${detail}`;
  }
}

function causeText(shape: ErrorShape): string | undefined {
  const cause = causeChain(shape)[1];
  return typeof cause?.message === 'string' && cause.message ? cause.message : undefined;
}

/**
 * The wait the answer asked for: always kept for a rate limit; for any other retried failure
 * (529, 5xx) only when it was longer than the run waits, which is why it was not retried.
 */
function askedWaitMs(kind: ProviderErrorKind, shape: ErrorShape, context: ClassifyContext): number | undefined {
  if (!(shape.headers instanceof Headers)) return undefined;
  const asked = retryAfterMsOf(shape.headers);
  if (kind === 'rate_limit' || asked === undefined) return asked;
  // An error event inside a 200 stream: the headers are the stream's, not a retry answer.
  if (typeof shape.status !== 'number') return undefined;
  return context.maxRetryWaitMs !== undefined && asked > context.maxRetryWaitMs ? asked : undefined;
}

export function classifyAnthropicError(err: unknown, context: ClassifyContext = {}): ProviderError {
  if (err instanceof ProviderError) return err;
  const shape: ErrorShape = typeof err === 'object' && err !== null ? (err as ErrorShape) : { message: String(err) };
  const status = typeof shape.status === 'number' ? shape.status : undefined;
  const type = errorType(shape);
  const code = errorCodeOf(shape);
  let text = err instanceof SyntaxError ? `malformed response body (${err.message})` : apiMessageOf(shape);
  const cause = causeText(shape);
  if (shape.name === 'APIConnectionError' && cause) text = `${text} ${cause}`;
  const kind = kindOf(shape, status, type, code, text);
  const retryAfterMs = askedWaitMs(kind, shape, context);
  const requestId = typeof shape.requestID === 'string' && shape.requestID ? shape.requestID : undefined;
  const message = redactSecrets(describe(kind, status, type, code, text, context, retryAfterMs), context.secrets);
  return new ProviderError(kind, message, {
    ...(context.attempts !== undefined && { attempts: context.attempts }),
    ...(status !== undefined && { status }),
    ...(code !== undefined && { code }),
    ...(requestId !== undefined && { requestId }),
    ...(retryAfterMs !== undefined && { retryAfterMs: Math.round(retryAfterMs) }),
    fatal: kind === 'auth' || kind === 'not_found' || kind === 'account',
    cause: err,
  });
}
