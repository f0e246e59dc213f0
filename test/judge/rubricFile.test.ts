/** Markdown rubric files: both criterion forms, 1-5 anchors, and strict file:line errors. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { criteriaFromInput } from '../../src/judge/criteria.js';
import { parseRubricMarkdown, readRubricFile } from '../../src/judge/rubricFile.js';
import { loadRubric } from '../../src/judge/rubric.js';

function errorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseRubricMarkdown', () => {
  it('reads heading and list-item criteria with pass/fail lines, continuations and an intro', () => {
    const text = [
      '# Support replies',
      'Grade a reply to a customer.',
      '',
      '## polite: Polite and calm',
      '- Pass: greets the customer and',
      '  stays calm.',
      '- **Fail:** blames the customer.',
      '',
      '- Answers the question',
      '  - Pass: answers what was asked.',
      '  - Fail: answers something else.',
    ].join('\n');
    const rubric = parseRubricMarkdown(text, 'r.md', 'pass-fail');
    expect(rubric.intro).toBe('Grade a reply to a customer.');
    expect(rubric.criteria).toEqual([
      { id: 'polite', description: 'Polite and calm', pass: 'greets the customer and stays calm.', fail: 'blames the customer.' },
      { id: 'answers-the-question', description: 'Answers the question', pass: 'answers what was asked.', fail: 'answers something else.' },
    ]);
  });

  it('reads a rubric file that starts with a byte-order mark like one without', () => {
    const text = '## polite: Polite and calm\r\n- Pass: stays calm.\r\n- Fail: blames the customer.\r\n';
    expect(parseRubricMarkdown(`\uFEFF${text}`, 'r.md', 'pass-fail')).toEqual(parseRubricMarkdown(text, 'r.md', 'pass-fail'));
    const titled = parseRubricMarkdown(`\uFEFF# Support replies\n${text}`, 'r.md', 'pass-fail');
    expect(titled.intro).toBeUndefined();
  });

  it('reads five anchored levels on a 1-5 rubric', () => {
    const text = ['## clarity: Easy to follow', ...[1, 2, 3, 4, 5].map((level) => `${level}. level ${level}`)].join('\n');
    const rubric = parseRubricMarkdown(text, 'r.md', '1-5');
    expect(rubric.criteria[0]?.levels).toEqual(['level 1', 'level 2', 'level 3', 'level 4', 'level 5']);
  });

  it('reads the example rubric of the summarize suite', () => {
    const rubric = readRubricFile('suites/summarize/rubric.md', 'pass-fail');
    expect(rubric.criteria.map((c) => c.id)).toEqual(['faithful', 'key-facts', 'fit-for-audience']);
    expect(rubric.criteria[0]?.fail).toContain('invents a fact');
    expect(readFileSync('suites/summarize/rubric.md', 'utf8')).toContain('## faithful:');
  });

  it.each([
    ['## a: A\n- Pass: yes\n', 1, 'criterion "a" needs both a "Pass:" and a "Fail:" line'],
    ['## a: A\n- Pass: yes\n- Fail: no\n## a: again\n- Pass: y\n- Fail: n', 4, 'criterion id "a" is already used on line 1'],
    ['- Pass: orphan', 1, '"Pass:" comes before any criterion'],
    ['## a: A\n- Pass: yes\n- Pass: again\n- Fail: no', 3, 'criterion "a" already has a "pass:" line'],
    ['## a: A\n- Pass:\n- Fail: no', 2, '"pass:" is empty'],
    ['## a: A\n1: bad\n', 2, 'level "1:" in a pass-fail rubric'],
    ['just prose, no criteria', 1, 'the rubric file has no criteria'],
    ['## a: A\n- Pass: y\n- Fail: n\n# Title late', 4, 'a "#" title after the first criterion'],
  ])('rejects %j at line %i', (text, line, message) => {
    const error = errorOf(() => parseRubricMarkdown(text, 'rubric.md', 'pass-fail'));
    expect(error.location).toEqual({ file: 'rubric.md', line });
    expect(error.message).toContain(`rubric.md:${line}: ${message}`);
    expect(error.hint === undefined || error.message.includes('hint:')).toBe(true);
  });

  it('rejects a 1-5 criterion with a missing level or pass/fail lines', () => {
    expect(errorOf(() => parseRubricMarkdown('## a: A\n1: x\n2: x\n3: x\n5: x', 'r.md', '1-5')).message).toContain('r.md:1: criterion "a" does not describe level 4');
    expect(errorOf(() => parseRubricMarkdown('## a: A\n- Pass: x', 'r.md', '1-5')).message).toContain('r.md:2: "pass:" in a 1-5 rubric');
    expect(errorOf(() => parseRubricMarkdown('## a: A\n6: x', 'r.md', '1-5')).message).toContain('level 6 is outside 1–5');
  });

  it('names a missing rubric file', () => {
    expect(errorOf(() => loadRubric({ file: 'nope/missing.md' })).message).toContain('nope/missing.md: file: cannot read the rubric file');
  });
});

describe('inline criteria', () => {
  it('derives ids, and checks each field by path', () => {
    expect(criteriaFromInput([{ description: 'Mentions the date', pass: 'has it', fail: 'lacks it' }], 'pass-fail')[0]?.id).toBe('mentions-the-date');
    expect(errorOf(() => criteriaFromInput([{ id: 'a', description: 'A', pass: 'p' }], 'pass-fail')).message).toBe('criteria[0].fail: fail is missing\n  hint: describe what an output that fails this criterion looks like');
    expect(errorOf(() => criteriaFromInput([{ id: 'A B', description: 'A', pass: 'p', fail: 'f' }], 'pass-fail')).location.field).toBe('criteria[0].id');
    expect(errorOf(() => criteriaFromInput([{ description: 'A', levels: ['1', '2'] }], '1-5')).location.field).toBe('criteria[0].levels');
    expect(errorOf(() => criteriaFromInput([], 'pass-fail')).location.field).toBe('criteria');
    expect(errorOf(() => loadRubric({ criteria: [{ description: 'x', pass: 'p', fail: 'f' }], file: 'r.md' })).message).toContain('either criteria or file');
  });
});
