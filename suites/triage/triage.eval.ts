/**
 * Example suite: support-ticket triage. Two prompt versions (v1 plain, v2 with a priority rubric
 * and few-shot examples) × two models, three repeats each, replayed from recorded answers so it
 * runs offline. A sample passes when the answer is schema-valid JSON with the right category and
 * priority and a summary close enough to the reference.
 */
import { defineSuite, exact, fuzzy, jsonSchema } from 'promptgold';
import { triageAnswerSchema } from './answer-schema.js';

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
    exact({ name: 'category', field: 'category', expectedField: 'category' }),
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
});
