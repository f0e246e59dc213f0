import { readdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { consumerProject, packTarball } from '../helpers/packedInstall.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const cleanup: string[] = [];
afterAll(async () => {
  for (const path of cleanup) await rm(path, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('installs into another project, where `npx promptgold init` and `npx promptgold run` work', { timeout: 300_000 }, async () => {
    expect(CLI).toMatch(/dist/);
    const tarball = await packTarball();
    cleanup.push(dirname(tarball));
    const root = await consumerProject(tarball);
    cleanup.push(root);
    const env = { ...process.env, CI: 'true' };
    await exec('npx', ['--no-install', 'promptgold', 'init'], { cwd: root, env });
    const run = await exec('npx', ['--no-install', 'promptgold', 'run'], { cwd: root, env }).catch((error: { stdout: string; stderr: string; code: number }) => error);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.stdout).toMatch(/capitals: 5 samples, 5 passed/);
    expect(await readdir(`${root}/reports/runs`)).toHaveLength(1);
    const help = await exec('npx', ['--no-install', 'promptgold', '--help'], { cwd: root, env });
    expect(help.stdout).toMatch(/Usage: promptgold/);
  });
});
