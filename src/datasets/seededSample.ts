import { createRng } from '../stats/random.js';

/**
 * `count` items chosen uniformly without replacement by a seeded partial Fisher–Yates shuffle,
 * returned in their original order. Same (items.length, count, seed) → same choice.
 */
export function seededSample<T>(items: readonly T[], count: number, seed: number): T[] {
  if (count >= items.length) return [...items];
  const random = createRng(seed);
  const indices = items.map((_, index) => index);
  for (let i = 0; i < count; i += 1) {
    const j = i + random.int(indices.length - i);
    const picked = indices[j] as number;
    indices[j] = indices[i] as number;
    indices[i] = picked;
  }
  return indices
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((index) => items[index] as T);
}
