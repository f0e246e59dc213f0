/** Shared setup for rubric tests: the fake Messages API answering as a scripted judge. */
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { loadModelTable } from '../../src/providers/pricing.js';
import type { Provider } from '../../src/providers/types.js';
import { scorerSample } from '../helpers/builders.js';
import type { Sample } from '../../src/scoring/types.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeReply, type MessagesRequestBody } from '../../src/testing/index.js';

// Assembled at run time so no key-shaped string is committed.
export const TEST_KEY = ['sk', 'ant', 'test-rubric-0123456789'].join('-');
export const JUDGE_MODEL = 'claude-haiku-4-5';

export interface ScriptedJudge {
  fake: FakeAnthropic;
  provider: Provider;
  /** Replace how the judge answers from now on. */
  answer(respond: (body: MessagesRequestBody) => FakeReply): void;
  /** Request bodies sent to /v1/messages, in order. */
  bodies(): Record<string, unknown>[];
}

export async function startScriptedJudge(): Promise<ScriptedJudge> {
  for (const name of Object.keys(process.env)) if (name.startsWith('ANTHROPIC_')) delete process.env[name];
  let respond: (body: MessagesRequestBody) => FakeReply = () => ({ text: '{}' });
  const fake = await startFakeAnthropic({ respond: (body) => respond(body) });
  const provider = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake.url, models: loadModelTable(), timeoutMs: 2_000, maxRetries: 0 });
  return {
    fake,
    provider,
    answer: (next) => {
      respond = next;
    },
    bodies: () => fake.log.filter((e) => e.path === '/v1/messages').map((e) => e.body as Record<string, unknown>),
  };
}

/** The text of a request body's last user message. */
export function userText(body: MessagesRequestBody): string {
  const content = body.messages?.at(-1)?.content;
  return typeof content === 'string' ? content : (content ?? []).map((b) => b.text ?? '').join('');
}

export function verdicts(entries: Record<string, 'pass' | 'fail'>, overall = 'ok'): string {
  return JSON.stringify({ criteria: Object.entries(entries).map(([id, verdict]) => ({ id, reasoning: `${id} is ${verdict}`, verdict })), overall });
}

export function levels(entries: Record<string, number>): string {
  return JSON.stringify({ criteria: Object.entries(entries).map(([id, score]) => ({ id, reasoning: `${id} is ${score}`, score })), overall: 'ok' });
}

export function makeSample(output: string, extra: Partial<Sample> = {}): Sample {
  return scorerSample(output, {
    vars: { document: 'The launch moved to 3 May.' },
    generation: { text: output, stopReason: 'end_turn', latencyMs: 5 },
    request: { model: 'claude-sonnet-4-5', system: 'Summarize.', messages: [{ role: 'user', content: 'Summarize: The launch moved to 3 May.' }], maxTokens: 100 },
    promptId: 'summarize',
    promptVersion: 'v1',
    model: 'claude-sonnet-4-5',
    ...extra,
  });
}
