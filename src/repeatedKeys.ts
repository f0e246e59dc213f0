/**
 * A key written twice in one JSON object. JSON.parse keeps the last value and drops the first
 * without a word (`{"expected": "x", "expected": "y"}` reads as `"y"`), so a slip in a file a user
 * wrote would change what is run. Finding it takes a second look at the text, so it is done in two
 * steps: a cheap count that can only err towards "maybe" (`mayRepeatKeys`), then, on the few texts
 * it flags, a scan that names every repeated key (`repeatedKeys`).
 */

export interface RepeatedKey {
  /** The key as JSON.parse reads it (escapes decoded). */
  key: string;
  /** Dotted path of the repeated member, e.g. `expected` or `vars.ticket` (`checks.0.type` inside a list). */
  field: string;
  /** Character offset of the key's opening quote where it is first written. */
  firstAt: number;
  /** Character offset of the key's opening quote where it is written again. */
  at: number;
}

/**
 * False only when no object in `text` can hold a key twice; `value` is what JSON.parse made of it.
 * Every key written in JSON text is followed by a colon, so the text holds at least as many colons
 * as keys written, and the parsed value holds one key per distinct key of each object: when the two
 * counts are equal, no key was written twice. A colon inside a string (a time, a URL) can only make
 * the answer a needless "maybe". Costs a scan for ':' and a walk of the parsed value, no allocation
 * beyond the walk's stack.
 */
export function mayRepeatKeys(text: string, value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  let colons = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) colons += 1;
  return colons > keyCount(value);
}

/** The number of keys of every object in a parsed JSON value (walked without recursion: nesting may be deep). */
function keyCount(root: object): number {
  let count = 0;
  const pending: object[] = [root];
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) if (item !== null && typeof item === 'object') pending.push(item);
      continue;
    }
    for (const key in value) {
      count += 1;
      const member = (value as Record<string, unknown>)[key];
      if (member !== null && typeof member === 'object') pending.push(member);
    }
  }
  return count;
}

interface Frame {
  /** Keys of an object seen so far, with where each was first written; undefined for a list. */
  keys: Map<string, number> | undefined;
  path: string[];
  /** In an object: the next string is a key. */
  awaitingKey: boolean;
  /** The current member: the last key of an object, the index of a list. */
  member: string;
  index: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Every key written more than once in one object of `text`, in text order. `text` must be valid
 * JSON (call it after JSON.parse succeeded); keys are compared as JSON.parse reads them, so
 * `"a"` and `"\u0061"` are the same key.
 */
export function repeatedKeys(text: string): RepeatedKey[] {
  const found: RepeatedKey[] = [];
  const stack: Frame[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text.charCodeAt(at);
    const top = stack[stack.length - 1];
    if (char === QUOTE) {
      const end = stringEnd(text, at);
      if (top?.keys && top.awaitingKey) {
        const key = keyText(text.slice(at, end + 1));
        const firstAt = top.keys.get(key);
        if (firstAt === undefined) top.keys.set(key, at);
        else found.push({ key, field: [...top.path, key].join('.'), firstAt, at });
        top.member = key;
        top.awaitingKey = false;
      }
      at = end + 1;
      continue;
    }
    if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      const path = top ? [...top.path, top.keys ? top.member : String(top.index)] : [];
      stack.push({ keys: char === OPEN_BRACE ? new Map() : undefined, path, awaitingKey: true, member: '', index: 0 });
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      stack.pop();
    } else if (char === COMMA && top) {
      if (top.keys) top.awaitingKey = true;
      else top.index += 1;
    }
    at += 1;
  }
  return found;
}

/** The offset of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  while (at < text.length) {
    const char = text.charCodeAt(at);
    if (char === QUOTE) return at;
    at += char === BACKSLASH ? 2 : 1;
  }
  return text.length;
}

function keyText(quoted: string): string {
  return quoted.includes('\\') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
}

/** What happened when `key` is written twice, and where the first one is. */
export function repeatedKeyProblem(key: string, first: string): string {
  return `key "${key}" is written twice in the same object (first ${first}); only the last value would be read`;
}

/** How to mend a key written twice. */
export const REPEATED_KEY_FIX = 'keep one of the two and delete the other';

const NO_PROBLEMS: ReadonlyArray<{ field: string; message: string }> = Object.freeze([]);

/**
 * Each key written twice in the JSON `text` (which JSON.parse read as `value`): its field and a
 * message naming both columns. `columnsIn` words where the columns count from (` of the cell`).
 * Nothing is allocated for the usual text, which the cheap test clears.
 */
export function repeatedKeyProblems(text: string, value: unknown, columnsIn = ''): ReadonlyArray<{ field: string; message: string }> {
  if (!mayRepeatKeys(text, value)) return NO_PROBLEMS;
  return repeatedKeys(text).map(({ key, field, firstAt, at }) => ({
    field,
    message: `${repeatedKeyMessage(key, `at column ${firstAt + 1}${columnsIn}`)} (again at column ${at + 1})`,
  }));
}

/** What a file with `key` written twice is told, in one line: what happened, where the first one is, how to mend it. */
export function repeatedKeyMessage(key: string, first: string): string {
  return `${repeatedKeyProblem(key, first)}: ${REPEATED_KEY_FIX}`;
}
