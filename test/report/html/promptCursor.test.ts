import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PromptCursor, type PromptPlan } from '../../../src/report/html/promptCursor.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-prompt-cursor-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function store(lines: Array<{ hash: string; user: string }>): Promise<string> {
  const file = join(dir, 'prompts.jsonl');
  await writeFile(file, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  return file;
}

describe('PromptCursor', () => {
  it('hands out each planned prompt of its run, holding those read ahead, skipping the others', async () => {
    const file = await store([
      { hash: 'a', user: 'A' },
      { hash: 'other-run', user: 'O' },
      { hash: 'c', user: 'C' },
      { hash: 'unplanned', user: 'U' },
      { hash: 'b', user: 'B' },
      { hash: 'done', user: 'D' },
    ]);
    const plans = new Map<string, PromptPlan>([
      ['a', { run: 0, lastChunk: 0 }],
      ['b', { run: 0, lastChunk: 0 }],
      ['c', { run: 0, lastChunk: 1 }],
      ['other-run', { run: 1, lastChunk: 0 }],
      ['done', { run: 0, lastChunk: 0 }],
    ]);
    const cursor = new PromptCursor(file, 0, plans, 100);
    try {
      expect(await cursor.take('a', 0, plans.get('a')!)).toEqual({ user: 'A' });
      // `b` comes after `c`: `c` is held on the way, for chunk 1.
      expect(await cursor.take('b', 0, plans.get('b')!)).toEqual({ user: 'B' });
      expect(plans.get('c')!.read).toBe(true);
      expect(plans.get('other-run')!.read).toBeUndefined();
      cursor.release(0);
      expect(cursor.find('c', 1, plans.get('c')!)).toEqual({ user: 'C' });
      // A prompt whose last chunk is past is not held when read.
      expect(await cursor.take('done', 1, plans.get('done')!)).toBeUndefined();
      expect(plans.get('done')!.read).toBeUndefined();
    } finally {
      await cursor.close();
    }
  });
});
