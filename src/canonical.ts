/** Canonical serialization and hashing: the basis of cache keys, replay keys and byte-equal records. */
import * as crypto from 'node:crypto';

/** One-shot hashing (Node ≥ 20.12): ~4× faster than a Hash object on the short texts of the hot path. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;

/**
 * Key-sorted JSON; `undefined` members are dropped, as JSON.stringify does. The output is exactly
 * fast-json-stable-stringify's (records written before keep their bytes; a property test holds
 * the two together): keys in code-unit order, `toJSON` honoured, non-finite numbers as null,
 * `undefined` and functions dropped from objects and null in arrays, a cycle through an object
 * a TypeError. It is written for the hot path, where every sample line passes: plain data is put
 * in key order (copying only the objects that are not) and written by the native JSON.stringify,
 * which allocates a fraction of what building the text piece by piece does; other values take the
 * general walk, where small key lists are sorted in place and quoted keys are reused.
 */
export function stableStringify(value: unknown): string {
  let prepared: unknown;
  try {
    prepared = inKeyOrder(value, 0);
  } catch (error) {
    if (error === NOT_PLAIN) return stringify(value, []) as string;
    throw error;
  }
  return JSON.stringify(prepared);
}

export function sha256Hex(text: string | Uint8Array): string {
  return oneShotHash ? oneShotHash('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

/**
 * The fast path: plain data (plain objects, arrays, strings, finite or non-finite numbers, booleans,
 * null, undefined members) written by the native JSON.stringify, which writes the same bytes as
 * the walk below once every object's keys come in code-unit order. `inKeyOrder` returns the value
 * itself where its keys already are in that order, and a key-sorted copy where not; anything else
 * — toJSON, a function, symbol or bigint, an object that is not plain (a class instance, a boxed
 * primitive, a Date), a key a copy cannot keep in place (an array index, which objects list first,
 * or `__proto__`), more than MAX_DEPTH levels (a cycle) — throws NOT_PLAIN, and the whole value
 * goes the general way. (A getter of a plain object that is already in key order is read twice,
 * once here and once by JSON.stringify.)
 */
const NOT_PLAIN = Symbol('not plain data');
const MAX_DEPTH = 64;

function inKeyOrder(node: unknown, depth: number): unknown {
  if (typeof node !== 'object') {
    if (typeof node === 'function' || typeof node === 'symbol' || typeof node === 'bigint') throw NOT_PLAIN;
    return node;
  }
  if (node === null) return node;
  if (depth > MAX_DEPTH || typeof (node as { toJSON?: unknown }).toJSON === 'function') throw NOT_PLAIN;
  if (Array.isArray(node)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i];
      const written = inKeyOrder(item, depth + 1);
      if (copy === undefined && written !== item) copy = node.slice(0, i);
      copy?.push(written);
    }
    return copy ?? node;
  }
  const prototype: unknown = Object.getPrototypeOf(node);
  if (prototype !== Object.prototype && prototype !== null) throw NOT_PLAIN;
  const keys = Object.keys(node);
  const inOrder = isSorted(keys);
  if (!inOrder) sortKeys(keys);
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value: unknown = (node as Record<string, unknown>)[key];
    const written = inKeyOrder(value, depth + 1);
    if (copy === undefined && (written !== value || !inOrder)) {
      copy = {};
      for (let j = 0; j < i; j++) copy[copyableKey(keys[j]!)] = (node as Record<string, unknown>)[keys[j]!];
    }
    if (copy !== undefined) copy[copyableKey(key)] = written;
  }
  return copy ?? node;
}

/** A key a fresh object keeps in the place it is added at: not an array index (listed first), not `__proto__`. */
function copyableKey(key: string): string {
  const first = key.charCodeAt(0);
  if ((first >= 48 && first <= 57) || key === '__proto__') throw NOT_PLAIN;
  return key;
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/** The general walk: fast-json-stable-stringify's rules for every value. */
function stringify(node: unknown, path: object[]): string | undefined {
  if (node && typeof (node as { toJSON?: unknown }).toJSON === 'function') node = (node as { toJSON(): unknown }).toJSON();
  if (node === undefined) return undefined;
  if (typeof node === 'number') return Number.isFinite(node) ? `${node}` : 'null';
  if (typeof node !== 'object') return JSON.stringify(node);
  if (node === null) return 'null';
  if (Array.isArray(node)) {
    let out = '[';
    for (let i = 0; i < node.length; i++) {
      if (i) out += ',';
      out += stringify(node[i], path) ?? 'null';
    }
    return `${out}]`;
  }
  if (path.includes(node)) throw new TypeError('Converting circular structure to JSON');
  path.push(node);
  const keys = sortedKeys(node);
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = stringify((node as Record<string, unknown>)[key], path);
    if (value === undefined) continue;
    if (out) out += ',';
    out += quotedKey(key) + ':' + value;
  }
  path.pop();
  return `{${out}}`;
}

/** Own enumerable keys in code-unit order (what `Array.prototype.sort` does with strings). */
function sortedKeys(node: object): string[] {
  return sortKeys(Object.keys(node));
}

function sortKeys(keys: string[]): string[] {
  if (keys.length > 32) return keys.sort();
  // Insertion sort: record objects have up to a few dozen keys (a sample line ~20), often nearly in
  // order; no work array, which Array.prototype.sort allocates on every call.
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

const quotedKeys = new Map<string, string>();
/** Enough for every key name a run's records use; user data with endless distinct keys just isn't cached. */
const QUOTED_KEYS_KEPT = 4096;

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < QUOTED_KEYS_KEPT) quotedKeys.set(key, quoted);
  }
  return quoted;
}
