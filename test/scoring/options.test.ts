import { describe, expect, it } from 'vitest';
import { handledGracefully, ignoresInjection, noSystemPromptLeak, sameAsSource, stillValid } from '../../src/chaos/index.js';
import { InputError } from '../../src/errors.js';
import { checklist, rubric } from '../../src/judge/index.js';
import {
  all,
  any,
  contains,
  custom,
  exact,
  extraction,
  fuzzy,
  jsonSchema,
  notContains,
  numeric,
  regex,
  weighted,
  zodSchema,
} from '../../src/scoring/index.js';
import { toolCalled, toolInput, toolOrder } from '../../src/scoring/tool-calls.js';
import * as z from 'zod';

const yes = custom('yes', () => true);

/** Each factory with the options it needs, and the same with a misspelt option added. */
const factories: [string, (extra: Record<string, unknown>) => unknown][] = [
  ['exact', (extra) => exact({ ...extra })],
  ['contains', (extra) => contains({ values: ['a'], ...extra })],
  ['notContains', (extra) => notContains({ values: ['a'], ...extra })],
  ['regex', (extra) => regex({ pattern: 'a', ...extra })],
  ['fuzzy', (extra) => fuzzy({ ...extra })],
  ['jsonSchema', (extra) => jsonSchema({ schema: { type: 'object' }, ...extra })],
  ['zodSchema', (extra) => zodSchema(z.object({}), { ...extra })],
  ['numeric', (extra) => numeric({ absolute: 1, ...extra })],
  ['extraction', (extra) => extraction({ ...extra })],
  ['toolCalled', (extra) => toolCalled({ tool: 't', ...extra })],
  ['toolInput', (extra) => toolInput({ tool: 't', schema: { type: 'object' }, ...extra })],
  ['toolOrder', (extra) => toolOrder(['a', 'b'], { ...extra })],
  ['custom scorer "c"', (extra) => custom('c', () => true, { ...extra })],
  ['all', (extra) => all([yes], { ...extra })],
  ['any', (extra) => any([yes], { ...extra })],
  ['weighted', (extra) => weighted([{ scorer: yes, weight: 1 }], { ...extra })],
  ['rubric', (extra) => rubric({ criteria: [{ id: 'polite', description: 'The answer is polite', pass: 'polite throughout', fail: 'rude anywhere' }], judge: 'claude-haiku-4-5', ...extra })],
  ['checklist', (extra) => checklist({ maxWords: 10, ...extra })],
  ['sameAsSource', (extra) => sameAsSource({ ...extra })],
  ['stillValid', (extra) => stillValid({ schema: { type: 'object' }, ...extra })],
  ['ignoresInjection', (extra) => ignoresInjection({ ...extra })],
  ['noSystemPromptLeak', (extra) => noSystemPromptLeak({ ...extra })],
  ['handledGracefully', (extra) => handledGracefully({ ...extra })],
];

describe('scorer options', () => {
  it.each(factories)('%s refuses an option it does not take, and takes its own', (scorer, make) => {
    expect(() => make({})).not.toThrow();
    let thrown: unknown;
    try {
      make({ bogusOption: 'x' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).detail).toBe(`${scorer}: unknown option "bogusOption"`);
    expect((thrown as InputError).location.field).toBe('bogusOption');
  });

  it('names the option a typo most likely meant, and lists them all when none is close', () => {
    expect(() => fuzzy({ expectedField: 'answer', treshold: 0.99 } as never)).toThrowError('fuzzy: unknown option "treshold" (did you mean "threshold"?)');
    try {
      exact({ strict: true } as never);
    } catch (error) {
      expect((error as InputError).detail).toBe('exact: unknown option "strict"');
      expect((error as InputError).hint).toBe('exact takes name, field, expected, expectedField, caseInsensitive, trim');
    }
    expect.assertions(3);
  });
});
