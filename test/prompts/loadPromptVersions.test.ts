import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { compilePrompt, loadPartials, loadPromptFile, loadPromptVersions } from '../../src/prompts/index.js';
import { template } from '../helpers/templates.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'promptgold-prompts-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const prompt = (id: string, version: string, body: string): string => `---\nid: ${id}\nversion: ${version}\nmax_tokens: 50\n---\n${body}\n`;

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

async function failure(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('loadPromptVersions', () => {
  it('loads every *.hbs, skips partials/, attaches partials and sorts versions naturally', async () => {
    const dir = await folder('naturally', {
      'triage.v10.hbs': prompt('triage', 'v10', 'ten {{> sig}}'),
      'triage.v2.hbs': prompt('triage', 'v2', 'two'),
      'nested/triage.v1.hbs': prompt('triage', 'v1', 'one'),
      'partials/sig.hbs': 'signed {{who}}\n',
      'notes.txt': 'ignored',
    });
    const templates = await loadPromptVersions(dir);
    expect(templates.map((template) => template.version)).toEqual(['v1', 'v2', 'v10']);
    const ten = templates[2];
    expect(ten?.partials).toEqual({ sig: 'signed {{who}}' });
    expect(ten && compilePrompt(ten).render({ who: 'me' }, 'c').user).toBe('ten signed me');
  });

  it('keeps only the requested versions, and lists the available ones for an unknown version', async () => {
    const dir = await folder('select', {
      'a.hbs': prompt('triage', 'v1', 'one'),
      'b.hbs': prompt('triage', 'v2', 'two'),
    });
    expect((await loadPromptVersions(dir, { versions: ['v2'] })).map((template) => template.body)).toEqual(['two']);
    const error = await failure(loadPromptVersions(dir, { versions: ['v3'] }));
    expect(error.message).toBe(`${dir}: versions: prompt version "v3" not found (available: v1, v2)`);
  });

  it('names both files of a duplicate (id, version)', async () => {
    const dir = await folder('duplicate', {
      'a.hbs': prompt('triage', 'v1', 'one'),
      'b.hbs': prompt('triage', 'v1', 'uno'),
    });
    const error = await failure(loadPromptVersions(dir));
    expect(error.message).toContain('prompt "triage" version "v1" is defined twice');
    expect(error.message).toContain(join(dir, 'a.hbs'));
    expect(error.message).toContain(join(dir, 'b.hbs'));
  });

  it('refuses two prompt ids sharing a version: a run keys its cells by version, so their samples would be pooled as one', async () => {
    const dir = await folder('shared-version', {
      's.v1.hbs': prompt('s', 'v1', 'one'),
      't.v1.hbs': prompt('t', 'v1', 'other'),
    });
    const error = await failure(loadPromptVersions(dir));
    expect(error.message).toContain('prompts "s" and "t" both have version "v1"');
    expect(error.message).toContain(join(dir, 's.v1.hbs'));
    expect(error.message).toContain(join(dir, 't.v1.hbs'));
    expect(error.hint).toMatch(/give them distinct versions .* or run them as separate suites/);
    const distinct = await folder('distinct-versions', {
      's.v1.hbs': prompt('s', 's1', 'one'),
      't.v1.hbs': prompt('t', 't1', 'other'),
    });
    expect((await loadPromptVersions(distinct)).map((template) => `${template.id} ${template.version}`)).toEqual(['s s1', 't t1']);
  });

  it('loads a single file with an explicit partials folder, and checks partials at load time', async () => {
    const dir = await folder('single', {
      'one.hbs': prompt('x', 'v1', '{{> head}} body'),
      'shared/head.hbs': 'HEAD',
    });
    const [template] = await loadPromptVersions(join(dir, 'one.hbs'), { partialsDir: join(dir, 'shared') });
    expect(template && compilePrompt(template).render({}, 'c').user).toBe('HEAD body');
    const error = await failure(loadPromptVersions(join(dir, 'one.hbs')));
    expect(error.message).toContain('unknown partial "head" (available: none)');
  });

  it('reports a missing source and an empty folder', async () => {
    expect((await failure(loadPromptVersions(join(root, 'absent')))).message).toContain('prompt file or folder not found');
    const empty = await folder('empty', { 'readme.md': 'x' });
    expect((await failure(loadPromptVersions(empty))).message).toContain('no *.hbs prompt files');
  });
});

describe('loadPartials and loadPromptFile', () => {
  it('names partials by file name without .hbs', async () => {
    const dir = await folder('partials-only', { 'a.hbs': 'A\r\n', 'b.hbs': 'B', 'c.txt': 'C' });
    expect(await loadPartials(dir)).toEqual({ a: 'A', b: 'B' });
  });

  it('drops a byte-order mark at the start of a partial, as of a prompt file, so it never reaches the prompt', async () => {
    const dir = await folder('partials-bom', { 'footer.hbs': '\uFEFFThanks, {{agent}}\r\n' });
    const partials = await loadPartials(dir);
    expect(partials).toEqual({ footer: 'Thanks, {{agent}}' });
    expect(compilePrompt(template('Hi\n{{> footer}}'), { partials }).render({ agent: 'Ann' }, 'c1').user).toBe('Hi\nThanks, Ann');
  });

  it("names the line a variable is declared on when a case's value does not match it (front matter read without the YAML library)", async () => {
    const dir = await folder('declared', { 'p.hbs': '---\nid: p\nversion: v1\nmax_tokens: 10\nvariables:\n  word: string\n  count: number\n---\n{{word}} {{count}}\n' });
    const compiled = compilePrompt(await loadPromptFile(join(dir, 'p.hbs')));
    const error = await failure(Promise.resolve().then(() => compiled.render({ word: 'a', count: 'two' }, 'c1')));
    expect(error.location).toMatchObject({ line: 7, field: 'variables.count' });
  });

  it('reports a missing prompt file', async () => {
    const error = await failure(loadPromptFile(join(root, 'missing.hbs')));
    expect(error.message).toContain('prompt file not found');
  });

  it('refuses a template or partial that is not UTF-8, naming its line, instead of rendering U+FFFD', async () => {
    const dir = join(root, 'latin1');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'p.hbs'), Buffer.from('---\nid: p\nversion: v1\n---\nR\u00e9sume {{ticket}}\n', 'latin1'));
    const error = await failure(loadPromptFile(join(dir, 'p.hbs')));
    expect(error.message).toContain('p.hbs:5: the file is not UTF-8: byte 0xE9 at column 2');
    await writeFile(join(dir, 'head.hbs'), Buffer.from('Caf\u00e9', 'latin1'));
    expect((await failure(loadPartials(dir))).message).toContain('head.hbs:1: the file is not UTF-8: byte 0xE9 at column 4');
  });
});
