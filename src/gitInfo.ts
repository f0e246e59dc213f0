/** The git commit a run was made at, for the record header. Null outside a repository. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * One `git status --porcelain=v2 --branch` answers both questions: its `# branch.oid` header is
 * the commit, and any entry line means tracked files differ from it. One process, not two: on
 * some machines starting a process costs tens of milliseconds. Outside a repository no process
 * is started at all.
 */
export function gitInfo(cwd = process.cwd()): Promise<{ commit: string | null; dirty: boolean | null }> {
  if (!mayBeInRepository(cwd, process.env)) return Promise.resolve({ commit: null, dirty: null });
  return new Promise((resolve) => {
    execFile('git', ['status', '--porcelain=v2', '--branch', '--untracked-files=no'], { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      const lines = error ? [] : stdout.split('\n');
      const commit = lines.find((line) => line.startsWith('# branch.oid '))?.slice('# branch.oid '.length).trim();
      // A repository without commits says `(initial)`; `rev-parse HEAD` failed there too.
      if (!commit || !/^[0-9a-f]{7,}$/.test(commit)) return resolve({ commit: null, dirty: null });
      resolve({ commit, dirty: lines.some((line) => line !== '' && !line.startsWith('#')) });
    });
  });
}

/**
 * Whether git could find a work tree from `cwd`: a `.git` (folder or file) in it or a folder
 * above it, or a repository named by GIT_DIR. Without either, `git status` can only fail, so its
 * answer (no commit) is known without starting it — a small run's start-up saves the process.
 */
export function mayBeInRepository(cwd: string, env: NodeJS.ProcessEnv): boolean {
  if (env.GIT_DIR) return true;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return true;
    if (dirname(dir) === dir) return false;
  }
}
