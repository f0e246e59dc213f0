/** Characters a reader cannot see: zero-width, bidi controls, look-alike spaces. */
import { outcome, type ChaosOperator } from '../operator.js';
import {
  clusterBoundary,
  codePointName,
  describePositions,
  editCount,
  insertAt,
  mapCodeUnits,
  randomClusterBoundaries,
  randomWordBoundary,
  replaceCharsAt,
} from '../text.js';
import { plural } from '../../text.js';

const SAME_ANSWER = 'same answer as source: the visible text is unchanged';

const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'] as const;

export const zeroWidth: ChaosOperator = {
  name: 'zero-width',
  family: 'invisible',
  description: 'Inserts zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM) between characters.',
  property: SAME_ANSWER,
  // A class of single invisible characters, joiners included on purpose.
  // eslint-disable-next-line no-misleading-character-class
  keepsSkeleton: { strip: /[\u200b\u200c\u200d\u2060\ufeff]/gu },
  apply(text, rng) {
    const count = Math.max(1, editCount(text.length, 0.05, 64));
    const positions = randomClusterBoundaries(text, rng, count);
    const inserts = positions.map((at) => ({ at, piece: rng.pick(ZERO_WIDTH) }));
    const kinds = [...new Set(inserts.map((insert) => codePointName(insert.piece)))].join('/');
    return outcome(text, insertAt(text, inserts), [
      `inserted ${plural(count, 'zero-width character')} (${kinds}) at ${describePositions(positions)}`,
    ]);
  },
};

const BIDI_WRAPS = [
  { open: '\u202e', close: '\u202c', label: 'RLO…PDF' },
  { open: '\u202d', close: '\u202c', label: 'LRO…PDF' },
  { open: '\u202b', close: '\u202c', label: 'RLE…PDF' },
  { open: '\u2067', close: '\u2069', label: 'RLI…PDI' },
  { open: '\u2066', close: '\u2069', label: 'LRI…PDI' },
  { open: '\u2068', close: '\u2069', label: 'FSI…PDI' },
] as const;

export const bidiOverride: ChaosOperator = {
  name: 'bidi-override',
  family: 'invisible',
  description: 'Wraps a span of words in bidirectional override/isolate controls (RLO, LRI, FSI …), reversing how it displays.',
  property: 'same answer as source: the logical text is unchanged, only its display order',
  keepsSkeleton: { strip: /[\u202a-\u202e\u2066-\u2069]/gu },
  apply(text, rng) {
    const wrap = rng.pick(BIDI_WRAPS);
    const start = randomWordBoundary(text, rng);
    let end = clusterBoundary(text, Math.min(text.length, start + rng.between(8, 40)));
    const lastSpace = text.lastIndexOf(' ', end);
    if (lastSpace > start) end = lastSpace;
    const inserts = [
      { at: start, piece: wrap.open },
      { at: end, piece: wrap.close },
    ];
    return outcome(text, insertAt(text, inserts), [`wrapped ${start}..${end} in ${wrap.label}`]);
  },
};

/** Spaces whose NFKC form is U+0020, so only their look and line-breaking change. */
const EXOTIC_SPACES = [0x00a0, 0x2002, 0x2003, 0x2007, 0x2009, 0x200a, 0x202f, 0x205f, 0x3000] as const;

export const exoticWhitespace: ChaosOperator = {
  name: 'exotic-whitespace',
  family: 'invisible',
  description: 'Replaces ordinary spaces with look-alike spaces (NBSP, thin, figure, ideographic …).',
  property: SAME_ANSWER,
  keepsSkeleton: {},
  apply(text, rng) {
    const positions: number[] = [];
    const kinds = new Set<number>();
    const swap = (at: number): number => {
      const exotic = rng.pick(EXOTIC_SPACES);
      positions.push(at);
      kinds.add(exotic);
      return exotic;
    };
    let out = mapCodeUnits(text, (code, at) => (code === 0x20 && rng.chance(0.5) ? swap(at) : code));
    const first = text.indexOf(' ');
    if (positions.length === 0 && first >= 0) out = replaceCharsAt(text, [{ at: first, piece: String.fromCharCode(swap(first)) }]);
    return outcome(text, out, [
      `replaced ${plural(positions.length, 'space')} with ${[...kinds].map((code) => codePointName(String.fromCharCode(code))).join('/')} at ${describePositions(positions)}`,
    ]);
  },
};

export const INVISIBLE_OPERATORS: readonly ChaosOperator[] = [zeroWidth, bidiOverride, exoticWhitespace];
