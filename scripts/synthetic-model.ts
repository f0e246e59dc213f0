/**
 * A deterministic stand-in for Claude, used to generate the recordings that make the example
 * suites (`suites/triage`, `suites/summarize`, and `suites/support` through synthetic-support.ts)
 * run offline.
 *
 * It is a pure function of its input: every random draw comes from a PRNG seeded with a hash of
 * (suite, case id, version, model, repeat), so regenerating the recordings gives the same bytes.
 * The behaviour is shaped to look like a real model under evaluation:
 *
 * - each case has a latent difficulty; a sample is right when the model's skill minus that
 *   difficulty, plus per-sample noise, is positive — so most cases are stable across repeats and
 *   the ones near the edge flip (sampling is not repeatable on current models);
 * - the stronger model (claude-sonnet-5-5) is better, which only shows on the hard cases;
 * - prompt v2 (priority rubric + few-shot examples for triage, a hard word limit for summaries)
 *   fixes one group of cases and breaks another, more so on the weaker model, so comparing
 *   versions finds fixed and regressed cases, and the verdict differs per model;
 * - answers paraphrase the expected summary more or less loosely, sometimes come wrapped in a
 *   code fence or after a sentence of prose, and very rarely are invalid JSON or cut off at
 *   `max_tokens`.
 */

import type { GoldenCase } from '../src/datasets/types.js';
import type { Generation, GenerateContext, GenerationRequest, Provider } from '../src/providers/types.js';
import { createSupportProvider } from './synthetic-support.js';

export interface SyntheticInput {
  suite: string;
  caseId: string;
  vars: Record<string, unknown>;
  expected: unknown;
  version: string;
  model: string;
  repeat: number;
}

export interface SyntheticAnswer {
  text: string;
  inputTokens?: number;
  outputTokens: number;
  latencyMs: number;
  stopReason: 'end_turn' | 'max_tokens' | 'refusal';
}

export function syntheticAnswer(input: SyntheticInput): SyntheticAnswer {
  const random = seededRandom([input.suite, input.caseId, input.version, input.model, String(input.repeat)]);
  const profile = modelProfile(input.model);
  const traits = versionTraits(input.suite, input.version);
  const draft =
    input.suite === 'triage'
      ? triageDraft(input, profile, traits, random)
      : input.suite === 'summarize'
        ? summaryDraft(input, profile, traits, random)
        : unsupportedSuite(input.suite);
  const outputTokens = estimateTokens(draft.text);
  return {
    text: draft.text,
    inputTokens: estimateTokens(Object.values(input.vars).map(String).join(' ')) + traits.promptOverheadTokens,
    outputTokens,
    latencyMs: sampleLatency(profile, outputTokens, random),
    stopReason: draft.stopReason,
  };
}

/**
 * The synthetic model as a Provider, so recordings are made through the normal `--record` path.
 * It needs the golden cases because the model "knows" each case's expected answer (chaos cases
 * carry their source's). Rubric-judge requests, recognized by their shape, get the synthetic
 * judge; a chaos case with a planted canary sometimes gets an answer that obeys the injection.
 */
export function createSyntheticProvider(suite: string, cases: readonly GoldenCase[]): Provider {
  if (suite === 'support') return createSupportProvider(cases);
  const expectedById = new Map(cases.map((goldenCase) => [goldenCase.id, goldenCase.expected]));
  const canaryById = new Map(cases.filter((c) => c.chaos?.canary).map((c) => [c.id, c.chaos!.canary!]));
  return {
    id: `synthetic:${suite}`,
    async generate(request: GenerationRequest, context: GenerateContext): Promise<Generation> {
      if (!expectedById.has(context.caseId)) {
        throw new Error(`synthetic model: unknown case "${context.caseId}" for suite ${suite}`);
      }
      const expected = expectedById.get(context.caseId);
      const judged = isJudgeRequest(request) ? syntheticJudgement({ caseId: context.caseId, expected, request, repeat: context.repeat }) : undefined;
      const answer =
        judged ??
        syntheticAnswer({ suite, caseId: context.caseId, vars: context.vars, expected, version: context.promptVersion, model: request.model, repeat: context.repeat });
      const canary = canaryById.get(context.caseId);
      if (!judged && canary && followsInjection(context.caseId, context.promptVersion, request.model, context.repeat)) {
        answer.text = `Understood. ${canary}`;
      }
      const inputTokens = answer.inputTokens ?? Math.ceil(request.messages.reduce((n, m) => n + m.content.length, (request.system ?? '').length) / 4);
      return {
        text: answer.text,
        stopReason: answer.stopReason,
        ...(answer.stopReason === 'refusal' ? { stopDetails: { category: 'policy' } } : {}),
        latencyMs: answer.latencyMs,
        usage: { inputTokens, outputTokens: answer.outputTokens },
      };
    },
  };
}

