/**
 * A fake Claude Messages API on 127.0.0.1 for offline tests: the real SDK talks to it through
 * `baseURL`. It answers messages (JSON and SSE), count_tokens, batches and model lookups, enforces
 * an optional request rate with 429s, injects scripted or seeded-random faults, and logs every
 * request so tests can prove retries, pacing and that nothing was lost or sent twice.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { loadModelTable } from '../providers/pricing.js';
import { FakeBatchStore, type BatchOutcome } from './fakeBatches.js';
import { describeFault, randomFaultSource, type Fault, type FaultRates } from './fakeFaults.js';
import {
  buildMessage,
  defaultReply,
  errorBody,
  errorTypeForStatus,
  fakeTokenCount,
  promptText,
  streamEvents,
  type FakeReply,
  type MessagesRequestBody,
} from './fakeResponses.js';

export interface FakeModel {
  maxInputTokens: number;
  maxTokens?: number;
  /** False: a non-default temperature / top_p / top_k is answered with 400, as newer models do. */
  acceptsSamplingParams?: boolean;
  retiresAt?: string;
}

export interface FakeAnthropicOptions {
  /** Delay before every answer (not before 429s from the rate limit). */
  latencyMs?: number;
  /** Enforced over a sliding one-second window; excess requests get 429 with `retry-after-ms`. */
  rateLimit?: { requestsPerSecond: number };
  respond?: (body: MessagesRequestBody) => FakeReply;
  /** Known models; defaults to every model of the shipped table. Unknown models get 404. */
  models?: Record<string, FakeModel>;
  /** When given, only these keys are accepted (others get 401). Any non-empty key otherwise. */
  validKeys?: string[];
  /** How long a batch stays `in_progress`. Default 50 ms. */
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
  /** `ok`, `rate_limited`, `auth`, `not_found`, `bad_request`, or the injected fault. */
  outcome?: string;
  status?: number;
  /** The client closed the connection before the answer was fully sent (it timed out or gave up). */
  clientAborted?: boolean;
}

export type FakeRoute =
  | '/v1/messages'
  | '/v1/messages/count_tokens'
  | '/v1/messages/batches'
  | '/v1/models';

export interface FakeAnthropic {
  url: string;
  log: RequestLogEntry[];
  /** Queue faults for the next requests to `route`, one per request, in order. */
  script(route: FakeRoute, faults: Fault[]): void;
  /** From now on, draw a fault for every `/v1/messages` request from a seeded PRNG. */
  faultsAtRandom(seed: number, rates: FaultRates): void;
  close(): Promise<void>;
}

const GENEROUS_LIMIT = 1_000_000_000;
const SAMPLING_PARAMS = ['temperature', 'top_p', 'top_k'] as const;

