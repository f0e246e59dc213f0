/**
 * Putting data and code into the page safely. The JSON goes into `<script type="application/json">`
 * with every `<`, `>`, `&` and line/paragraph separator escaped, so no text inside it can close the
 * tag or open a comment; the page reads it with JSON.parse. Inline script and style are allowed by
 * their sha256 in the Content-Security-Policy, and nothing else is.
 */
import { createHash } from 'node:crypto';

const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;
const ESCAPED: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

export function jsonForScriptTag(value: unknown): string {
  const json = JSON.stringify(value);
  // A loop over the matches, not `replace` with a function: on a report's large texts that costs several times more.
  UNSAFE_IN_SCRIPT.lastIndex = 0;
  let match = UNSAFE_IN_SCRIPT.exec(json);
  if (!match) return json;
  let escaped = '';
  let from = 0;
  do {
    escaped += json.slice(from, match.index) + ESCAPED[match[0]]!;
    from = match.index + 1;
  } while ((match = UNSAFE_IN_SCRIPT.exec(json)));
  return escaped + json.slice(from);
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
