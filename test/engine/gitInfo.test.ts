import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitInfo, mayBeInRepository } from '../../src/gitInfo.js';

describe('gitInfo outside a repository', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'promptgold-git-'));
    await mkdir(join(root, 'project', 'suites'), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('knows there is no repository without asking git, and says so as git would', async () => {
    const project = join(root, 'project', 'suites');
    expect(mayBeInRepository(project, {})).toBe(false);
    expect(await gitInfo(project)).toEqual({ commit: null, dirty: null });
  });

  it('asks git when a folder above holds .git (a folder, or the file of a worktree)', async () => {
    await mkdir(join(root, '.git'));
    expect(mayBeInRepository(join(root, 'project', 'suites'), {})).toBe(true);
    await rm(join(root, '.git'), { recursive: true });
    await writeFile(join(root, 'project', '.git'), 'gitdir: /elsewhere/.git/worktrees/project\n');
    expect(mayBeInRepository(join(root, 'project', 'suites'), {})).toBe(true);
  });

  it('asks git when GIT_DIR names a repository', () => {
    expect(mayBeInRepository(join(root, 'project'), { GIT_DIR: '/some/repo.git' })).toBe(true);
  });

  it('asks git when .git is there, and takes a .git git cannot read as no commit', async () => {
    // `.git` present but not a repository git can read: git fails, and the answer is the same.
    await mkdir(join(root, 'project', '.git'));
    expect(await gitInfo(join(root, 'project'))).toEqual({ commit: null, dirty: null });
  });
});
