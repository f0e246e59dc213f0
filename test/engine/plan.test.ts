import { describe, expect, it } from 'vitest';
import { sha256Hex, stableStringify } from '../../src/canonical.js';
import { PlanHasher } from '../../src/engine/plan.js';
import type { CompiledPrompt } from '../../src/prompts/index.js';

const prompts = [
  { template: { id: 'triage', version: 'v1', hash: 'aaa' } },
  { template: { id: 'triage', version: 'v2', hash: 'bbb' } },
] as unknown as CompiledPrompt[];

describe('PlanHasher', () => {
  it('gives the hash records written before streaming have, so --resume still accepts them', () => {
    const ids = ['c1', 'c "quoted"', 'é-ü', 'chaos:c1:typo:0'];
    const hasher = new PlanHasher();
    for (const id of ids) hasher.addCase(id);
    const before = sha256Hex(
      stableStringify({ prompts: prompts.map((p) => [p.template.id, p.template.version, p.template.hash]), models: ['m1', 'm2'], cases: ids, repeats: 3 }),
    );
    expect(hasher.digest({ prompts, models: ['m1', 'm2'], repeats: 3 })).toBe(before);
  });

  it('gives the same hash for many ids, handed to the hash in chunks, astral and lone-surrogate ids included', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `case-${i}-😀` : i % 11 === 0 ? `case-${i}-\ud800` : `case-${i}`));
    const hasher = new PlanHasher();
    for (const id of ids) hasher.addCase(id);
    const before = sha256Hex(stableStringify({ prompts: [], models: ['m'], cases: ids, repeats: 1 }));
    expect(hasher.digest({ prompts: [], models: ['m'], repeats: 1 })).toBe(before);
  });

  it('changes when a case, its order or the repeats change', () => {
    const digest = (ids: string[], repeats = 1) => {
      const hasher = new PlanHasher();
      for (const id of ids) hasher.addCase(id);
      return hasher.digest({ prompts, models: ['m'], repeats });
    };
    expect(digest(['a', 'b'])).not.toBe(digest(['b', 'a']));
    expect(digest(['a', 'b'])).not.toBe(digest(['a', 'b', 'c']));
    expect(digest(['a', 'b'])).not.toBe(digest(['a', 'b'], 2));
  });
});
