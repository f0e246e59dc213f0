import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { InputError } from '../errors.js';
import { utf8Text } from '../utf8.js';

/** Every `*.hbs` file in `dir` (not recursive); the partial's name is the file name without `.hbs`. */
export async function loadPartials(dir: string): Promise<Record<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError('partials folder not found', { file: dir }, undefined, error);
    }
    throw error;
  }
  const partials: Record<string, string> = {};
  for (const name of names.filter((entry) => extname(entry) === '.hbs').sort()) {
    const text = utf8Text(await readFile(join(dir, name)), join(dir, name));
    // A byte-order mark (which some Windows editors write) is not text of the partial, as in a prompt file.
    partials[basename(name, '.hbs')] = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  }
  return partials;
}
