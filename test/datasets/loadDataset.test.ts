import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { caseIdFromVars, loadDataset, openDataset, ProblemsError, selectCases, selectFrom } from '../../src/datasets/index.js';
import type { GoldenCase } from '../../src/datasets/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-datasets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function loadError(path: string): Promise<InputError> {
  const error = await loadDataset(path).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('loadDataset: happy paths', () => {
  it('reads JSONL, skipping blank lines, with ids as strings and 1-based origins', async () => {
    const text = [
      '{"id": "a", "vars": {"ticket": "refund"}, "tags": ["billing"], "expected": {"category": "billing"}}',
      '',
      '{"id": 7, "vars": {"ticket": "crash"}, "checks": [{"type": "contains", "value": "x"}], "human": {"pass": true}}',
      '   ',
      '{"vars": {"ticket": "hello"}}',
    ].join('\n');
    const path = await fixture('ok.jsonl', text);
    const dataset = await loadDataset(path);
    expect(dataset.path).toBe(path);
    expect(dataset.hash).toBe(createHash('sha256').update(text).digest('hex'));
    expect(dataset.cases.map((golden) => [golden.id, golden.origin.line])).toEqual([
      ['a', 1],
      ['7', 3],
      [caseIdFromVars({ ticket: 'hello' }), 5],
    ]);
    const [first, second, third] = dataset.cases;
    expect(first).toMatchObject({ tags: ['billing'], expected: { category: 'billing' }, origin: { file: path, line: 1 } });
    expect(second).toMatchObject({ tags: [], checks: [{ type: 'contains', value: 'x' }], human: { pass: true } });
    expect(third && 'expected' in third).toBe(false);
  });

  it('reads a JSON array and a JSON { cases } object, with the line each case object starts on', async () => {
    const arrayText = '[\n  {"id": "a", "vars": {"x": 1}},\n\n  {\n    "id": "b",\n    "vars": {"x": 2}\n  }\n]\n';
    const fromArray = await loadDataset(await fixture('array.json', arrayText));
    expect(fromArray.cases.map((golden) => [golden.id, golden.origin.line])).toEqual([
      ['a', 2],
      ['b', 4],
    ]);
    const objectText = '{\n  "description": "demo",\n  "cases": [\n    {"id": "c", "vars": {}}\n  ]\n}';
    const fromObject = await loadDataset(await fixture('object.json', objectText));
    expect(fromObject.cases.map((golden) => [golden.id, golden.origin.line])).toEqual([['c', 4]]);
  });

  it('reads YAML lists and { cases } objects, with origins', async () => {
    const listText = '# golden cases\n- id: a\n  vars:\n    ticket: refund\n  tags: [billing]\n\n- id: b\n  vars: { ticket: crash }\n  expected: bug\n';
    const fromList = await loadDataset(await fixture('list.yaml', listText));
    expect(fromList.cases.map((golden) => [golden.id, golden.origin.line])).toEqual([
      ['a', 2],
      ['b', 7],
    ]);
    expect(fromList.cases[1]?.expected).toBe('bug');
    const objectText = 'cases:\n  - vars: { n: 1 }\n  - vars: { n: 2 }\n';
    const fromObject = await loadDataset(await fixture('object.yml', objectText));
    expect(fromObject.cases.map((golden) => golden.origin.line)).toEqual([2, 3]);
    expect(fromObject.cases[0]?.id).toBe(caseIdFromVars({ n: 1 }));
  });

  it('keeps a numeric id as the file writes it: YAML `id: 007` is "007", not "7"', async () => {
    const text = '- id: 007\n  vars: { n: 1 }\n- id: 7\n  vars: { n: 2 }\n- id: 1.50\n  vars: { n: 3 }\n- id: "0x1F"\n  vars: { n: 4 }\n';
    const dataset = await loadDataset(await fixture('numeric-ids.yaml', text));
    expect(dataset.cases.map((golden) => golden.id)).toEqual(['007', '7', '1.50', '0x1F']);
    // The same text quoted and plain is the same id.
    const twice = await loadError(await fixture('same-id.yaml', `${text}- id: 0x1F\n  vars: { n: 5 }\n`));
    expect(twice.message).toContain(':9: id: duplicate id "0x1F" (first used on line 7)');
  });

  it('reads CSV: id, |-separated tags, JSON-or-text expected, expected.<field>, vars.<name>, multi-line cells', async () => {
    const text = [
      'id,ticket,vars.customer,tags,expected.category,expected.priority',
      't1,"my card was charged',
      'twice",Ann,billing|urgent,billing,2',
      't2,app crashes,Bob,,bug,"""high"""',
      '',
      't3,plain,Cy,  a | b ,,',
    ].join('\n');
    const dataset = await loadDataset(await fixture('cases.csv', text));
    expect(dataset.cases.map((golden) => [golden.id, golden.origin.line])).toEqual([
      ['t1', 2],
      ['t2', 4],
      ['t3', 6],
    ]);
    expect(dataset.cases[0]).toMatchObject({
      vars: { ticket: 'my card was charged\ntwice', customer: 'Ann' },
      tags: ['billing', 'urgent'],
      expected: { category: 'billing', priority: 2 },
    });
    expect(dataset.cases[1]).toMatchObject({ tags: [], expected: { category: 'bug', priority: 'high' } });
    expect(dataset.cases[2]).toMatchObject({ tags: ['a', 'b'] });
    expect(dataset.cases[2] && 'expected' in dataset.cases[2]).toBe(false);
  });

  it('gives CSV cases the lines they start on with CRLF and CR line ends too, multi-line cells and blank lines included', async () => {
    const rows = ['id,ticket', 'a,one', '', 'b,"two', 'lines"', 'c,three', 'd,"x"'];
    for (const [name, end] of [['crlf', '\r\n'], ['lf', '\n'], ['cr', '\r']] as const) {
      const dataset = await loadDataset(await fixture(`lines-${name}.csv`, rows.join(end)));
      expect(dataset.cases.map((golden) => [golden.id, golden.origin.line]), name).toEqual([
        ['a', 2],
        ['b', 4],
        ['c', 6],
        ['d', 7],
      ]);
    }
    const problem = await loadError(await fixture('lines-problem.csv', ['id,checks', 'a,"[]"', 'b,"[', ']"', 'c,not json'].join('\r\n')));
    expect(problem.message).toContain(':5: checks: expected a JSON array of checks');
  });

  it('refuses a JSONL numeric id too large to read exactly, rather than rounding it into another id', async () => {
    const text = '{"id": 12345678901234567891, "vars": {"q": "a"}}\n{"id": 9007199254740991, "vars": {"q": "b"}}\n';
    const error = await loadError(await fixture('big-ids.jsonl', text));
    expect(error.message).toContain(':1: id: the id is a whole number beyond 9007199254740991, where JSON numbers lose digits (it reads as 12345678901234567000, which may not be what the file says): write the id as a string');
    expect(error.message).not.toContain(':2:');
    const yaml = await loadDataset(await fixture('big-ids.yaml', '- id: 12345678901234567891\n  vars: {q: a}\n'));
    expect(yaml.cases[0]?.id).toBe('12345678901234567891');
  });

  it('reads a CSV "expected" column as JSON when it parses, else as text', async () => {
    const text = 'id,q,expected\na,x,"{""k"": [1]}"\nb,y,just words\n';
    const dataset = await loadDataset(await fixture('expected.csv', text));
    expect(dataset.cases.map((golden) => golden.expected)).toEqual([{ k: [1] }, 'just words']);
  });
});

