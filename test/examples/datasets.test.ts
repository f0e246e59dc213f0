/**
 * The offline example suites: their golden datasets and prompt versions are well-formed, and the
 * synthetic model behind their recordings is deterministic yet varied enough that a run and a
 * comparison have something to show.
 */
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/datasets/index.js';
import type { GoldenCase } from '../../src/datasets/index.js';
import { compilePrompt, loadPromptVersions } from '../../src/prompts/index.js';
import { contains, custom, exact, extractJson, fuzzy, jsonSchema, runScorer } from '../../src/scoring/index.js';
import type { Sample, Scorer } from '../../src/scoring/index.js';
import { createSyntheticProvider, syntheticAnswer } from '../../scripts/synthetic-model.js';
import type { SyntheticInput } from '../../scripts/synthetic-model.js';
import { TRIAGE_CATEGORIES, TRIAGE_PRIORITIES, triageAnswerSchema } from '../../suites/triage/answer-schema.js';

const TRIAGE_FILE = 'fixtures/triage.jsonl';
const SUMMARIES_FILE = 'fixtures/summaries.yaml';
const MODELS = ['claude-sonnet-4-5', 'claude-sonnet-5-5'];
const VERSIONS = ['v1', 'v2'];
const REPEATS = 3;

const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;

interface TriageExpected {
  category: string;
  priority: string;
  summary: string;
}
interface SummaryExpected {
  summary: string;
  must_mention: string[];
}

describe('fixtures/triage.jsonl', async () => {
  const dataset = await loadDataset(TRIAGE_FILE);

  it('has at least 45 cases with unique ids', () => {
    expect(dataset.cases.length).toBeGreaterThanOrEqual(45);
    expect(new Set(dataset.cases.map((c) => c.id)).size).toBe(dataset.cases.length);
  });

  it('gives every case the vars the prompt needs and the expected fields the scorers read', () => {
    for (const goldenCase of dataset.cases) {
      for (const name of ['ticket', 'customer_tier', 'product']) {
        expect(typeof goldenCase.vars[name], `${goldenCase.id} vars.${name}`).toBe('string');
      }
      const expected = goldenCase.expected as TriageExpected;
      expect(TRIAGE_CATEGORIES, goldenCase.id).toContain(expected.category);
      expect(TRIAGE_PRIORITIES, goldenCase.id).toContain(expected.priority);
      // One sentence: a single terminal full stop, at the end.
      expect(expected.summary, goldenCase.id).toMatch(/^[^.!?]+(\.\d[^.!?]*)*[.]$/);
      expect(goldenCase.tags.length, goldenCase.id).toBeGreaterThan(0);
    }
  });

  it('covers every category and priority, and the tagged hard cases', () => {
    const expected = dataset.cases.map((c) => c.expected as TriageExpected);
    expect(new Set(expected.map((e) => e.category))).toEqual(new Set(TRIAGE_CATEGORIES));
    expect(new Set(expected.map((e) => e.priority))).toEqual(new Set(TRIAGE_PRIORITIES));
    const tags = dataset.cases.flatMap((c) => c.tags);
    for (const tag of ['urgent', 'ambiguous', 'non-english', 'billing']) expect(tags).toContain(tag);
  });
});

describe('fixtures/summaries.yaml', async () => {
  const dataset = await loadDataset(SUMMARIES_FILE);

  it('has at least 42 cases with unique ids', () => {
    expect(dataset.cases.length).toBeGreaterThanOrEqual(42);
    expect(new Set(dataset.cases.map((c) => c.id)).size).toBe(dataset.cases.length);
  });

  it('has documents of 120–400 words, short reference summaries and must-mention terms they contain', () => {
    for (const goldenCase of dataset.cases) {
      const document = goldenCase.vars['document'];
      expect(typeof document, goldenCase.id).toBe('string');
      expect(words(String(document)), goldenCase.id).toBeGreaterThanOrEqual(120);
      expect(words(String(document)), goldenCase.id).toBeLessThanOrEqual(400);
      expect(typeof goldenCase.vars['audience'], goldenCase.id).toBe('string');
      const expected = goldenCase.expected as SummaryExpected;
      // The reference must itself pass the suite's length check.
      expect(words(expected.summary), goldenCase.id).toBeLessThanOrEqual(60);
      expect(expected.must_mention.length, goldenCase.id).toBeGreaterThan(0);
      for (const term of expected.must_mention) {
        expect(expected.summary.toLowerCase(), `${goldenCase.id}: ${term}`).toContain(String(term).toLowerCase());
      }
    }
  });

  it('records the line each case starts on', () => {
    const first = dataset.cases[0];
    expect(first?.origin.line).toBe(5);
  });
});

