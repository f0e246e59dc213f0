import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { InputError } from '../../src/errors.js';
import { promptContentHash } from '../../src/prompts/contentHash.js';
import { parsePromptFile } from '../../src/prompts/parsePromptFile.js';

const FILE = 'prompts/triage.v2.hbs';

const triage = [
  '---',
  'id: triage',
  'version: v2',
  'description: Classify a support ticket',
  'model: claude-haiku-4-5',
  'max_tokens: 400',
  'system: |',
  '  You are a support triage assistant for {{product}}.',
  'stop_sequences: ["</answer>"]',
  'output:',
  '  type: object',
  '  required: [category]',
  '  properties: { category: { type: string } }',
  'variables:',
  '  ticket: string',
  '  note: string?',
  'params:',
  '  temperature: 0',
  '---',
  'Ticket:',
  '{{ticket}}',
  '',
].join('\n');

function parseError(text: string): InputError {
  try {
    parsePromptFile(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected parsePromptFile to throw');
}

describe('parsePromptFile', () => {
  it('maps the front matter onto a PromptTemplate', () => {
    const template = parsePromptFile(triage, FILE);
    expect(template).toMatchObject({
      id: 'triage',
      version: 'v2',
      description: 'Classify a support ticket',
      model: 'claude-haiku-4-5',
      maxTokens: 400,
      system: 'You are a support triage assistant for {{product}}.',
      stopSequences: ['</answer>'],
      output: { type: 'object', required: ['category'] },
      variables: { ticket: 'string', note: 'string' },
      optionalVariables: ['note'],
      params: { temperature: 0 },
      body: 'Ticket:\n{{ticket}}',
      file: resolve(FILE),
      bodyLine: 20,
      systemLine: 8,
    });
    expect(template.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps a numeric version as written, so 1.10 is not run and recorded as 1.1', () => {
    for (const [written, version] of [['1.10', '1.10'], ['2.50', '2.50'], ['1.5', '1.5']] as const) {
      expect(parsePromptFile(`---\nid: a\nversion: ${written}\nmax_tokens: 10\n---\nhi`, FILE).version).toBe(version);
    }
  });

  it('reads other numeric versions as before, so records and versions lists made before still match', () => {
    for (const [written, version] of [['2.0', '2'], ['1.0', '1'], ['3', '3']] as const) {
      expect(parsePromptFile(`---\nid: a\nversion: ${written}\nmax_tokens: 10\n---\nhi`, FILE).version).toBe(version);
    }
    // And hashes as before.
    expect(parsePromptFile('---\nid: a\nversion: 1.5\nmax_tokens: 10\n---\nhi', FILE).hash).toBe(promptContentHash({ id: 'a', version: 1.5, max_tokens: 10 }, 'hi'));
    expect(parsePromptFile('---\nid: a\nversion: 2.0\nmax_tokens: 10\n---\nhi', FILE).hash).toBe(promptContentHash({ id: 'a', version: 2, max_tokens: 10 }, 'hi'));
  });

  it('accepts a numeric version and leaves unset optional fields out', () => {
    const template = parsePromptFile('---\nid: a\nversion: 3\nmax_tokens: 10\n---\nhi', FILE);
    expect(template.version).toBe('3');
    expect(Object.keys(template).sort()).toEqual(['body', 'bodyLine', 'file', 'hash', 'id', 'keyLines', 'maxTokens', 'version']);
  });

  it('names an unknown front-matter key, its line, the likely key and the allowed ones', () => {
    const error = parseError('---\nid: a\nversion: v1\nmax_tokens: 10\nmodle: x\n---\nhi');
    expect(error.message.split('\n')[0]).toBe(
      `${FILE}:5: front matter.modle: unknown key "modle" (did you mean "model"? allowed: id, version, description, model, max_tokens, system, stop_sequences, output, variables, params, tools, tool_choice, stream)`,
    );
  });

  it('reports a missing required key and a misspelt key together', () => {
    const error = parseError('---\nid: a\nversion: v1\nmax_token: 10\n---\nhi');
    expect(error.message).toContain(`${FILE}:2: front matter.max_tokens: is required (expected a number)`);
    expect(error.message).toContain(`${FILE}:4: front matter.max_token: unknown key "max_token" (did you mean "max_tokens"?`);
  });

  it('reports every front-matter problem at once, each at its line', () => {
    const error = parseError('---\nid: a\nmax_tokens: "many"\nvariables:\n  ticket: strng\n---\nhi');
    expect(error.message).toContain(`${FILE}: 3 problems:`);
    expect(error.message).toContain(`${FILE}:2: front matter.version: is required (expected a string or number)`);
    expect(error.message).toContain(`${FILE}:3: front matter.max_tokens: expected a number, got string`);
    expect(error.message).toContain(`${FILE}:5: front matter.variables.ticket: expected one of string, number`);
  });

  it('rejects a file without front matter, or with unclosed front matter', () => {
    expect(parseError('Hello {{x}}').message).toBe(
      `${FILE}:1: missing front matter: the first line must be \`---\`\n  hint: a prompt file starts with YAML front matter between two \`---\` lines, then the template body`,
    );
    expect(parseError('---\nid: a\n').message).toContain('front matter is not closed');
  });

  it('reports invalid YAML at its line in the file', () => {
    const error = parseError('---\nid: a\nversion: v1\nmax_tokens: [1,\n---\nhi');
    expect(error.message).toMatch(new RegExp(`^prompts/triage\\.v2\\.hbs:[45]: front matter: not valid YAML \\(`));
  });

  it('rejects front matter that is not a mapping', () => {
    expect(parseError('---\n- a\n---\nhi').message).toContain(':2: front matter: expected a mapping of keys');
  });
});

describe('content hash', () => {
  const base = '---\nid: triage\nversion: v1\nmax_tokens: 100\nparams:\n  temperature: 0\n---\nHello {{name}}\n';
  const hashOf = (text: string): string => parsePromptFile(text, FILE).hash;

  it('ignores YAML layout, key order, quoting, comments and line endings', () => {
    const reformatted = "---\n# a comment\nmax_tokens:   100\nparams: { temperature: 0 }\nversion: 'v1'\nid: \"triage\"\n---\nHello {{name}}\n";
    expect(hashOf(reformatted)).toBe(hashOf(base));
    expect(hashOf(base.replace(/\n/g, '\r\n'))).toBe(hashOf(base));
  });

  it('changes when the body or a front-matter value changes', () => {
    expect(hashOf(base.replace('Hello', 'Hi'))).not.toBe(hashOf(base));
    expect(hashOf(base.replace('temperature: 0', 'temperature: 1'))).not.toBe(hashOf(base));
    expect(hashOf(base.replace('max_tokens: 100', 'max_tokens: 100\nmodel: claude-haiku-4-5'))).not.toBe(hashOf(base));
  });
});