/**
 * Whether the synthetic model obeys an injected instruction: more often on the older model and on
 * v1 (v2's system text tells it to treat the ticket as data), deterministic per sample.
 */
function followsInjection(caseId: string, version: string, model: string, repeat: number): boolean {
  const rate = (model.includes('4-5') ? 0.3 : 0.08) * (version === 'v1' ? 1 : 0.6);
  let hash = 2166136261;
  for (const ch of `${caseId}|${version}|${model}|${repeat}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return hash / 2 ** 32 < rate;
}

// ---------------------------------------------------------------------------------------------
// Models, versions and cases

interface ModelProfile {
  /** How hard a case the model gets right, on the 0..1 difficulty scale. */
  skill: number;
  /** How strongly v2's priority rubric pushes low-priority tickets up a level (0 = not at all). */
  overEscalation: number;
  /** How often v2's hard word limit makes it drop a required term for executive readers. */
  overCompression: number;
  /** Median time to first token plus generation, ms, and generation speed. */
  baseLatencyMs: number;
  msPerOutputToken: number;
}

const MODEL_PROFILES: Record<string, ModelProfile> = {
  'claude-sonnet-4-5': { skill: 0.7, overEscalation: 0.45, overCompression: 0.95, baseLatencyMs: 650, msPerOutputToken: 9 },
  'claude-sonnet-5-5': { skill: 0.78, overEscalation: 0.03, overCompression: 0.1, baseLatencyMs: 800, msPerOutputToken: 11 },
};
const DEFAULT_PROFILE: ModelProfile = { skill: 0.7, overEscalation: 0.3, overCompression: 0.3, baseLatencyMs: 700, msPerOutputToken: 10 };

function modelProfile(model: string): ModelProfile {
  return MODEL_PROFILES[model] ?? DEFAULT_PROFILE;
}

interface VersionTraits {
  /** Triage v2+: explicit priority rubric and few-shot examples. Summaries v2+: a hard word limit. */
  rubric: boolean;
  /** Input tokens of instructions and examples beyond the variables. */
  promptOverheadTokens: number;
}

/** Versions after v1 carry the rubric; their prompts are longer (few-shot examples, rules). */
function versionTraits(suite: string, version: string): VersionTraits {
  const rubric = version !== 'v1';
  const overhead = suite === 'triage' ? (rubric ? 640 : 210) : rubric ? 190 : 120;
  return { rubric, promptOverheadTokens: overhead };
}

/**
 * Latent difficulty in 0..1, skewed towards easy (most golden cases are routine), raised for
 * the kinds of input real models struggle with: very short or non-English tickets, long documents.
 */
function caseDifficulty(input: SyntheticInput): number {
  const u = hashUnit([input.suite, input.caseId, 'difficulty']);
  let difficulty = u * u;
  const text = String(input.vars['ticket'] ?? input.vars['document'] ?? '');
  const words = countWords(text);
  if (input.suite === 'triage' && words < 14) difficulty += 0.2;
  if (/[^\u0000-\u024f\u2000-\u206f]/u.test(text) || looksNonEnglish(text)) difficulty += 0.15;
  if (input.suite === 'summarize' && words > 300) difficulty += 0.1;
  return Math.min(1, difficulty);
}

function looksNonEnglish(text: string): boolean {
  return /\b(der|die|und|nicht|est|pas|mais|los|las|para|não|estamos|bonjour|hola)\b/i.test(text);
}

/**
 * Margin of one component of an answer: positive = right. The per-(case, model) jitter keeps the
 * two models from failing exactly the same set of cases.
 */
function componentMargin(input: SyntheticInput, profile: ModelProfile, component: string, offset: number): number {
  const jitter = (hashUnit([input.suite, input.caseId, input.model, component]) - 0.5) * 0.16;
  return profile.skill - caseDifficulty(input) + offset + jitter;
}

/** Sampling noise: about one case in six sits close enough to the edge to flip between repeats. */
function sampleNoise(random: Random): number {
  return gaussian(random) * 0.07;
}

// ---------------------------------------------------------------------------------------------
// Triage

const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

/** The wrong answer a model plausibly gives for each category. */
const CONFUSED_WITH: Record<string, string[]> = {
  billing: ['cancellation', 'account_access'],
  bug: ['outage', 'how_to'],
  account_access: ['security', 'bug'],
  feature_request: ['how_to', 'bug'],
  outage: ['bug'],
  security: ['account_access', 'bug'],
  cancellation: ['billing'],
  how_to: ['feature_request', 'bug'],
};

interface TriageExpected {
  category: string;
  priority: string;
  summary: string;
}

interface Draft {
  text: string;
  stopReason: SyntheticAnswer['stopReason'];
}

function triageDraft(input: SyntheticInput, profile: ModelProfile, traits: VersionTraits, random: Random): Draft {
  const expected = readTriageExpected(input);
  const fewShotBonus = traits.rubric ? 0.04 : 0;

  const categoryRight = componentMargin(input, profile, 'category', 0.12 + fewShotBonus) + sampleNoise(random) > 0;
  const category = categoryRight ? expected.category : pick(CONFUSED_WITH[expected.category] ?? ['bug'], random);

  const priority = triagePriority(input, expected.priority, profile, traits, random);

  const summaryMargin = componentMargin(input, profile, 'summary', 0.1) + sampleNoise(random);
  const ticket = String(input.vars['ticket'] ?? '');
  const summary = summarize(expected.summary, ticket, rewriteAmount(input, summaryMargin, random), random);

  if (expected.category === 'security' && random() < 0.02) {
    return { text: 'I can’t help with analysing this request because it appears to describe an active attack.', stopReason: 'refusal' };
  }
  return formatTriageJson({ category, priority, summary }, random);
}

/**
 * v1 has no rubric and under-rates urgent tickets (says "high"); v2's rubric fixes that but pushes
 * low-priority tickets to "medium", strongly on the weaker model.
 */
function triagePriority(
  input: SyntheticInput,
  expected: string,
  profile: ModelProfile,
  traits: VersionTraits,
  random: Random,
): string {
  let offset = 0.12;
  let driftUp = random() < 0.5;
  if (expected === 'urgent' || expected === 'high') {
    offset += traits.rubric ? 0.08 : expected === 'urgent' ? -0.5 : -0.12;
    driftUp = false;
  }
  if (expected === 'low' && traits.rubric) {
    offset -= profile.overEscalation;
    driftUp = true;
  }
  const right = componentMargin(input, profile, 'priority', offset) + sampleNoise(random) > 0;
  if (right) return expected;
  const index = PRIORITIES.indexOf(expected as (typeof PRIORITIES)[number]);
  const shifted = Math.min(PRIORITIES.length - 1, Math.max(0, index + (driftUp ? 1 : -1)));
  return PRIORITIES[shifted === index ? index + (driftUp ? -1 : 1) : shifted] ?? expected;
}

function readTriageExpected(input: SyntheticInput): TriageExpected {
  const expected = input.expected as Partial<TriageExpected> | undefined;
  if (!expected || typeof expected.category !== 'string' || typeof expected.priority !== 'string' || typeof expected.summary !== 'string') {
    throw new Error(`synthetic model: triage case ${input.caseId} needs expected.category, .priority and .summary`);
  }
  return expected as TriageExpected;
}

/** Mostly bare JSON; sometimes fenced or introduced by a sentence; very rarely broken. */
function formatTriageJson(answer: { category: string; priority: string; summary: string }, random: Random): Draft {
  const json = JSON.stringify(answer, null, random() < 0.5 ? 2 : undefined);
  const roll = random();
  if (roll < 0.008) return { text: json.slice(0, Math.floor(json.length * 0.6)), stopReason: 'max_tokens' };
  // The classic hand-written-JSON slip: a trailing comma.
  if (roll < 0.02) return { text: json.replace(/\s*\}$/, ',\n}'), stopReason: 'end_turn' };
  if (roll < 0.11) return { text: '```json\n' + json + '\n```', stopReason: 'end_turn' };
  if (roll < 0.16) return { text: `${pick(PREAMBLES, random)}\n\n${json}`, stopReason: 'end_turn' };
  return { text: json, stopReason: 'end_turn' };
}

const PREAMBLES = [
  'Here is the triage for this ticket:',
  'Sure — here is my classification.',
  'Based on the ticket, this is my assessment:',
];

// ---------------------------------------------------------------------------------------------
// Summaries

interface SummaryExpected {
  summary: string;
  must_mention: string[];
}

function summaryDraft(input: SyntheticInput, profile: ModelProfile, traits: VersionTraits, random: Random): Draft {
  const expected = readSummaryExpected(input);
  const margin = componentMargin(input, profile, 'summary', 0.06) + sampleNoise(random);
  const document = String(input.vars['document'] ?? '');
  let summary = summarize(expected.summary, document, rewriteAmount(input, margin, random), random, expected.must_mention);

  const compresses =
    traits.rubric && dependsOnDetail(input, expected) && hashUnit([input.suite, input.caseId, input.model, 'compress']) < profile.overCompression;
  const missesTerm = margin + sampleNoise(random) < -0.08 || compresses;
  if (missesTerm && expected.must_mention.length > 0) {
    summary = dropTerm(summary, pick(expected.must_mention, random));
  }

  // Without a hard limit, longer source documents draw a second, detail-heavy paragraph from
  // some (case, model) pairs reliably and from others now and then.
  const verbosity = hashUnit([input.suite, input.caseId, 'verbosity']);
  const verbose = !traits.rubric && countWords(document) > 165 && (verbosity < 0.2 || (verbosity < 0.4 && random() < 0.4));
  if (verbose) summary += ' ' + elaborate(document, random);

  if (random() < 0.12) summary = `${pick(SUMMARY_LEADS, random)} ${summary}`;
  if (random() < 0.006) {
    const words = summary.split(' ');
    return { text: words.slice(0, Math.ceil(words.length * 0.55)).join(' '), stopReason: 'max_tokens' };
  }
  return { text: summary, stopReason: 'end_turn' };
}

/** Readers who want every number, and references with many required terms: where a word limit hurts. */
function dependsOnDetail(input: SyntheticInput, expected: SummaryExpected): boolean {
  const audience = String(input.vars['audience'] ?? '').toLowerCase();
  return /exec|investor|director|board/.test(audience) || expected.must_mention.length >= 4;
}

const SUMMARY_LEADS = ['Summary:', 'Here is a short summary.', 'In brief:', 'TL;DR —'];

function readSummaryExpected(input: SyntheticInput): SummaryExpected {
  const expected = input.expected as Partial<SummaryExpected> | undefined;
  if (!expected || typeof expected.summary !== 'string' || !Array.isArray(expected.must_mention)) {
    throw new Error(`synthetic model: summarize case ${input.caseId} needs expected.summary and expected.must_mention`);
  }
  return { summary: expected.summary, must_mention: expected.must_mention.map(String) };
}

/** Replace a required term by a vaguer word, the way an over-compressed summary loses a detail. */
function dropTerm(summary: string, term: string): string {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return summary.replace(new RegExp(escaped, 'gi'), 'it');
}

/** A couple of extra sentences lifted from the source, as verbose models do. */
function elaborate(document: string, random: Random): string {
  const sentences = firstSentences(document, 8);
  if (sentences.length === 0) return '';
  const start = Math.floor(random() * sentences.length);
  return [sentences[start], sentences[(start + 1) % sentences.length]].join(' ');
}

// ---------------------------------------------------------------------------------------------
// Paraphrasing: word swaps, omissions, filler and loose rewrites, scaled by how much to rewrite

/**
 * How much of the reference wording the model rewrites (0 = verbatim, 1 = entirely its own words).
 * Each (case, model) has its own stable style; a weak margin and sampling noise add to it.
 */
function rewriteAmount(input: SyntheticInput, margin: number, random: Random): number {
  const style = hashUnit([input.suite, input.caseId, input.model, 'style']);
  const amount = 0.05 + 0.5 * style * style + Math.max(0, 0.32 - margin) * 1.5 + Math.abs(gaussian(random)) * 0.05;
  return Math.min(1, amount);
}

/** Above this rewrite amount the model writes its own summary from the source instead. */
const LOOSE_REWRITE = 0.5;

function summarize(reference: string, source: string, rewrite: number, random: Random, protectedTerms: string[] = []): string {
  return rewrite >= LOOSE_REWRITE
    ? looseRewrite(reference, source, random, protectedTerms)
    : paraphrase(reference, rewrite, random, protectedTerms);
}

const SYNONYMS: Record<string, string> = {
  customer: 'user', customers: 'users', user: 'customer', users: 'customers', reports: 'says', reported: 'said',
  cannot: "can't", unable: 'not able', charged: 'billed', wants: 'would like', requests: 'asks for',
  asks: 'requests', error: 'failure', errors: 'failures', issue: 'problem', problem: 'issue', after: 'following',
  since: 'after', because: 'as', fixed: 'resolved', resolved: 'fixed', new: 'updated', slow: 'sluggish',
  released: 'shipped', shipped: 'released', team: 'group', agreed: 'decided', decided: 'agreed', improved: 'better',
  added: 'introduced', removed: 'dropped', delayed: 'pushed back', outage: 'downtime', caused: 'triggered',
  affected: 'hit', about: 'roughly', several: 'a few', many: 'lots of', quickly: 'fast', help: 'assistance',
  recommend: 'suggest', explains: 'describes', proposes: 'suggests', major: 'big', minor: 'small', during: 'in',
  wrong: 'incorrect', needs: 'requires', instead: 'rather', before: 'ahead of',
  more: 'extra', adds: 'brings', fixes: 'repairs', large: 'big', first: 'initial', later: 'afterwards',
};

const FILLERS = ['It seems that', 'Overall,', 'In short,', 'Notably,', 'Essentially,', 'Basically,'];
const TAILS = ['overall.', 'as described.', 'according to the text.', 'for now.', 'and follow-up is needed.'];

/** Reference wording with some words swapped for synonyms or dropped, plus filler. */
function paraphrase(reference: string, rewrite: number, random: Random, protectedTerms: string[]): string {
  const protectedWords = new Set(protectedTerms.flatMap((term) => term.split(/\s+/).map(bareWord)));
  const words: string[] = [];
  for (const word of reference.split(/\s+/).filter(Boolean)) {
    const bare = bareWord(word);
    const trailing = word.match(/[.,;:!?]+$/)?.[0] ?? '';
    const roll = random();
    const synonym = SYNONYMS[bare];
    if (protectedWords.has(bare)) words.push(word);
    else if (roll < rewrite * 0.9 && synonym) words.push(synonym + trailing);
    else if (roll < rewrite * 0.4 && bare.length > 3 && !trailing) continue;
    else words.push(word);
  }
  let text = words.join(' ');
  if (random() < rewrite * 1.5) text = `${pick(FILLERS, random)} ${lowerFirst(text)}`;
  if (random() < rewrite) text = text.replace(/\.$/, '') + ' ' + pick(TAILS, random);
  return text;
}

/**
 * The model's own, looser summary: part of the reference plus wording lifted from the source,
 * as a model does when it latches onto the opening of the text instead of its point.
 */
function looseRewrite(reference: string, source: string, random: Random, protectedTerms: string[]): string {
  const referenceWords = reference.replace(/\.$/, '').split(/\s+/).filter(Boolean);
  const kept = referenceWords.slice(0, Math.max(4, Math.round(referenceWords.length * (0.2 + random() * 0.3))));
  const opening = firstSentences(source, 1)[0] ?? '';
  const lifted = opening.split(/\s+/).filter(Boolean).slice(0, 14).join(' ').replace(/[.,;:!?]+$/, '');
  const missing = protectedTerms.filter((term) => !kept.join(' ').toLowerCase().includes(term.toLowerCase()));
  const mentions = missing.length > 0 && random() < 0.9 ? `, covering ${missing.join(', ')}` : '';
  return `${kept.join(' ')}; ${lowerFirst(lifted)}${mentions}.`;
}

function bareWord(word: string): string {
  return word.toLowerCase().replace(/^[^\p{L}\p{N}$]+|[^\p{L}\p{N}%]+$/gu, '');
}

function firstSentences(text: string, minWords: number): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => countWords(sentence) >= minWords);
}

function lowerFirst(text: string): string {
  // Keep acronyms and proper nouns ("API", "SSO") intact.
  return /^[A-Z]([a-z]|\s)/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

// ---------------------------------------------------------------------------------------------
// Tokens and latency

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Roughly 1.3 tokens per English word. */
function estimateTokens(text: string): number {
  return Math.max(1, Math.round(countWords(text) * 1.3));
}

/** Lognormal around the model's base latency plus generation time, clamped to a plausible band. */
function sampleLatency(profile: ModelProfile, outputTokens: number, random: Random): number {
  const median = profile.baseLatencyMs + profile.msPerOutputToken * outputTokens;
  const latency = median * Math.exp(gaussian(random) * 0.35);
  return Math.round(Math.min(9000, Math.max(350, latency)));
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness

export type Random = () => number;

/** FNV-1a over the joined parts, finished with a murmur3-style avalanche. */
export function hash32(parts: readonly string[]): number {
  let h = 0x811c9dc5;
  const text = parts.join('\u001f');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashUnit(parts: readonly string[]): number {
  return hash32(parts) / 0x1_0000_0000;
}

/** mulberry32 */
export function seededRandom(parts: readonly string[]): Random {
  let state = hash32(parts);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** Box–Muller, one value per call. */
export function gaussian(random: Random): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export function pick<T>(items: readonly T[], random: Random): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('synthetic model: pick from an empty list');
  return item;
}

function unsupportedSuite(suite: string): never {
  throw new Error(`synthetic model: no behaviour defined for suite "${suite}" (known: triage, summarize, support)`);
}

// ---------------------------------------------------------------------------------------------
// The synthetic judge: answers rubric-judge requests (see src/judge/prompt.ts) for the
// summarize suite's rubric (suites/summarize/rubric.md), deterministically.

export interface SyntheticJudgeInput {
  caseId: string;
  expected: unknown;
  request: GenerationRequest;
  /** The judge call's repeat index (sample repeat × 1000 + judgement index). */
  repeat: number;
}

/** A judge request is recognized by its shape: a structured-output schema with a `criteria` list. */
export function isJudgeRequest(request: GenerationRequest): boolean {
  const properties = (request.outputSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return Boolean(properties && 'criteria' in properties);
}

/**
 * Grades the summary the way a decent but imperfect judge would: `faithful` fails on an invented
 * follow-up, `key-facts` on a missing must-mention term, `fit-for-audience` above 60 words. Each
 * verdict flips now and then (more often on borderline outputs), and about one call in a hundred
 * is refused, cut off, or answered with broken JSON, so "unscored" shows up in reports.
 */
export function syntheticJudgement(input: SyntheticJudgeInput): SyntheticAnswer {
  const prompt = input.request.messages.map((m) => m.content).join('\n');
  const output = /<output>\n([\s\S]*?)\n<\/output>/.exec(prompt)?.[1] ?? '';
  const ids = criterionIds(input.request);
  const random = seededRandom(['judge', input.caseId, output, String(input.repeat)]);
  const inputTokens = Math.ceil(((input.request.system ?? '').length + prompt.length) / 4);
  const latency = (outputTokens: number) => Math.round(Math.min(6000, Math.max(300, (380 + 6 * outputTokens) * Math.exp(gaussian(random) * 0.25))));

  const fault = random();
  if (fault < 0.004) return { text: '', inputTokens, outputTokens: 1, latencyMs: latency(1), stopReason: 'refusal' };

  const terms = readSummaryExpected({ suite: 'summarize', caseId: input.caseId, vars: {}, expected: input.expected, version: '', model: '', repeat: 0 }).must_mention;
  const lower = output.toLowerCase();
  const missing = terms.filter((term) => !lower.includes(term.toLowerCase()));
  const words = countWords(output);
  const invented = /follow-up is needed/i.test(output);

  const verdicts: Record<string, { pass: boolean; reasoning: string; flip: number }> = {
    faithful: invented
      ? { pass: false, reasoning: 'The closing claim that follow-up is needed is not in the document.', flip: 0.1 }
      : { pass: true, reasoning: 'Each claim in the summary matches the document.', flip: 0.04 },
    'key-facts':
      missing.length === 0
        ? { pass: true, reasoning: `Names ${terms.map((t) => `"${t}"`).join(', ')}.`, flip: 0.04 }
        : { pass: false, reasoning: `Leaves out ${missing.map((t) => `"${t}"`).join(', ')}.`, flip: missing.length === 1 && terms.length >= 3 ? 0.25 : 0.05 },
    'fit-for-audience':
      words <= 60
        ? { pass: true, reasoning: `${words} words of plain prose.`, flip: words > 54 ? 0.3 : 0.03 }
        : { pass: false, reasoning: `${words} words: over the 60-word limit.`, flip: words < 66 ? 0.3 : 0.03 },
  };
  const criteria = ids.map((id) => {
    const truth = verdicts[id] ?? { pass: true, reasoning: 'Meets the criterion.', flip: 0.05 };
    const pass = random() < truth.flip ? !truth.pass : truth.pass;
    // A flipped verdict keeps the reasoning: judges do contradict their own arguments.
    const reasoning = pass === truth.pass ? truth.reasoning : `${truth.reasoning} ${pass ? 'Minor; it passes.' : 'Not good enough.'}`;
    return { id, reasoning, verdict: pass ? 'pass' : 'fail' };
  });
  const failing = criteria.filter((c) => c.verdict === 'fail').map((c) => c.id);
  const overall = failing.length === 0 ? 'A faithful, complete and concise summary.' : `Falls short on ${failing.join(', ')}.`;
  const json = JSON.stringify({ criteria, overall });
  const outputTokens = estimateTokens(json.replace(/[{}[\]",:]/g, ' '));
  if (fault < 0.007) return { text: json.slice(0, Math.floor(json.length * 0.7)), inputTokens, outputTokens, latencyMs: latency(outputTokens), stopReason: 'end_turn' };
  if (fault < 0.009) return { text: json.slice(0, Math.floor(json.length * 0.5)), inputTokens, outputTokens, latencyMs: latency(outputTokens), stopReason: 'max_tokens' };
  return { text: json, inputTokens, outputTokens, latencyMs: latency(outputTokens), stopReason: 'end_turn' };
}

function criterionIds(request: GenerationRequest): string[] {
  const schema = request.outputSchema as { properties?: { criteria?: { items?: { properties?: { id?: { enum?: unknown[] } } } } } } | undefined;
  const ids = schema?.properties?.criteria?.items?.properties?.id?.enum;
  return Array.isArray(ids) ? ids.map(String) : [];
}
