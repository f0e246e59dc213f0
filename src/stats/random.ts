import { InputError } from '../errors.js';

/**
 * The project's one seeded pseudo-random generator, for everything that must be reproducible:
 * chaos generation, `--sample`, the sign-flip test, the fake API's faults, the benches.
 * Generator: mulberry32 (32-bit state) seeded through a splitmix32-style mixer, so nearby seeds
 * (1, 2, 3 …) give unrelated streams. Integers in a range are drawn without bias by Lemire's
 * multiply-shift method with rejection. Not cryptographic.
 */
export class Rng {
  private state: number;

  constructor(seed: Seed) {
    this.state = seedToUint32(seed);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /**
   * Uniform integer in [0, n) for an integer n in [1, 2^32]; 0 when n <= 0. The value is
   * floor(u · n / 2^32) of a 32-bit draw u, redrawn in the rare case (probability < n / 2^32)
   * where that would favour some results over others.
   */
  int(n: number): number {
    if (n <= 0) return 0;
    if (!(Number.isInteger(n) && n <= TWO_POW_32)) throw new InputError(`must be an integer in [1, 2^32], got ${n}`, { field: 'n' });
    const threshold = (TWO_POW_32 - n) % n;
    for (;;) {
      const u = this.nextUint32();
      const low = Math.imul(u, n) >>> 0;
      if (low >= threshold || low >= n) return highWord(u, n);
    }
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

export type Seed = number | string;

const TWO_POW_32 = 4294967296;

export function createRng(seed: Seed): Rng {
  return new Rng(seed);
}

/** floor(u · n / 2^32) exactly, for 32-bit u and n ≤ 2^32 (the product needs up to 64 bits). */
function highWord(u: number, n: number): number {
  const high = Math.floor(u / 65536) * n; // < 2^48: exact
  const low = (u % 65536) * n; // < 2^48: exact
  return Math.floor((high + Math.floor(low / 65536)) / 65536);
}

/** Maps any finite integer or string seed to a well-mixed 32-bit state. */
export function seedToUint32(seed: Seed): number {
  if (typeof seed === 'string') return mix32(fnv1a(FNV_OFFSET, seed));
  if (!Number.isSafeInteger(seed)) {
    throw new InputError(`must be a safe integer or a string, got ${seed}`, { field: 'seed' });
  }
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  return mix32(low ^ mix32(high));
}

export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over UTF-16 code units, continuing from `hash` (start from FNV_OFFSET). */
export function fnv1a(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** splitmix32-style finaliser: every input bit affects every output bit. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
