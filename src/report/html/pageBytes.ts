/**
 * The page's parts as bytes, secrets redacted. A secret can only sit inside one JSON value, and
 * every part holds whole values, so redacting part by part redacts the page.
 */
import { redactKnownSecrets } from '../../secrets.js';
import type { DetailRow } from './details.js';
import { scriptSafeBytes } from './embed.js';
import { DetailChunkBuilder } from './pageData.js';
import { detailPartFrame } from './renderHtml.js';

/**
 * Bytes the page may have queued for writing before making more waits. With the stream's 16 KB
 * default nearly every part waited for its write to finish on libuv's thread pool (~0.3 s idle on
 * a 200,000-sample report); a megabyte lets the next parts be made while the last ones are written.
 */
export const WRITE_AHEAD_BYTES = 1024 * 1024;

export function pageBytes(part: string): Buffer {
  return Buffer.from(redactKnownSecrets(part));
}

/**
 * `pageBytes(jsonForScriptTag(value))` for a detail chunk's large values, made faster by escaping after
 * redacting: the same bytes for every secret without `<`, `>`, `&`, U+2028 or U+2029 (an API key has none).
 */
function jsonBytes(value: unknown): Buffer {
  return scriptSafeBytes(redactKnownSecrets(JSON.stringify(value)));
}

/**
 * A detail chunk's part of the page. The chunk's tables are complete only once its last case is
 * made, and the page has them first, so the cases are made first and written after the tables.
 */
export function* chunkParts(rows: DetailRow[]): Generator<Buffer> {
  const first = rows[0]!;
  const builder = new DetailChunkBuilder(first.context.strings.values, (hash) => first.prompts.get(hash));
  const cases = rows.map((detail) => builder.addDetail(detail));
  const tables = builder.tables();
  const [open, beforePrompts, beforeCases, close] = detailPartFrame(first.chunk);
  yield pageBytes(open);
  yield jsonBytes(tables.strings);
  yield pageBytes(beforePrompts);
  yield jsonBytes(tables.prompts);
  yield pageBytes(beforeCases);
  yield jsonBytes(cases);
  yield pageBytes(close);
}
