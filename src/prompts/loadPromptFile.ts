import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { displayPath } from '../displayPath.js';
import { utf8Text } from '../utf8.js';
import { splitFrontMatter } from './frontMatter.js';
import { frontMatterSchema, plainFrontMatter } from './frontMatterSchema.js';
import { templateFromFrontMatter } from './promptTemplate.js';
import { readSimpleFrontMatter } from './simpleFrontMatter.js';
import type { PromptTemplate } from './types.js';

/**
 * Reads and parses one prompt file. Front matter in the simple shape that passes the schema is read
 * without the YAML library (see simpleFrontMatter.ts), and in the plainest shape without building
 * the schema (plainFrontMatter); any other, and every error, goes through parsePromptFile, which
 * is loaded only then.
 */
export async function loadPromptFile(file: string): Promise<PromptTemplate> {
  let text: string;
  try {
    text = utf8Text(await readFile(file), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError('prompt file not found', { file }, 'check the path in the suite\'s `prompt` field', error);
    }
    throw error;
  }
  const split = splitFrontMatter(text, displayPath(resolve(file)));
  const simple = readSimpleFrontMatter(split.yaml);
  if (simple) {
    const frontMatter = plainFrontMatter(simple.value) ?? frontMatterSchema().safeParse(simple.value).data;
    if (frontMatter) return templateFromFrontMatter(simple.value, frontMatter, split, file, simple.lines);
  }
  const { parsePromptFile } = await import('./parsePromptFile.js');
  return parsePromptFile(text, file);
}
