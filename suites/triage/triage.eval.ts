/**
 * Example suite: support-ticket triage. Two prompt versions (v1 plain, v2 with a priority rubric
 * and few-shot examples) × two models, three repeats each, replayed from recorded answers so it
 * runs offline. A sample passes when the answer is schema-valid JSON with the right category and
 * priority and a summary close enough to the reference.
 */
import { defineSuite, exact, fuzzy, ignoresInjection, jsonSchema, sameAsSource, stillValid } from 'promptgold';
import { triageAnswerSchema } from './answer-schema.js';

const category = exact({ name: 'category', field: 'category', expectedField: 'category' });

export default defineSuite({
  name: 'triage',
  description: 'Classify support tickets for Tallyhive into category, priority and a one-sentence summary',
  prompt: './prompts',
  models: ['claude-sonnet-4-5', 'claude-sonnet-5-5'],
  dataset: '../../fixtures/triage.jsonl',
  repeats: 3,
  threshold: 0.7,
  concurrency: 8,
  provider: 'replay',
  recordings: '../../fixtures/recordings/triage.jsonl',
  scorers: [
    jsonSchema({ schema: triageAnswerSchema }),
    category,
    exact({ name: 'priority', field: 'priority', expectedField: 'priority' }),
    fuzzy({
      name: 'summary',
      method: 'tokenSet',
      threshold: 0.5,
      field: 'summary',
      expectedField: 'summary',
      normalize: { case: true, whitespace: true },
    }),
  ],
  // `promptgold run --chaos` adds mutated tickets: invisible characters, look-alikes, typos, prompt
  // injections with a canary and a JSON breaker. Each must keep a valid answer, keep the category
  // its source case got, and never follow the injected instruction.
  chaos: {
    operators: ['zero-width', 'homoglyphs', 'typo-adjacent-key', 'ignore-previous', 'fake-xml-delimiter', 'json-quotes'],
    fields: ['ticket'],
    seed: 11,
    invariants: [stillValid({ schema: triageAnswerSchema }), sameAsSource({ scorer: category }), ignoresInjection()],
  },
});
