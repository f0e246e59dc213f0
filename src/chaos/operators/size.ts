/**
 * Degenerate sizes and cuts: empty and blank inputs, control characters, a token repeated
 * thousands of times, truncation (also inside a character on purpose), and padding to a fraction
 * of the model's context window.
 */
import { DEFAULT_CONTEXT_WINDOW_TOKENS, outcome, type ChaosOperator } from '../operator.js';
import type { Rng } from '../random.js';
import { clusterBoundary, codePointBoundary, codePointName, describePositions, insertAt, isHighSurrogate, isLowSurrogate, randomClusterBoundaries } from '../text.js';
import { plural } from '../../text.js';

const GRACEFUL = 'handled gracefully: a normal answer, a refusal or a clear error message, never a crash or an empty reply';

export const empty: ChaosOperator = {
  name: 'empty',
  family: 'size',
  description: 'Replaces the text with the empty string.',
  property: GRACEFUL,
  deterministic: true,
  apply(text) {
    return outcome(text, '', [`emptied ${text.length} UTF-16 units`]);
  },
};

const BLANKS = ['   ', '\n\n\n', '\t \t', '\u00a0\u3000\u2003', ' \n \r\n\t '] as const;

export const whitespaceOnly: ChaosOperator = {
  name: 'whitespace-only',
  family: 'size',
  description: 'Replaces the text with whitespace only (spaces, newlines, tabs or Unicode spaces).',
  property: GRACEFUL,
  apply(text, rng) {
    const blank = rng.pick(BLANKS).repeat(rng.between(1, 4));
    return outcome(text, blank, [`replaced the text with ${blank.length} whitespace characters`]);
  },
};

const CONTROLS = ['\u0000', '\u0007', '\b', '\u001b[31m', '\u001b[2J', '\u007f', '\u000b', '\u000c', '\r', '\u0085'] as const;

export const controlCharacters: ChaosOperator = {
  name: 'control-chars',
  family: 'size',
  description: 'Inserts C0/C1 control characters and ANSI escape sequences (NUL, BEL, ESC[2J, DEL …).',
  property: 'handled gracefully and same answer as source: control characters are ignored or escaped',
  apply(text, rng) {
    const positions = randomClusterBoundaries(text, rng, rng.between(2, 6));
    const inserts = positions.map((at) => ({ at, piece: rng.pick(CONTROLS) }));
    const kinds = [...new Set(inserts.map((insert) => codePointName(insert.piece)))].join('/');
    return outcome(text, insertAt(text, inserts), [`inserted ${plural(positions.length, 'control sequence')} (${kinds}) at ${describePositions(positions)}`]);
  },
};

export const repeatToken: ChaosOperator = {
  name: 'repeat-token',
  family: 'size',
  description: 'Appends one word of the text repeated thousands of times.',
  property: 'handled gracefully and same answer as source: repetition is not amplified into the output',
  apply(text, rng) {
    const words = text.slice(0, 4096).match(/[\p{L}\p{N}]{3,}/gu);
    const token = words ? rng.pick(words) : rng.pick(['the', 'data', 'ok', 'lorem']);
    const count = rng.between(2000, 5000);
    return outcome(text, `${text}\n${`${token} `.repeat(count).trimEnd()}`, [`appended "${token}" × ${count}`]);
  },
};

export const truncateTail: ChaosOperator = {
  name: 'truncate-tail',
  family: 'size',
  description: 'Cuts the text off after 30–70% of its length (at a character boundary).',
  property: GRACEFUL,
  apply(text, rng) {
    const cut = clusterBoundary(text, Math.floor(text.length * (0.3 + 0.4 * rng.next())));
    return outcome(text, text.slice(0, cut), [`cut ${text.length} UTF-16 units down to ${cut}`]);
  },
};

