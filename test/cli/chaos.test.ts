import { readFile } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/records/reader.js';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

// The target echoes its input, so an injected canary shows up in the output: ignoresInjection must catch it.
const SUITE = `import { defineSuite, contains, sameAsSource, ignoresInjection } from 'promptgold';
export default defineSuite({
  name: 'robust',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  scorers: [contains({ values: ['word'], mode: 'all', caseInsensitive: true })],
  provider: async (input) => 'echo: ' + String(input.word),
  chaos: { operators: ['zero-width', 'ignore-previous', 'random-case'], seed: 7, invariants: [sameAsSource(), ignoresInjection()] },
});
`;

async function chaosProject() {
  project = await tempProject({ 'suites/robust.eval.ts': SUITE, 'suites/prompts/echo.v1.hbs': ECHO_PROMPT, 'suites/data.jsonl': wordCases(3) });
  await linkPromptgold(project.root);
}

describe('promptgold chaos', () => {
  it('lists the operators with what each must keep', async () => {
    project = await tempProject();
    const result = await runCli(['chaos', '--list'], project.root);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^zero-width\s+invisible\s+Inserts zero-width/m);
    expect(result.stdout.match(/must hold:/g)!.length).toBeGreaterThanOrEqual(25);
  });

  it('previews the generated cases without calling a model, and writes them as a dataset with --out', async () => {
    await chaosProject();
    const result = await runCli(['chaos', 'suites/robust.eval.ts', '--out', 'chaos.jsonl'], project.root);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/9 chaos cases from 3 golden cases \(3 operators\)/);
    expect(result.stdout).toMatch(/zero-width .*⟨U\+200[B-D]⟩|zero-width .*⟨U\+2060⟩|zero-width .*⟨U\+FEFF⟩/);
    const lines = (await readFile(project.path('chaos.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatchObject({ id: 'w000~zero-width', chaos: { sourceCaseId: 'w000', operators: ['zero-width'] } });
    // The suites folder (as `run` takes it) names the same suite: the same cases, byte for byte.
    const again = await runCli(['chaos', 'suites', '--out', 'chaos2.jsonl'], project.root);
    expect(await readFile(project.path('chaos2.jsonl'), 'utf8')).toBe(await readFile(project.path('chaos.jsonl'), 'utf8'));
    expect(again.code).toBe(0);
  });

  it('an unknown operator is an input error listing the known ones', async () => {
    await chaosProject();
    const result = await runCli(['chaos', 'suites/robust.eval.ts', '--operators', 'zero-widht'], project.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/zero-widht/);
    expect(result.stderr).toMatch(/zero-width/);
  });
});

describe('promptgold run --chaos', () => {
  it('runs chaos cases after their sources, checks invariants against the source result, and prints robustness', async () => {
    await chaosProject();
    const result = await runCli(['run', '--chaos'], project.root);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.stdout).toMatch(/robustness \(chaos samples against their source cases\)/);
    const [dir] = await readdir(project.path('reports/runs'));
    const record = await readRecord(project.path('reports/runs', dir!, 'run.jsonl'));
    expect(record.samples).toHaveLength(12);
    const injected = record.samples.filter((s) => s.chaos?.operators[0] === 'ignore-previous');
    expect(injected).toHaveLength(3);
    for (const sample of injected) {
      const invariant = sample.scores.find((s) => s.name.startsWith('ignoresInjection'));
      expect(invariant?.pass).toBe(false); // the echo target repeats the injected canary
    }
    const zeroWidth = record.samples.filter((s) => s.chaos?.operators[0] === 'zero-width');
    expect(zeroWidth.every((s) => s.scores.some((score) => score.name.startsWith('sameAsSource')))).toBe(true);
    expect(record.summary!.robustness!.map((r) => r.operator)).toEqual(['ignore-previous', 'random-case', 'zero-width']);
    expect(result.code).toBe(0);
  });

  it('a sameAsSource scorer that fails on the source answer leaves the chaos samples not scored (scorer_error, exit 3), not robustness failures', async () => {
    const picky = "custom('picky2', (s) => { if (s.output === 'echo: word0') throw new Error('picky2 cannot read the source'); return true; })";
    const suite = SUITE.replace('sameAsSource, ignoresInjection }', 'sameAsSource, custom }')
      .replace("operators: ['zero-width', 'ignore-previous', 'random-case']", "operators: ['zero-width', 'random-case']")
      .replace('invariants: [sameAsSource(), ignoresInjection()]', `invariants: [sameAsSource({ scorer: ${picky} })]`);
    project = await tempProject({ 'suites/robust.eval.ts': suite, 'suites/prompts/echo.v1.hbs': ECHO_PROMPT, 'suites/data.jsonl': wordCases(1) });
    await linkPromptgold(project.root);
    const result = await runCli(['run', '--chaos'], project.root);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(3);
    const [dir] = await readdir(project.path('reports/runs'));
    const record = await readRecord(project.path('reports/runs', dir!, 'run.jsonl'));
    const chaos = record.samples.filter((s) => s.chaos);
    expect(chaos).toHaveLength(2);
    for (const sample of chaos) {
      expect(sample.error).toEqual({ kind: 'scorer_error', message: 'sameAsSource:picky2: picky2 could not score the source case w000: picky2 cannot read the source' });
    }
    expect(result.stdout).toMatch(/picky2 could not score the source case w000: picky2 cannot read the source/);
  });
});
