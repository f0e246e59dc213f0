/**
 * Seeded randomness for chaos generation. Every variant gets its own generator whose seed is a
 * hash of (suite seed, case id, operator name, variant index), so a case's mutations do not depend
 * on which other cases or operators exist, nor on the order they are generated in.
 */

import { createRng, type Rng as SeededSource } from '../stats/random.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEPARATOR = '\u0000';

function fnv1a(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h;
}

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

/** The project's seeded generator (src/stats/random.ts) with the helpers operators need. */
export class Rng {
  private readonly source: SeededSource;

  constructor(seed: number) {
    this.source = createRng(seed >>> 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.source.next();
  }

  /** Uniform integer in [0, n); 0 when n <= 0. */
  int(n: number): number {
    if (n <= 0) return 0;
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max], both inclusive. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty list');
    return items[this.int(items.length)] as T;
  }

  /** A new array in a uniformly random order (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const copy = items.slice();
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = tmp;
    }
    return copy;
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.int(0x10000).toString(16).padStart(4, '0');
    return out.slice(0, length);
  }
}
