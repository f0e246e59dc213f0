/**
 * Example suite: summarizing business documents (release notes, incident reports, meeting notes,
 * reviews, emails) for a given audience. v2 adds a hard word limit. A sample passes when the
 * summary is close to the reference, names every must-mention term, stays within 60 words and
 * passes the rubric in rubric.md as graded by an LLM judge (claude-haiku-4-5: not a model under
 * test, so it has no output of its own to prefer). `promptgold calibrate` measures that judge
 * against the human labels in fixtures/summaries.yaml.
 */
import { contains, custom, defineSuite, fuzzy, rubric } from 'promptgold';

const MAX_WORDS = 60;

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** The terms a case requires, from `expected.must_mention` (a list of strings in the dataset). */
function mustMention(expected: unknown): string[] {
  const terms = (expected as { must_mention?: unknown } | undefined)?.must_mention;
  return Array.isArray(terms) ? terms.map(String) : [];
}

export default defineSuite({
  name: 'summarize',
  description: 'Summarize short business documents for a named audience in at most 60 words',
  prompt: './prompts',
  models: ['claude-sonnet-4-5', 'claude-sonnet-5-5'],
  dataset: '../../fixtures/summaries.yaml',
  repeats: 3,
  threshold: 0.6,
  // The recorded synthetic judge refuses, truncates or breaks its JSON on purpose for a few outputs
  // (about 1%), to show how a sample the judge could not score looks; up to 2% may go unscored.
  maxErrorRate: 0.02,
  concurrency: 8,
  provider: 'replay',
  recordings: '../../fixtures/recordings/summarize.jsonl',
  scorers: [
    fuzzy({ name: 'similarity', method: 'dice', threshold: 0.45, expectedField: 'summary' }),
    contains({ name: 'must-mention', values: (sample) => mustMention(sample.expected), mode: 'all', caseInsensitive: true }),
    custom('length', (sample) => {
      const words = wordCount(sample.output);
      const pass = words <= MAX_WORDS;
      return { score: pass ? 1 : 0, pass, reason: `${words} words ${pass ? '<=' : '>'} ${MAX_WORDS}` };
    }),
    rubric({ name: 'quality', file: new URL('./rubric.md', import.meta.url), scale: 'pass-fail', judge: 'claude-haiku-4-5' }),
  ],
});
