/**
 * Putting data and code into the page safely. The JSON goes into `<script type="application/json">`
 * with every `<`, `>`, `&` and line/paragraph separator escaped, so no text inside it can close the
 * tag or open a comment; the page reads it with JSON.parse. Inline script and style are allowed by
 * their sha256 in the Content-Security-Policy, and nothing else is.
 */
import { createHash } from 'node:crypto';

const UNSAFE_CHARS = ['<', '>', '&', '\u2028', '\u2029'] as const;
const ESCAPED: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

export function jsonForScriptTag(value: unknown): string {
  const json = JSON.stringify(value);
  const found = unsafeCharacters(json);
  if (found.length === 0) return json;
  let escaped = '';
  let from = 0;
  for (let index = 0; index < found.length; index += 2) {
    const at = found[index]!;
    escaped += json.slice(from, at) + ESCAPED[UNSAFE_CHARS[found[index + 1]!]!]!;
    from = at + 1;
  }
  return escaped + json.slice(from);
}

/**
 * `jsonForScriptTag` of a value as UTF-8, for JSON text made by `JSON.stringify`: the same bytes,
 * written into one buffer piece by piece, without first building the escaped string (on a report's
 * large texts that costs several times more).
 */
export function scriptSafeBytes(json: string): Buffer {
  const found = unsafeCharacters(json);
  if (found.length === 0) return Buffer.from(json);
  // Each escape is six ASCII bytes for a character of one (<, >, &) or three (U+2028, U+2029): at most five more.
  const bytes = Buffer.allocUnsafe(Buffer.byteLength(json) + 5 * (found.length / 2));
  let written = 0;
  let from = 0;
  for (let index = 0; index < found.length; index += 2) {
    const at = found[index]!;
    written += bytes.write(json.slice(from, at), written);
    written += bytes.write(ESCAPED[UNSAFE_CHARS[found[index + 1]!]!]!, written, 'latin1');
    from = at + 1;
  }
  written += bytes.write(json.slice(from), written);
  return bytes.subarray(0, written);
}

/**
 * Each unsafe character of a text, in order, as two numbers: where it is and which of UNSAFE_CHARS
 * it is. Large texts nearly never hold one, so each is looked for with `indexOf`, far faster than a
 * regular expression over the whole text.
 */
function unsafeCharacters(json: string): number[] {
  const next: number[] = UNSAFE_CHARS.map((char) => json.indexOf(char));
  const found: number[] = [];
  for (;;) {
    let at = -1;
    let which = -1;
    for (const [charIndex, from] of next.entries()) {
      if (from !== -1 && (at === -1 || from < at)) {
        at = from;
        which = charIndex;
      }
    }
    if (at === -1) return found;
    found.push(at, which);
    next[which] = json.indexOf(UNSAFE_CHARS[which]!, at + 1);
  }
}

export function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

export function contentSecurityPolicy(script: string, style: string): string {
  return [
    "default-src 'none'",
    `script-src ${cspHash(script)}`,
    `style-src ${cspHash(style)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** For the few server-rendered strings (title, attribute values). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
