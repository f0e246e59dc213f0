/** Runs the built CLI (dist/cli/main.js) as a user would, in a given folder. */
import { spawn } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(REPO_ROOT, 'dist/cli/main.js');

/**
 * A budget-skip count as the CLI words it, for output whose count varies: `1 sample skipped` or
 * `N samples skipped` for any other N (never `1 samples`). Regex source, for `new RegExp`.
 */
export const SAMPLES_SKIPPED = String.raw`(?:1 sample|(?!1 )\d+ samples) skipped: budget reached`;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', ...options.env };
    for (const key of Object.keys(env)) if (key.startsWith('ANTHROPIC_') && !options.env?.[key]) delete env[key];
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Makes `import 'promptgold'` resolve to this repository inside a temp project. */
export async function linkPromptgold(projectRoot: string): Promise<void> {
  await mkdir(join(projectRoot, 'node_modules'), { recursive: true });
  await symlink(REPO_ROOT, join(projectRoot, 'node_modules', 'promptgold'), 'dir');
}

/** Polls until `condition` holds (or fails the test after `timeoutMs`): for waiting on a child process's progress. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
