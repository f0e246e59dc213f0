/**
 * Characters and shapes that break naive JSON building, Markdown/HTML rendering and list handling
 * downstream of the model, plus reordering that a correct answer must not depend on.
 */
import { outcome, type ChaosOperator } from '../operator.js';
import type { Rng } from '../random.js';
import { describePositions, insertAt, isHighSurrogate, isLowSurrogate, randomClusterBoundaries, randomWordBoundary } from '../text.js';
import { plural } from '../../text.js';

const STILL_VALID = 'output still valid (JSON/schema holds) and same answer as source';
const RENDERS_SAFELY = 'same answer as source; markup in the input is treated as text, not executed or left open';

function sprinkle(name: string, description: string, label: string, pieces: readonly string[]): ChaosOperator {
  return {
    name,
    family: 'structure',
    description,
    property: STILL_VALID,
    apply(text, rng) {
      const count = rng.between(2, 5);
      const positions = randomClusterBoundaries(text, rng, count);
      const inserts = positions.map((at) => ({ at, piece: rng.pick(pieces) }));
      return outcome(text, insertAt(text, inserts), [`inserted ${plural(count, label)} at ${describePositions(positions)}`]);
    },
  };
}

export const jsonQuotes = sprinkle(
  'json-quotes',
  'Inserts stray double quotes, escaped quotes and half key/value fragments.',
  'quote fragment',
  ['"', '\\"', '", "', '": "', '""', "'\"'"],
);

export const jsonBackslashes = sprinkle(
  'json-backslashes',
  'Inserts backslashes and broken escape sequences (\\, \\\\, \\u00, \\x).',
  'backslash fragment',
  ['\\', '\\\\', '\\u00', '\\x', '\\n', 'C:\\new\\table\\'],
);

export const jsonBraces = sprinkle(
  'json-braces',
  'Inserts unbalanced braces and brackets ({, }, [, ], },{).',
  'brace fragment',
  ['{', '}', '[', ']', '},{', '{"', '}]'],
);

export const lineSeparators = sprinkle(
  'line-separators',
  'Inserts U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR (valid JSON, invalid in old JavaScript).',
  'line/paragraph separator',
  ['\u2028', '\u2029'],
);

export const loneSurrogates: ChaosOperator = {
  name: 'lone-surrogates',
  family: 'structure',
  description: 'Inserts unpaired UTF-16 surrogates (invalid Unicode that breaks UTF-8 encoders).',
  property: 'handled gracefully: no crash; the output is valid Unicode',
  apply(text, rng) {
    // Distinct points: two insertions at one point could pair up into a valid character.
    const positions = [...new Set(randomClusterBoundaries(text, rng, rng.between(1, 3)))];
    const inserts = positions.map((at) => {
      // A high surrogate before a low one (or a low after a high) would pair up into a valid character.
      const before = at > 0 ? text.charCodeAt(at - 1) : 0;
      const after = at < text.length ? text.charCodeAt(at) : 0;
      const high = String.fromCharCode(0xd800 + rng.int(0x400));
      const low = String.fromCharCode(0xdc00 + rng.int(0x400));
      if (!isLowSurrogate(after) && (rng.chance(0.5) || isHighSurrogate(before))) return { at, piece: high };
      if (!isHighSurrogate(before)) return { at, piece: low };
      return { at, piece: `${high}x` };
    });
    return outcome(text, insertAt(text, inserts), [`inserted ${plural(positions.length, 'lone surrogate')} at ${describePositions(positions)}`]);
  },
};

export const deepNesting: ChaosOperator = {
  name: 'deep-nesting',
  family: 'structure',
  description: 'Appends a JSON-looking value nested hundreds of levels deep.',
  property: 'handled gracefully and same answer as source: no recursion blow-up downstream',
  apply(text, rng) {
    const depth = rng.between(200, 2000);
    const [open, close] = rng.chance(0.5) ? ['[', ']'] : ['{"a":', '}'];
    const blob = `${open.repeat(depth)}0${close.repeat(depth)}`;
    return outcome(text, `${text}\n${blob}`, [`appended a value nested ${depth} levels deep`]);
  },
};

export const unclosedCodeFence: ChaosOperator = {
  name: 'unclosed-code-fence',
  family: 'structure',
  description: 'Opens a Markdown code fence (```) that is never closed.',
  property: RENDERS_SAFELY,
  apply(text, rng) {
    const at = lineStart(text, rng);
    const fence = rng.pick(['```', '```json', '~~~', '```python']);
    return outcome(text, insertAt(text, [{ at, piece: `${fence}\n` }]), [`opened an unclosed ${fence} fence at ${at}`]);
  },
};

