/** Builds small throwaway projects (prompt, dataset, suite) in a temp folder for engine and CLI tests. */
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempProject {
  root: string;
  path(...parts: string[]): string;
  write(file: string, text: string | Uint8Array): Promise<string>;
  cleanup(): Promise<void>;
}

export async function tempProject(files: Record<string, string | Uint8Array> = {}): Promise<TempProject> {
  const root = await mkdtemp(join(tmpdir(), 'promptgold-test-'));
  const project: TempProject = {
    root,
    path: (...parts) => join(root, ...parts),
    async write(file, text) {
      const path = join(root, file);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      return path;
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  for (const [file, text] of Object.entries(files)) await project.write(file, text);
  return project;
}

export const ECHO_PROMPT = `---
id: echo
version: v1
max_tokens: 100
system: You repeat the word you are given.
variables:
  word: string
---
Say {{word}}.
`;

/** A suite on the live Anthropic provider (point it at the fake), with recordings, 2 repeats, concurrency 4. */
export const LIVE_SUITE = `import { defineSuite, contains } from 'promptgold';
export default defineSuite({
  name: 'live',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  recordings: './recordings/live.jsonl',
  scorers: [contains({ values: ['word'], mode: 'all' })],
  repeats: 2,
  concurrency: 4,
});
`;

export const ECHO_PROMPT_V2 = ECHO_PROMPT.replace('version: v1', 'version: v2').replace('Say {{word}}.', 'Please say {{word}}.');

export function wordCases(count: number, extra: (i: number) => Record<string, unknown> = () => ({})): string {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({ id: `w${String(i).padStart(3, '0')}`, vars: { word: `word${i}` }, expected: `word${i}`, tags: [i % 2 ? 'odd' : 'even'], ...extra(i) }),
  ).join('\n');
}