/** Cut points inside a visible character: within a surrogate pair, before a combining mark, after a ZWJ. */
function midGraphemeCut(text: string, rng: Rng): { at: number; kind: string } | undefined {
  let chosen: { at: number; kind: string } | undefined;
  let seen = 0;
  const consider = (at: number, kind: string): void => {
    // Reservoir sampling: uniform over all cut points without collecting them.
    seen++;
    if (rng.int(seen) === 0) chosen = { at, kind };
  };
  for (let i = 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x300) continue;
    const previous = text.charCodeAt(i - 1);
    if (isLowSurrogate(code) && isHighSurrogate(previous)) consider(i, 'surrogate pair');
    else if (previous === 0x200d) consider(i, 'ZWJ sequence');
    else if (code <= 0x36f || (code >= 0x1ab0 && code <= 0x1aff) || (code >= 0x20d0 && code <= 0x20ff) || (code >= 0xfe20 && code <= 0xfe2f)) {
      consider(i, 'combining sequence');
    }
  }
  return chosen;
}

export const truncateMidGrapheme: ChaosOperator = {
  name: 'truncate-mid-grapheme',
  family: 'size',
  description: 'Cuts the text inside a character on purpose: between surrogates, before a combining mark, or after a ZWJ.',
  property: GRACEFUL,
  apply(text, rng) {
    const cut = midGraphemeCut(text, rng);
    if (cut) {
      return outcome(text, text.slice(0, cut.at), [`cut at ${cut.at}, inside a ${cut.kind}`]);
    }
    // Plain text has no character to cut into: simulate a stream cut inside an emoji.
    const at = codePointBoundary(text, Math.floor(text.length * (0.3 + 0.4 * rng.next())));
    return outcome(text, `${text.slice(0, at)}\ud83d`, [`cut at ${at} and left a dangling high surrogate, as from a split emoji`]);
  },
};

const FILLER_SENTENCES = [
  'The quarterly report lists revenue, costs and headcount for each region without further comment.',
  'Meeting notes: the team reviewed the backlog, agreed on priorities and scheduled the next sync.',
  'This paragraph is background material and does not change the request that follows it.',
  'Customers in the pilot group used the feature twice a week on average during the trial period.',
  'The appendix repeats the glossary so that each section can be read on its own.',
  'Shipping times vary by carrier, destination and season, as described in the logistics handbook.',
] as const;

function padToContextFraction(fraction: number): ChaosOperator {
  const percent = Math.round(fraction * 100);
  return {
    name: `pad-context-${percent}`,
    family: 'size',
    description: `Prepends neutral filler text until the input fills about ${percent}% of the model's context window (in tokens).`,
    property: `${GRACEFUL}; the request after the filler is still answered as for the source (or a clear context-length error)`,
    optIn: true,
    apply(text, rng, ctx) {
      const window = ctx.contextWindowTokens ?? DEFAULT_CONTEXT_WINDOW_TOKENS;
      const target = Math.floor(window * fraction);
      const separator = '\n\n';
      const need = target - ctx.estimateTokens(text + separator);
      if (need <= 0) return outcome(text, text, []);
      const unit = `${rng.shuffled(FILLER_SENTENCES).slice(0, 3).join(' ')} `;
      const sampleReps = 16;
      const charsPerToken = (unit.length * sampleReps) / Math.max(1, ctx.estimateTokens(unit.repeat(sampleReps)));
      let fillerChars = Math.floor(need * charsPerToken);
      let padded = text;
      // Estimators are not perfectly additive: measure the whole and correct a few times.
      for (let attempt = 0; attempt < 4 && fillerChars > 0; attempt++) {
        padded = filler(unit, fillerChars) + separator + text;
        const off = ctx.estimateTokens(padded) - target;
        if (off <= 0 && -off <= Math.max(1, target * 0.002)) break;
        fillerChars -= Math.ceil(off * charsPerToken);
      }
      if (fillerChars <= 0) return outcome(text, text, []);
      const tokens = ctx.estimateTokens(padded);
      return outcome(text, padded, [
        `prepended ${fillerChars} characters of filler to reach ${tokens} of ${window} tokens (target ${percent}%)`,
      ]);
    },
  };
}

/** `length` characters of repeated filler, built with repeat() so megabytes cost milliseconds. */
function filler(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

export const SIZE_OPERATORS: readonly ChaosOperator[] = [
  empty,
  whitespaceOnly,
  controlCharacters,
  repeatToken,
  truncateTail,
  truncateMidGrapheme,
  padToContextFraction(0.5),
  padToContextFraction(0.9),
  padToContextFraction(0.99),
];
