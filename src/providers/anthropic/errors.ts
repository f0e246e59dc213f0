/**
 * Maps whatever the SDK throws to a ProviderError kind. Works on the error's shape (name, status,
 * type) rather than `instanceof`, so it needs no SDK import: an overload that arrives mid-stream is
 * a plain APIError with no status and `type === 'overloaded_error'`.
 */
import { ProviderError, type ProviderErrorKind } from '../types.js';
import { redactSecrets } from './secrets.js';

export interface ClassifyContext {
  model?: string;
  attempts?: number;
  /** Strings to scrub from the message (the API key). */
  secrets?: readonly string[];
}

interface ErrorShape {
  name?: unknown;
  status?: unknown;
  type?: unknown;
  apiMessage?: unknown;
  message?: unknown;
  error?: unknown;
}

const CONTEXT_OVERFLOW = /prompt is too long|context (window|length)|too many (input )?tokens|exceeds? the (model's )?(maximum )?context/i;

function errorType(shape: ErrorShape): string | undefined {
  if (typeof shape.type === 'string') return shape.type;
  // The parsed error body: { type: 'error', error: { type, message } }.
  const inner = (shape.error as { error?: { type?: unknown } } | undefined)?.error?.type;
  return typeof inner === 'string' ? inner : undefined;
}

function apiMessageOf(shape: ErrorShape): string {
  if (typeof shape.apiMessage === 'string' && shape.apiMessage) return shape.apiMessage;
  const inner = (shape.error as { error?: { message?: unknown } } | undefined)?.error?.message;
  if (typeof inner === 'string') return inner;
  return typeof shape.message === 'string' ? shape.message : String(shape);
}

function kindOf(shape: ErrorShape, status: number | undefined, type: string | undefined, text: string): ProviderErrorKind {
  const name = typeof shape.name === 'string' ? shape.name : '';
  if (name === 'APIConnectionTimeoutError') return 'timeout';
  if (name === 'APIConnectionError') return 'connection';
  if (type === 'overloaded_error' || status === 529) return 'overloaded';
  if (status === 429 || type === 'rate_limit_error') return 'rate_limit';
  if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error') return 'auth';
  if (status === 404 || type === 'not_found_error') return 'not_found';
  if (status === 408 || type === 'timeout_error') return 'timeout';
  if (status === 400 || status === 413 || status === 422 || type === 'invalid_request_error') {
    return CONTEXT_OVERFLOW.test(text) ? 'context_overflow' : 'bad_request';
  }
  return 'provider_error';
}

function describe(kind: ProviderErrorKind, status: number | undefined, type: string | undefined, text: string, context: ClassifyContext): string {
  const where = [status !== undefined ? `HTTP ${status}` : undefined, type].filter(Boolean).join(' ');
  const detail = where ? `${where}: ${text}` : text;
  switch (kind) {
    case 'not_found':
      return context.model
        ? `model "${context.model}" was not found (${detail}); check the model id or your access to it`
        : `not found (${detail})`;
    case 'auth':
      return `the Anthropic API rejected the credentials (${detail}); check ANTHROPIC_API_KEY`;
    case 'timeout':
      return `request timed out (${detail})`;
    case 'connection':
      return `could not reach the Anthropic API (${detail})`;
    default:
      return `Anthropic API ${kind}: ${detail}`;
  }
}

export function classifyAnthropicError(err: unknown, context: ClassifyContext = {}): ProviderError {
  if (err instanceof ProviderError) return err;
  const shape: ErrorShape = typeof err === 'object' && err !== null ? (err as ErrorShape) : { message: String(err) };
  const status = typeof shape.status === 'number' ? shape.status : undefined;
  const type = errorType(shape);
  const text = err instanceof SyntaxError ? `malformed response body (${err.message})` : apiMessageOf(shape);
  const kind = kindOf(shape, status, type, text);
  const message = redactSecrets(describe(kind, status, type, text, context), context.secrets);
  return new ProviderError(kind, message, {
    ...(context.attempts !== undefined && { attempts: context.attempts }),
    ...(status !== undefined && { status }),
    fatal: kind === 'auth' || kind === 'not_found',
    cause: err,
  });
}
