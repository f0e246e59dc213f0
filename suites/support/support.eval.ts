/**
 * Example suite: Tally, a support assistant for the fictional Tallyhive, written as the full Claude
 * request an application would send — a long system prompt marked for prompt caching, few-shot
 * turns from the dataset, the refund policy as a PDF document next to the dataset, and two tools
 * (lookup_invoice, create_refund) — streamed, so time to first token is recorded. Two prompt
 * versions (v2 says when to look an invoice up before refunding) × two models, three repeats each,
 * replayed from recorded synthetic answers so it runs offline. A sample passes when the assistant
 * calls the right tool with the right arguments, or, when no tool is wanted, answers naming what
 * the customer needs (a menu path, an address).
 */
import { contains, custom, defineSuite } from 'promptgold';

interface SupportExpected {
  tool: 'lookup_invoice' | 'create_refund' | null;
  input?: Record<string, unknown>;
  mentions?: string[];
}

const expectedOf = (expected: unknown): SupportExpected => expected as SupportExpected;

// TODO(tool-call scorers): when the tool-call scorers land (issue 16 item 3, on their own branch),
// replace the two custom checks below with them:
//   - 'tool'       → toolCalled({ name from expected.tool, or none when expected.tool is null })
//   - 'tool-input' → toolInput({ expected: expected.input, fields: invoice_number exact, reason
//                    exact, amount with an absolute tolerance of 0.01 }) — with the numeric-tolerance
//                    scorer for `amount` — and a schema check of the input against the tool's
//                    input_schema
//   - and add an order check (toolOrder: lookup_invoice before create_refund) for multi-call answers.
// The recordings already hold every answer's tool calls, so the suite replays unchanged.
const tool = custom('tool', (sample) => {
  const wanted = expectedOf(sample.expected).tool;
  const called = sample.generation.toolCalls?.map((call) => call.name) ?? [];
  const first = called[0] ?? null;
  const pass = first === wanted;
  const said = called.length ? `called ${called.join(', ')}` : 'called no tool';
  return { score: pass ? 1 : 0, pass, reason: `${said}; expected ${wanted ?? 'no tool'}` };
});

const toolInput = custom('tool-input', (sample) => {
  const { tool: wanted, input } = expectedOf(sample.expected);
  if (!wanted || !input) return { score: 1, pass: true, reason: 'no tool input expected' };
  const call = sample.generation.toolCalls?.find((c) => c.name === wanted);
  if (!call) return { score: 0, pass: false, reason: `no ${wanted} call to check` };
  const actual = (call.input ?? {}) as Record<string, unknown>;
  const wrong = Object.entries(input).filter(([field, value]) =>
    typeof value === 'number' ? Math.abs(Number(actual[field]) - value) > 0.01 : actual[field] !== value,
  );
  const pass = wrong.length === 0;
  const reason = pass ? `${wanted} input matches` : `${wanted} input differs: ${wrong.map(([field, value]) => `${field} ${JSON.stringify(actual[field])} ≠ ${JSON.stringify(value)}`).join(', ')}`;
  return { score: 1 - wrong.length / Object.keys(input).length, pass, reason };
});

export default defineSuite({
  name: 'support',
  description: 'A support assistant with a cached system prompt, few-shot turns, a policy PDF and two tools',
  prompt: './prompts',
  models: ['claude-sonnet-4-6', 'claude-sonnet-5-5'],
  dataset: '../../fixtures/support/cases.yaml',
  repeats: 3,
  threshold: 0.6,
  concurrency: 8,
  stream: true,
  provider: 'replay',
  recordings: '../../fixtures/recordings/support.jsonl',
  scorers: [
    tool,
    toolInput,
    contains({ name: 'mentions', values: (sample) => expectedOf(sample.expected).mentions ?? [], mode: 'all', caseInsensitive: true }),
  ],
});
