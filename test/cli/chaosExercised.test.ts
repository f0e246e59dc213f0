/**
 * A chaos mutation of a variable no prompt renders never reaches the model: the chaos sample is
 * sent as its source's request. It once counted as a robust pass. Now such a field is refused
 * before the run, default fields are the rendered ones, and a sample whose request is still its
 * source's counts as neither pass nor fail, with its reason said where robustness is reported.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/records/reader.js';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { ECHO_PROMPT, tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

/** The echo prompt renders only `word`; every case also has a `customer_id` it never shows. */
const CASES = ['a', 'b']
  .map((id) => JSON.stringify({ id, vars: { word: `word ${id} apple`, customer_id: `customer alpha ${id} banana` }, expected: 'ok' }))
  .join('\n');

/** Answers `confused` when what it reads holds a look-alike letter (homoglyphs), else `ok`. */
const CONFUSED = String.raw`(text) => (/[^\x00-\x7f]/.test(text) ? 'confused' : 'ok')`;

async function chaosRun(suiteBody: string, args: string[] = ['run', '--chaos', '--no-progress', '--no-html']) {
  project = await tempProject({
    'suites/echo.eval.ts': `import { defineSuite, contains, sameAsSource } from 'promptgold';\nconst confused = ${CONFUSED};\nexport default defineSuite({ name: 'echo', prompt: './prompts', models: ['claude-haiku-4-5'], dataset: './data.jsonl', scorers: [contains({ values: ['ok'] })], ${suiteBody} });\n`,
    'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
    'suites/data.jsonl': CASES,
  });
  await linkPromptgold(project.root);
  return runCli(args, project.root);
}

async function onlyRecordFile(): Promise<string> {
  const [dir] = await readdir(project.path('reports/runs'));
  return project.path('reports/runs', dir!, 'run.jsonl');
}

async function onlyRecord() {
  return readRecord(await onlyRecordFile());
}

describe('chaos mutations that never reach the model', () => {
  it('a field no prompt version renders is refused before the run (exit 2), naming what the prompts render', async () => {
    const result = await chaosRun(`chaos: { operators: ['homoglyphs'], fields: ['customer_id'], invariants: [sameAsSource()] }`);
    expect(result.stderr).toContain('suites/echo.eval.ts: chaos.fields[0]: no prompt version under test renders "customer_id"');
    expect(result.stderr).toContain('hint: the prompts render word: name those in chaos.fields, or render "customer_id" in the prompt');
    expect(result.code).toBe(2);
    expect(existsSync(project.path('reports/runs'))).toBe(false);
  });

  it('a misspelt field is refused with the variable it most likely meant', async () => {
    const result = await chaosRun(`chaos: { operators: ['homoglyphs'], fields: ['wrod'], invariants: [sameAsSource()] }`);
    expect(result.stderr).toContain('suites/echo.eval.ts: chaos.fields[0]: no case has a variable named "wrod" (did you mean "word"?)');
    expect(result.stderr).toContain('variables in the dataset: word, customer_id; the prompts render word');
    expect(result.code).toBe(2);
  });

  it('without fields, only the variables a prompt renders are mutated', async () => {
    const result = await chaosRun(`chaos: { operators: ['homoglyphs'], invariants: [sameAsSource()] }`, ['chaos', 'suites/echo.eval.ts', '--out', 'chaos.jsonl']);
    expect(result.code).toBe(0);
    const lines = (await readFile(project.path('chaos.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { vars: Record<string, string>; chaos: Record<string, unknown> });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.chaos['fields']).toEqual(['word']);
      expect(line.vars['customer_id']).toMatch(/^customer alpha [ab] banana$/);
      expect(Object.keys(line.chaos).sort()).toEqual(['fields', 'operators', 'ops', 'property', 'sourceCaseId']);
    }
  });

  it('a chaos sample sent as its source request counts as neither pass nor fail, and says why', async () => {
    // The function under test reads only the rendered prompt: the customer_id mutations never reach it.
    const result = await chaosRun(`provider: (input, context) => confused(context.prompt), chaos: { operators: ['homoglyphs'], fields: ['customer_id'], invariants: [sameAsSource()] }`);
    expect(result.stderr).not.toMatch(/internal error/);
    const table = result.stdout.slice(result.stdout.indexOf('robustness ('));
    expect(table).toMatch(/chaos operator +samples +pass rate +source pass rate +change +not exercised/);
    expect(table).toMatch(/homoglyphs +0 +— +— +— +2/);
    expect(table).toContain('2 chaos samples not exercised: the mutation did not change the rendered prompt');
    expect(table).not.toMatch(/homoglyphs +2 +100\.0%/);

    const record = await onlyRecord();
    const chaos = record.samples.filter((sample) => sample.chaos);
    expect(chaos).toHaveLength(2);
    for (const sample of chaos) {
      const source = record.samples.find((s) => s.caseId === sample.chaos!.sourceCaseId)!;
      expect(sample.promptHash).toBe(source.promptHash);
      expect(sample.chaos!.notExercised).toBe('same-request');
      expect(sample.pass).toBe(true); // scored as ever: only the tally leaves it out
    }
    const row = record.summary!.robustness!.find((r) => r.operator === 'homoglyphs')!;
    expect(row).toMatchObject({ samples: 0, passed: 0, passRate: null, drop: null, notExercised: { 'same-request': 2 } });
    expect(record.summary!.cells[0]!.chaos).toEqual({ samples: 2, scored: 0, passed: 0, passRate: 0, notExercised: 2 });
    const { Ajv } = await import('ajv');
    const validate = new Ajv({ strict: false }).compile(JSON.parse(await readFile(new URL('../../schemas/run-record.schema.json', import.meta.url), 'utf8')));
    for (const line of (await readFile(await onlyRecordFile(), 'utf8')).trim().split('\n')) {
      expect(validate(JSON.parse(line)), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(result.code).toBe(0);
  });

  it('a function under test that reads the mutated variable itself is exercised by it', async () => {
    const result = await chaosRun(`provider: (input) => confused(String(input.customer_id)), chaos: { operators: ['homoglyphs'], fields: ['customer_id'], invariants: [sameAsSource()] }`);
    const table = result.stdout.slice(result.stdout.indexOf('robustness ('));
    expect(table).toMatch(/homoglyphs +2 +0\.0% +100\.0% +−100\.0 pts/);
    expect(table).not.toContain('not exercised');
    const record = await onlyRecord();
    expect(record.samples.filter((sample) => sample.chaos?.notExercised)).toEqual([]);
    // Its request was its source's: the record says the provider read the mutation, so compare counts it too.
    expect(record.samples.filter((sample) => sample.chaos).map((sample) => sample.chaos!.readMutatedVars)).toEqual([true, true]);
    expect(result.code).toBe(0);
  });
});
