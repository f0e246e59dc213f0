/**
 * `checklist({...})`: deterministic rubric items that need no model — required and forbidden
 * phrases, patterns, length limits, valid JSON. Each item is its own child score with its own
 * reason; the checklist passes when every item passes and scores the fraction that pass. Usable
 * alone, or as a rubric's `skipJudgeWhen` so the judge is not paid to grade an output that
 * already fails a hard requirement.
 */
import { InputError } from '../errors.js';
import { extractJson } from '../scoring/extract-json.js';
import { compileRegex } from '../scoring/regex.js';
import { quote } from '../scoring/text.js';
import type { Sample, Score, Scorer } from '../scoring/types.js';
import { optionNames, refuseUnknownOptions } from '../scoring/options.js';

type Phrases = readonly string[] | ((sample: Sample) => readonly string[]);

export interface ChecklistItem {
  name: string;
  check: (sample: Sample) => boolean | { pass: boolean; reason: string };
}

export interface ChecklistOptions {
  name?: string;
  /** Phrases the output must contain (one item per phrase). */
  mustInclude?: Phrases;
  /** Phrases the output must not contain. */
  mustNotInclude?: Phrases;
  /** Patterns the output must match (strings are compiled as JavaScript RegExp source). */
  mustMatch?: readonly (string | RegExp)[];
  mustNotMatch?: readonly (string | RegExp)[];
  maxWords?: number;
  minWords?: number;
  maxChars?: number;
  minChars?: number;
  /** The output must contain a JSON value (bare, fenced or embedded). */
  jsonValid?: boolean;
  /** Compare phrases ignoring case (default true: "Refund" and "refund" are the same phrase). */
  caseInsensitive?: boolean;
  /** Your own deterministic items. */
  items?: readonly ChecklistItem[];
}

export interface ChecklistScorer extends Scorer {
  /** Marks checklists, so a rubric can tell a hard-item failure from other scores. */
  readonly kind: 'checklist';
}

type Check = (sample: Sample) => Score[];

export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

const CHECKLIST_OPTIONS = optionNames<ChecklistOptions>({ name: true, mustInclude: true, mustNotInclude: true, mustMatch: true, mustNotMatch: true, maxWords: true, minWords: true, maxChars: true, minChars: true, jsonValid: true, caseInsensitive: true, items: true });

