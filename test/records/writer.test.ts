/**
 * JsonlWriter: lines are gathered and written in order; a line that does not fill a chunk returns
 * without a promise, a full chunk returns one to wait on, and a failed file makes every later
 * write a rejection.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InfrastructureError } from '../../src/errors.js';
import { JsonlWriter } from '../../src/records/writer.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-writer-'));
  return dir;
}

describe('JsonlWriter', () => {
  it('writes stable JSON lines in order; a short line asks for no wait, a full chunk returns a promise', async () => {
    const file = join(await tempDir(), 'out.jsonl');
    const writer = new JsonlWriter(file);
    await writer.opened();
    expect(writer.write({ b: 1, a: [{ d: 2, c: 3 }] })).toBeUndefined();
    expect(writer.writeRaw('{"raw":true}\n')).toBeUndefined();
    const big = 'x'.repeat(70 * 1024);
    const waiting = writer.write({ big });
    expect(waiting).toBeInstanceOf(Promise);
    await waiting;
    await writer.close();
    expect((await readFile(file, 'utf8')).split('\n')).toEqual(['{"a":[{"c":3,"d":2}],"b":1}', '{"raw":true}', `{"big":"${big}"}`, '']);
  });

  it('rejects every write after the file failed', async () => {
    const file = join(await tempDir(), 'taken.jsonl');
    const first = new JsonlWriter(file, { exclusive: true });
    await first.opened();
    const second = new JsonlWriter(file, { exclusive: true });
    await expect(second.opened()).rejects.toThrowError(/already exists/);
    await expect(second.write({ a: 1 })).rejects.toThrowError(/already exists/);
    await expect(second.writeRaw('{}\n')).rejects.toThrowError(/already exists/);
    await first.close();
  });

  it.skipIf(!existsSync('/dev/full'))('a full disk is the machine error naming the file, from close and every write after', async () => {
    const writer = new JsonlWriter('/dev/full', { append: true });
    await writer.opened();
    // The stream takes the chunk into its buffer; the disk's refusal comes after.
    await writer.write({ big: 'x'.repeat(70 * 1024) });
    const closing = writer.close();
    await expect(closing).rejects.toThrowError(InfrastructureError);
    await expect(closing).rejects.toThrowError('/dev/full: no space left on device (ENOSPC on write)\n  hint: free space on that disk');
    await expect(writer.write({ a: 1 })).rejects.toThrowError('/dev/full: no space left on device');
  });
});
