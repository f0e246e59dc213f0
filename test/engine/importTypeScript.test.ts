import { readdir, utimes } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleFolder, importTypeScript } from '../../src/engine/importTypeScript.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

describe('importTypeScript', () => {
  it('resolves bare imports, the package scope and import.meta as from the suite, and leaves no file behind', async () => {
    project = await tempProject({
      'package.json': JSON.stringify({ name: 'my-evals', type: 'module', imports: { '#shared': './shared/index.js' } }),
      'node_modules/local-lib/package.json': JSON.stringify({ name: 'local-lib', type: 'module', exports: './index.js' }),
      'node_modules/local-lib/index.js': 'export const libValue = 42;\n',
      'shared/index.js': 'export const sharedValue = "shared";\n',
      'suites/helper.ts': 'export const helper: string = "bundled";\n',
      'suites/a.eval.ts': [
        "import { libValue } from 'local-lib';",
        "import { sharedValue } from '#shared';",
        "import { helper } from './helper';",
        'export const values = { libValue, sharedValue, helper, url: import.meta.url, dirname: import.meta.dirname };',
      ].join('\n'),
    });
    const module = await importTypeScript(project.path('suites/a.eval.ts'));
    expect(module.values).toEqual({
      libValue: 42,
      sharedValue: 'shared',
      helper: 'bundled',
      url: `file://${project.path('suites/a.eval.ts')}`,
      dirname: project.path('suites'),
    });
    expect(bundleFolder(project.path('suites/a.eval.ts'))).toBe(project.path('.promptgold/tmp'));
    expect((await readdir(project.path('suites'))).sort()).toEqual(['a.eval.ts', 'helper.ts']);
    expect(await readdir(project.path('.promptgold/tmp'))).toEqual([]);
  });

  it('keeps the bundle beside the suite when a node_modules folder lies between it and the package root', async () => {
    project = await tempProject({
      'package.json': '{ "type": "module" }',
      'suites/node_modules/inner-lib/package.json': JSON.stringify({ name: 'inner-lib', type: 'module', exports: './index.js' }),
      'suites/node_modules/inner-lib/index.js': 'export const inner = "inner";\n',
      'suites/b.eval.ts': "import { inner } from 'inner-lib';\nexport const value = inner;\n",
    });
    expect(bundleFolder(project.path('suites/b.eval.ts'))).toBe(project.path('suites/.promptgold/tmp'));
    expect((await importTypeScript(project.path('suites/b.eval.ts'))).value).toBe('inner');
  });

  it('removes bundles left by a process killed while loading, and keeps those of a live one', async () => {
    project = await tempProject({
      'package.json': '{ "type": "module" }',
      'c.eval.ts': 'export const value: number = 1;\n',
      // pid 2^22 + 1 is above Linux's pid_max: no such process.
      '.promptgold/tmp/c.eval.ts.4194305.1700000000000.promptgold.mjs': 'export const stale = true;\n',
      [`.promptgold/tmp/c.eval.ts.${process.ppid}.1700000000001.promptgold.mjs`]: 'export const alive = true;\n',
      [`.promptgold/tmp/c.eval.ts.${process.ppid}.1700000000002.promptgold.mjs`]: 'export const old = true;\n',
    });
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(project.path(`.promptgold/tmp/c.eval.ts.${process.ppid}.1700000000002.promptgold.mjs`), old, old);
    expect((await importTypeScript(project.path('c.eval.ts'))).value).toBe(1);
    expect(await readdir(project.path('.promptgold/tmp'))).toEqual([`c.eval.ts.${process.ppid}.1700000000001.promptgold.mjs`]);
  });
});
