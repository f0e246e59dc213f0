/**
 * Packs this repository with `npm pack` and installs the tarball into a fresh temp project, the way
 * a user's project gets promptgold from the registry. Needs `dist/` built (npm test builds first).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './cli.js';

const exec = promisify(execFile);

export async function packTarball(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'promptgold-pack-'));
  const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', directory], { cwd: REPO_ROOT });
  const [info] = JSON.parse(stdout) as Array<{ filename: string }>;
  return join(directory, info!.filename);
}

export async function consumerProject(tarball: string, extraDependencies: string[] = []): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'promptgold-consumer-'));
  await writeFile(join(root, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`);
  await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...extraDependencies], {
    cwd: root,
    timeout: 240_000,
  });
  return root;
}
