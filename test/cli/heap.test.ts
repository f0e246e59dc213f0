import { describe, expect, it } from 'vitest';
import { heapGrowthFlag } from '../../src/cli/heap.js';

describe('heap growth of streaming commands', () => {
  it('asks V8 to grow the heap by at most 1.5× after a full collection', () => {
    expect(heapGrowthFlag([], '')).toBe('--heap-growing-percent=50');
    expect(heapGrowthFlag(['--enable-source-maps'], '--max-old-space-size=4096')).toBe('--heap-growing-percent=50');
  });

  it('leaves a factor the user gave node, on its command line or in NODE_OPTIONS', () => {
    expect(heapGrowthFlag(['--heap-growing-percent=200'], '')).toBeUndefined();
    expect(heapGrowthFlag([], '--max-old-space-size=4096 --heap_growing_percent=10')).toBeUndefined();
  });
});
