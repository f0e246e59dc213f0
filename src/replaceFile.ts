/**
 * Writing a file whole: beside its place, under a temporary name, then renamed onto it. A write
 * that fails on the way (a full disk, no permission, a crash of the writer) leaves the file that was
 * there, never the start of a new one: a committed baseline, a cache entry or a report that another
 * job reads is old or new, not cut.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, lstat, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

/** The longest file name most file systems take, in bytes. */
const NAME_MAX = 255;

function uniqueTemporary(file: string): string {
  return `${file}.${randomBytes(6).toString('hex')}.tmp`;
}

/**
 * How the file is replaced — with the old file's permissions, when there is one — or undefined
 * where it is written in place, as it was before files were replaced whole, because a replacement
 * would not be the same file or cannot be made:
 * - a path that is not a regular file (a symbolic link, a pipe, `/dev/stdout`): a rename would
 *   replace it rather than write where it points;
 * - a file with other hard links, which would keep the old text;
 * - a file in a folder that takes no new files (the file itself may still be writable);
 * - a name whose temporary name would be longer than a file name may be (new or not).
 * Any other path that is not there is made whole; one that cannot be looked at too: writing it says why.
 */
async function replacement(file: string, temporary: string): Promise<{ mode: number | undefined } | undefined> {
  if (Buffer.byteLength(basename(temporary)) > NAME_MAX) return undefined;
  const found = await lstat(file).catch(() => undefined);
  if (!found) return { mode: undefined };
  if (!found.isFile() || found.nlink > 1) return undefined;
  const folderTakesFiles = await access(dirname(file), constants.W_OK).then(
    () => true,
    () => false,
  );
  return folderTakesFiles ? { mode: found.mode & 0o7777 } : undefined;
}

/** Whether `replaceFile` would write the file in place (see `replacement`). */
export async function writtenInPlace(file: string, temporary = uniqueTemporary(file)): Promise<boolean> {
  return (await replacement(file, temporary)) === undefined;
}

/**
 * `write` fills the path it is given; the file is then moved onto `file`, keeping the old file's
 * permissions. On a failure the temporary file is removed and the error, which names the temporary
 * path, is thrown (errors.ts `fileWriteError` names `file` for any path that starts with `file.`).
 * `temporary` defaults to a name no other writer of the same file uses at the same time.
 */
export async function replaceFile(file: string, write: (path: string) => Promise<void>, temporary = uniqueTemporary(file)): Promise<void> {
  const replacing = await replacement(file, temporary);
  if (!replacing) return write(file);
  try {
    await write(temporary);
    if (replacing.mode !== undefined) await chmod(temporary, replacing.mode);
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
