/**
 * The recordings file is read by one reader that checks every line against the format: a hand edit
 * that breaks a field, a line that is not a recording, or a key recorded twice is an input error
 * naming the file, the line and the field, never an answer replayed as if the model had given it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InputError } from '../../src/errors.js';
import { parseRecordings, readRecordings } from '../../src/providers/recordingFile.js';
import { createReplayProvider } from '../../src/providers/replay.js';
import type { GenerateContext } from '../../src/providers/types.js';
import { thrownInputError } from '../helpers/thrown.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject | undefined;
afterEach(async () => project?.cleanup());

const entry = (key: string, response: Record<string, unknown> = {}) =>
  JSON.stringify({
    key,
    caseId: 'paris',
    promptId: 'capitals',
    version: 'v1',
    model: 'claude-haiku-4-5',
    repeat: 0,
    response: { text: 'Paris', stopReason: 'end_turn', latencyMs: 420, usage: { inputTokens: 24, outputTokens: 3 }, ...response },
  });

function parseError(text: string): InputError {
  return thrownInputError(() => parseRecordings(text, 'suites/capitals/recordings/capitals.jsonl'));
}

describe('reading a recordings file', () => {
  it('reads every well-formed entry by key', () => {
    const entries = parseRecordings(`${entry('a')}\n${entry('b', { stopReason: 'max_tokens' })}\n`, 'r.jsonl');
    expect([...entries.keys()]).toEqual(['a', 'b']);
    expect(entries.get('b')!.response.stopReason).toBe('max_tokens');
  });

  it('reads back what --record writes of any provider: a stop reason the API may add later, a count a function provider reports', () => {
    const entries = parseRecordings(`${entry('a', { stopReason: 'a_new_reason', usage: { inputTokens: 1.5, outputTokens: 3 } })}\n`, 'r.jsonl');
    expect(entries.get('a')!.response).toMatchObject({ stopReason: 'a_new_reason', usage: { inputTokens: 1.5 } });
  });

  it.each([
    ['token counts that are not numbers', { usage: { inputTokens: 'abc', outputTokens: 3 } }, /:2: response\.usage\.inputTokens: expected a number, got string/],
    ['a latency that is not a number', { latencyMs: 'slow' }, /:2: response\.latencyMs: expected a number, got string/],
    ['a stop reason that is not text', { stopReason: 7 }, /:2: response\.stopReason: expected a string, got number/],
    ['no stop reason', { stopReason: undefined }, /:2: response\.stopReason: /],
    ['a misspelt field', { usgae: { inputTokens: 1, outputTokens: 1 } }, /:2: response\.usgae: unknown key "usgae" \(did you mean "usage"\?/],
  ])('refuses %s, naming file, line and field, and how to mend it', (_what, response, expected) => {
    const error = parseError(`${entry('a')}\n${entry('b', response)}\n`);
    expect(error.message).toMatch(/^suites\/capitals\/recordings\/capitals\.jsonl:2: /);
    expect(error.message).toMatch(expected);
    expect(error.message).toMatch(/hint: .*record it again/);
  });

  it('refuses a line that is not a recording object (null), naming the line', () => {
    expect(parseError(`${entry('a')}\nnull\n`).message).toMatch(/capitals\.jsonl:2: expected a recording object, got null/);
  });

  it('refuses a key recorded twice (a hand-merged file), naming both lines', () => {
    const error = parseError(`${entry('a')}\n${entry('b')}\n${entry('a', { text: 'Lyon' })}\n`);
    expect(error.message).toMatch(/capitals\.jsonl:3: key: .*recorded twice \(first on line 1\)/);
  });

  it('refuses a JSON key written twice in one line', () => {
    const line = entry('a').replace('"caseId":"paris"', '"caseId":"paris","caseId":"lyon"');
    expect(parseError(`${line}\n`).message).toMatch(/capitals\.jsonl:1: caseId: key "caseId" is written twice/);
  });

  it('lists every bad line at once', () => {
    const error = parseError(`${entry('a', { latencyMs: 'slow' })}\n${entry('b')}\nnull\n`);
    expect(error.message).toMatch(/2 problems:\n {2}.*:1: response\.latencyMs: .*\n {2}.*:3: expected a recording object/);
  });

  it('a file that is not there reads as no recordings (recording starts one)', async () => {
    project = await tempProject();
    expect((await readRecordings(project.path('none.jsonl'))).size).toBe(0);
  });
});

describe('replay', () => {
  const context: GenerateContext = { signal: new AbortController().signal, repeat: 0, caseId: 'paris', vars: {}, promptId: 'capitals', promptVersion: 'v1' };

  it('a damaged recordings file stops replay before any answer is given', async () => {
    project = await tempProject({ 'r.jsonl': `${entry('a', { usage: { inputTokens: 'abc', outputTokens: 3 } })}\n` });
    await expect(createReplayProvider(project.path('r.jsonl'))).rejects.toThrow(/r\.jsonl:1: response\.usage\.inputTokens: expected a number, got string/);
  });

  it('a miss from a file that is not there says the file is missing', async () => {
    project = await tempProject();
    const replay = await createReplayProvider(project.path('none.jsonl'));
    const request = { model: 'claude-haiku-4-5', messages: [{ role: 'user' as const, content: 'Hi' }], maxTokens: 50 };
    await expect(replay.generate(request, context)).rejects.toThrow(/none\.jsonl \(there is no such file\) for case paris/);
  });
});
