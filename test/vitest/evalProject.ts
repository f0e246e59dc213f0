/**
 * Throwaway projects that use `promptgold/vitest` the way a user's project does, run by a child
 * vitest process. `promptgold` resolves to this repository's built `dist/` (npm test builds
 * first) and `vitest` to the repository's copy, through symlinks in the project's node_modules.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

export const VITEST_BIN = join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

export const ECHO_TEMPLATE = `---
id: echo
version: v1
max_tokens: 100
variables:
  word: string
---
Say {{word}}.
`;

export function wordLines(count: number): string {
  return Array.from({ length: count }, (_, i) => JSON.stringify({ id: `w${String(i).padStart(3, '0')}`, vars: { word: `word${i}` }, expected: `word${i}` })).join('\n') + '\n';
}

export const VITEST_CONFIG = `import { defineConfig } from 'vitest/config';
import PromptgoldReporter, { EvalShardSequencer } from 'promptgold/vitest/reporter';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    reporters: ['verbose', new PromptgoldReporter()],
    sequence: { sequencer: EvalShardSequencer },
    passWithNoTests: true,
  },
});
`;

export async function evalProject(files: Record<string, string>): Promise<TempProject> {
  const project = await tempProject({ 'package.json': '{ "name": "evals", "private": true, "type": "module" }\n', 'vitest.config.mjs': VITEST_CONFIG, ...files });
  await mkdir(project.path('node_modules'), { recursive: true });
  await symlink(join(REPO_ROOT, 'node_modules', 'vitest'), project.path('node_modules', 'vitest'), 'dir');
  await symlink(REPO_ROOT, project.path('node_modules', 'promptgold'), 'dir');
  return project;
}

export interface VitestRun {
  code: number | null;
  output: string;
}

/** The environment of a child vitest: none of the parent vitest's worker variables. */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'TEST' || key === 'NODE_ENV' || key.startsWith('ANTHROPIC_')) delete env[key];
  return { ...env, ...extra };
}

export function startVitest(root: string, args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string; done: Promise<VitestRun> } {
  const child = spawn(process.execPath, [VITEST_BIN, ...args, '--configLoader', 'native'], { cwd: root, env: childEnv(env) });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const done = new Promise<VitestRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
  return { child, output: () => output, done };
}

export async function runVitest(root: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 90_000): Promise<VitestRun> {
  const run = startVitest(root, ['run', ...args], env);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  try {
    return await run.done;
  } finally {
    clearTimeout(timer);
  }
}

/** Run folders under reports/runs, sorted by name. */
export async function runFolders(root: string): Promise<string[]> {
  return (await readdir(join(root, 'reports', 'runs')).catch(() => [] as string[])).sort();
}

export async function readJsonl(file: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
