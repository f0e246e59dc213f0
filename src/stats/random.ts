import { InputError } from '../errors.js';

/**
 * Seeded pseudo-random numbers for everything that must be reproducible (sign flips, sampling).
 * Generator: mulberry32 (32-bit state, period 2^32) seeded through a splitmix32-style mixer so
 * that nearby seeds (1, 2, 3 …) give unrelated streams. Not cryptographic.
 */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, n), without modulo bias; n must be an integer in [1, 2^32]. */
  int(n: number): number;
}

export type Seed = number | string;

const TWO_POW_32 = 4294967296;

export function createRng(seed: Seed): Rng {
  let state = seedToUint32(seed);

  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };

  return {
    nextUint32,
    next: () => nextUint32() / TWO_POW_32,
    int(n: number): number {
      if (!(Number.isInteger(n) && n >= 1 && n <= TWO_POW_32)) {
        throw new InputError(`must be an integer in [1, 2^32], got ${n}`, { field: 'n' });
      }
      // Rejection keeps every residue equally likely; it rejects with probability < n / 2^32.
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      let u = nextUint32();
      while (u >= limit) u = nextUint32();
      return u % n;
    },
  };
}

/** Maps any finite integer or string seed to a well-mixed 32-bit state. */
export function seedToUint32(seed: Seed): number {
  if (typeof seed === 'string') return mix32(fnv1a(seed));
  if (!Number.isSafeInteger(seed)) {
    throw new InputError(`must be a safe integer or a string, got ${seed}`, { field: 'seed' });
  }
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  return mix32(low ^ mix32(high));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** splitmix32-style finaliser: every input bit affects every output bit. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
