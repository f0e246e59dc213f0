/** Canonical serialization and hashing: the basis of cache keys, replay keys and byte-equal records. */
import { createHash } from 'node:crypto';
import stringify from 'fast-json-stable-stringify';

/** Key-sorted JSON; `undefined` members are dropped, as JSON.stringify does. */
export function stableStringify(value: unknown): string {
  return stringify(value);
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}
