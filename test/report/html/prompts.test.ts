/**
 * The first pass counts the prompts the report cuts without building their views (isPromptCut);
 * the count must be the one the views themselves would give.
 */
import { describe, expect, it } from 'vitest';
import type { PromptStoreLine } from '../../../src/records/types.js';
import { isPromptCut, toPromptView } from '../../../src/report/html/prompts.js';

const LIMIT = 20;
const text = (length: number): string => 'x'.repeat(length);

function cutByView(line: PromptStoreLine): boolean {
  const truncated = { prompts: 0 };
  toPromptView(line, { limit: LIMIT, truncated });
  return truncated.prompts > 0;
}

const lines: Array<[string, PromptStoreLine]> = [
  ['a short plain prompt', { hash: 'a', user: text(LIMIT) }],
  ['a user text one past the limit', { hash: 'b', user: text(LIMIT + 1) }],
  ['a system text past the limit', { hash: 'c', system: text(LIMIT + 5), user: 'hi' }],
  ['both texts at the limit', { hash: 'd', system: text(LIMIT), user: text(LIMIT) }],
  ['a conversation whose turns are short', { hash: 'e', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] }],
  ['a conversation with a long turn', { hash: 'f', messages: [{ role: 'user', content: text(LIMIT + 1) }] }],
  ['a system of blocks, long', { hash: 'g', system: [{ type: 'text', text: text(LIMIT + 1) }], user: 'hi' }],
  ['a system of blocks, short', { hash: 'h', system: [{ type: 'text', text: 'be brief' }], user: 'hi' }],
];

describe('isPromptCut', () => {
  it.each(lines)('agrees with the prompt view for %s', (_name, line) => {
    expect(isPromptCut(line, LIMIT)).toBe(cutByView(line));
  });

  it('tells a cut from an uncut prompt', () => {
    expect(lines.map(([, line]) => isPromptCut(line, LIMIT))).toEqual([false, true, true, false, false, true, true, false]);
  });
});
