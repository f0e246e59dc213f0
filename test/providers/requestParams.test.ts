/**
 * One list of the parameters a template may set, and one of the request fields that have their own
 * place: the prompt loader refuses what the request builder would not send, and the builder sends
 * exactly what the loader lets through.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessageParams } from '../../src/providers/anthropic/params.js';
import { REQUEST_OWN_FIELDS, TEMPLATE_PARAMS } from '../../src/providers/requestParams.js';
import { loadPromptFile } from '../../src/prompts/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'promptgold-request-params-'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

let files = 0;
async function loadWithParam(name: string, value: string): Promise<string> {
  const file = join(root, `p${files++}.v1.hbs`);
  await writeFile(file, ['---', 'id: p', 'version: v1', 'max_tokens: 4000', 'params:', `  ${name}: ${value}`, '---', 'Say {{word}}.', ''].join('\n'));
  return loadPromptFile(file).then(
    () => 'loaded',
    (error: Error) => error.message,
  );
}

const request = (params: Record<string, unknown>) => ({ model: 'claude-haiku-4-5', messages: [{ role: 'user' as const, content: 'q' }], maxTokens: 10, params });

describe('template parameters and the request fields with a place of their own', () => {
  it('lists the fields the README names as having their own key, and the body', () => {
    expect([...REQUEST_OWN_FIELDS].sort()).toEqual(['max_tokens', 'messages', 'model', 'stop_sequences', 'stream', 'system', 'tool_choice', 'tools']);
  });

  it.each([...REQUEST_OWN_FIELDS])('%s under params is refused at load, and left out of a request a library caller builds', async (name) => {
    expect(await loadWithParam(name, 'x')).toMatch(new RegExp(`front matter\\.params\\.${name}`));
    const { body, droppedParams } = buildMessageParams(request({ [name]: 'x' }));
    expect(droppedParams).toEqual([name]);
    expect(body[name] === 'x').toBe(false);
  });

  it('every template parameter loads, and none is dropped by name alone', async () => {
    const values: Record<string, string> = { thinking: '{ type: adaptive }', output_config: '{ effort: high }', effort: 'high', metadata: '{ user_id: u }', cache_control: '{ type: ephemeral }', service_tier: 'auto', inference_geo: 'us', speed: 'fast' };
    for (const name of TEMPLATE_PARAMS) {
      expect(await loadWithParam(name, values[name] ?? '1'), name).toBe('loaded');
    }
    const passed = TEMPLATE_PARAMS.filter((name) => !['temperature', 'top_p', 'top_k', 'effort', 'output_config'].includes(name));
    const { body, droppedParams } = buildMessageParams(request(Object.fromEntries(passed.map((name) => [name, 'v']))));
    expect(droppedParams).toEqual([]);
    for (const name of passed) expect(body[name]).toBe('v');
  });
});
