import { createRng } from '../stats/random.js';

/**
 * `count` items chosen uniformly without replacement by a seeded partial Fisher–Yates shuffle,
 * returned in their original order. Same (items.length, count, seed) → same choice.
 */
export function seededSample<T>(items: readonly T[], count: number, seed: number): T[] {
  if (count >= items.length) return [...items];
  return sampledPositions(items.length, count, seed).map((index) => items[index] as T);
}

/** The positions (ascending) that seededSample keeps of `total` items: the choice without the items. */
export function sampledPositions(total: number, count: number, seed: number): number[] {
  if (count >= total) return Array.from({ length: total }, (_, index) => index);
  const random = createRng(seed);
  const indices = new Int32Array(total);
  for (let i = 0; i < total; i += 1) indices[i] = i;
  for (let i = 0; i < count; i += 1) {
    const j = i + random.int(total - i);
    const picked = indices[j] as number;
    indices[j] = indices[i] as number;
    indices[i] = picked;
  }
  return Array.from(indices.subarray(0, count)).sort((a, b) => a - b);
}
