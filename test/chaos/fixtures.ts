/** Shared inputs for the chaos tests. */
import fc from 'fast-check';
import type { OperatorContext } from '../../src/chaos/operator.js';

export const RICH_TEXT = [
  'Hello support team, my order #4821 arrived broken and the café receipt says “paid”.',
  'Items:',
  '- a blue cup',
  '- a large plate',
  '- a steel fork',
  '1. open the box',
  '2. take a photo',
  'Family emoji 👨‍👩‍👧 and a flag 🇫🇷, accents e\u0301 and ñ. Please refund me soon!',
].join('\n');

/** Any UTF-16 sequence, lone surrogates included. */
export const anyUtf16 = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 80 }).map((codes) => String.fromCharCode(...codes));

export const anyText = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  anyUtf16,
  fc.constantFrom('', ' ', '\uD800', '\uDC00abc\uD83D', 'e\u0301\u0301', '👨‍👩‍👧', RICH_TEXT),
);

export const smallContext: OperatorContext = {
  contextWindowTokens: 2_000,
  estimateTokens: (text) => Math.ceil(text.length / 4),
};
