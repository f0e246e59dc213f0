/**
 * Finding the JSON in a model's answer. Models wrap JSON in prose or Markdown fences, so we try,
 * in order: the whole text, fenced code blocks (```json first), then the first balanced `{…}` or
 * `[…]` found by a scanner that understands JSON strings and escapes (braces inside strings do
 * not count). Results are memoized per sample so several scorers share one parse.
 *
 * Every step is bounded in the length of the text, whatever it holds: fences are found with
 * indexOf rather than a regex (thirty thousand backticks on one line made the regex quadratic),
 * and the embedded scan has a step budget (thirty thousand `{` once took a minute).
 */
import type { Sample } from './types.js';

export type JsonExtraction =
  | { ok: true; value: unknown; from: 'raw' | 'fenced' | 'embedded' }
  | { ok: false; error: string };

const FENCE = '```';
const LANGUAGE = /^[ \t]*([\w+-]*)/;

export function extractJson(text: string): JsonExtraction {
  if (text.trim() === '') return { ok: false, error: 'output is empty' };
  const raw = tryParseRaw(text);
  if (raw.ok) return { ok: true, value: raw.value, from: 'raw' };

  const fenced = parseFencedBlocks(text);
  if (fenced.ok) return { ok: true, value: fenced.value, from: 'fenced' };

  const embedded = parseFirstEmbedded(text);
  if (embedded.ok) return { ok: true, value: embedded.value, from: 'embedded' };

  return { ok: false, error: fenced.error ?? embedded.error ?? raw.error ?? 'no JSON value found' };
}

type Attempt = { ok: true; value: unknown } | { ok: false; error: string | undefined };

function parse(text: string): Attempt {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Only attempt a whole-text parse when it can start a JSON value: prose fails fast and cheaply. */
function tryParseRaw(text: string): Attempt {
  const trimmed = text.trim();
  if (!/^[[{"\-0-9tfn]/.test(trimmed)) return { ok: false, error: undefined };
  return parse(trimmed);
}

function parseFencedBlocks(text: string): Attempt {
  if (!text.includes('```')) return { ok: false, error: undefined };
  const tagged: string[] = [];
  const others: string[] = [];
  for (const { language, body } of fencedBlocks(text)) {
    if (language === 'json' || language === 'jsonc' || language === 'json5') tagged.push(body);
    else others.push(body);
  }
  let firstError: string | undefined;
  for (const body of [...tagged, ...others]) {
    const attempt = parse(body.trim());
    if (attempt.ok) return attempt;
    firstError ??= `fenced block: ${attempt.error}`;
  }
  return { ok: false, error: firstError };
}

/**
 * ```lang⏎ … ``` blocks, in order: an opening fence, the rest of its line (the language is its
 * first word), then everything up to the next fence. One pass: each search starts where the last
 * one ended.
 */
function* fencedBlocks(text: string): Generator<{ language: string; body: string }> {
  let from = 0;
  for (;;) {
    const open = text.indexOf(FENCE, from);
    if (open < 0) return;
    const lineEnd = text.indexOf('\n', open + FENCE.length);
    if (lineEnd < 0) return; // no later fence can open a block either
    const close = text.indexOf(FENCE, lineEnd + 1);
    if (close < 0) return; // nor close one
    const language = (LANGUAGE.exec(text.slice(open + FENCE.length, lineEnd))?.[1] ?? '').toLowerCase();
    yield { language, body: text.slice(lineEnd + 1, close) };
    from = close + FENCE.length;
  }
}

/** Characters the embedded scan may visit in all, beyond which it gives up: linear in the text. */
function scanBudget(text: string): number {
  return 4 * text.length + 1_000_000;
}

function parseFirstEmbedded(text: string): Attempt {
  let firstError: string | undefined;
  let from = 0;
  let budget = scanBudget(text);
  for (;;) {
    const start = nextOpener(text, from);
    if (start < 0) break;
    const stop = Math.min(text.length, start + budget);
    const end = scanBalanced(text, start, stop);
    budget -= (end >= 0 ? end + 1 : stop) - start;
    if (end === STOPPED) {
      return { ok: false, error: firstError ?? `gave up looking for embedded JSON after ${scanBudget(text).toLocaleString('en-US')} characters of unbalanced brackets` };
    }
    if (end >= 0) {
      const attempt = parse(text.slice(start, end + 1));
      if (attempt.ok) return attempt;
      firstError ??= `embedded JSON at offset ${start}: ${attempt.error}`;
    } else if (end === UNCLOSED && opensJsonValue(text, start)) {
      // A value cut off before its end (an answer stopped at max_tokens): an object further in is
      // one of its parts, not the answer, and must not be scored as if it were.
      return { ok: false, error: firstError ?? `the JSON at offset ${start} is not closed: the text ends inside it (was the answer cut off?)` };
    } else {
      firstError ??= `unbalanced ${text[start]} at offset ${start}`;
    }
    from = start + 1;
  }
  return { ok: false, error: firstError ?? 'no JSON object or array found in the text' };
}

function nextOpener(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x7b /* { */ || code === 0x5b /* [ */) return i;
  }
  return -1;
}

/**
 * Index of the bracket closing the one at `start`, or -1 when the text ends first or a closer
 * does not match its opener. Quotes only matter inside the candidate: prose apostrophes and
 * quotation marks before it never start a string.
 */
export function balancedEnd(text: string, start: number): number {
  return Math.max(-1, scanBalanced(text, start, text.length));
}

const STOPPED = -2;
/** The text ended with brackets of the candidate still open. */
const UNCLOSED = -3;

/**
 * Whether the bracket at `start` opens what reads as JSON rather than prose: `{` followed by a key
 * or `}`, `[` followed by a value. A stray `{` or `[` in a sentence does not, and the scan goes on.
 */
function opensJsonValue(text: string, start: number): boolean {
  let i = start + 1;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  const next = text[i];
  if (next === undefined) return true;
  return text[start] === '{' ? next === '"' || next === '}' : /["{[\]\-0-9]/.test(next);
}

/** balancedEnd, looking no further than `stop`: STOPPED when it got there without an answer. */
function scanBalanced(text: string, start: number, stop: number): number {
  const closers: number[] = [];
  let inString = false;
  for (let i = start; i < stop; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* \ */) i++;
      else if (code === 0x22 /* " */) inString = false;
      continue;
    }
    switch (code) {
      case 0x22:
        inString = true;
        break;
      case 0x7b:
        closers.push(0x7d);
        break;
      case 0x5b:
        closers.push(0x5d);
        break;
      case 0x7d:
      case 0x5d:
        if (closers.pop() !== code) return -1;
        if (closers.length === 0) return i;
        break;
    }
  }
  return stop < text.length ? STOPPED : UNCLOSED;
}

const memo = new WeakMap<Sample, { output: string; extraction: JsonExtraction }>();

/**
 * `extractJson(sample.output)`, computed once per sample: several scorers reading fields of the
 * same answer share the parse. Keyed on the sample object, so nothing outlives the sample.
 */
export function extractSampleJson(sample: Sample): JsonExtraction {
  const cached = memo.get(sample);
  if (cached && cached.output === sample.output) return cached.extraction;
  const extraction = extractJson(sample.output);
  memo.set(sample, { output: sample.output, extraction });
  return extraction;
}
