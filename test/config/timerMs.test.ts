/** Every setting armed as one Node timer follows one rule, worded one way, wherever it is set. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTimerMsOption } from '../../src/cli/options.js';
import { loadConfig } from '../../src/config.js';
import { plainlyValidSuite, suiteShape } from '../../src/engine/suiteShape.js';
import { checkTimerMs } from '../../src/nodeTimers.js';

const RULE = 'a whole number of ms from 1 to 2147483647 (about 24.8 days, the longest timer Node keeps)';
const WRONG = [0, -5, 1.5, 2_147_483_648];
const RIGHT = [1, 120_000, 2_147_483_647];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'promptgold-timer-'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const suite = (timeoutMs: number) => ({ name: 's', prompt: 'p', models: ['m'], dataset: 'd.jsonl', scorers: [], timeoutMs });

async function configError(ms: number): Promise<string> {
  await writeFile(join(root, 'promptgold.config.json'), JSON.stringify({ anthropic: { timeoutMs: ms } }));
  return loadConfig(root).then(
    () => 'accepted',
    (error: Error) => error.message,
  );
}

describe('a delay in ms armed as one timer', () => {
  it.each(WRONG)('%s is refused by every caller, each saying the same rule', async (ms) => {
    expect(() => parseTimerMsOption(String(ms), '--timeout')).toThrow(`--timeout: expected ${RULE}, got "${ms}"`);
    expect(() => checkTimerMs('timeoutMs', ms)).toThrow(`timeoutMs must be ${RULE}, got ${ms}`);
    expect(await configError(ms)).toContain(`anthropic.timeoutMs`);
    expect(await configError(ms)).toContain(`expected ${RULE}`);
    const parsed = suiteShape().safeParse(suite(ms));
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.message)).toEqual([`expected ${RULE}`]);
    expect(plainlyValidSuite(suite(ms))).toBe(false);
  });

  it.each(RIGHT)('%s is taken by every caller', async (ms) => {
    expect(parseTimerMsOption(String(ms), '--timeout')).toBe(ms);
    expect(() => checkTimerMs('timeoutMs', ms)).not.toThrow();
    expect(await configError(ms)).toBe('accepted');
    expect(suiteShape().safeParse(suite(ms)).success).toBe(true);
    expect(plainlyValidSuite(suite(ms))).toBe(true);
  });
});