export function checklist(options: ChecklistOptions): ChecklistScorer {
  refuseUnknownOptions('checklist', options, CHECKLIST_OPTIONS);
  const name = options.name ?? 'checklist';
  const fold = options.caseInsensitive ?? true;
  const checks: Check[] = [];
  const item = (label: string, pass: boolean, reason: string): Score => ({ name: label, score: pass ? 1 : 0, pass, reason });

  const phraseCheck = (phrases: Phrases | undefined, present: boolean, field: string) => {
    if (phrases === undefined) return;
    if (typeof phrases !== 'function' && phrases.length === 0) throw new InputError(`${name}: ${field} is empty`, { field }, 'list at least one phrase or leave it out');
    if (typeof phrases !== 'function') {
      const blank = blankPhraseAt(phrases);
      if (blank !== undefined) throw new InputError(`${name}: ${field}[${blank}] is not a phrase: ${BLANK_PHRASE}`, { field: `${field}[${blank}]` }, 'list non-empty phrases');
    }
    const resolve = typeof phrases === 'function' ? checkedPhrases(phrases, `${name}: ${field}(sample)`) : () => phrases;
    checks.push((sample) => {
      const haystack = fold ? sample.output.toLowerCase() : sample.output;
      return resolve(sample).map((phrase) => {
        const found = haystack.includes(fold ? phrase.toLowerCase() : phrase);
        const pass = found === present;
        const reason = present
          ? found ? `contains ${quote(phrase)}` : `does not contain ${quote(phrase)}`
          : found ? `contains forbidden ${quote(phrase)}` : `does not contain ${quote(phrase)}`;
        return item(`${field} ${quote(phrase, 30)}`, pass, reason);
      });
    });
  };
  phraseCheck(options.mustInclude, true, 'mustInclude');
  phraseCheck(options.mustNotInclude, false, 'mustNotInclude');

  const patternCheck = (patterns: readonly (string | RegExp)[] | undefined, wanted: boolean, field: string) => {
    if (!patterns) return;
    const compiled = patterns.map((pattern, index) => compileRegex(pattern, undefined, { field: `${field}[${index}]` }));
    checks.push((sample) =>
      compiled.map((regex) => {
        const matched = regex.test(sample.output);
        const shown = `/${regex.source}/${regex.flags}`;
        return item(`${field} ${shown}`, matched === wanted, matched ? `matches ${shown}` : `does not match ${shown}`);
      }),
    );
  };
  patternCheck(options.mustMatch, true, 'mustMatch');
  patternCheck(options.mustNotMatch, false, 'mustNotMatch');

  const limit = (value: number | undefined, field: string, measure: (text: string) => number, unit: string, atMost: boolean) => {
    if (value === undefined) return;
    if (!(Number.isInteger(value) && value >= 0)) throw new InputError(`${field} must be a whole number ≥ 0, got ${value}`, { field });
    checks.push((sample) => {
      const measured = measure(sample.output);
      const pass = atMost ? measured <= value : measured >= value;
      const op = pass ? (atMost ? '<=' : '>=') : atMost ? '>' : '<';
      return [item(`${field} ${value}`, pass, `${measured} ${unit} ${op} ${value}`)];
    });
  };
  limit(options.maxWords, 'maxWords', countWords, 'words', true);
  limit(options.minWords, 'minWords', countWords, 'words', false);
  limit(options.maxChars, 'maxChars', (text) => [...text].length, 'characters', true);
  limit(options.minChars, 'minChars', (text) => [...text].length, 'characters', false);

  if (options.jsonValid) {
    checks.push((sample) => {
      const parsed = extractJson(sample.output);
      return [item('jsonValid', parsed.ok, parsed.ok ? `contains valid JSON (${parsed.from})` : `no valid JSON: ${parsed.error}`)];
    });
  }
  for (const custom of options.items ?? []) {
    checks.push((sample) => {
      const { pass, reason } = itemResult(custom.name, custom.check(sample));
      return [item(custom.name, pass, reason)];
    });
  }
  if (checks.length === 0) {
    throw new InputError(`${name}: no items`, { field: 'checklist' }, 'set at least one of mustInclude, mustNotInclude, mustMatch, mustNotMatch, maxWords, minWords, maxChars, minChars, jsonValid, items');
  }

  return {
    name,
    kind: 'checklist',
    score(sample) {
      const children = checks.flatMap((check) => check(sample));
      const failed = children.filter((child) => !child.pass);
      const passed = children.length - failed.length;
      const score = children.length === 0 ? 1 : passed / children.length;
      const reason =
        failed.length === 0
          ? `all ${children.length} items hold`
          : `${failed.length} of ${children.length} items fail: ${failed.map((f) => `${f.name} (${f.reason})`).join('; ')}`;
      return { name, score, pass: failed.length === 0, reason, children };
    },
  };
}

/**
 * What a custom item's check returned, as pass and reason. Anything but a boolean or
 * `{ pass: boolean, reason? }` is thrown, so the checklist ends as an errored score: a pass of
 * 'false' (a truthy string) or 1 would otherwise hold an item that was never decided.
 */
function itemResult(name: string, result: unknown): { pass: boolean; reason: string } {
  if (typeof result === 'boolean') return { pass: result, reason: result ? 'holds' : 'does not hold' };
  const pass = (result as { pass?: unknown } | null)?.pass;
  if (result === null || typeof result !== 'object' || typeof pass !== 'boolean') {
    const found = result !== null && typeof result === 'object' ? `{ pass: ${shownValue(pass)} }` : shownValue(result);
    throw new TypeError(`checklist item "${name}" returned ${found}: a check returns true, false or { pass: true | false, reason }`);
  }
  const reason = (result as { reason?: unknown }).reason;
  return { pass, reason: typeof reason === 'string' ? reason : pass ? 'holds' : 'does not hold' };
}

function shownValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'an array' : value !== null && typeof value === 'object' ? 'an object' : String(value);
}

/** Why an empty phrase cannot be an item: every output contains it (and lacks it never). */
const BLANK_PHRASE = 'an empty string, which every output contains';

/** The index of the first phrase that is not a non-empty string, if any. */
function blankPhraseAt(phrases: readonly unknown[]): number | undefined {
  const at = phrases.findIndex((phrase) => typeof phrase !== 'string' || phrase === '');
  return at < 0 ? undefined : at;
}

/** A phrases function whose answer is checked per sample: a blank phrase errors the checklist (thrown) rather than holding vacuously. */
function checkedPhrases(phrases: (sample: Sample) => readonly string[], label: string): (sample: Sample) => readonly string[] {
  return (sample) => {
    const list: unknown = phrases(sample);
    if (!Array.isArray(list)) throw new TypeError(`${label} returned ${list === null ? 'null' : typeof list}, not a list of phrases`);
    const blank = blankPhraseAt(list);
    if (blank !== undefined) throw new TypeError(`${label} returned a list whose item ${blank} is not a phrase: ${typeof list[blank] === 'string' ? BLANK_PHRASE : `a ${typeof list[blank]}`}`);
    return list as readonly string[];
  };
}
