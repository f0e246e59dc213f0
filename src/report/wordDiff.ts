/**
 * Word-level diff of two outputs, shared by the Markdown report and the HTML page (bundled into its
 * script), so both show the same changes. Texts are split into words, runs of whitespace and single
 * punctuation marks; the token sequences are diffed with Myers' O(ND) algorithm after trimming the
 * common prefix and suffix. Past MAX_EDITS the two middles are shown as one removal and one addition
 * rather than spending seconds on a diff nobody can read. A run of spaces alone between two changes
 * joins them, so a rewritten phrase reads as one removal and one addition, not word-by-word confetti.
 * The parts always rebuild both texts exactly: `same` + `removed` is the baseline, `same` + `added`
 * the candidate. Pure: no DOM, no Node.
 */

export interface DiffPart {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

type Kind = DiffPart['kind'];

/** Beyond this edit distance (in tokens) the changed middles are shown as replaced. */
export const MAX_EDITS = 1500;

export function wordDiff(before: string, after: string): DiffPart[] {
  const a = diffTokens(before);
  const b = diffTokens(after);
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB && a[start] === b[start]) start++;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  pushPart(parts, 'same', a.slice(0, start).join(''));
  const middleA = a.slice(start, endA);
  const middleB = b.slice(start, endB);
  const middle = myersDiff(middleA, middleB);
  if (middle === null) {
    pushPart(parts, 'removed', middleA.join(''));
    pushPart(parts, 'added', middleB.join(''));
  } else {
    for (const [kind, token] of middle) pushPart(parts, kind, token);
  }
  pushPart(parts, 'same', a.slice(endA).join(''));
  return absorbSpaces(parts);
}

/**
 * Git word-diff style for plain text (`kept [-removed-]{+added+} kept`), on one line, keeping
 * `context` words around each change and eliding the rest of an unchanged stretch with `…`.
 * Changes in whitespace alone do not count: texts that differ only there are `(identical)`.
 */
export function formatWordDiff(parts: DiffPart[], context = 4): string {
  const visible = ignoreWhitespaceChanges(parts);
  if (!visible.some((p) => p.kind !== 'same')) return '(identical)';
  return visible
    .map((p, index) => {
      if (p.kind === 'removed') return mark(p.text, '[-', '-]');
      if (p.kind === 'added') return mark(p.text, '{+', '+}');
      return elide(p.text, context, index === 0, index === visible.length - 1);
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

function diffTokens(text: string): string[] {
  return text.match(/\s+|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? [];
}

/** Token edit script from `a` to `b`, or null when it takes more than MAX_EDITS edits. */
function myersDiff(a: string[], b: string[]): Array<[Kind, string]> | null {
  const n = a.length;
  const m = b.length;
  const limit = Math.min(n + m, MAX_EDITS);
  const offset = limit + 1;
  // v[offset + k] = furthest x reached on diagonal k; trace[d] keeps diagonals -d..d before round d.
  const v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= limit; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], a: string[], b: string[]): Array<[Kind, string]> {
  const ops: Array<[Kind, string]> = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]!;
    const at = (k: number): number => v[k + d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push(['same', a[x - 1]!]);
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push(['added', b[y - 1]!]);
      else ops.push(['removed', a[x - 1]!]);
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

function pushPart(parts: DiffPart[], kind: Kind, text: string): void {
  if (!text) return;
  const last = parts.at(-1);
  if (last && last.kind === kind) last.text += text;
  else parts.push({ kind, text });
}

/** Interior whitespace-only stretches between changes join the changes on both sides. */
function absorbSpaces(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let removed = '';
  let added = '';
  const flush = (): void => {
    if (removed) out.push({ kind: 'removed', text: removed });
    if (added) out.push({ kind: 'added', text: added });
    removed = '';
    added = '';
  };
  parts.forEach((part, index) => {
    if (part.kind === 'removed') removed += part.text;
    else if (part.kind === 'added') added += part.text;
    else if (index > 0 && index < parts.length - 1 && /^\s+$/.test(part.text)) {
      removed += part.text;
      added += part.text;
    } else {
      flush();
      out.push(part);
    }
  });
  flush();
  return out;
}

/** A removal or addition of whitespace alone reads as unchanged text (the candidate's side). */
function ignoreWhitespaceChanges(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (const part of parts) {
    if (part.kind === 'same' || part.text.trim()) pushPart(out, part.kind, part.text);
    else if (part.kind === 'added') pushPart(out, 'same', part.text);
  }
  return out;
}

/** Brackets around the words of a change; its outer whitespace stays outside them. */
function mark(text: string, open: string, close: string): string {
  const [, lead, words, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
  return `${lead}${open}${words}${close}${trail}`;
}

function elide(text: string, context: number, first: boolean, last: boolean): string {
  const words = text.split(/\s+/).filter(Boolean);
  const head = first ? 0 : context;
  const tail = last ? 0 : context;
  if (words.length <= head + tail + 1) return text;
  const lead = /^\s/.test(text) ? ' ' : '';
  const trail = /\s$/.test(text) ? ' ' : '';
  return `${lead}${[...words.slice(0, head), '…', ...words.slice(words.length - tail)].join(' ')}${trail}`;
}
