import { sha256Hex, stableStringify } from '../canonical.js';

/**
 * Identity of a prompt version's meaning: the parsed front matter (so YAML layout, quoting and
 * key order do not count) and the LF-normalized body.
 */
export function promptContentHash(frontMatter: unknown, body: string): string {
  const canonical = `${stableStringify(frontMatter)}\n${body.replace(/\r\n?/g, '\n')}`;
  return sha256Hex(canonical);
}
