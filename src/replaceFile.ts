/**
 * Writing a file whole: beside its place, under a temporary name, then renamed onto it. A write
 * that fails on the way (a full disk, no permission, a crash of the writer) leaves the file that was
 * there, never the start of a new one: a committed baseline, a cache entry or a report that another
 * job reads is old or new, not cut.
 */
import { randomBytes } from 'node:crypto';
import { lstat, rename, rm, writeFile } from 'node:fs/promises';

/**
 * Whether the path is there and is not a regular file (a symbolic link, a pipe, `/dev/stdout`):
 * such a path is written in place, where it points, as a rename would replace it. A path that
 * cannot be looked at is not: writing it says why.
 */
export async function writtenInPlace(file: string): Promise<boolean> {
  const found = await lstat(file).catch(() => undefined);
  return found !== undefined && !found.isFile();
}

/**
 * `write` fills the path it is given; the file is then moved onto `file`. On a failure the
 * temporary file is removed and the error, which names the temporary path, is thrown (errors.ts
 * `fileWriteError` names `file` for any path that starts with `file.`). `temporary` defaults to a
 * name no other writer of the same file uses at the same time.
 */
export async function replaceFile(file: string, write: (path: string) => Promise<void>, temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`): Promise<void> {
  if (await writtenInPlace(file)) return write(file);
  try {
    await write(temporary);
    await rename(temporary, file);
  } catch (error) {
    // Not recursive: a folder of that name is not this writer's to remove.
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** `replaceFile` for a text or bytes already made. */
export function replaceFileWith(file: string, data: string | Uint8Array): Promise<void> {
  return replaceFile(file, (path) => writeFile(path, data));
}
