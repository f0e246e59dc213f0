/** mulberry32: a tiny, fast 32-bit PRNG; plenty for picking cases, and identical on every platform. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` items chosen uniformly without replacement by a seeded partial Fisher–Yates shuffle,
 * returned in their original order. Same (items.length, count, seed) → same choice.
 */
export function seededSample<T>(items: readonly T[], count: number, seed: number): T[] {
  if (count >= items.length) return [...items];
  const random = mulberry32(seed);
  const indices = items.map((_, index) => index);
  for (let i = 0; i < count; i += 1) {
    const j = i + Math.floor(random() * (indices.length - i));
    const picked = indices[j] as number;
    indices[j] = indices[i] as number;
    indices[i] = picked;
  }
  return indices
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((index) => items[index] as T);
}
