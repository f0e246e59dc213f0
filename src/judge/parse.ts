/**
 * Reading the judge's answer. Structured outputs make malformed JSON rare, not impossible (a
 * provider without them, a replayed old answer), so every answer is checked against the rubric:
 * anything unreadable is an `unscored` reason, never a default grade.
 */
import { extractJson } from '../scoring/extract-json.js';
import type { Rubric } from './criteria.js';

export interface CriterionVerdict {
  id: string;
  reasoning: string;
  /** pass-fail: 1 pass / 0 fail. 1-5: the level 1..5. */
  value: number;
}

export interface Judgement {
  criteria: CriterionVerdict[];
  overall: string;
}

export type ParsedJudgement = { ok: true; judgement: Judgement } | { ok: false; reason: string };

export function parseJudgement(text: string, rubric: Rubric): ParsedJudgement {
  const extracted = extractJson(text);
  if (!extracted.ok) return { ok: false, reason: `judge answer is not JSON: ${preview(text)}` };
  const answer = extracted.value as { criteria?: unknown; overall?: unknown };
  if (!answer || typeof answer !== 'object' || !Array.isArray(answer.criteria)) {
    // An object found inside broken text is a fragment, not the answer.
    if (extracted.from === 'embedded') return { ok: false, reason: `judge answer is not valid JSON: ${preview(text)}` };
    return { ok: false, reason: 'judge answer has no "criteria" list' };
  }
  const byId = new Map<string, CriterionVerdict>();
  for (const [index, entry] of answer.criteria.entries()) {
    const item = entry as { id?: unknown; reasoning?: unknown; verdict?: unknown; score?: unknown } | null;
    const id = typeof item?.id === 'string' ? item.id : undefined;
    if (!id || !rubric.criteria.some((c) => c.id === id)) return { ok: false, reason: `judge answer criteria[${index}] names an unknown criterion ${JSON.stringify(item?.id)}` };
    if (byId.has(id)) return { ok: false, reason: `judge answer grades criterion "${id}" twice` };
    const value = decisionOf(item, rubric);
    if (value === undefined) {
      const expected = rubric.scale === 'pass-fail' ? 'verdict "pass" or "fail"' : 'score 1–5';
      return { ok: false, reason: `judge answer for "${id}" has no ${expected}` };
    }
    byId.set(id, { id, reasoning: typeof item?.reasoning === 'string' ? item.reasoning : '', value });
  }
  const missing = rubric.criteria.filter((c) => !byId.has(c.id)).map((c) => c.id);
  if (missing.length > 0) return { ok: false, reason: `judge answer omits criteria ${missing.join(', ')}` };
  return {
    ok: true,
    judgement: {
      criteria: rubric.criteria.map((c) => byId.get(c.id)!),
      overall: typeof answer.overall === 'string' ? answer.overall : '',
    },
  };
}

function decisionOf(item: { verdict?: unknown; score?: unknown } | null, rubric: Rubric): number | undefined {
  if (rubric.scale === 'pass-fail') {
    const verdict = typeof item?.verdict === 'string' ? item.verdict.toLowerCase() : undefined;
    return verdict === 'pass' ? 1 : verdict === 'fail' ? 0 : undefined;
  }
  const score = item?.score;
  return typeof score === 'number' && Number.isInteger(score) && score >= 1 && score <= 5 ? score : undefined;
}

export type PairwisePreference = 'A' | 'B' | 'tie';

export type ParsedPreference = { ok: true; preference: PairwisePreference; reasoning: string } | { ok: false; reason: string };

export function parsePreference(text: string): ParsedPreference {
  const extracted = extractJson(text);
  if (!extracted.ok) return { ok: false, reason: `judge answer is not JSON: ${preview(text)}` };
  const answer = extracted.value as { preference?: unknown; reasoning?: unknown } | null;
  const preference = answer?.preference;
  if (preference !== 'A' && preference !== 'B' && preference !== 'tie') {
    return { ok: false, reason: `judge answer has no preference "A", "B" or "tie" (got ${JSON.stringify(preference)})` };
  }
  return { ok: true, preference, reasoning: typeof answer?.reasoning === 'string' ? answer.reasoning : '' };
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 60 ? `${flat.slice(0, 60)}…` : flat);
}
