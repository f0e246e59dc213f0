import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { mayRepeatKeys, repeatedKeys } from '../../src/repeatedKeys.js';
import { Rng } from '../../src/stats/random.js';

/** Random JSON text, some of whose objects write a key twice; the keys and strings hold colons, quotes and escapes. */
function randomJson(random: () => number, depth = 0): string {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const strings = ['a', 'b', 'a:b', 'say \\"hi\\"', '\\u0061', 'c\\\\', '10:30', ''];
  const kind = depth > 3 ? pick(['string', 'number']) : pick(['object', 'object', 'array', 'string', 'number', 'literal']);
  if (kind === 'string') return `"${pick(strings)}"`;
  if (kind === 'number') return pick(['1', '-2.5e3', '0']);
  if (kind === 'literal') return pick(['true', 'false', 'null']);
  const size = Math.floor(random() * 4);
  if (kind === 'array') return `[${Array.from({ length: size }, () => randomJson(random, depth + 1)).join(', ')}]`;
  const members = Array.from({ length: size }, () => `"${pick(strings)}" : ${randomJson(random, depth + 1)}`);
  return `{ ${members.join(',\n ')} }`;
}

describe('mayRepeatKeys and repeatedKeys', () => {
  it('says no for texts without a repeated key and without a colon in a string, and yes otherwise', () => {
    const plain = '{"id":"a","vars":{"x":1,"y":[{"z":2},{"z":3}]},"expected":{"summary":"s"}}';
    expect(mayRepeatKeys(plain, JSON.parse(plain))).toBe(false);
    expect(repeatedKeys(plain)).toEqual([]);
    const colon = '{"id":"a","vars":{"at":"10:30"}}';
    expect(mayRepeatKeys(colon, JSON.parse(colon))).toBe(true);
    expect(repeatedKeys(colon)).toEqual([]);
    const twice = '{"id":"a","expected":"x","expected":"y"}';
    expect(mayRepeatKeys(twice, JSON.parse(twice))).toBe(true);
    expect(repeatedKeys(twice)).toEqual([{ key: 'expected', field: 'expected', firstAt: 10, at: 25 }]);
  });

  it('names the path of a repeated key inside objects and lists, and compares keys as JSON reads them', () => {
    const text = '{"checks":[{"type":"a"},{"type":"b","\\u0074ype":"c"}],"vars":{"q":"\\"x\\":1","q":2}}';
    expect(repeatedKeys(text).map(({ key, field }) => [key, field])).toEqual([
      ['type', 'checks.1.type'],
      ['q', 'vars.q'],
    ]);
  });

  it('never says no when a key is repeated, and finds the repeats another JSON reader finds (seeded random texts)', () => {
    const rng = new Rng(17);
    const random = () => rng.next();
    let withRepeats = 0;
    for (let round = 0; round < 3000; round++) {
      const text = randomJson(random);
      const value: unknown = JSON.parse(text);
      const found = repeatedKeys(text);
      if (found.length > 0) {
        withRepeats++;
        expect(mayRepeatKeys(text, value)).toBe(true);
      }
      // The yaml parser, an independent reader of JSON text, reports the same repeats.
      const yamlRepeats = parseDocument(text).errors.filter((error) => error.code === 'DUPLICATE_KEY');
      expect(found.map((repeat) => repeat.at)).toEqual(yamlRepeats.map((error) => error.pos[0]).sort((a, b) => a - b));
    }
    expect(withRepeats).toBeGreaterThan(100);
  });

  it('walks deep nesting without running out of stack', () => {
    const text = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    expect(mayRepeatKeys(text, JSON.parse(text))).toBe(false);
  });
});