describe('loadDataset: bad input', () => {
  it('reports a malformed JSONL line with its line number and column', async () => {
    const path = await fixture('bad.jsonl', '{"id": "a", "vars": {}}\n\n{"id": "b", "vars": {}}}\n');
    const error = await loadError(path);
    expect(error.message).toMatch(new RegExp(`^${escape(path)}:3: not valid JSON \\(.* at column 24\\)$`));
  });

  it('reports a field of the wrong type as file:line: field: expected …, got …', async () => {
    const path = await fixture('vars.jsonl', '{"id": "a", "vars": {}}\n{"id": "b", "vars": "oops"}\n');
    const error = await loadError(path);
    expect(error.message).toBe(`${path}:2: vars: expected an object, got string`);
    expect(error.location).toEqual({ file: path, line: 2, field: 'vars' });
  });

  it('collects several problems into one error, one per line', async () => {
    const path = await fixture(
      'many.jsonl',
      ['{"vars": {}, "id": "a"}', 'not json', '{"id": "c"}', '{"id": "d", "vars": {}, "tags": [1]}', '[1]'].join('\n'),
    );
    const error = await loadError(path);
    expect(error).toBeInstanceOf(ProblemsError);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(`${path}: 4 problems:`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^  ${escape(path)}:2: not valid JSON`)),
      `  ${path}:3: vars: is required (expected an object)`,
      `  ${path}:4: tags.0: expected a string, got number`,
      `  ${path}:5: expected a case object, got array`,
    ]);
  });

  it('caps the list at 20 problems and says how many more there are', async () => {
    const text = Array.from({ length: 25 }, () => '{"vars": 1}').join('\n');
    const error = await loadError(await fixture('capped.jsonl', text));
    expect((error as ProblemsError).problems).toHaveLength(20);
    expect(error.message).toContain('25 problems');
    expect(error.message).toContain('… and 5 more');
  });

  it('names an unknown case key, suggests the likely one and lists the allowed keys', async () => {
    const path = await fixture('typo.jsonl', '{"id": "a", "vars": {}, "tgas": ["x"]}\n');
    const error = await loadError(path);
    expect(error.message).toBe(
      `${path}:1: tgas: unknown key "tgas" (did you mean "tags"? allowed: id, vars, expected, tags, checks, human)`,
    );
  });

  it('names both lines of a duplicate id', async () => {
    const path = await fixture('dup.jsonl', '{"id": "x", "vars": {"a": 1}}\n{"id": "y", "vars": {}}\n{"id": "x", "vars": {"a": 2}}\n');
    const error = await loadError(path);
    expect(error.message).toBe(`${path}:3: id: duplicate id "x" (first used on line 1)`);
  });

  it('refuses a JSONL line with a key written twice, naming the line, the key, both columns and the fix', async () => {
    const path = await fixture(
      'repeated.jsonl',
      [
        '{"id":"a","vars":{"x":1},"expected":"x","expected":"y"}',
        '{"id":"b","vars":{"at":"10:30 on http://example.com"}}',
        '{"id":"c","vars":{"x":1,"y":{"z":1,"\\u007a":2}}}',
      ].join('\n'),
    );
    const error = await loadError(path);
    expect(error.exitCode).toBe(2);
    expect((error as ProblemsError).problems).toEqual([
      { line: 1, field: 'expected', message: expect.stringContaining('key "expected" is written twice in the same object (first at column 26)') },
      { line: 3, field: 'vars.y.z', message: expect.stringContaining('key "z" is written twice in the same object (first at column 30)') },
    ]);
    expect(error.message).toContain(`${path}:1: expected: key "expected" is written twice in the same object (first at column 26); only the last value would be read: keep one of the two and delete the other (again at column 41)`);
  });

  it('refuses a key written twice in a JSON or YAML document, with the line of each and the field in its case', async () => {
    const json = await fixture('repeated.json', '{"cases": [\n  {"id": "a", "vars": {"x": 1},\n   "expected": "x",\n   "expected": "y"}\n]}\n');
    const jsonError = await loadError(json);
    expect(jsonError.message).toBe(
      `${json}:4: expected: key "expected" is written twice in the same object (first on line 3); only the last value would be read: keep one of the two and delete the other`,
    );
    const yaml = await fixture('repeated.yaml', '- id: a\n  vars: { x: 1, x: 2 }\n- id: b\n  vars: {}\n  tags: [t]\n  tags: [u]\n');
    const yamlError = (await loadError(yaml)) as ProblemsError;
    expect(yamlError.problems).toEqual([
      { line: 2, field: 'vars.x', message: expect.stringContaining('key "x" is written twice in the same object (first on line 2)') },
      { line: 6, field: 'tags', message: expect.stringContaining('key "tags" is written twice in the same object (first on line 5)') },
    ]);
    // 1 and "1" are one key once the document is an object: the first value would be dropped too.
    const mixed = (await loadError(await fixture('mixed.yaml', '- vars: { 1: a, "1": b }\n'))) as ProblemsError;
    expect(mixed.problems).toEqual([{ line: 1, field: 'vars.1', message: expect.stringContaining('key "1" is written twice') }]);
    // A null key (`~`, `null`) becomes '' in the object, as "" does; the quoted word "null" stays apart.
    const nulls = (await loadError(await fixture('nulls.yaml', '- id: a\n  vars: { null: 1, "null": 2, ~: 3, "": 4 }\n'))) as ProblemsError;
    expect(nulls.problems).toEqual([
      { line: 2, field: 'vars.', message: expect.stringContaining('key "" is written twice in the same object (first on line 2)') },
      { line: 2, field: 'vars.', message: expect.stringContaining('key "" is written twice in the same object (first on line 2)') },
    ]);
    const [apart] = (await loadDataset(await fixture('apart.yaml', '- id: a\n  vars: { null: 1, "null": 2, word: w }\n'))).cases;
    expect(apart).toMatchObject({ id: 'a', vars: { '': 1, null: 2, word: 'w' } });
  });

  it('refuses a key written twice in a CSV cell read as JSON (expected, expected.<field>, checks), naming the column', async () => {
    const path = await fixture(
      'repeated.csv',
      'id,word,expected,checks\na,x,"{""label"": ""x"", ""label"": ""y""}","[{""type"": ""contains"", ""value"": ""x"", ""value"": ""y""}]"\n',
    );
    const error = (await loadError(path)) as ProblemsError;
    expect(error.problems).toEqual([
      { line: 2, field: 'expected.label', message: expect.stringContaining('key "label" is written twice in the same object (first at column 2 of the cell)') },
      { line: 2, field: 'checks.0.value', message: expect.stringContaining('key "value" is written twice') },
    ]);
  });

  it('explains duplicate derived ids (identical vars without ids)', async () => {
    const path = await fixture('dupvars.yaml', '- vars: { a: 1 }\n- vars: { a: 1 }\n');
    const error = await loadError(path);
    expect(error.message).toContain(`${path}:2: id: duplicate id "${caseIdFromVars({ a: 1 })}" (first used on line 1)`);
    expect(error.message).toContain('derived from vars');
  });

  it('reports malformed YAML with its line', async () => {
    const path = await fixture('bad.yaml', '- id: a\n  vars: {}\n- id: b\n  vars: [1, 2\n- id: c\n');
    const error = await loadError(path);
    expect(error.message).toMatch(new RegExp(`^${escape(path)}:\\d+: not valid YAML \\(`));
    expect(error.location.line).toBeGreaterThanOrEqual(4);
  });

  it('reports malformed JSON with the line of the mistake', async () => {
    const path = await fixture('bad.json', '[\n  {"id": "a", "vars": {}},\n  {"id": "b", "vars": {},}\n]\n');
    const error = await loadError(path);
    expect(error.message).toMatch(new RegExp(`^${escape(path)}:3: not valid JSON \\(.* at column 26\\)$`));
  });

  it('rejects a JSON/YAML document that is neither a list nor { cases }', async () => {
    const error = await loadError(await fixture('shape.yaml', 'cases: 3\n'));
    expect(error.message).toContain(':1: cases: expected a list of cases or an object { cases: [...] }, got number');
    const unknown = await loadError(await fixture('shape2.json', '{"cases": [{"vars": {}}], "casse": 1}'));
    expect(unknown.message).toContain('unknown top-level key "casse"');
  });

  it('reports malformed CSV: an unclosed quote and a wrong column count, with lines', async () => {
    const unclosed = await fixture('unclosed.csv', 'id,q\na,1\nb,"never closed\nc,3\n');
    const unclosedError = await loadError(unclosed);
    expect(unclosedError.message).toMatch(new RegExp(`^${escape(unclosed)}:\\d+: not valid CSV \\(Quote Not Closed`));
    const columns = await fixture('columns.csv', 'id,q\na,1\nb,2,3\n');
    const columnsError = await loadError(columns);
    expect(columnsError.message).toMatch(new RegExp(`^${escape(columns)}:3: not valid CSV \\(Invalid Record Length: expect 2, got 3\\)$`));
  });

  it('rejects a CSV header with a duplicate column', async () => {
    const error = await loadError(await fixture('header.csv', 'id,q,q\na,1,2\n'));
    expect(error.message).toContain(':1: q: column "q" appears twice');
  });

  it('refuses CSV columns that would set the same variable or an expected field and a field inside it', async () => {
    const variable = await loadError(await fixture('same-variable.csv', 'id,ticket,vars.ticket\na,from ticket,from vars.ticket\n'));
    expect(variable.message).toContain(':1: vars.ticket: columns "ticket" and "vars.ticket" both set the variable "ticket"; only one cell would be kept');
    const nested = await loadError(await fixture('nested-expected.csv', 'id,q,expected.a.b,expected.a\na,x,2,1\n'));
    expect(nested.message).toContain(':2: expected.a.b: column "expected.a.b" sets a field inside "expected.a", but the cell of column "expected.a" sets "expected.a" to 1, not an object');
    // A variable named like a case field is a variable of its own.
    const distinct = await loadDataset(await fixture('distinct.csv', 'id,vars.id,expected.a,expected.ab\nc1,v,1,2\n'));
    expect(distinct.cases[0]).toMatchObject({ id: 'c1', vars: { id: 'v' }, expected: { a: 1, ab: 2 } });
  });

  it('keeps both an expected field and a field inside it when no cell is lost, whatever the column order', async () => {
    const cell = (text: string) => `"${text.replace(/"/g, '""')}"`;
    // [id, expected.a, expected.a.b]
    const rows = [
      ['kept-outer', cell('{"x":1}'), ''],
      ['kept-inner', '', '2'],
      ['merged', cell('{"x":1}'), '2'],
      ['text', 'some text', ''],
    ];
    const plain = ['id,expected.a,expected.a.b', ...rows.map(([id, a, b]) => `${id},${a},${b}`)].join('\n');
    const swapped = ['id,expected.a.b,expected.a', ...rows.map(([id, a, b]) => `${id},${b},${a}`)].join('\n');
    for (const [name, text] of [['plain.csv', plain], ['swapped.csv', swapped]] as const) {
      const { cases } = await loadDataset(await fixture(name, `${text}\n`));
      expect(cases.map((c) => c.expected)).toEqual([{ a: { x: 1 } }, { a: { b: 2 } }, { a: { x: 1, b: 2 } }, { a: 'some text' }]);
    }
  });

  it('refuses, on its row, an expected field given twice or inside a cell that is not an object', async () => {
    const both = await loadError(await fixture('both-given.csv', 'id,expected.a,expected.a.b\nok,"{""x"":1}",2\ntwice,"{""b"":1}",2\n'));
    expect(both.message).toContain(':3: expected.a.b: the cells of columns "expected.a" and "expected.a.b" both set "expected.a.b"; only one would be kept: leave one of them empty');
    const deeper = await loadError(await fixture('inside-text.csv', 'id,expected.a,expected.a.b.c\ndeep,"{""b"":""text""}",2\n'));
    expect(deeper.message).toContain(':2: expected.a.b.c: column "expected.a.b.c" sets a field inside "expected.a.b", but the cell of column "expected.a" sets "expected.a.b" to "text", not an object');
  });

  it('refuses prototype paths in CSV headers (file:line:column) and pollutes nothing', async () => {
    const polluting = await fixture('polluting.csv', 'id,question,expected.__proto__.polluted\na,q,YES\n');
    const error = await loadError(polluting);
    expect(error.message).toContain(`${polluting}:1: expected.__proto__.polluted: column "expected.__proto__.polluted" uses the reserved name "__proto__"`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const column of ['vars.constructor', 'prototype', 'expected.a.constructor']) {
      const file = await fixture(`reserved-${column}.csv`, `id,${column}\na,x\n`);
      expect((await loadError(file)).message).toContain(`:1: ${column}: column "${column}" uses the reserved name`);
    }
    // A nested expected column next to a name like toString still builds its own object.
    const nested = await loadDataset(await fixture('nested.csv', 'id,q,expected.toString.x\na,1,2\n'));
    expect(nested.cases[0]?.expected).toEqual({ toString: { x: 2 } });
  });

  it('refuses reserved variable names in any format, with file and line', async () => {
    const jsonl = await fixture('proto-vars.jsonl', '{"vars":{"a":1}}\n{"vars":{"__proto__":{"polluted":"YES"}}}\n');
    expect((await loadError(jsonl)).message).toContain(`${jsonl}:2: vars.__proto__: the variable name "__proto__" is reserved`);
    const yaml = await fixture('proto-vars.yaml', '- vars:\n    constructor: x\n');
    expect((await loadError(yaml)).message).toMatch(/proto-vars\.yaml:1: vars\.constructor: the variable name "constructor" is reserved/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names a missing file and points at the suite\'s dataset field', async () => {
    const path = join(dir, 'nope.jsonl');
    const error = await loadError(path);
    expect(error.message).toContain(`${path}: dataset file not found`);
    expect(error.hint).toContain('`dataset` field');
  });

  it('rejects an unknown extension and an empty dataset', async () => {
    expect((await loadError(await fixture('cases.txt', 'x'))).message).toContain('unsupported dataset format ".txt"');
    expect((await loadError(await fixture('empty.jsonl', '\n\n'))).message).toContain('the dataset has no cases');
  });
});

describe('loadDataset: encodings', () => {
  it('refuses a Latin-1 CSV naming the line, and a UTF-16 one naming the encoding', async () => {
    const latin1 = join(dir, 'latin1.csv');
    await writeFile(latin1, Buffer.from('id,ticket\nc1,caf\u00e9 au lait\n', 'latin1'));
    const error = await loadError(latin1);
    expect(error.location).toEqual({ file: latin1, line: 2 });
    expect(error.hint).toContain('Latin-1 or Windows-1252');
    const utf16 = join(dir, 'utf16.csv');
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,ticket\nc1,hello\n', 'utf16le')]));
    expect((await loadError(utf16)).message).toContain('starts with a UTF-16 byte-order mark');
  });
});

describe('caseIdFromVars', () => {
  it('is stable under key order and changes with the values', () => {
    const id = caseIdFromVars({ a: 1, b: { c: [1, 2] } });
    expect(id).toMatch(/^case-[0-9a-f]{12}$/);
    expect(caseIdFromVars({ b: { c: [1, 2] }, a: 1 })).toBe(id);
    expect(caseIdFromVars({ a: 2, b: { c: [1, 2] } })).not.toBe(id);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every JSONL file read again on each walk, whatever its size. */
const STREAMED = { holdJsonlBytes: 0 };

describe('openDataset: a JSONL dataset walked again instead of held', () => {
  it('walks the same cases, in file order, every time, with its count and hash known up front', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: `c${i}`, vars: { text: 'é'.repeat(i % 50), n: i }, tags: i % 2 ? ['odd'] : [] }));
    // Longer than one read chunk, with CRLF endings and a byte-order mark.
    const path = await fixture('walked.jsonl', `\uFEFF${lines.join('\r\n')}\r\n`);
    const source = await openDataset(path, STREAMED);
    const held = await loadDataset(path);
    expect(source.count).toBe(300);
    expect(source.hash).toBe(held.hash);
    const first = [...source];
    expect(first).toEqual(held.cases);
    expect([...source]).toEqual(first);
  });

  it('refuses a byte that is not UTF-8 far into the file, naming its line, before any case is walked', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `c${i}`, vars: { text: 'é€😀'.repeat(i % 7) } }));
    const bytes = Buffer.concat([Buffer.from(`${lines.join('\n')}\n`, 'utf8'), Buffer.from('{"id":"x","vars":{"text":"d\u00e9j\u00e0"}}\n', 'latin1')]);
    expect(bytes.length).toBeGreaterThan(2 * 64 * 1024);
    const path = join(dir, 'latin1-tail.jsonl');
    await writeFile(path, bytes);
    const error: unknown = await openDataset(path, STREAMED).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location).toEqual({ file: path, line: 3001 });
    expect((error as InputError).message).toContain('byte 0xE9 at column 28 (counted in bytes)');
  });

  it('stops with an error naming the file when the dataset changes after it was checked', async () => {
    const path = await fixture('changing.jsonl', '{"id":"a","vars":{}}\n{"id":"b","vars":{}}\n');
    const source = await openDataset(path, STREAMED);
    await writeFile(path, '{"id":"a","vars":{}}\n{"id":"b","vars":{}}\n{"id":"c","vars":{}}\n');
    expect(() => [...source]).toThrowError(/the dataset changed after it was checked/);
  });

  it('takes no line appended while a walk is under way, and says the dataset changed when the walk ends', async () => {
    const path = await fixture('appended.jsonl', '{"id":"a","vars":{}}\n{"id":"b","vars":{}}\n');
    const source = await openDataset(path, STREAMED);
    const seen: string[] = [];
    expect(() => {
      for (const golden of source) {
        seen.push(golden.id);
        if (golden.id === 'a') appendFileSync(path, '{"id":"c","vars":{}}\n');
      }
    }).toThrowError(/the dataset changed after it was checked/);
    expect(seen).toEqual(['a', 'b']);
  });

  it('yields the cases a selection keeps, without holding the dataset', async () => {
    const path = await fixture('select.jsonl', Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `c${i}`, vars: { n: i }, tags: i % 5 === 0 ? ['five'] : [] })).join('\n'));
    const source = await openDataset(path, STREAMED);
    const held = await loadDataset(path);
    const selection = { filter: ['five'], sample: 4, seed: 7, limit: 3 };
    const selected = selectFrom(source, selection);
    expect(selected.count).toBe(3);
    expect([...selected]).toEqual(selectCases(held.cases, selection));
  });
});

