/**
 * Short word-level diffs of two outputs for reports: a longest-common-subsequence over words,
 * printed git-word-diff style (`[-old-]{+new+}`) with long unchanged stretches elided.
 */

export interface DiffPart {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/** Beyond this many words per side the LCS table gets large; the outputs are shown as replaced. */
const MAX_WORDS = 600;

export function wordDiff(before: string, after: string): DiffPart[] {
  const a = tokenize(before);
  const b = tokenize(after);
  if (a.length > MAX_WORDS || b.length > MAX_WORDS) return merge([...a.map((w) => part('removed', w)), ...b.map((w) => part('added', w))]);
  // lengths[i][j] = LCS length of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      parts.push(part('same', a[i++]!));
      j++;
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) parts.push(part('removed', a[i++]!));
    else parts.push(part('added', b[j++]!));
  }
  while (i < a.length) parts.push(part('removed', a[i++]!));
  while (j < b.length) parts.push(part('added', b[j++]!));
  return merge(parts);
}

/** `kept words [-removed-]{+added+} kept …`, keeping `context` words around each change. */
export function formatWordDiff(parts: DiffPart[], context = 4): string {
  if (!parts.some((p) => p.kind !== 'same')) return '(identical)';
  const out: string[] = [];
  parts.forEach((p, index) => {
    if (p.kind === 'removed') out.push(`[-${p.text}-]`);
    else if (p.kind === 'added') out.push(`{+${p.text}+}`);
    else out.push(elide(p.text, context, index === 0, index === parts.length - 1));
  });
  return out.join(' ').replace(/\s+/g, ' ').trim();
}

function elide(text: string, context: number, first: boolean, last: boolean): string {
  const words = text.split(' ');
  const head = first ? 0 : context;
  const tail = last ? 0 : context;
  if (words.length <= head + tail + 1) return text;
  return [...words.slice(0, head), '…', ...words.slice(words.length - tail)].join(' ');
}

function tokenize(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

function part(kind: DiffPart['kind'], text: string): DiffPart {
  return { kind, text };
}

function merge(parts: DiffPart[]): DiffPart[] {
  const merged: DiffPart[] = [];
  for (const p of parts) {
    const last = merged.at(-1);
    if (last && last.kind === p.kind) last.text += ` ${p.text}`;
    else merged.push({ ...p });
  }
  return merged;
}
