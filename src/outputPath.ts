/**
 * An output file's path (a report page, `--json`, `--markdown`, `--junit`, a baseline), checked
 * before any record is read or any sample is sent, so that a path that cannot take the file fails
 * at once (exit 2) rather than after a long read or a paid run.
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from './errors.js';

/** What the file is called in the message (`the report page`, `the --junit file`), and in its hint, with a file name for the example. */
export interface OutputNaming {
  name: string;
  short: string;
  example: string;
}

/** Refuses a path that is a folder (or a link to one), or that would go under a file. */
export async function checkOutputPath(path: string, naming: OutputNaming): Promise<void> {
  // stat follows links: a link to a folder is refused as the folder is.
  const found = await stat(path).catch(() => undefined);
  if (found?.isDirectory()) {
    throw new InputError(`${naming.name} is a folder`, { file: path }, `give a file for ${naming.short}, e.g. ${join(path, naming.example)}, or move the folder`);
  }
  if (found) return;
  // The nearest part of the path that exists must be a folder: missing folders are made when the file is written.
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const above = await stat(dir).catch(() => undefined);
    if (above) {
      if (above.isDirectory()) return;
      throw new InputError(`${naming.name} would go under ${dir}, which is a file`, { file: path }, `give a path for ${naming.short} whose folders are folders or do not exist yet`);
    }
    if (dirname(dir) === dir) return;
  }
}

/** The naming of a file given by a flag: `the --junit file is a folder`, `give a file for --junit, e.g. …`. */
export function flagOutput(flag: string, example: string): OutputNaming {
  return { name: `the ${flag} file`, short: flag, example };
}
