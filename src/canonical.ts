/** Canonical serialization and hashing: the basis of cache keys, replay keys and byte-equal records. */
import * as crypto from 'node:crypto';

/** One-shot hashing (Node ≥ 20.12): ~4× faster than a Hash object on the short texts of the hot path. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;

/**
 * Key-sorted JSON; `undefined` members are dropped, as JSON.stringify does. The output is exactly
 * fast-json-stable-stringify's (records written before keep their bytes; a property test holds
 * the two together): keys in code-unit order, `toJSON` honoured, non-finite numbers as null,
 * `undefined` and functions dropped from objects and null in arrays, a cycle through an object
 * a TypeError. It is written for the hot path, where every sample line passes: small key lists
 * are sorted in place, and quoted keys are reused rather than built for every object.
 */
export function stableStringify(value: unknown): string {
  return stringify(value, []) as string;
}

export function sha256Hex(text: string | Uint8Array): string {
  return oneShotHash ? oneShotHash('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

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
  const keys = Object.keys(node);
  if (keys.length > 16) return keys.sort();
  // Insertion sort: record objects have a handful of keys, often nearly in order; no work array.
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