const HTML_PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror="alert(1)">',
  '</textarea><script>document.title="pwned"</script>',
  '<iframe src="javascript:alert(1)"></iframe>',
] as const;

export const htmlScript: ChaosOperator = {
  name: 'html-script',
  family: 'structure',
  description: 'Inserts <script> and event-handler HTML that would run if rendered unescaped.',
  property: RENDERS_SAFELY,
  apply(text, rng) {
    const at = randomWordBoundary(text, rng);
    const payload = rng.pick(HTML_PAYLOADS);
    return outcome(text, insertAt(text, [{ at, piece: `${payload} ` }]), [`inserted ${payload} at ${at}`]);
  },
};

export const tablePipes: ChaosOperator = {
  name: 'table-pipes',
  family: 'structure',
  description: 'Turns some spaces into Markdown table pipes and adds a table separator row.',
  property: RENDERS_SAFELY,
  apply(text, rng) {
    let pipes = 0;
    const piped = text.replace(/ /g, (space) => {
      if (!rng.chance(0.15)) return space;
      pipes++;
      return ' | ';
    });
    const at = lineStart(piped, rng);
    const out = insertAt(piped, [{ at, piece: '| --- | --- |\n' }]);
    return outcome(text, out, [`added ${plural(pipes, 'pipe')} and a table separator row at ${at}`]);
  },
};

const LIST_ITEM = /^(\s*(?:[-*+]|\d{1,4}[.)])\s+)(.*)$/;

export const shuffleListItems: ChaosOperator = {
  name: 'shuffle-list-items',
  family: 'structure',
  description: 'Shuffles the items of each list (lines starting with -, *, + or 1.), keeping the markers in place.',
  property: 'same answer as source: list order carries no meaning',
  apply(text, rng) {
    const lines = text.split('\n');
    const ops: string[] = [];
    let runStart = -1;
    let runKind: string | undefined;
    const flush = (end: number): void => {
      if (runStart >= 0 && end - runStart >= 2) shuffleRun(lines, runStart, end, rng, ops);
      runStart = -1;
    };
    for (let i = 0; i < lines.length; i++) {
      const kind = listKind(lines[i] as string);
      // A new marker style or indentation starts a different list.
      if (kind !== runKind) flush(i);
      if (kind !== undefined && runStart < 0) runStart = i;
      runKind = kind;
    }
    flush(lines.length);
    return outcome(text, lines.join('\n'), ops);
  },
};

/** "  -" for a bullet item, "  1." for a numbered one (indentation included); undefined otherwise. */
function listKind(line: string): string | undefined {
  const match = LIST_ITEM.exec(line);
  if (!match) return undefined;
  const marker = (match[1] as string).trimEnd();
  return /\d/.test(marker) ? marker.replace(/\d+/, '#') : marker;
}

/** Shuffles the contents of lines[start, end) in place; markers ("1.", "-") stay in position. */
function shuffleRun(lines: string[], start: number, end: number, rng: Rng, ops: string[]): void {
  const parts = lines.slice(start, end).map((line) => LIST_ITEM.exec(line) as RegExpExecArray);
  const order = parts.map((_, k) => k);
  let shuffled = rng.shuffled(order);
  // One rotation when the shuffle happened to be the identity, so a list of 2+ items always moves.
  if (shuffled.every((value, k) => value === k)) shuffled = [...order.slice(1), 0];
  for (let k = 0; k < parts.length; k++) {
    const marker = (parts[k] as RegExpExecArray)[1] as string;
    const content = (parts[shuffled[k] as number] as RegExpExecArray)[2] as string;
    lines[start + k] = marker + content;
  }
  ops.push(`shuffled ${parts.length} list items on lines ${start + 1}-${end} into order ${shuffled.map((k) => k + 1).join(',')}`);
}

function lineStart(text: string, rng: Rng): number {
  const from = rng.int(text.length + 1);
  const newline = text.indexOf('\n', from);
  return newline === -1 ? text.lastIndexOf('\n', from - 1) + 1 : newline + 1;
}

export const STRUCTURE_OPERATORS: readonly ChaosOperator[] = [
  jsonQuotes,
  jsonBackslashes,
  jsonBraces,
  lineSeparators,
  loneSurrogates,
  deepNesting,
  unclosedCodeFence,
  htmlScript,
  tablePipes,
  shuffleListItems,
];
