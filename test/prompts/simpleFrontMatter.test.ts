import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { loadPromptFile } from '../../src/prompts/loadPromptFile.js';
import { parsePromptFile } from '../../src/prompts/parsePromptFile.js';
import { readSimpleFrontMatter } from '../../src/prompts/simpleFrontMatter.js';
import { lineOfPath, lineOfScalarText } from '../../src/prompts/yamlLines.js';

const BENCH = 'id: bench\nversion: v1\nmax_tokens: 200\nsystem: Classify the ticket and summarize it.\nvariables:\n  ticket: string\n  n: number\n';

/** What the YAML library reads, and its lines for the paths a template asks about. */
function viaYaml(text: string) {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  return { errors: document.errors.length, value: document.toJS() as unknown, document, lineCounter };
}

/** Paths whose lines the template asks for (and a few that do not exist). */
function pathsOf(value: Record<string, unknown>): PropertyKey[][] {
  const paths: PropertyKey[][] = [[], ['missing'], ['system'], ['tools'], ['tool_choice'], ['system', 0, 'text']];
  for (const [key, inner] of Object.entries(value)) {
    paths.push([key], [key, 'missing']);
    if (inner && typeof inner === 'object') for (const nested of Object.keys(inner)) paths.push([key, nested], [key, nested, 'deeper']);
  }
  return paths;
}

