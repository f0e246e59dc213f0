/**
 * Front matter in its commonest shape, read without the YAML library: loading `yaml` costs a
 * small run ~25 ms of its start-up (issue 17). The shape is a block mapping of `key: value` lines,
 * one level of nesting (`variables:` and its indented `name: type` lines), and values that read
 * the same under every YAML reading: a letter followed by letters, digits, spaces and plain
 * punctuation, or a small decimal integer. Anything else — quotes at the start, comments, colons
 * or `#` in a value, lists, block scalars, tabs, repeated keys, words YAML reads as booleans or
 * null — is not this shape, and the caller parses the text with the YAML library instead, so what
 * a file means, and every error message, stays exactly the YAML library's.
 */
import type { FrontMatterLines } from './promptTemplate.js';

export interface SimpleFrontMatter {
  /** What `yaml`'s `parseDocument(text).toJS()` returns for the text. */
  value: Record<string, unknown>;
  lines: FrontMatterLines;
}

/** A key of up to 100 characters (YAML allows an implicit key 1,024 at most). */
const KEY = /^([A-Za-z_][A-Za-z0-9_]{0,99}\??):(?: +(.*))?$/;
const NESTED_KEY = /^( +)([A-Za-z_][A-Za-z0-9_]{0,99}\??):(?: +(.*))?$/;
const INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;
/** Text YAML reads as a plain string: no indicator first, no `: `/` #`, no trailing space. */
const PLAIN_TEXT = /^[A-Za-z][A-Za-z0-9 .,;!?'"()/_+=-]*$/;
/** Words YAML 1.2 (the YAML library's default) reads as booleans or null, in any case. */
const SPECIAL_WORD = /^(?:true|false|null)$/i;
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface Entry {
  key: string;
  line: number;
  value: unknown;
  /** Nested keys and their lines, for a value that is a mapping. */
  children?: Map<string, number>;
}

/** A key YAML reads as this string, and that an object takes as its own property. */
function ordinaryKey(key: string): boolean {
  return !RESERVED_KEYS.has(key) && !SPECIAL_WORD.test(key.replace(/\?$/, ''));
}

/** The scalar a plain value stands for, or undefined when it is not in the simple shape. */
function scalarOf(text: string): string | number | undefined {
  if (INTEGER.test(text)) return Number(text);
  if (PLAIN_TEXT.test(text) && !text.endsWith(' ') && !SPECIAL_WORD.test(text)) return text;
  return undefined;
}

/** The front matter read in the simple shape, or undefined when the text is not in that shape. */
export function readSimpleFrontMatter(text: string): SimpleFrontMatter | undefined {
  const rows = text.split('\n');
  const entries: Entry[] = [];
  let open: { entry: Entry; indent: number | undefined; value: Record<string, unknown> } | undefined;
  const close = (): boolean => {
    if (!open) return true;
    // `key:` with nothing under it is null in YAML.
    open.entry.value = open.indent === undefined ? null : open.value;
    open = undefined;
    return true;
  };
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    const line = index + 1;
    if (/^ *$/.test(row)) continue;
    const top = KEY.exec(row);
    if (top) {
      close();
      const [, key, rest] = top as unknown as [string, string, string | undefined];
      if (!ordinaryKey(key) || entries.some((entry) => entry.key === key)) return undefined;
      const entry: Entry = { key, line, value: undefined };
      entries.push(entry);
      if (rest === undefined || rest === '') {
        open = { entry, indent: undefined, value: {} };
      } else {
        const value = scalarOf(rest);
        if (value === undefined) return undefined;
        entry.value = value;
      }
      continue;
    }
    const nested = NESTED_KEY.exec(row);
    if (!nested || !open) return undefined;
    const [, spaces, key, rest] = nested as unknown as [string, string, string, string | undefined];
    open.indent ??= spaces.length;
    if (spaces.length !== open.indent || !ordinaryKey(key) || Object.hasOwn(open.value, key)) return undefined;
    const value = rest === undefined ? undefined : scalarOf(rest);
    if (value === undefined) return undefined;
    open.value[key] = value;
    (open.entry.children ??= new Map()).set(key, line);
  }
  close();
  if (entries.length === 0) return undefined;

  const value: Record<string, unknown> = {};
  for (const entry of entries) value[entry.key] = entry.value;
  const firstLine = entries[0]!.line;
  const find = (key: PropertyKey) => entries.find((entry) => entry.key === String(key));
  return {
    value,
    lines: {
      // As yamlLines.lineOfPath: the line of the deepest key along the path that exists.
      lineOf(path) {
        const [first, second] = path;
        if (first === undefined) return firstLine;
        const entry = find(first);
        if (!entry) return firstLine;
        if (second === undefined) return entry.line;
        return entry.children?.get(String(second)) ?? entry.line;
      },
      // A value in the simple shape is written on its key's line.
      scalarLineOf(path) {
        const [first, second, third] = path;
        const entry = first === undefined ? undefined : find(first);
        if (!entry || third !== undefined) return undefined;
        if (second === undefined) return typeof entry.value === 'string' || typeof entry.value === 'number' ? entry.line : undefined;
        return entry.children?.get(String(second));
      },
    },
  };
}
