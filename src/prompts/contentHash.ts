import { createHash } from 'node:crypto';
import { stableStringify } from '../canonical.js';

/**
 * Identity of a prompt version's meaning: the parsed front matter (so YAML layout, quoting and
 * key order do not count) and the LF-normalized body.
 */
export function promptContentHash(frontMatter: unknown, body: string): string {
  const canonical = `${stableStringify(frontMatter)}\n${body.replace(/\r\n?/g, '\n')}`;
  return createHash('sha256').update(canonical).digest('hex');
}
