/**
 * `promptgold init`: scaffolds a suite that runs at once, offline. Its recordings are written by
 * rendering the scaffolded prompt for each case, so `npx promptgold run` passes on a fresh project
 * and the user can switch to `--provider anthropic --record` when a key is set.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { caseList, loadDataset } from '../../datasets/index.js';
import { compilePrompt, loadPromptVersions } from '../../prompts/index.js';
import { planSamples } from '../../engine/plan.js';
import { buildRequest } from '../../engine/executeSample.js';
import { InputError } from '../../errors.js';
import { generationKey } from '../../providers/requestKey.js';
import { writeRecordings, type RecordedGeneration } from '../../providers/recordingFile.js';

const SCAFFOLD_MODEL = 'claude-haiku-4-5';

const FILES: Record<string, string> = {
  'promptgold.config.json': `${JSON.stringify({ outDir: 'reports', suites: ['suites'], anthropic: { timeoutMs: 120000, maxRetries: 2 } }, null, 2)}\n`,
  'suites/capitals/capitals.eval.ts': `import { defineSuite, exact, fuzzy } from 'promptgold';

export default defineSuite({
  name: 'capitals',
  description: 'Answers with the capital city of a country, and nothing else.',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: '../../fixtures/capitals.jsonl',
  recordings: './recordings/capitals.jsonl',
  provider: 'replay',
  repeats: 1,
  threshold: 0.9,
  scorers: [exact({ expectedField: 'capital', trim: true, caseInsensitive: true }), fuzzy({ method: 'levenshtein', threshold: 0.8, expectedField: 'capital' })],
});
`,
  'suites/capitals/prompts/capitals.v1.hbs': `---
id: capitals
version: v1
description: Name the capital city of a country.
max_tokens: 50
system: Answer with the city name only, no punctuation.
variables:
  country: string
---
What is the capital of {{country}}?
`,
  'fixtures/capitals.jsonl': [
    ['fr', 'France', 'Paris'],
    ['jp', 'Japan', 'Tokyo'],
    ['ke', 'Kenya', 'Nairobi'],
    ['br', 'Brazil', 'Brasília'],
    ['au', 'Australia', 'Canberra'],
  ]
    .map(([id, country, capital]) => JSON.stringify({ id, vars: { country }, expected: { capital }, tags: ['geography'] }))
    .join('\n')
    .concat('\n'),
};

export async function initCommand(flags: { dir: string; force?: boolean }): Promise<number> {
  const root = resolve(flags.dir);
  const existing = Object.keys(FILES).filter((file) => existsSync(join(root, file)));
  if (existing.length && !flags.force) {
    throw new InputError(`these files exist already: ${existing.join(', ')}`, { file: relative(process.cwd(), root) || '.' }, 'pass --force to overwrite them');
  }
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(join(root, file, '..'), { recursive: true });
    await writeFile(join(root, file), text);
  }
  await writeScaffoldRecordings(root);
  const ignored = await ignoreGeneratedFiles(root);
  process.stdout.write(
    [
      `created ${Object.keys(FILES).length + 1} files in ${relative(process.cwd(), root) || '.'}:`,
      ...Object.keys(FILES).map((file) => `  ${file}`),
      '  suites/capitals/recordings/capitals.jsonl (example answers, so the suite runs offline)',
      ...(ignored.length ? [`  .gitignore: ${ignored.join(' ')} (run folders, the response cache and temporary suite bundles)`] : []),
      '',
      'next: npx promptgold run            (replays the recorded answers)',
      '      ANTHROPIC_API_KEY=… npx promptgold run --provider anthropic --record',
      '',
    ].join('\n'),
  );
  return 0;
}

/** What promptgold writes that a repository should not hold: run folders and `.promptgold/` (cache, suite bundles). */
const GENERATED = ['.promptgold/', 'reports/runs/'];

/** Adds the generated folders to the project's .gitignore (created if needed); returns the entries added. */
async function ignoreGeneratedFiles(root: string): Promise<string[]> {
  const file = join(root, '.gitignore');
  const existing = await readFile(file, 'utf8').catch(() => '');
  const present = new Set(existing.split(/\r?\n/).map((line) => line.trim()));
  const missing = GENERATED.filter((entry) => !present.has(entry) && !present.has(entry.replace(/\/$/, '')));
  if (missing.length === 0) return [];
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await appendFile(file, `${separator}# promptgold\n${missing.join('\n')}\n`);
  return missing;
}

/** Example answers keyed exactly as replay looks them up: the scaffold's expected capitals. */
async function writeScaffoldRecordings(root: string): Promise<void> {
  const prompts = (await loadPromptVersions(join(root, 'suites/capitals/prompts'))).map((template) => compilePrompt(template));
  const dataset = await loadDataset(join(root, 'fixtures/capitals.jsonl'));
  const entries: RecordedGeneration[] = [];
  for (const planned of planSamples({ prompts, models: [SCAFFOLD_MODEL], cases: caseList(dataset.cases), repeats: 1 })) {
    const request = buildRequest(planned, planned.prompt.render(planned.case.vars, planned.case.id));
    const capital = String((planned.case.expected as { capital: string }).capital);
    entries.push({
      key: generationKey(request, planned.repeat),
      caseId: planned.case.id,
      promptId: planned.prompt.template.id,
      version: planned.prompt.template.version,
      model: planned.model,
      repeat: planned.repeat,
      response: { text: capital, stopReason: 'end_turn', latencyMs: 420, usage: { inputTokens: 24, outputTokens: 3 } },
    });
  }
  await writeRecordings(join(root, 'suites/capitals/recordings/capitals.jsonl'), entries);
}
