/** The git commit a run was made at, for the record header. Null outside a repository. */
import { execFile } from 'node:child_process';

/**
 * One `git status --porcelain=v2 --branch` answers both questions: its `# branch.oid` header is
 * the commit, and any entry line means tracked files differ from it. One process, not two: on
 * some machines starting a process costs tens of milliseconds.
 */
export function gitInfo(cwd = process.cwd()): Promise<{ commit: string | null; dirty: boolean | null }> {
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
