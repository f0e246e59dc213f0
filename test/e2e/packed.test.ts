import { createHash } from 'node:crypto';
import { access, readFile, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
  it('installs into another project, where `npx promptgold init`, `run` and `report` work', { timeout: 300_000 }, async () => {
    expect(CLI).toMatch(/dist/);
    const tarball = await packTarball();
    cleanup.push(dirname(tarball));
    const root = await consumerProject(tarball);
    cleanup.push(root);
    const env = { ...process.env, CI: 'true' };
    await exec('npx', ['--no-install', 'promptgold', 'init'], { cwd: root, env });
    const run = await exec('npx', ['--no-install', 'promptgold', 'run'], { cwd: root, env }).catch((error: { stdout: string; stderr: string; code: number }) => error);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.stdout).toMatch(/capitals: 5 samples, 5 of 5 passed/);
    const runs = await readdir(`${root}/reports/runs`);
    expect(runs).toHaveLength(1);
    // The report page's script ships prebuilt in the package and is allowed by its hash.
    const runDir = join(root, 'reports/runs', runs[0]!);
    await rm(join(runDir, 'report.html'), { force: true });
    const report = await exec('npx', ['--no-install', 'promptgold', 'report', runDir], { cwd: root, env });
    expect(report.stdout).toMatch(/report\.html/);
    const html = await readFile(join(runDir, 'report.html'), 'utf8');
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(script).toMatch(/^"use strict";\n\(\(\) => \{/);
    expect(html).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    const help = await exec('npx', ['--no-install', 'promptgold', '--help'], { cwd: root, env });
    expect(help.stdout).toMatch(/Usage: promptgold/);

    // Every source map points at a source file that ships in the package; the dependencies bundled
    // into the entry points (whose files sit elsewhere in an install) carry their source text.
    const installed = join(root, 'node_modules', 'promptgold');
    const maps = (await readdir(join(installed, 'dist'), { recursive: true })).filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(50);
    for (const map of maps) {
      const file = join(installed, 'dist', map);
      const { sources, sourcesContent } = JSON.parse(await readFile(file, 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
      for (const [index, source] of sources.entries()) {
        if (source.includes('node_modules/')) expect(sourcesContent?.[index], `${map} → ${source}`).toEqual(expect.any(String));
        else await expect(access(join(dirname(file), source)), `${map} → ${source}`).resolves.toBeUndefined();
      }
    }
  });
});
