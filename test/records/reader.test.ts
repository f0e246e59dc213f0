/** The JSONL readers: lines split as readline splits them, across chunk boundaries, and damage reported with its line. */
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readJsonlObjects, readRecordBatches, readRecordLines, visitRecordLines, type ReadLine } from '../../src/records/reader.js';
import { InputError } from '../../src/errors.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

async function collect<T>(lines: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe('readJsonlObjects', () => {
  it('splits at \\n, \\r\\n and a lone \\r, counting blank lines, with the text of each line', async () => {
    project = await tempProject({ 'a.jsonl': '{"a":1}\r\n\r\n{"b":2}\r{"c":3}\n{"d":4}' });
    const read = await collect(readJsonlObjects(project.path('a.jsonl')));
    expect(read.map(({ line, text, value }) => ({ line, text, value }))).toEqual([
      { line: 1, text: '{"a":1}', value: { a: 1 } },
      { line: 3, text: '{"b":2}', value: { b: 2 } },
      { line: 4, text: '{"c":3}', value: { c: 3 } },
      { line: 5, text: '{"d":4}', value: { d: 4 } },
    ]);
  });

  // The reader reads 1 MB at a time and decodes and splits it 64 KB at a time: a boundary of either kind.
  it.each([
    ['64 KB pieces', 65_536],
    ['1 MB reads', 1_048_576],
  ])('reads lines and multi-byte characters that straddle the %s whole', async (_kind, boundary) => {
    // '{"i":0,"text":"' is 15 bytes: the 3-byte "€" takes bytes boundary − 1 … boundary + 1, across
    // the first boundary; the second line's "\r\n" ends at byte 2 × boundary, the second.
    const first = { i: 0, text: `${'x'.repeat(boundary - 1 - 15)}€` };
    const firstBytes = Buffer.byteLength(JSON.stringify(first)) + 2;
    const secondTextBytes = 2 * boundary - firstBytes - '{"i":1,"text":""}\r\n'.length; // odd: one "x", then 2-byte "é"s
    const second = { i: 1, text: `x${'é'.repeat((secondTextBytes - 1) / 2)}` };
    const values = [first, second, { i: 2, text: 'end' }];
    const text = `${values.map((v) => JSON.stringify(v)).join('\r\n')}\r\n`;
    expect(Buffer.from(text).subarray(boundary - 1, boundary + 2).toString()).toBe('€');
    expect(Buffer.from(text).subarray(2 * boundary - 2, 2 * boundary).toString()).toBe('\r\n');
    project = await tempProject({ 'big.jsonl': text });
    const read = await collect(readJsonlObjects(project.path('big.jsonl')));
    expect(read.map((r) => r.value)).toEqual(values);
    expect(read.map((r) => r.text)).toEqual(values.map((v) => JSON.stringify(v)));
    expect(read.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  // ASCII chunks take a faster decoding than the UTF-8 decoder's; the text must not change.
  it('decodes a broken character at a 64 KB boundary as the UTF-8 decoder does, in a file of ASCII chunks', async () => {
    const boundary = 65_536;
    const head = '{"text":"' + 'x'.repeat(boundary - 1 - 9); // byte boundary − 1 is a lone first byte of a 3-byte character
    const bytes = Buffer.concat([Buffer.from(head), Buffer.from([0xe2]), Buffer.from(`a${'y'.repeat(boundary)}"}\n{"text":"€ and more"}\n${'{"n":1}\n'.repeat(20_000)}`)]);
    project = await tempProject({ 'broken.jsonl': '' });
    await writeFile(project.path('broken.jsonl'), bytes);
    const read = await collect(readJsonlObjects(project.path('broken.jsonl')));
    const expected = bytes.toString('utf8').split('\n').slice(0, -1);
    expect(read.map((r) => r.text)).toEqual(expected);
    expect((read[0]!.value as { text: string }).text).toContain('x\uFFFDay');
    expect(read).toHaveLength(20_002);
  });

  it('ignores a cut-off last line, but not a bad line with more lines after it', async () => {
    project = await tempProject({ 'torn.jsonl': '{"a":1}\n{"b":', 'bad.jsonl': '{"a":1}\n{"b":\n{"c":3}\n' });
    expect((await collect(readJsonlObjects(project.path('torn.jsonl')))).map((r) => r.value)).toEqual([{ a: 1 }]);
    const seen: unknown[] = [];
    const reading = (async () => {
      for await (const read of readJsonlObjects(project.path('bad.jsonl'))) seen.push(read.value);
    })();
    await expect(reading).rejects.toThrow(InputError);
    await expect(reading).rejects.toMatchObject({ location: { line: 2 } });
    expect(seen).toEqual([{ a: 1 }]); // the lines before the bad one were read first
  });
});

describe('readRecordBatches', () => {
  it('yields the lines of a record in batches, the same lines readRecordLines yields one by one', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ type: 'sample', index: i, output: 'y'.repeat(100) }));
    project = await tempProject({ 'run.jsonl': `${lines.join('\n')}\n` });
    const batches = await collect(readRecordBatches(project.path('run.jsonl')));
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(await collect(readRecordLines(project.path('run.jsonl'))));
  });

  it('names the line without a type', async () => {
    project = await tempProject({ 'run.jsonl': '{"type":"header"}\n{"index":1}\n' });
    await expect(collect(readRecordBatches(project.path('run.jsonl')))).rejects.toMatchObject({ location: { line: 2, field: 'type' } });
  });
});

describe('visitRecordLines', () => {
  async function visited(file: string): Promise<{ lines: ReadLine[]; error?: unknown }> {
    const lines: ReadLine[] = [];
    try {
      await visitRecordLines(file, (read) => lines.push(read));
      return { lines };
    } catch (error) {
      return { lines, error };
    }
  }

  async function batched(file: string): Promise<{ lines: ReadLine[]; error?: unknown }> {
    const lines: ReadLine[] = [];
    try {
      for await (const batch of readRecordBatches(file)) lines.push(...batch);
      return { lines };
    } catch (error) {
      return { lines, error };
    }
  }

  it('visits the lines readRecordBatches yields, and fails where it fails after the same lines', async () => {
    const good = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ type: 'sample', index: i, output: 'y'.repeat(100) }));
    project = await tempProject({
      'run.jsonl': `${good.join('\r\n')}\n\n`,
      'torn.jsonl': `${good.slice(0, 5).join('\n')}\n{"type":"sam`,
      'bad.jsonl': `${good.slice(0, 1500).join('\n')}\n{"type":\n${good[0]}\n`,
      'untyped.jsonl': `${good.slice(0, 700).join('\n')}\n{"index":1}\n`,
      'array.jsonl': `${good[0]}\n[1]\n`,
    });
    for (const name of ['run.jsonl', 'torn.jsonl', 'bad.jsonl', 'untyped.jsonl', 'array.jsonl', 'missing.jsonl']) {
      const file = project.path(name);
      const [byLine, byBatch] = [await visited(file), await batched(file)];
      expect(byLine.lines).toEqual(byBatch.lines);
      expect(byLine.error).toEqual(byBatch.error);
      if (byBatch.error) {
        expect(byLine.error).toBeInstanceOf(InputError);
        expect((byLine.error as InputError).location).toEqual((byBatch.error as InputError).location);
      }
    }
    expect((await visited(project.path('run.jsonl'))).lines).toHaveLength(2000);
    expect((await visited(project.path('bad.jsonl'))).lines).toHaveLength(1500);
    expect((await visited(project.path('untyped.jsonl'))).error).toMatchObject({ location: { line: 701, field: 'type' } });
  });
});
