/**
 * Putting data and code into the page safely. The JSON goes into `<script type="application/json">`
 * with every `<`, `>`, `&` and line/paragraph separator escaped, so no text inside it can close the
 * tag or open a comment; the page reads it with JSON.parse. Inline script and style are allowed by
 * their sha256 in the Content-Security-Policy, and nothing else is.
 */
import { createHash } from 'node:crypto';

const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;

export function jsonForScriptTag(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_SCRIPT, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