describe('readSimpleFrontMatter', () => {
  it('reads the usual front matter as the YAML library does', () => {
    const simple = readSimpleFrontMatter(BENCH);
    expect(simple?.value).toEqual(viaYaml(BENCH).value);
    expect(simple?.lines.lineOf(['variables', 'n'])).toBe(7);
    expect(simple?.lines.scalarLineOf(['system'])).toBe(4);
  });

  it.each([
    ['a quoted value', 'id: "x"\n'],
    ['a comment', 'id: x # note\n'],
    ['a comment line', '# note\nid: x\n'],
    ['a colon in a value', 'system: Note: be brief\n'],
    ['a list', 'stop_sequences:\n  - END\n'],
    ['a block scalar', 'system: |\n  Hello\n'],
    ['a value on the next line', 'system:\n  Hello there\n'],
    ['a float', 'version: 1.0\n'],
    ['a leading zero', 'version: 007\n'],
    ['a negative number', 'max_tokens: -1\n'],
    ['a boolean', 'stream: true\n'],
    ['null', 'model: null\n'],
    ['a repeated key', 'id: a\nid: b\n'],
    ['a tab', 'id:\tx\n'],
    ['trailing space', 'id: x \n'],
    ['deeper nesting', 'params:\n  a:\n    b: 1\n'],
    ['uneven indentation', 'variables:\n  a: string\n   b: string\n'],
    ['a reserved key', 'variables:\n  __proto__: string\n'],
    ['a key longer than YAML reads as a key', `${'k'.repeat(1100)}: x\n`],
    ['nothing', '\n'],
  ])('leaves %s to the YAML library', (_name, text) => {
    expect(readSimpleFrontMatter(text)).toBeUndefined();
  });

  it('agrees with the YAML library on values and lines whenever it reads a text', () => {
    // Mostly texts in the simple shape, with risky characters, words and lines mixed in.
    const key = fc.oneof(
      { weight: 8, arbitrary: fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}\??$/) },
      { weight: 2, arbitrary: fc.constantFrom('id', 'version', 'system', 'variables', 'n', 'y', 'on', 'note?') },
      { weight: 1, arbitrary: fc.constantFrom('true', 'Null', '__proto__', '-x', '?k', '1') },
    );
    const safe = fc.constantFrom('a', 'Z', 'y', '0', '7', ' ', ' ', '.', ',', ';', '!', '?', "'", '"', '(', ')', '/', '_', '+', '=', '-');
    const risky = fc.constantFrom(':', '#', '\t', '{', '[', '&', '*', '|', '>', '~', '@', '%', '`', '\\');
    const first = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('a', 'Q', 'z', 'T', 'n') }, { weight: 1, arbitrary: fc.constantFrom('"', "'", '-', '.', '?', '!', '&', '0') });
    const text = (unit: fc.Arbitrary<string>) => fc.tuple(first, fc.string({ unit, maxLength: 12 })).map(([head, rest]) => head + rest);
    const value = fc.oneof(
      { weight: 6, arbitrary: text(safe) },
      { weight: 2, arbitrary: text(fc.oneof({ weight: 8, arbitrary: safe }, { weight: 1, arbitrary: risky })) },
      { weight: 2, arbitrary: fc.constantFrom('', 'true', 'False', 'NULL', 'yes', 'no', 'on', '007', '0', '12', '1.5', '-3', '0x1F', '1e3', '.inf', 'v1', 'A b', 'string?') },
      { weight: 1, arbitrary: fc.nat({ max: 10 ** 16 }).map(String) },
    );
    const colon = fc.constantFrom(': ', ': ', ': ', ':  ', ':', ' :');
    const scalarEntry = fc.tuple(key, colon, value).map(([k, c, v]) => [`${k}${c}${v}`]);
    const nestedEntry = fc
      .tuple(key, fc.constantFrom('  ', '    ', ' '), fc.array(fc.tuple(key, colon, value, fc.constantFrom('', '', '', ' ', '   ')), { maxLength: 4 }))
      .map(([k, indent, items]) => [`${k}:`, ...items.map(([nk, c, v, shift]) => `${indent}${shift}${nk}${c}${v}`)]);
    const noise = fc.constantFrom('', '  ', '# comment', '- item', '---', '...', '  more text', 'k:v');
    const entry = fc.oneof({ weight: 6, arbitrary: scalarEntry }, { weight: 3, arbitrary: nestedEntry }, { weight: 1, arbitrary: noise.map((line) => [line]) });
    let read = 0;
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 7 }), fc.boolean(), (entries, newline) => {
        const text = entries.flat().join('\n') + (newline ? '\n' : '');
        const simple = readSimpleFrontMatter(text);
        if (!simple) return;
        read++;
        const yaml = viaYaml(text);
        expect(yaml.errors).toBe(0);
        expect(simple.value).toEqual(yaml.value);
        for (const path of pathsOf(simple.value)) {
          expect(simple.lines.lineOf(path)).toBe(lineOfPath(yaml.document, path, yaml.lineCounter));
          const scalar = simple.value[String(path[0])];
          // Lines of scalars are asked for strings and numbers only (the schema passed).
          if (path.length === 1 && (typeof scalar === 'string' || typeof scalar === 'number')) {
            expect(simple.lines.scalarLineOf(path)).toBe(lineOfScalarText(yaml.document.getIn(path, true), yaml.lineCounter));
          }
        }
      }),
      { numRuns: 4000 },
    );
    // The property is about the texts it reads: enough of them must be in the simple shape.
    expect(read).toBeGreaterThan(150);
  });
});

describe('loadPromptFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'promptgold-simple-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['simple front matter', `---\n${BENCH}---\nTicket #{{n}}: {{ticket}}\n`],
    ['front matter the YAML library reads', '---\nid: t\nversion: "2"\nmax_tokens: 50\nsystem: |\n  Be brief.\nstop_sequences: [END]\n---\nHi {{name}}\n'],
  ])('gives the template parsePromptFile gives, for %s', async (_name, text) => {
    const file = join(dir, 'p.hbs');
    await writeFile(file, text);
    expect(await loadPromptFile(file)).toEqual(parsePromptFile(text, file));
  });

  it('reports a front matter the schema refuses as parsePromptFile does, with its line', async () => {
    const text = '---\nid: t\nversion: v1\nmax_tokens: 50\nsurprise: yes\n---\nHi\n';
    const file = join(dir, 'bad.hbs');
    await writeFile(file, text);
    const expected = (() => {
      try {
        parsePromptFile(text, file);
      } catch (error) {
        return error;
      }
      throw new Error('expected parsePromptFile to throw');
    })();
    await expect(loadPromptFile(file)).rejects.toEqual(expected);
    expect((expected as Error).message).toContain('surprise');
  });
});
