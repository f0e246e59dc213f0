/**
 * `JSON.stringify(value, null, 2)` in pieces, so a large report is written without first being
 * built as one string: the JSON of a comparison of two 100,000-sample runs is 180 MB of text, and
 * holding it (and its UTF-8 copy for the write) took most of that command's memory and time.
 *
 * The objects and arrays of the first `depth` levels are laid out here, as JSON.stringify lays
 * them out; every value below them, and every value that is not a plain object or array, is
 * stringified by JSON.stringify itself and indented to its place (JSON text has no line breaks
 * inside strings, so each of its line breaks is one of the layout's). Joined, the pieces are the
 * same text, byte for byte.
 */

/** Levels laid out here: comparison → cells → cell → cases, whose elements are stringified one by one. */
const LAID_OUT_LEVELS = 4;

export function* prettyJsonPieces(value: unknown, depth = LAID_OUT_LEVELS): Generator<string> {
  if (isLaidOut(value, depth)) {
    yield* containerPieces(value, depth, '');
    return;
  }
  const text = leafText(value, '');
  if (text === undefined) throw new TypeError('the value has no JSON form');
  yield text;
}

function* containerPieces(value: unknown[] | Record<string, unknown>, depth: number, indent: string): Generator<string> {
  const inner = `${indent}  `;
  const isArray = Array.isArray(value);
  let written = 0;
  for (const key of isArray ? value.keys() : Object.keys(value)) {
    const member = (value as Record<string | number, unknown>)[key];
    const prefix = `${written === 0 ? (isArray ? '[' : '{') : ','}\n${inner}${isArray ? '' : `${JSON.stringify(key)}: `}`;
    if (isLaidOut(member, depth - 1)) {
      yield prefix;
      yield* containerPieces(member, depth - 1, inner);
    } else {
      const text = leafText(member, inner);
      // JSON.stringify leaves out a member with no JSON form (undefined, a function, a symbol), and
      // writes null for such an array element.
      if (text === undefined && !isArray) continue;
      yield prefix + (text ?? 'null');
    }
    written++;
  }
  yield written === 0 ? (isArray ? '[]' : '{}') : `\n${indent}${isArray ? ']' : '}'}`;
}

/** JSON.stringify's text of a value, indented to its place; undefined when the value has no JSON form. */
function leafText(value: unknown, indent: string): string | undefined {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  if (text === undefined || indent === '') return text;
  return text.replaceAll('\n', `\n${indent}`);
}

/** A value laid out here: an array or a plain object without toJSON, above the given depth. */
function isLaidOut(value: unknown, depth: number): value is unknown[] | Record<string, unknown> {
  if (depth <= 0 || value === null || typeof value !== 'object') return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