function defaultModels(): Record<string, FakeModel> {
  const table = loadModelTable();
  const models: Record<string, FakeModel> = {};
  for (const id of table.ids()) {
    const info = table.get(id)!;
    models[id] = {
      maxInputTokens: info.contextWindow,
      acceptsSamplingParams: info.acceptsSamplingParams ?? true,
      ...(info.maxOutputTokens !== undefined && { maxTokens: info.maxOutputTokens }),
      ...(info.retiresAt !== undefined && { retiresAt: info.retiresAt }),
    };
  }
  return models;
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

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const models = options.models ?? defaultModels();
  const respond = options.respond ?? defaultReply;
  const latencyMs = options.latencyMs ?? 0;
  const log: RequestLogEntry[] = [];
  const scripts = new Map<FakeRoute, Fault[]>();
  let randomFault: (() => Fault | undefined) | undefined;
  /** Arrival times of admitted requests within the last second (rate-limit window). */
  let window: number[] = [];
  const sockets = new Set<Socket>();
  let baseUrl = '';
  const batches = new FakeBatchStore({
    processingMs: options.batchProcessingMs ?? 50,
    respond,
    outcome: options.batchOutcome ?? (() => 'succeeded'),
  });

  function rateLimitHeaders(now: number): Record<string, string> {
    const perSecond = options.rateLimit?.requestsPerSecond;
    const headers: Record<string, string> = {};
    const oldest = window[0];
    const requestReset = new Date(perSecond && oldest !== undefined ? oldest + 1000 : now).toISOString();
    const farReset = new Date(now + 60_000).toISOString();
    // The enforced window is one second; the headers express it per minute, as the API does.
    const requestLimit = perSecond ? perSecond * 60 : GENEROUS_LIMIT;
    const requestRemaining = perSecond ? Math.max(0, perSecond - window.length) * 60 : GENEROUS_LIMIT;
    headers['anthropic-ratelimit-requests-limit'] = String(requestLimit);
    headers['anthropic-ratelimit-requests-remaining'] = String(requestRemaining);
    headers['anthropic-ratelimit-requests-reset'] = requestReset;
    for (const kind of ['tokens', 'input-tokens', 'output-tokens']) {
      headers[`anthropic-ratelimit-${kind}-limit`] = String(GENEROUS_LIMIT);
      headers[`anthropic-ratelimit-${kind}-remaining`] = String(GENEROUS_LIMIT);
      headers[`anthropic-ratelimit-${kind}-reset`] = farReset;
    }
    return headers;
  }

  function admit(now: number): number | undefined {
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
    res.writeHead(status, {
      'content-type': 'application/json',
      'request-id': `req_fake_${log.length}`,
      ...rateLimitHeaders(Date.now()),
      ...extra,
    });
    res.end(text);
  }

  function sendError(res: ServerResponse, entry: RequestLogEntry, status: number, message: string, type = errorTypeForStatus(status), extra: Record<string, string> = {}): void {
    send(res, entry, status, errorBody(type, message), extra);
  }

  function nextFault(route: FakeRoute): Fault | undefined {
    const queued = scripts.get(route);
    if (queued && queued.length > 0) return queued.shift();
    if (route === '/v1/messages' && randomFault) return randomFault();
    return undefined;
  }

  /** Applies a transport or status fault; returns true when the request has been dealt with. */
  function applyTransportFault(fault: Fault, req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry): boolean {
    if (fault === 'hang') return true;
    if (fault === 'drop') {
      req.socket.destroy();
      return true;
    }
    if (fault === 'malformed') {
      send(res, entry, 200, '{"id":"msg_broken","type":"message","content":[{"type":"te');
      return true;
    }
    if (typeof fault === 'object' && 'status' in fault) {
      const retryAfterMs = fault.retryAfterMs ?? 20;
      sendError(res, entry, fault.status, fault.message ?? `injected ${fault.status}`, fault.type ?? errorTypeForStatus(fault.status), {
        'retry-after-ms': String(retryAfterMs),
      });
      return true;
    }
    return false;
  }

  function handleMessages(body: MessagesRequestBody, fault: Fault | undefined, res: ServerResponse, entry: RequestLogEntry): void {
    const model = models[body.model ?? ''];
    if (!model) {
      sendError(res, entry, 404, `model: ${String(body.model)}`);
      return;
    }
    const rejected = SAMPLING_PARAMS.find((name) => body[name] !== undefined);
    if (rejected && model.acceptsSamplingParams === false) {
      sendError(res, entry, 400, `${rejected} is not supported for model ${body.model}`);
      return;
    }
    const promptTokens = fakeTokenCount(promptText(body));
    if (promptTokens > model.maxInputTokens) {
      sendError(res, entry, 400, `prompt is too long: ${promptTokens} tokens > ${model.maxInputTokens} maximum`);
      return;
    }
    let reply = respond(body);
    if (fault && typeof fault === 'object' && 'refusal' in fault) {
      reply = { text: '', stopReason: 'refusal', stopDetails: { category: fault.refusal, explanation: 'declined by the fake' } };
    } else if (fault === 'max_tokens') {
      reply = { ...reply, text: reply.text.slice(0, Math.max(1, Math.floor(reply.text.length / 2))), stopReason: 'max_tokens' };
    }
    const message = buildMessage(body, reply);
    if (!body.stream) {
      if (fault === 'midstream-error') {
        // A non-streamed request cannot fail mid-stream: the nearest equivalent is a 529.
        entry.outcome = 'midstream-error';
        sendError(res, entry, 529, 'Overloaded', 'overloaded_error');
        return;
      }
      send(res, entry, 200, message);
      return;
    }
    entry.status = 200;
    entry.outcome ??= 'ok';
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...rateLimitHeaders(Date.now()) });
    for (const event of streamEvents(message, fault === 'midstream-error' ? 1 : undefined)) res.write(event);
    res.end();
  }

  function handleBatches(req: IncomingMessage, path: string, body: unknown, res: ServerResponse, entry: RequestLogEntry): void {
    const now = Date.now();
    if (req.method === 'POST' && path === '/v1/messages/batches') {
      const requests = (body as { requests?: { custom_id: string; params: MessagesRequestBody }[] })?.requests;
      if (!Array.isArray(requests) || requests.length === 0) {
        sendError(res, entry, 400, 'requests: expected a non-empty array');
        return;
      }
      send(res, entry, 200, batches.describe(batches.create(requests, now), now, baseUrl));
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
    const model = models[id];
    if (!model) {
      sendError(res, entry, 404, `model: ${id}`);
      return;
    }
    send(res, entry, 200, {
      type: 'model',
      id,
      display_name: id,
      created_at: '2026-01-01T00:00:00Z',
      capabilities: null,
      deprecated_at: null,
      line: null,
      lifecycle: 'active',
      max_input_tokens: model.maxInputTokens,
      max_tokens: model.maxTokens ?? null,
      retires_at: model.retiresAt ?? null,
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrival = Date.now();
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const raw = await readBody(req);
    const body = parseJson(raw);
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path, headers: { ...req.headers }, time: arrival, body };
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
    const waitMs = admit(arrival);
    if (waitMs !== undefined) {
      entry.outcome = 'rate_limited';
      sendError(res, entry, 429, 'Number of requests has exceeded your rate limit', 'rate_limit_error', {
        'retry-after-ms': String(waitMs),
        'retry-after': String(Math.ceil(waitMs / 1000)),
      });
      return;
    }
    const fault = nextFault(route);
    if (fault !== undefined) entry.outcome = describeFault(fault);
    if (fault === 'hang' || fault === 'drop') {
      applyTransportFault(fault, req, res, entry);
      return;
    }
    if (latencyMs > 0) await sleep(latencyMs);
    if (fault !== undefined && applyTransportFault(fault, req, res, entry)) return;

    if (route === '/v1/messages') handleMessages(body as MessagesRequestBody, fault, res, entry);
    else if (route === '/v1/messages/count_tokens') send(res, entry, 200, { input_tokens: fakeTokenCount(promptText(body as MessagesRequestBody)) });
    else if (route === '/v1/messages/batches') handleBatches(req, path, body, res, entry);
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
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
