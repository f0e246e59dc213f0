/**
 * Seeded randomness for chaos generation. Every variant gets its own generator whose seed is a
 * hash of (suite seed, case id, operator name, variant index), so a case's mutations do not depend
 * on which other cases or operators exist, nor on the order they are generated in.
 */

import { FNV_OFFSET, fnv1a } from '../stats/random.js';

export { Rng } from '../stats/random.js';

const SEPARATOR = '\u0000';

/** 32-bit FNV-1a over UTF-16 code units, finished with a murmur3-style avalanche. */
export function hashString(text: string, seed = 0): number {
  return avalanche(fnv1a((FNV_OFFSET ^ seed) >>> 0, text));
}

function avalanche(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The seed for one unit of generation: the hash of the parts joined by U+0000 (a separator
 * that cannot occur in numbers, so ('a', 'bc') and ('ab', 'c') differ), keyed by `seed`.
 * Hashed part by part to spare the joined string.
 */
export function deriveSeed(seed: number, ...parts: ReadonlyArray<string | number>): number {
  let h = (FNV_OFFSET ^ avalanche(seed >>> 0)) >>> 0;
  for (let k = 0; k < parts.length; k++) {
    if (k > 0) h = fnv1a(h, SEPARATOR);
    h = fnv1a(h, String(parts[k]));
  }
  return avalanche(h);
}
