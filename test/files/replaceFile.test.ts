import { existsSync } from 'node:fs';
import { chmod, link, lstat, readFile, readdir, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { fileWriteError } from '../../src/errors.js';
import { replaceFile, replaceFileWith, writtenInPlace } from '../../src/replaceFile.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

describe('replaceFile', () => {
  it('writes a new file whole and leaves no temporary file', async () => {
    project = await tempProject();
    await replaceFileWith(project.path('out.json'), '{"a":1}\n');
    expect(await readFile(project.path('out.json'), 'utf8')).toBe('{"a":1}\n');
    expect(await readdir(project.root)).toEqual(['out.json']);
  });

  it('a write that fails on the way keeps the file that was there, removes its temporary file, and names the file in the error', async () => {
    project = await tempProject({ 'baseline.jsonl': 'the committed baseline\n' });
    const file = project.path('baseline.jsonl');
    let written: string | undefined;
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    const failing = replaceFile(file, async (path) => {
      written = path;
      await writeFile(path, 'the start of a new');
      throw Object.assign(full, { path });
    });
    const error = await failing.catch((e: unknown) => e);
    expect(error).toBe(full);
    expect(written).not.toBe(file);
    expect(written!.startsWith(`${file}.`)).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('the committed baseline\n');
    expect(await readdir(project.root)).toEqual(['baseline.jsonl']);
    // The temporary file's error is said as the file's.
    expect(String((fileWriteError(error, file, 'baseline.jsonl') as Error).message)).toMatch(/^baseline\.jsonl: no space left on device \(ENOSPC on write\)/);
  });

  it("keeps the old file's permissions", async () => {
    project = await tempProject({ 'secret.jsonl': 'old\n' });
    await chmod(project.path('secret.jsonl'), 0o600);
    await replaceFileWith(project.path('secret.jsonl'), 'new\n');
    expect((await stat(project.path('secret.jsonl'))).mode & 0o777).toBe(0o600);
    expect(await readFile(project.path('secret.jsonl'), 'utf8')).toBe('new\n');
  });

  it('writes a file with other hard links in place, so every link has the new text', async () => {
    project = await tempProject({ 'a.json': 'old\n' });
    await link(project.path('a.json'), project.path('b.json'));
    expect(await writtenInPlace(project.path('a.json'))).toBe(true);
    await replaceFileWith(project.path('a.json'), 'new\n');
    expect(await readFile(project.path('b.json'), 'utf8')).toBe('new\n');
    expect((await stat(project.path('a.json'))).nlink).toBe(2);
  });

  it('writes in place a file, old or new, whose temporary name would be longer than a file name may be', async () => {
    const name = `${'b'.repeat(240)}.jsonl`;
    project = await tempProject({ [name]: 'old\n' });
    expect(await writtenInPlace(project.path(name))).toBe(true);
    await replaceFileWith(project.path(name), 'new\n');
    expect(await readFile(project.path(name), 'utf8')).toBe('new\n');
    const fresh = `${'c'.repeat(240)}.jsonl`;
    await replaceFileWith(project.path(fresh), 'made\n');
    expect(await readFile(project.path(fresh), 'utf8')).toBe('made\n');
    expect(await writtenInPlace(project.path('short.json'))).toBe(false);
  });

  it('writes through a symbolic link in place, and keeps the link', async () => {
    project = await tempProject({ 'real.md': 'old\n' });
    await symlink(project.path('real.md'), project.path('link.md'));
    expect(await writtenInPlace(project.path('link.md'))).toBe(true);
    await replaceFileWith(project.path('link.md'), 'new\n');
    expect((await lstat(project.path('link.md'))).isSymbolicLink()).toBe(true);
    expect(await readlink(project.path('link.md'))).toBe(project.path('real.md'));
    expect(await readFile(project.path('real.md'), 'utf8')).toBe('new\n');
  });

  it('writers of the same file at the same time each write their own temporary file: the file is one of them whole', async () => {
    project = await tempProject();
    const file = project.path('entry.json');
    const texts = Array.from({ length: 8 }, (_, i) => `${String(i).repeat(50_000)}\n`);
    await Promise.all(texts.map((text) => replaceFileWith(file, text)));
    expect(texts).toContain(await readFile(file, 'utf8'));
    expect(await readdir(project.root)).toEqual(['entry.json']);
  });

  it.skipIf(!existsSync('/dev/full'))('a device is written in place, not replaced: /dev/full says ENOSPC', async () => {
    expect(await writtenInPlace('/dev/full')).toBe(true);
    await expect(replaceFileWith('/dev/full', 'x'.repeat(100_000))).rejects.toMatchObject({ code: 'ENOSPC' });
  });
});
