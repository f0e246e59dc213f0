/**
 * A system call the machine refused (a full disk, no permission, a missing path) is worded as the
 * machine's error, exit 3, naming the path and how to mend it: not as promptgold's bug with its
 * stack. A write to a full disk names its file only where the file is known (`fileWriteError`).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ExitCode, InfrastructureError, fileWriteError, isSystemError, wordedError } from '../../src/errors.js';

/** What Node gives for a write to a full disk: a code and a system call, no path. */
function fullDisk(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected the call to fail'),
    (error: unknown) => error,
  );
}

describe('wordedError: a system error', () => {
  it('names the path, what the machine said, code and call, with a hint; exit 3 and no stack', async () => {
    const missing = '/nonexistent-promptgold-dir/cases.jsonl';
    const error = await caught(readFile(missing));
    expect(isSystemError(error)).toBe(true);
    const worded = wordedError(error);
    expect(worded.text).toBe(`${missing}: no such file or directory (ENOENT on open)\n  hint: the path does not fit what is on disk (a folder where a file goes, a file where a folder goes, or a folder missing): give another path, or mend it, and run the command again`);
    expect(worded.exitCode).toBe(ExitCode.infrastructure);
  });

  it('any other code: the machine, to mend', () => {
    const worded = wordedError(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' }));
    expect(worded.text).toBe('i/o error (EIO on read)\n  hint: an error of the machine, not of promptgold: mend its cause and run the command again');
  });

  it('without a path (a write to a full disk): what and how to mend it', () => {
    const worded = wordedError(fullDisk());
    expect(worded.text).toBe('no space left on device (ENOSPC on write)\n  hint: free space on that disk (or give a path on another one) and run the command again');
    expect(worded.text).not.toMatch(/internal error|\n\s+at /);
  });

  it('anything else is still a bug to report, with its stack', () => {
    const worded = wordedError(new TypeError('x is not a function'));
    expect(worded.text).toMatch(/^internal error \(please report it\): TypeError: x is not a function\n\s+at /);
    expect(worded.exitCode).toBe(ExitCode.infrastructure);
    // A code alone (no system call) is not the machine's.
    expect(isSystemError(Object.assign(new Error('bad'), { code: 'ERR_SOMETHING' }))).toBe(false);
  });
});

describe('fileWriteError', () => {
  it('a system error without a path, or on the file, becomes the machine error naming the file as shown', () => {
    const error = fileWriteError(fullDisk(), '/work/project/out/cmp.json', 'out/cmp.json');
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as InfrastructureError).message).toBe('out/cmp.json: no space left on device (ENOSPC on write)\n  hint: free space on that disk (or give a path on another one) and run the command again');
    expect((error as InfrastructureError).exitCode).toBe(ExitCode.infrastructure);
    const denied = Object.assign(new Error("EACCES: permission denied, open '/work/out.xml.tmp'"), { code: 'EACCES', syscall: 'open', path: '/work/out.xml.tmp' });
    expect((fileWriteError(denied, '/work/out.xml') as Error).message).toBe('/work/out.xml: permission denied (EACCES on open)\n  hint: mend the permissions of that path (or give another) and run the command again');
  });

  it('a system error on another path, and any other error, is left as it is', () => {
    const elsewhere = Object.assign(new Error("ENOENT: no such file or directory, open '/work/run.jsonl'"), { code: 'ENOENT', syscall: 'open', path: '/work/run.jsonl' });
    expect(fileWriteError(elsewhere, '/work/out.xml')).toBe(elsewhere);
    const bug = new RangeError('oops');
    expect(fileWriteError(bug, '/work/out.xml')).toBe(bug);
  });

  it.skipIf(!existsSync('/dev/full'))('on a real full device (/dev/full)', async () => {
    const error = fileWriteError(await caught(writeFile('/dev/full', 'x')), '/dev/full');
    expect(wordedError(error)).toEqual({ text: '/dev/full: no space left on device (ENOSPC on write)\n  hint: free space on that disk (or give a path on another one) and run the command again', exitCode: ExitCode.infrastructure });
  });
});
