import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bundleFolder, importTypeScript } from '../../src/engine/importTypeScript.js';
import { registerSecret } from '../../src/secrets.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

// Counts esbuild's bundling, which a kept bundle saves.
const esbuildBuilds = vi.hoisted(() => ({ count: 0 }));
vi.mock('esbuild', async (importOriginal) => {
  const actual = await importOriginal<typeof import('esbuild')>();
  return {
    ...actual,
    build: (...args: Parameters<typeof actual.build>) => {
      esbuildBuilds.count++;
      return actual.build(...args);
    },
  };
});

let project: TempProject;
beforeEach(() => {
  esbuildBuilds.count = 0;
});
afterEach(async () => project?.cleanup());

/** The names in the bundles folder, hashes written as <hash>. */
async function bundles(): Promise<string[]> {
  return (await readdir(project.path('.promptgold/bundles'))).map((name) => name.replace(/\.[0-9a-f]{16}/g, '.<hash>')).sort();
}

describe('importTypeScript', () => {
  it('resolves bare imports, the package scope and import.meta as from the suite, and writes nothing beside it', async () => {
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
    expect(bundleFolder(project.path('suites/a.eval.ts'))).toBe(project.path('.promptgold/bundles'));
    expect((await readdir(project.path('suites'))).sort()).toEqual(['a.eval.ts', 'helper.ts']);
    expect(await bundles()).toEqual(['a.eval.ts.<hash>.<hash>.mjs', 'a.eval.ts.<hash>.json']);
  });

  it('keeps the bundle beside the suite when a node_modules folder lies between it and the package root', async () => {
    project = await tempProject({
      'package.json': '{ "type": "module" }',
      'suites/node_modules/inner-lib/package.json': JSON.stringify({ name: 'inner-lib', type: 'module', exports: './index.js' }),
      'suites/node_modules/inner-lib/index.js': 'export const inner = "inner";\n',
      'suites/b.eval.ts': "import { inner } from 'inner-lib';\nexport const value = inner;\n",
    });
    expect(bundleFolder(project.path('suites/b.eval.ts'))).toBe(project.path('suites/.promptgold/bundles'));
    expect((await importTypeScript(project.path('suites/b.eval.ts'))).value).toBe('inner');
  });

  it('bundles a file once, and evaluates it afresh on every import', async () => {
    project = await tempProject({
      'package.json': '{ "type": "module" }',
      'c.eval.ts': 'const g = globalThis as { loads?: number };\ng.loads = (g.loads ?? 0) + 1;\nexport const load: number = g.loads;\n',
    });
    const first = await importTypeScript(project.path('c.eval.ts'));
    const second = await importTypeScript(project.path('c.eval.ts'));
    expect(esbuildBuilds.count).toBe(1);
    expect(second.load).toBe((first.load as number) + 1);
    expect(await bundles()).toEqual(['c.eval.ts.<hash>.<hash>.mjs', 'c.eval.ts.<hash>.json']);
  });

  it('bundles again when an imported file, a tsconfig.json or a package.json changes, and keeps only the newest bundle', async () => {
    project = await tempProject({
      'package.json': '{ "type": "module" }',
      'suites/helper.ts': 'export const word: string = "one";\n',
      'suites/d.eval.ts': "import { word } from './helper';\nexport const value = word;\n",
    });
    const suite = project.path('suites/d.eval.ts');
    expect((await importTypeScript(suite)).value).toBe('one');
    await project.write('suites/helper.ts', 'export const word: string = "two";\n');
    expect((await importTypeScript(suite)).value).toBe('two');
    expect(esbuildBuilds.count).toBe(2);
    // A tsconfig.json that was not there before, in the suite's folder.
    await project.write('suites/tsconfig.json', '{ "compilerOptions": { "strict": true } }\n');
    expect((await importTypeScript(suite)).value).toBe('two');
    expect(esbuildBuilds.count).toBe(3);
    await project.write('package.json', '{ "type": "module", "name": "renamed" }\n');
    expect((await importTypeScript(suite)).value).toBe('two');
    expect(esbuildBuilds.count).toBe(4);
    expect((await importTypeScript(suite)).value).toBe('two');
    expect(esbuildBuilds.count).toBe(4);
    expect(await bundles()).toEqual(['d.eval.ts.<hash>.<hash>.mjs', 'd.eval.ts.<hash>.json']);
  });

  it('does not keep a bundle with a glob import, or one read under a tsconfig that extends another', async () => {
    project = await tempProject({
      'package.json': '{ "type": "module" }',
      'glob/parts/a.ts': 'export const part = "a";\n',
      'glob/e.eval.ts': "const name = 'a';\nexport const value = (await import(`./parts/${name}.ts`)).part;\n",
      'extends/tsconfig.json': '{ "extends": "./base.json" }\n',
      'extends/base.json': '{}\n',
      'extends/f.eval.ts': 'export const value: string = "f";\n',
    });
    for (let i = 0; i < 2; i++) {
      expect((await importTypeScript(project.path('glob/e.eval.ts'))).value).toBe('a');
      expect((await importTypeScript(project.path('extends/f.eval.ts'))).value).toBe('f');
    }
    expect(esbuildBuilds.count).toBe(4);
    expect(await bundles()).toEqual(['e.eval.ts.<hash>.<hash>.mjs', 'f.eval.ts.<hash>.<hash>.mjs']);
  });

  it('bundles again when the manifest is damaged or names a bundle that is gone', async () => {
    project = await tempProject({ 'package.json': '{ "type": "module" }', 'g.eval.ts': 'export const value: number = 7;\n' });
    const suite = project.path('g.eval.ts');
    await importTypeScript(suite);
    const folder = project.path('.promptgold/bundles');
    const manifest = (await readdir(folder)).find((name) => name.endsWith('.json'))!;
    await writeFile(`${folder}/${manifest}`, '{ "maker": ');
    expect((await importTypeScript(suite)).value).toBe(7);
    expect(esbuildBuilds.count).toBe(2);
    const kept = JSON.parse(await readFile(`${folder}/${manifest}`, 'utf8')) as { bundle: string };
    await writeFile(`${folder}/${manifest}`, JSON.stringify({ ...kept, bundle: 'g.eval.ts.gone.mjs' }));
    expect((await importTypeScript(suite)).value).toBe(7);
    expect(esbuildBuilds.count).toBe(3);
  });

  it('removes partial writes left by a process that is gone, and keeps those of a live one', async () => {
    project = await tempProject({ 'package.json': '{ "type": "module" }', 'h.eval.ts': 'export const value: number = 8;\n' });
    await importTypeScript(project.path('h.eval.ts'));
    const [manifest] = (await readdir(project.path('.promptgold/bundles'))).filter((name) => name.endsWith('.json'));
    // pid 2^22 + 1 is above Linux's pid_max: no such process.
    await project.write(`.promptgold/bundles/${manifest}.4194305.partial`, '{');
    await project.write(`.promptgold/bundles/${manifest}.${process.ppid}.partial`, '{');
    await writeFile(project.path('h.eval.ts'), 'export const value: number = 9;\n');
    expect((await importTypeScript(project.path('h.eval.ts'))).value).toBe(9);
    expect(await bundles()).toEqual(['h.eval.ts.<hash>.<hash>.mjs', 'h.eval.ts.<hash>.json', `h.eval.ts.<hash>.json.${process.ppid}.partial`]);
  });

  it('keeps no bundle that holds a known secret, known before the import or made known by it', async () => {
    // Built from parts, as the other tests' keys are: no key-shaped literal in the repository.
    const key = ['sk', 'ant', 'test-kept-bundle-0123456789'].join('-');
    const registered = ['sk', 'ant', 'test-registered-by-the-suite-42'].join('-');
    project = await tempProject({
      'package.json': '{ "type": "module" }',
      'k.eval.ts': `export const key: string = '${key}';\n`,
      // Evaluating this suite registers its key, as creating an Anthropic client with an apiKey does.
      'l.eval.ts': `(globalThis as { register?: (key: string) => void }).register?.('${registered}');\nexport const key: string = '${registered}';\n`,
    });
    (globalThis as { register?: (key: string) => void }).register = registerSecret;
    expect((await importTypeScript(project.path('l.eval.ts'))).key).toBe(registered);
    expect(await bundles()).toEqual([]);
    expect((await importTypeScript(project.path('k.eval.ts'))).key).toBe(key);
    expect(await bundles()).toEqual(['k.eval.ts.<hash>.<hash>.mjs', 'k.eval.ts.<hash>.json']);
    registerSecret(key);
    // The kept bundle, found again, goes once imported.
    expect((await importTypeScript(project.path('k.eval.ts'))).key).toBe(key);
    expect(await bundles()).toEqual([]);
    expect(esbuildBuilds.count).toBe(2);
  });
});