describe('example prompt versions', () => {
  it('declare the same answer schema in every triage version as the suite scores with', async () => {
    const versions = await loadPromptVersions('suites/triage/prompts');
    expect(versions.map((v) => v.version)).toEqual(['v1', 'v2']);
    for (const version of versions) expect(version.output, version.version).toEqual(triageAnswerSchema);
  });

  it('render every case of both datasets without a missing variable', async () => {
    const pairs = [
      ['suites/triage/prompts', TRIAGE_FILE],
      ['suites/summarize/prompts', SUMMARIES_FILE],
    ] as const;
    for (const [prompts, file] of pairs) {
      const [versions, dataset] = await Promise.all([loadPromptVersions(prompts), loadDataset(file)]);
      for (const version of versions) {
        const compiled = compilePrompt(version);
        for (const goldenCase of dataset.cases) {
          const rendered = compiled.render(goldenCase.vars, goldenCase.id);
          expect(rendered.user).toContain(String(goldenCase.vars['ticket'] ?? goldenCase.vars['document']).trim());
        }
      }
    }
  });

  it('render every support case as a conversation: few-shot turns, then the policy PDF and the message, with two tools and a cached system block', async () => {
    const [versions, dataset] = await Promise.all([loadPromptVersions('suites/support/prompts'), loadDataset('fixtures/support/cases.yaml')]);
    expect(dataset.cases.length).toBeGreaterThanOrEqual(16);
    for (const version of versions) {
      const compiled = compilePrompt(version, { files: { baseDir: 'fixtures/support', root: '.' } });
      expect(compiled.shape).toEqual({ conversation: true, prefill: false });
      for (const goldenCase of dataset.cases) {
        const rendered = compiled.render(goldenCase.vars, goldenCase.id);
        expect(rendered.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
        const last = rendered.messages[4]!.content as Array<{ type: string; text?: string; source?: { mediaType: string } }>;
        expect(last[0]).toMatchObject({ type: 'document', source: { mediaType: 'application/pdf' } });
        expect(last[1]!.text).toBe(goldenCase.vars['message']);
        expect((rendered.system as Array<{ cacheControl?: unknown }>)[0]!.cacheControl).toEqual({ type: 'ephemeral', ttl: '5m' });
        expect(rendered.tools!.map((t) => t.name)).toEqual(['lookup_invoice', 'create_refund']);
        const expected = goldenCase.expected as { tool: string | null; input?: Record<string, unknown>; mentions?: string[]; reply?: string };
        if (expected.tool) expect(expected.input?.['invoice_number'], goldenCase.id).toMatch(/^INV-\d{5}$/);
        else for (const mention of expected.mentions ?? []) expect(expected.reply, goldenCase.id).toContain(mention);
      }
    }
  });
});

// --- the synthetic model --------------------------------------------------------------------

function inputsFor(suite: string, cases: readonly GoldenCase[]): SyntheticInput[] {
  return cases.flatMap((goldenCase) =>
    MODELS.flatMap((model) =>
      VERSIONS.flatMap((version) =>
        Array.from({ length: REPEATS }, (_, repeat) => ({
          suite,
          caseId: goldenCase.id,
          vars: goldenCase.vars,
          expected: goldenCase.expected,
          version,
          model,
          repeat,
        })),
      ),
    ),
  );
}

/** The suites' scorers, rebuilt from src (the suite files import the built package by name). */
const SUITE_SCORERS: Record<string, Scorer[]> = {
  triage: [
    jsonSchema({ schema: triageAnswerSchema }),
    exact({ name: 'category', field: 'category', expectedField: 'category' }),
    exact({ name: 'priority', field: 'priority', expectedField: 'priority' }),
    fuzzy({ name: 'summary', method: 'tokenSet', threshold: 0.5, field: 'summary', expectedField: 'summary', normalize: { case: true } }),
  ],
  summarize: [
    fuzzy({ name: 'similarity', method: 'dice', threshold: 0.45, expectedField: 'summary' }),
    contains({ values: (sample) => (sample.expected as SummaryExpected).must_mention, mode: 'all', caseInsensitive: true }),
    custom('length', (sample) => words(sample.output) <= 60),
  ],
};

async function passes(input: SyntheticInput): Promise<boolean> {
  const answer = syntheticAnswer(input);
  const sample: Sample = {
    caseId: input.caseId,
    vars: input.vars,
    expected: input.expected,
    tags: [],
    output: answer.text,
    generation: { text: answer.text, stopReason: answer.stopReason, latencyMs: answer.latencyMs },
    request: { model: input.model, messages: [], maxTokens: 400 },
    promptId: input.suite,
    promptVersion: input.version,
    model: input.model,
    repeat: input.repeat,
  };
  const signal = new AbortController().signal;
  for (const scorer of SUITE_SCORERS[input.suite] ?? []) {
    if (!(await runScorer(scorer, sample, { signal })).pass) return false;
  }
  return true;
}

describe('synthetic model', async () => {
  const [triage, summaries] = await Promise.all([loadDataset(TRIAGE_FILE), loadDataset(SUMMARIES_FILE)]);
  const suites = [
    ['triage', inputsFor('triage', triage.cases)],
    ['summarize', inputsFor('summarize', summaries.cases)],
  ] as const;

  it('is a pure function of its input', () => {
    for (const [, inputs] of suites) {
      for (const input of inputs.slice(0, 60)) {
        expect(syntheticAnswer({ ...input, vars: { ...input.vars } })).toEqual(syntheticAnswer(input));
      }
    }
  });

  it('varies its wording across repeats and versions', () => {
    for (const [suite, inputs] of suites) {
      const textsByCell = new Map<string, Set<string>>();
      const textsAcrossVersions = new Map<string, Set<string>>();
      for (const input of inputs) {
        const text = syntheticAnswer(input).text;
        const cell = `${input.caseId}|${input.model}|${input.version}`;
        textsByCell.set(cell, (textsByCell.get(cell) ?? new Set()).add(text));
        const sameRepeat = `${input.caseId}|${input.model}|${input.repeat}`;
        textsAcrossVersions.set(sameRepeat, (textsAcrossVersions.get(sameRepeat) ?? new Set()).add(text));
      }
      expect([...textsByCell.values()].some((texts) => texts.size > 1), suite).toBe(true);
      expect([...textsAcrossVersions.values()].some((texts) => texts.size > 1), suite).toBe(true);
    }
  });

  it('keeps most triage decisions stable across repeats, like sampling from a real model', () => {
    const [, inputs] = suites[0];
    const decisionsByCell = new Map<string, Set<string>>();
    for (const input of inputs) {
      const parsed = extractJson(syntheticAnswer(input).text);
      const decision = parsed.ok ? JSON.stringify([(parsed.value as TriageExpected).category, (parsed.value as TriageExpected).priority]) : 'unparsed';
      const cell = `${input.caseId}|${input.model}|${input.version}`;
      decisionsByCell.set(cell, (decisionsByCell.get(cell) ?? new Set()).add(decision));
    }
    const cells = [...decisionsByCell.values()];
    const unstable = cells.filter((decisions) => decisions.size > 1).length / cells.length;
    expect(unstable).toBeGreaterThan(0.03);
    expect(unstable).toBeLessThan(0.3);
  });

  it('sometimes fences or introduces the triage JSON, and rarely breaks it', () => {
    const [, inputs] = suites[0];
    const texts = inputs.map((input) => syntheticAnswer(input).text);
    const fenced = texts.filter((t) => t.startsWith('```json')).length;
    const prose = texts.filter((t) => /^[A-Z][^{]*\n\n\{/.test(t)).length;
    const broken = texts.filter((t) => !extractJson(t).ok).length;
    expect(fenced / texts.length).toBeGreaterThan(0.03);
    expect(prose / texts.length).toBeGreaterThan(0.01);
    expect(broken).toBeGreaterThan(0);
    expect(broken / texts.length).toBeLessThan(0.05);
  });

  it('reports tokens at about 1.3 per word and plausible latencies', () => {
    for (const [, inputs] of suites) {
      const latencies: number[] = [];
      for (const input of inputs) {
        const answer = syntheticAnswer(input);
        expect(answer.outputTokens).toBe(Math.max(1, Math.round(words(answer.text) * 1.3)));
        expect(answer.inputTokens).toBeGreaterThan(answer.outputTokens / 10);
        latencies.push(answer.latencyMs);
      }
      latencies.sort((a, b) => a - b);
      const median = latencies[Math.floor(latencies.length / 2)] ?? 0;
      expect(median).toBeGreaterThan(600);
      expect(median).toBeLessThan(2500);
      expect(latencies[0]).toBeGreaterThanOrEqual(350);
    }
  });

  it('lands each cell between 60% and 95% passing, ~5–25% of cases flaky, v2 helping one model only', async () => {
    for (const [suite, inputs] of suites) {
      const passed = new Map<string, number[]>();
      const outcomesByCase = new Map<string, Set<boolean>>();
      for (const input of inputs) {
        const outcome = await passes(input);
        const cell = `${input.version}|${input.model}`;
        passed.set(cell, [...(passed.get(cell) ?? []), outcome ? 1 : 0]);
        const caseCell = `${cell}|${input.caseId}`;
        outcomesByCase.set(caseCell, (outcomesByCase.get(caseCell) ?? new Set()).add(outcome));
      }
      const flaky = [...outcomesByCase.values()].filter((outcomes) => outcomes.size > 1).length / outcomesByCase.size;
      expect(flaky, `${suite} flaky share`).toBeGreaterThan(0.05);
      expect(flaky, `${suite} flaky share`).toBeLessThan(0.25);
      const rate = (version: string, model: string): number => {
        const outcomes = passed.get(`${version}|${model}`) ?? [];
        return outcomes.reduce((a, b) => a + b, 0) / outcomes.length;
      };
      for (const model of MODELS) {
        for (const version of VERSIONS) {
          expect(rate(version, model), `${suite} ${version} ${model}`).toBeGreaterThan(0.6);
          expect(rate(version, model), `${suite} ${version} ${model}`).toBeLessThan(0.95);
        }
      }
      const gainWeak = rate('v2', 'claude-sonnet-4-5') - rate('v1', 'claude-sonnet-4-5');
      const gainStrong = rate('v2', 'claude-sonnet-5-5') - rate('v1', 'claude-sonnet-5-5');
      expect(gainStrong, suite).toBeGreaterThan(0.03);
      expect(Math.abs(gainWeak), suite).toBeLessThan(0.04);
    }
  });

  it('answers through the Provider contract for known cases and rejects unknown ones', async () => {
    const provider = createSyntheticProvider('triage', triage.cases);
    const goldenCase = triage.cases[0]!;
    const context = {
      signal: new AbortController().signal,
      repeat: 1,
      caseId: goldenCase.id,
      vars: goldenCase.vars,
      promptId: 'triage',
      promptVersion: 'v2',
    };
    const generation = await provider.generate({ model: 'claude-sonnet-5-5', messages: [], maxTokens: 400 }, context);
    const direct = syntheticAnswer({ suite: 'triage', caseId: goldenCase.id, vars: goldenCase.vars, expected: goldenCase.expected, version: 'v2', model: 'claude-sonnet-5-5', repeat: 1 });
    expect(generation.text).toBe(direct.text);
    expect(generation.usage?.outputTokens).toBe(direct.outputTokens);
    await expect(provider.generate({ model: 'claude-sonnet-5-5', messages: [], maxTokens: 400 }, { ...context, caseId: 'nope' })).rejects.toThrow(/unknown case "nope"/);
  });
});
