/**
 * A run that asks for chaos and gets none of it, or only part of it, must say so: nothing made at
 * all is an input error naming the suite file and the field to fix; a part made is counted aloud
 * beside the robustness table (and in --json).
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

/** Renders `word`, whatever its type (the dataset below holds numbers too). */
const PROMPT = `---\nid: echo\nversion: v1\nmax_tokens: 100\n---\nSay {{word}}.\n`;

const SUITE_HEAD = `import { defineSuite, contains, sameAsSource } from 'promptgold';\n`;

function suiteFile(name: string, body: string): string {
  return `${SUITE_HEAD}export default defineSuite({ name: '${name}', prompt: './prompts', models: ['claude-haiku-4-5'], dataset: './data.jsonl', provider: (input) => 'ok ' + String(input.word), scorers: [contains({ values: ['ok'] })]${body ? `, ${body}` : ''} });\n`;
}

/** `words`: each case's `word` (the only variable the echo prompt renders). */
function cases(words: unknown[]): string {
  return words.map((word, i) => JSON.stringify({ id: `c${i}`, vars: { word }, expected: 'ok' })).join('\n');
}

async function project_(files: Record<string, string>) {
  project = await tempProject({ 'suites/prompts/echo.v1.hbs': PROMPT, ...files });
  await linkPromptgold(project.root);
  return project;
}

const RUN = ['run', '--chaos', '--no-progress', '--no-html'];

describe('a run that asks for chaos', () => {
  it('of a suite that configures none is an input error naming the suite file and field', async () => {
    await project_({ 'suites/echo.eval.ts': suiteFile('echo', ''), 'suites/data.jsonl': cases(['apple']) });
    const result = await runCli([...RUN, 'suites/echo.eval.ts'], project.root);
    expect(result.stderr).toContain('suites/echo.eval.ts: chaos: chaos was asked for (--chaos), but the suite configures none');
    expect(result.code).toBe(2);
    expect(existsSync(project.path('reports/runs'))).toBe(false);
  });

  it('where no case has a string value to mutate is an input error naming chaos.fields and what the cases hold', async () => {
    await project_({
      'suites/echo.eval.ts': suiteFile('echo', `chaos: { operators: ['homoglyphs'], fields: ['word'], invariants: [sameAsSource()] }`),
      'suites/data.jsonl': cases([1, 2, null]),
    });
    const result = await runCli([...RUN, 'suites/echo.eval.ts'], project.root);
    expect(result.stderr).toContain('suites/echo.eval.ts: chaos.fields: no chaos case could be made: none of 3 golden cases has a string value in chaos.fields (word: a number in 2 cases, null in 1 case); chaos mutates text only');
    expect(result.code).toBe(2);
  });

  it('whose operators change no case\'s text is an input error naming chaos.operators', async () => {
    await project_({
      'suites/echo.eval.ts': suiteFile('echo', `chaos: { operators: ['nfc', 'nfkc'], invariants: [sameAsSource()] }`),
      'suites/data.jsonl': cases(['plain ascii', 'more ascii', 7]),
    });
    const result = await runCli([...RUN, 'suites/echo.eval.ts'], project.root);
    expect(result.stderr).toContain(
      'suites/echo.eval.ts: chaos.operators: no chaos case could be made: the operators (nfc, nfkc) left the text of every one of 2 golden cases with text unchanged (the other one has no string value to mutate)',
    );
    expect(result.code).toBe(2);
  });

  it('with an empty operator list is an input error', async () => {
    await project_({
      'suites/echo.eval.ts': suiteFile('echo', `chaos: { operators: [], invariants: [sameAsSource()] }`),
      'suites/data.jsonl': cases(['apple']),
    });
    const result = await runCli([...RUN, 'suites/echo.eval.ts'], project.root);
    expect(result.stderr).toContain('suites/echo.eval.ts: chaos.operators: chaos.operators is empty: no chaos case can be made');
    expect(result.code).toBe(2);
  });

  it('made for part of the cases and operators runs, and counts what was not made', async () => {
    await project_({
      'suites/echo.eval.ts': suiteFile('echo', `chaos: { operators: ['homoglyphs', 'nfc'], invariants: [sameAsSource()] }`),
      'suites/data.jsonl': cases(['apple pie', 'banana split', 7, '']),
    });
    const result = await runCli([...RUN, 'suites/echo.eval.ts'], project.root);
    expect(result.stdout).toContain('chaos: 2 of 4 golden cases got no chaos variant (1 with no string value in the fields mutated, 1 whose text no operator changed): their robustness is not tested — see chaos.fields and chaos.operators');
    expect(result.stdout).toContain("chaos: 1 of 2 operators made no chaos case (nfc): they changed no case's text, so the robustness table has no row for them");
    expect(result.code).toBe(0);
    const json = await runCli([...RUN, '--json', 'suites/echo.eval.ts'], project.root);
    expect(JSON.parse(json.stdout)[0].chaos).toEqual({ goldenCases: 4, chaosCases: 2, withoutVariants: { noText: 1, unchanged: 1 }, operators: 2, idleOperators: ['nfc'] });
  });

  it('with perCase above 1, counts the operators that made fewer variants than asked', async () => {
    // rot13 draws nothing at random: its 3 variants of a case are one text, kept once. Before,
    // nothing said so: the robustness table counted 2 rot13 samples where 6 were asked.
    await project_({
      'suites/echo.eval.ts': suiteFile('echo', `chaos: { operators: ['homoglyphs', 'rot13'], perCase: 3, invariants: [sameAsSource()] }`),
      'suites/data.jsonl': cases(['apple pie', 'banana split']),
    });
    const json = await runCli([...RUN, '--json', 'suites/echo.eval.ts'], project.root);
    const coverage = JSON.parse(json.stdout)[0].chaos;
    expect(coverage.fewerVariants).toEqual({ perCase: 3, operators: [{ operator: 'rot13', asked: 6, made: 2 }] });
    expect(coverage.chaosCases).toBe(8);
    const result = await runCli([...RUN, 'suites/echo.eval.ts'], project.root);
    expect(result.stdout).toContain('chaos: 1 of 2 operators made fewer than the 3 variants per case asked (rot13: 2 of 6): a variant that repeats an earlier one\'s text is kept once — see chaos.perCase');
    expect(result.code).toBe(0);
  });

  it('over several suites runs the chaos of those that configure it, and says so of the others', async () => {
    await project_({
      'suites/echo.eval.ts': suiteFile('echo', `chaos: { operators: ['homoglyphs'], invariants: [sameAsSource()] }`),
      'suites/plain.eval.ts': suiteFile('plain', ''),
      'suites/data.jsonl': cases(['apple']),
    });
    const result = await runCli([...RUN, 'suites'], project.root);
    expect(result.stdout).toContain('chaos: this suite configures none, so --chaos ran its golden cases only');
    expect(result.stdout).not.toContain('chaos: 0 of');
    expect(result.code).toBe(0);
  });

  it('over several suites none of which configures chaos is an input error', async () => {
    await project_({
      'suites/echo.eval.ts': suiteFile('echo', ''),
      'suites/plain.eval.ts': suiteFile('plain', ''),
      'suites/data.jsonl': cases(['apple']),
    });
    const result = await runCli([...RUN, 'suites'], project.root);
    expect(result.stderr).toContain('--chaos: none of the suites run configures chaos (echo (suites/echo.eval.ts), plain (suites/plain.eval.ts))');
    expect(result.code).toBe(2);
  });
});
