// Anthropic provider benchmarks against the fake Messages API (offline, real SDK).
// Build first (`npm run build`), then: node bench/anthropic.mjs
// The fake runs in a worker thread, as the real API runs elsewhere: its CPU does not compete
// with the client being measured. Last line of stdout is JSON:
// { "anthropic_throughput_ratio", "anthropic_paced_ratio", "anthropic_429s" }.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

if (isMainThread) await main();
else await serveFake();

/** Worker side: start the fake, report its URL, answer log queries. */
async function serveFake() {
  const { startFakeAnthropic } = await import('../dist/testing/index.js');
  const fake = await startFakeAnthropic(workerData);
  parentPort.on('message', async (message) => {
    if (message === 'log') {
      const log = fake.log.filter((e) => e.path === '/v1/messages').map((e) => ({ time: e.time, status: e.status }));
      parentPort.postMessage({ log });
    } else if (message === 'close') {
      await fake.close();
      parentPort.close();
    }
  });
  parentPort.postMessage({ url: fake.url });
}

function startFakeInWorker(options) {
  const worker = new Worker(new URL(import.meta.url), { workerData: options });
  const next = () => new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return next().then(({ url }) => ({
    url,
    log: () => (worker.postMessage('log'), next().then((m) => m.log)),
    close: () => (worker.postMessage('close'), new Promise((resolve) => worker.once('exit', resolve))),
  }));
}

async function main() {
  const { createAnthropicProvider } = await import('../dist/providers/anthropic/index.js');
  const { RateLimiter } = await import('../dist/providers/pacing.js');
  const { loadModelTable } = await import('../dist/providers/pricing.js');

  for (const name of Object.keys(process.env)) if (name.startsWith('ANTHROPIC_')) delete process.env[name];
  const models = loadModelTable();
  const context = () => ({ signal: new AbortController().signal, repeat: 0, caseId: 'bench', vars: {}, promptId: 'bench', promptVersion: '1' });
  const request = (i) => ({ model: 'claude-haiku-5-5', messages: [{ role: 'user', content: `bench request ${i}` }], maxTokens: 64 });

  async function runLoad(url, limiter, count) {
    const provider = createAnthropicProvider({ apiKey: ['sk', 'ant', 'bench-not-a-real-key'].join('-'), baseURL: url, models, timeoutMs: 30_000, limiter });
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => provider.generate(request(i), context())));
    return { seconds: (performance.now() - started) / 1000, failed: results.filter((r) => r.status === 'rejected').length };
  }

  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

  // Throughput: 100 ms latency, no limit, 64 in flight, 3 000 requests; ideal 64 / 0.1 s = 640 req/s.
  const concurrency = 64;
  const count = 3000;
  const ideal = concurrency / 0.1;
  // The fake states realistic per-family limits; this measures client overhead, so lift them.
  const unlimited = { requestsPerMinute: 1e9, inputTokensPerMinute: 1e12, outputTokensPerMinute: 1e12 };
  const fast = await startFakeInWorker({ latencyMs: 100, rateLimits: { 'haiku-5': unlimited } });
  await runLoad(fast.url, new RateLimiter({ maxConcurrency: concurrency }), 640); // warm-up: JIT, sockets
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const { seconds, failed } = await runLoad(fast.url, new RateLimiter({ maxConcurrency: concurrency }), count);
    runs.push({ rate: count / seconds, seconds, failed });
    console.log(`throughput run ${i + 1}: ${count} requests in ${seconds.toFixed(2)} s = ${(count / seconds).toFixed(1)} req/s, failed ${failed}`);
  }
  // Reference: plain fetch at the same concurrency, no SDK, to show what this machine allows.
  const body = JSON.stringify({ model: 'claude-haiku-5-5', max_tokens: 64, messages: [{ role: 'user', content: 'bench' }] });
  const rawStarted = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) {
        const response = await fetch(`${fast.url}/v1/messages`, {
          method: 'POST',
          headers: { 'x-api-key': 'bench', 'content-type': 'application/json' },
          body,
        });
        await response.json();
      }
    }),
  );
  const rawRate = count / ((performance.now() - rawStarted) / 1000);
  console.log(`reference: plain fetch ${rawRate.toFixed(1)} req/s (ratio ${(rawRate / ideal).toFixed(3)})`);
  await fast.close();
  const throughputRatio = median(runs.map((r) => r.rate)) / ideal;
  console.log(`throughput: median ${(throughputRatio * ideal).toFixed(1)} req/s vs ideal ${ideal} (ratio ${throughputRatio.toFixed(3)})`);

  // Pacing: the fake enforces 20 req/s; the limiter is told 20 req/s at target 0.8 → 16 req/s.
  const limited = await startFakeInWorker({ latencyMs: 100, rateLimit: { requestsPerSecond: 20 } });
  const pacedCount = 160;
  const limiter = new RateLimiter({ requestsPerMinute: 20 * 60, targetFraction: 0.8, maxConcurrency: concurrency });
  const paced = await runLoad(limited.url, limiter, pacedCount);
  const log = await limited.log();
  await limited.close();
  const admitted = log.filter((e) => e.status !== 429).map((e) => e.time).sort((a, b) => a - b);
  const sustained = (admitted.length - 1) / ((admitted.at(-1) - admitted[0]) / 1000);
  const target = 20 * 0.8;
  const count429 = log.filter((e) => e.status === 429).length;
  console.log(
    `paced: ${pacedCount} requests in ${paced.seconds.toFixed(2)} s, sustained ${sustained.toFixed(2)} req/s vs target ${target} ` +
      `(ratio ${(sustained / target).toFixed(3)}), 429s ${count429}, failed ${paced.failed}`,
  );

  console.log(
    JSON.stringify({
      anthropic_throughput_ratio: Number(throughputRatio.toFixed(4)),
      anthropic_paced_ratio: Number((sustained / target).toFixed(4)),
      anthropic_429s: count429,
    }),
  );
}
