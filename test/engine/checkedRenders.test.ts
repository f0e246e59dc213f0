/**
 * The check's renders kept for the run: each handed out once, to the very case object and prompt
 * it was made for; bounded in number and in characters; renders with more than text not kept.
 */
import { describe, expect, it } from 'vitest';
import type { GoldenCase } from '../../src/datasets/types.js';
import { CheckedRenders } from '../../src/engine/checkedRenders.js';
import type { CompiledPrompt, RenderedPrompt } from '../../src/prompts/index.js';

const prompt = (id: string) => ({ template: { id } }) as unknown as CompiledPrompt;
const golden = (id: string): GoldenCase => ({ id, vars: {}, tags: [], origin: { file: 'd.jsonl', line: 1 } });
const rendered = (user: string): RenderedPrompt => ({ system: 'sys', messages: [{ role: 'user', content: user }], user });

describe('CheckedRenders', () => {
  it('hands a render out once, for its own case object and prompt only', () => {
    const renders = new CheckedRenders();
    const [v1, v2] = [prompt('v1'), prompt('v2')];
    const c1 = golden('c1');
    const kept = rendered('hello');
    renders.keep(v1, c1, kept);
    expect(renders.take(v2, c1)).toBeUndefined();
    // The same id in another case object (a streamed dataset's next walk) is not the same case.
    expect(renders.take(v1, golden('c1'))).toBeUndefined();
    expect(renders.take(v1, c1)).toBe(kept);
    expect(renders.take(v1, c1)).toBeUndefined();
    expect(renders.size).toBe(0);
  });

  it('keeps no more renders than its bound, and the first ones', () => {
    const renders = new CheckedRenders({ renders: 3, chars: 1_000_000 });
    const v1 = prompt('v1');
    const cases = Array.from({ length: 10 }, (_, i) => golden(`c${i}`));
    for (const c of cases) renders.keep(v1, c, rendered(c.id));
    expect(renders.size).toBe(3);
    expect(cases.map((c) => renders.take(v1, c) !== undefined)).toEqual([true, true, true, ...Array(7).fill(false)]);
  });

  it('keeps no more characters than its bound', () => {
    // Each render holds 3 (system) + 10 (message) characters.
    const renders = new CheckedRenders({ renders: 100, chars: 30 });
    const v1 = prompt('v1');
    for (let i = 0; i < 5; i++) renders.keep(v1, golden(`c${i}`), rendered('x'.repeat(10)));
    expect(renders.size).toBe(2);
  });

  it('does not keep a render that holds a document or an image', () => {
    const renders = new CheckedRenders();
    const withDocument: RenderedPrompt = {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'read this' }, { type: 'document', source: { type: 'text', mediaType: 'text/plain', data: 'x' } } as never] }],
    };
    renders.keep(prompt('v1'), golden('c1'), withDocument);
    expect(renders.size).toBe(0);
  });
});
