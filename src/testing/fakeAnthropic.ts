/**
 * A strict fake Claude Messages API on 127.0.0.1 for offline tests: the real SDK talks to it
 * through `baseURL` (or `ANTHROPIC_BASE_URL`). It validates requests the way the API does (unknown
 * fields, parameters a model rejects, max_tokens above the model's maximum, thinking settings,
 * structured-output schemas outside the supported subset → 400 with the API's error shape),
 * validates content the way the API does (turns and content blocks, documents and images, tools,
 * tool choice, prefill, cache marks), answers the way current models do (a thinking block, the
 * answer over several text blocks, tool calls, `model_context_window_exceeded`), keeps a prompt
 * cache (marked prefixes are written, then read back, per model and TTL), paces with per-family token buckets and `anthropic-ratelimit-*`
 * headers, serves count_tokens, batches and model lookups, injects scripted or seeded-random
 * faults, and logs every request so tests can prove retries, pacing and that nothing was lost or
 * sent twice.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MAX_REQUEST_BYTES } from '../prompts/attachments.js';
import { FakeBatchStore, batchCreateProblem, type BatchOutcome } from './fakeBatches.js';
import { FakePromptCache } from './fakeCache.js';
import { describeFault, randomFaultSource, type Fault, type FaultRates } from './fakeFaults.js';
import { DEFAULT_MIN_CACHEABLE_TOKENS, defaultFamilyLimits, fakeFamily, fakeModelsFromTable, lookupFakeModel, thinkingOf, type FakeModel, type FamilyLimits } from './fakeModels.js';
import { FamilyRateLimits } from './fakeRateLimits.js';
import {
  buildMessage,
  defaultReply,
  errorBody,
  errorTypeForStatus,
  fakePromptTokens,
  streamEvents,
  type FakeReply,
  type MessagesRequestBody,
} from './fakeResponses.js';
import { thinkingIsOn, validateRequest, type RequestProblem } from './fakeValidation.js';

export type { FakeModel } from './fakeModels.js';

export interface FakeAnthropicOptions {
  /** Delay before every answer (not before 429s from the rate limit). */
  latencyMs?: number;
  /**
   * A request rate enforced over a sliding one-second window on every route; excess requests get
   * 429 with `retry-after-ms`. The `requests` headers then state it per minute.
   */
  rateLimit?: { requestsPerSecond: number };
  /** Per-family limits per minute (`haiku-5`, `opus-4` …), over the realistic defaults. */
  rateLimits?: Record<string, Partial<FamilyLimits>>;
  respond?: (body: MessagesRequestBody) => FakeReply;
  /** Known models; defaults to every model of the shipped table. Unknown models get 404. */
  models?: Record<string, FakeModel>;
  /** When given, only these keys are accepted (others get 401). Any non-empty key otherwise. */
  validKeys?: string[];
  /** How long a batch stays `in_progress` (unless `endBatches()` ends it sooner). Default 50 ms. */
  batchProcessingMs?: number;
  batchOutcome?: (customId: string, params: MessagesRequestBody) => BatchOutcome;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Arrival time, epoch ms. */
  time: number;
  body: unknown;
  /** `ok`, `rate_limited`, `auth`, `not_found`, `invalid_request_error`, or the injected fault. */
  outcome?: string;
  status?: number;
  /** The `request-id` header of the answer. */
  requestId?: string;
  /** The client closed the connection before the answer was fully sent (it timed out or gave up). */
  clientAborted?: boolean;
}

export type FakeRoute = '/v1/messages' | '/v1/messages/count_tokens' | '/v1/messages/batches' | '/v1/models';

export interface FakeAnthropic {
  url: string;
  log: RequestLogEntry[];
  /** Queue faults for the next requests to `route`, one per request, in order. */
  script(route: FakeRoute, faults: Fault[]): void;
  /** From now on, draw a fault for every `/v1/messages` request from a seeded PRNG. */
  faultsAtRandom(seed: number, rates: FaultRates): void;
  /** Forget queued and random faults, the prompt cache and the log (between tests sharing one fake). */
  reset(): void;
  /** Ends every batch still `in_progress` now, whatever `batchProcessingMs` said: a test decides when a batch ends, not a clock. */
  endBatches(): void;
  close(): Promise<void>;
}