describe('openDataset: a small JSONL dataset held after its first read', () => {
  it('walks the cases it read then, with the same count, hash and cases as a streamed one, even when the file changes afterwards', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `c${i}`, vars: { n: i } }));
    const path = await fixture('held.jsonl', `${lines.join('\n')}\n`);
    const held = await openDataset(path);
    const streamed = await openDataset(path, STREAMED);
    expect([held.count, held.hash]).toEqual([streamed.count, streamed.hash]);
    const cases = [...streamed];
    await writeFile(path, '{"id":"other","vars":{}}\n');
    expect([...held]).toEqual(cases);
    expect([...held]).toEqual(cases);
    expect(() => [...streamed]).toThrowError(/the dataset changed after it was checked/);
  });

  it('streams a file above the size it holds', async () => {
    const path = await fixture('large.jsonl', '{"id":"a","vars":{}}\n{"id":"b","vars":{}}\n');
    const source = await openDataset(path, { holdJsonlBytes: 10 });
    await writeFile(path, '{"id":"a","vars":{}}\n');
    expect(() => [...source]).toThrowError(/the dataset changed after it was checked/);
  });
});

describe('openDataset: a visitor of the first read', () => {
  it('sees every valid case once, in file order, as the later walks yield them (JSONL, streamed or held, and documents)', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `c${i}`, vars: { n: i } }));
    const jsonl = await fixture('visited.jsonl', `${lines.join('\n')}\n`);
    const json = await fixture('visited.json', `[${lines.join(',')}]`);
    for (const [path, options] of [[jsonl, STREAMED], [jsonl, {}], [json, {}]] as const) {
      const seen: GoldenCase[] = [];
      const source = await openDataset(path, { ...options, visit: (golden) => void seen.push(golden) });
      expect(seen.map((golden) => golden.id)).toEqual(lines.map((_, i) => `c${i}`));
      expect([...source]).toEqual(seen);
    }
  });

  it('waits for a visitor that returns a promise before reading on', async () => {
    const path = await fixture('awaited.jsonl', '{"id":"a","vars":{}}\n{"id":"b","vars":{}}\n');
    const events: string[] = [];
    await openDataset(path, {
      ...STREAMED,
      visit: async (golden) => {
        events.push(`start ${golden.id}`);
        await new Promise((resolve) => setImmediate(resolve));
        events.push(`end ${golden.id}`);
      },
    });
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it("throws the visitor's first error after the read, and the file's own problems before it", async () => {
    const visited: string[] = [];
    const failOnB = (golden: GoldenCase) => {
      visited.push(golden.id);
      if (golden.id === 'b') throw new Error('b failed the check');
    };
    const valid = await fixture('visit-fails.jsonl', '{"id":"a","vars":{}}\n{"id":"b","vars":{}}\n{"id":"c","vars":{}}\n');
    await expect(openDataset(valid, { ...STREAMED, visit: failOnB })).rejects.toThrowError('b failed the check');
    expect(visited).toEqual(['a', 'b']);
    const rejected = async () => {
      throw new Error('async failure');
    };
    await expect(openDataset(valid, { visit: rejected })).rejects.toThrowError('async failure');

    const broken = await fixture('visit-broken.jsonl', '{"id":"a","vars":{}}\n{"id":"b","vars":{}}\n{"id":"c","vars":\n');
    await expect(openDataset(broken, { ...STREAMED, visit: failOnB })).rejects.toThrowError(/:3: not valid JSON/);
    const brokenDocument = await fixture('visit-broken.json', '[{"id":"a","vars":{}},{"id":"b","vars":{}},{"id":"c"}]');
    await expect(openDataset(brokenDocument, { visit: failOnB })).rejects.toThrowError(ProblemsError);
  });
});
