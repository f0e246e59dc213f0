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
import { contains, defineSuite, toolCalled } from 'promptgold';

interface SupportExpected {
  tool: 'lookup_invoice' | 'create_refund' | null;
  input?: Record<string, unknown>;
  mentions?: string[];
}

const expectedOf = (expected: unknown): SupportExpected => expected as SupportExpected;

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
  // Every case: the tool it should call (or none). Cases with expected arguments add a toolInput
  // check in the dataset (invoice number and reason exact, amount within a cent); the injection case
  // also checks that no refund was issued.
  scorers: [
    toolCalled({ name: 'tool', expectedField: 'tool' }),
    contains({ name: 'mentions', values: (sample) => expectedOf(sample.expected).mentions ?? [], mode: 'all', caseInsensitive: true }),
  ],
});