function routeOf(path: string): FakeRoute | undefined {
  if (path === '/v1/messages') return '/v1/messages';
  if (path === '/v1/messages/count_tokens') return '/v1/messages/count_tokens';
  if (path.startsWith('/v1/messages/batches')) return '/v1/messages/batches';
  if (path.startsWith('/v1/models/')) return '/v1/models';
  return undefined;
}

function hasKey(req: IncomingMessage, validKeys: string[] | undefined): boolean {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const headerKey = req.headers['x-api-key'];
  const key = bearer ?? (typeof headerKey === 'string' ? headerKey : undefined);
  if (!key) return false;
  return validKeys ? validKeys.includes(key) : true;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const NOT_JSON = Symbol('not json');

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The start of an answer that was stopped half-way (at least one character). */
function firstHalf(text: string): string {
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const models = options.models ?? fakeModelsFromTable();
  const respond = options.respond ?? defaultReply;
  const latencyMs = options.latencyMs ?? 0;
  const log: RequestLogEntry[] = [];
  const scripts = new Map<FakeRoute, Fault[]>();
  let randomFault: (() => Fault | undefined) | undefined;
  /** Arrival times of admitted requests within the last second (the `rateLimit` window). */
  let window: number[] = [];
  const sockets = new Set<Socket>();
  let baseUrl = '';
  let requestCounter = 0;
  const familyLimits = new FamilyRateLimits((family) => ({ ...defaultFamilyLimits(family), ...options.rateLimits?.[family] }));
  const promptCache = new FakePromptCache();

  function messageFor(body: MessagesRequestBody, id: string, model: FakeModel, reply: FakeReply): Record<string, unknown> {
    const display = (body.thinking as { display?: unknown } | undefined)?.display;
    return buildMessage(body, reply, {
      thinking: thinkingIsOn(body, model),
      thinkingOmitted: display === 'omitted',
      contextWindow: model.maxInputTokens,
      cache: promptCache.use(id.replace(/-\d{8}$/, ''), body, model.minCacheableTokens ?? DEFAULT_MIN_CACHEABLE_TOKENS),
    });
  }

  const batches = new FakeBatchStore({
    processingMs: options.batchProcessingMs ?? 50,
    resultOf: (customId, params) => {
      const outcome = options.batchOutcome?.(customId, params) ?? 'succeeded';
      if (outcome === 'canceled' || outcome === 'expired') return { type: outcome };
      const problem = outcome === 'errored' ? invalid(`request ${customId} is invalid`) : (validateRequest(params, models, 'messages') ?? promptTooLong(params));
      if (problem) return { type: 'errored', error: errorBody(problem.type, problem.message) };
      const model = lookupFakeModel(models, params.model)!;
      const message = messageFor(params, String(params.model), model, respond(params));
      return { type: 'succeeded', message: { ...message, usage: { ...(message.usage as object), service_tier: 'batch' } } };
    },
  });

  function invalid(message: string): RequestProblem {
    return { status: 400, type: 'invalid_request_error', message };
  }

  function promptTooLong(body: MessagesRequestBody): RequestProblem | undefined {
    const model = lookupFakeModel(models, body.model);
    if (!model) return undefined;
    const promptTokens = fakePromptTokens(body);
    if (promptTokens > model.maxInputTokens) return invalid(`prompt is too long: ${promptTokens} tokens > ${model.maxInputTokens} maximum`);
    if (model.lifecycle === 'retired') return { status: 404, type: 'not_found_error', message: `model: ${String(body.model)} has been retired` };
    return undefined;
  }

  /** The legacy one-second window: headers state it per minute. */
  function windowHeaders(now: number): Record<string, string> {
    const perSecond = options.rateLimit?.requestsPerSecond;
    if (!perSecond) return {};
    const oldest = window[0];
    return {
      'anthropic-ratelimit-requests-limit': String(perSecond * 60),
      'anthropic-ratelimit-requests-remaining': String(Math.max(0, perSecond - window.length) * 60),
      'anthropic-ratelimit-requests-reset': new Date(oldest !== undefined ? oldest + 1000 : now).toISOString(),
    };
  }

  function admitToWindow(now: number): number | undefined {
    const perSecond = options.rateLimit?.requestsPerSecond;
    if (!perSecond) return undefined;
    window = window.filter((t) => t > now - 1000);
    if (window.length >= perSecond) return Math.max(1, window[0]! + 1000 - now);
    window.push(now);
    return undefined;
  }

  function send(res: ServerResponse, entry: RequestLogEntry, status: number, body: unknown, extra: Record<string, string> = {}): void {
    entry.status = status;
    entry.outcome ??= status === 200 ? 'ok' : errorTypeForStatus(status);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': entry.requestId!, ...extra, ...windowHeaders(Date.now()) });
    res.end(text);
  }

  function sendError(res: ServerResponse, entry: RequestLogEntry, status: number, message: string, type = errorTypeForStatus(status), extra: Record<string, string> = {}, errorCode?: string): void {
    send(res, entry, status, errorBody(type, message, errorCode), extra);
  }

  function nextFault(route: FakeRoute): Fault | undefined {
    const queued = scripts.get(route);
    if (queued && queued.length > 0) return queued.shift();
    if (route === '/v1/messages' && randomFault) return randomFault();
    return undefined;
  }

  /** Sends half of the body, then destroys the socket: the client sees a connection cut mid-body. */
  function dropMidBody(res: ServerResponse, entry: RequestLogEntry, chunks: string[], headers: Record<string, string>): void {
    entry.status = 200;
    res.writeHead(200, { 'request-id': entry.requestId!, ...headers });
    const text = chunks.join('');
    res.write(firstHalf(text), () => res.socket?.destroy());
  }

  /** Sends the first half of the body (whole SSE records for a stream), then ends the response cleanly. */
  function endMidBody(res: ServerResponse, entry: RequestLogEntry, chunks: string[], headers: Record<string, string>): void {
    entry.status = 200;
    res.writeHead(200, { 'request-id': entry.requestId!, ...headers });
    const text = chunks.join('');
    res.end(chunks.length > 1 ? chunks.slice(0, Math.max(1, Math.floor(chunks.length / 2))).join('') : firstHalf(text));
  }

  /** Sends the start of the body (a stream's first two records: message_start and a ping), then nothing, with the connection left open. */
  function stallMidBody(res: ServerResponse, entry: RequestLogEntry, chunks: string[], headers: Record<string, string>): void {
    entry.status = 200;
    res.writeHead(200, { 'request-id': entry.requestId!, ...headers });
    const text = chunks.join('');
    res.write(chunks.length > 1 ? chunks.slice(0, 2).join('') : firstHalf(text));
  }

  /** Applies a status fault or a malformed body; returns true when the request has been dealt with. */
  function applyStatusFault(fault: Fault, res: ServerResponse, entry: RequestLogEntry): boolean {
    if (fault === 'malformed') {
      send(res, entry, 200, '{"id":"msg_broken","type":"message","content":[{"type":"te');
      return true;
    }
    if (typeof fault === 'object' && 'status' in fault) {
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : { 'retry-after-ms': String(fault.retryAfterMs ?? 20) };
      if (fault.shouldRetry !== undefined) headers['x-should-retry'] = String(fault.shouldRetry);
      const type = fault.type ?? errorTypeForStatus(fault.status);
      sendError(res, entry, fault.status, fault.message ?? `injected ${fault.status}`, type, headers, fault.errorCode);
      return true;
    }
    return false;
  }

  function handleMessages(body: MessagesRequestBody, fault: Fault | undefined, res: ServerResponse, entry: RequestLogEntry): void {
    const problem = promptTooLong(body);
    if (problem) {
      sendError(res, entry, problem.status, problem.message, problem.type);
      return;
    }
    const id = String(body.model);
    const model = lookupFakeModel(models, id)!;
    let reply = respond(body);
    if (fault && typeof fault === 'object' && 'refusal' in fault) {
      const text = fault.afterText ? firstHalf(reply.text) : '';
      reply = { text, stopReason: 'refusal', stopDetails: { category: fault.refusal, explanation: 'declined by the fake' } };
    } else if (fault === 'max_tokens') {
      reply = { ...reply, text: firstHalf(reply.text), stopReason: 'max_tokens' };
    }
    const message = messageFor(body, id, model, reply);
    const usage = message.usage as { input_tokens: number; output_tokens: number; cache_creation_input_tokens?: number };
    const family = fakeFamily(id, model);
    const now = Date.now();
    const admission = familyLimits.admit(family, { inputTokens: usage.input_tokens + (usage.cache_creation_input_tokens ?? 0), outputTokens: usage.output_tokens }, now);
    if (!admission.ok) {
      entry.outcome = 'rate_limited';
      const seconds = Math.max(1, Math.ceil(admission.retryAfterMs! / 1000));
      sendError(res, entry, 429, `This request would exceed the rate limit for your organization of ${admission.limit} per minute for ${family} models.`, 'rate_limit_error', {
        ...familyLimits.headers(family, now),
        'retry-after': String(seconds),
      });
      return;
    }
    const headers = familyLimits.headers(family, now);
    if (!body.stream) {
      if (fault === 'midstream-error') {
        // A non-streamed request cannot fail mid-stream: the nearest equivalent is a 529.
        entry.outcome = 'midstream-error';
        sendError(res, entry, 529, 'Overloaded', 'overloaded_error');
        return;
      }
      if (fault === 'midstream-api-error') {
        // Likewise, a 500.
        entry.outcome = 'midstream-api-error';
        sendError(res, entry, 500, 'Internal server error', 'api_error');
        return;
      }
      if (fault === 'drop-mid-body') {
        dropMidBody(res, entry, [JSON.stringify(message)], { 'content-type': 'application/json', ...headers });
        return;
      }
      if (fault === 'end-mid-body') {
        endMidBody(res, entry, [JSON.stringify(message)], { 'content-type': 'application/json', ...headers });
        return;
      }
      if (fault === 'stall') {
        stallMidBody(res, entry, [JSON.stringify(message)], { 'content-type': 'application/json', ...headers });
        return;
      }
      send(res, entry, 200, message, headers);
      return;
    }
    const midstream = fault === 'midstream-error' ? 'overloaded_error' : fault === 'midstream-api-error' ? 'api_error' : undefined;
    const events = streamEvents(message, midstream && { afterDeltas: 1, type: midstream });
    const streamHeaders = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers };
    if (fault === 'drop-mid-body') {
      dropMidBody(res, entry, events, streamHeaders);
      return;
    }
    if (fault === 'end-mid-body') {
      endMidBody(res, entry, events, streamHeaders);
      return;
    }
    if (fault === 'stall') {
      stallMidBody(res, entry, events, streamHeaders);
      return;
    }
    entry.status = 200;
    entry.outcome ??= 'ok';
    res.writeHead(200, { 'request-id': entry.requestId!, ...streamHeaders });
    for (const event of events) res.write(event);
    res.end();
  }

  function handleBatches(req: IncomingMessage, path: string, body: unknown, res: ServerResponse, entry: RequestLogEntry): void {
    const now = Date.now();
    if (req.method === 'POST' && path === '/v1/messages/batches') {
      const requests = (body as { requests?: unknown })?.requests;
      const problem = batchCreateProblem(requests);
      if (problem) {
        sendError(res, entry, 400, problem);
        return;
      }
      send(res, entry, 200, batches.describe(batches.create(requests as { custom_id: string; params: MessagesRequestBody }[], now), now, baseUrl));
      return;
    }
    const match = /^\/v1\/messages\/batches\/([^/]+)(\/results)?$/.exec(path);
    const batch = match ? batches.get(match[1]!) : undefined;
    if (req.method !== 'GET' || !batch) {
      sendError(res, entry, 404, `no such batch route: ${req.method} ${path}`);
      return;
    }
    if (!match![2]) {
      send(res, entry, 200, batches.describe(batch, now, baseUrl));
      return;
    }
    if (now < batch.endsAt) {
      sendError(res, entry, 400, `batch ${batch.id} is still in progress`);
      return;
    }
    send(res, entry, 200, batches.resultsJsonl(batch), { 'content-type': 'application/binary' });
  }

  function handleModel(path: string, res: ServerResponse, entry: RequestLogEntry): void {
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    const model = lookupFakeModel(models, id);
    if (!model) {
      sendError(res, entry, 404, `model: ${id}`);
      return;
    }
    const lifecycle = model.lifecycle ?? (model.retiresAt ? 'deprecated' : 'active');
    const types = thinkingOf(model).types;
    const support = (supported: boolean) => ({ supported });
    send(res, entry, 200, {
      type: 'model',
      id,
      display_name: id,
      created_at: '2026-01-01T00:00:00Z',
      capabilities: {
        batch: support(true),
        structured_outputs: support(true),
        thinking: {
          supported: types.some((t) => t !== 'disabled'),
          types: {
            adaptive: support(types.includes('adaptive')),
            between_tools: support(types.includes('between_tools')),
            disabled: support(types.includes('disabled')),
            enabled: support(types.includes('enabled')),
          },
        },
      },
      deprecated_at: lifecycle === 'active' ? null : '2026-06-01T00:00:00Z',
      line: null,
      lifecycle,
      max_input_tokens: model.maxInputTokens,
      max_tokens: model.maxTokens ?? null,
      retires_at: model.retiresAt ? `${model.retiresAt.slice(0, 10)}T00:00:00Z` : null,
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrival = Date.now();
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const raw = await readBody(req);
    const parsed = parseJson(raw);
    requestCounter += 1;
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path,
      headers: { ...req.headers },
      time: arrival,
      body: parsed === NOT_JSON ? raw : parsed,
      requestId: `req_fake_${requestCounter.toString().padStart(6, '0')}`,
    };
    log.push(entry);
    res.on('close', () => {
      if (!res.writableFinished) entry.clientAborted = true;
    });

    if (!hasKey(req, options.validKeys)) {
      sendError(res, entry, 401, 'invalid x-api-key');
      return;
    }
    const route = routeOf(path);
    if (!route) {
      sendError(res, entry, 404, `no route for ${req.method} ${path}`);
      return;
    }
    const waitMs = admitToWindow(arrival);
    if (waitMs !== undefined) {
      entry.outcome = 'rate_limited';
      sendError(res, entry, 429, 'Number of requests has exceeded your rate limit', 'rate_limit_error', {
        'retry-after-ms': String(waitMs),
        'retry-after': String(Math.ceil(waitMs / 1000)),
      });
      return;
    }
    if (parsed === NOT_JSON) {
      sendError(res, entry, 400, 'request body is not valid JSON');
      return;
    }
    if (Buffer.byteLength(raw) > MAX_REQUEST_BYTES) {
      sendError(res, entry, 413, `Request exceeds the maximum allowed number of bytes (${MAX_REQUEST_BYTES}).`, 'request_too_large');
      return;
    }
    if (route === '/v1/messages' || route === '/v1/messages/count_tokens') {
      const problem = validateRequest(parsed, models, route === '/v1/messages' ? 'messages' : 'count_tokens');
      if (problem) {
        sendError(res, entry, problem.status, problem.message, problem.type);
        return;
      }
    }
    const fault = nextFault(route);
    if (fault !== undefined) entry.outcome = describeFault(fault);
    if (fault === 'hang') return;
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (latencyMs > 0) await sleep(latencyMs);
    if (fault !== undefined && applyStatusFault(fault, res, entry)) return;

    if (route === '/v1/messages') handleMessages(parsed as MessagesRequestBody, fault, res, entry);
    else if (route === '/v1/messages/count_tokens') send(res, entry, 200, { input_tokens: fakePromptTokens(parsed as MessagesRequestBody) });
    else if (route === '/v1/messages/batches') handleBatches(req, path, parsed, res, entry);
    else handleModel(path, res, entry);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorBody('api_error', `fake server bug: ${String(error)}`)));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    log,
    script(route, faults) {
      scripts.set(route, [...(scripts.get(route) ?? []), ...faults]);
    },
    faultsAtRandom(seed, rates) {
      randomFault = randomFaultSource(seed, rates);
    },
    reset() {
      scripts.clear();
      randomFault = undefined;
      promptCache.clear();
      log.length = 0;
    },
    endBatches() {
      batches.endAll(Date.now());
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
