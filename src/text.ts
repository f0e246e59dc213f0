/** Text cut for display: at most `max` characters, the last of them `…` when anything was cut. */
export function clipText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `1 day`, `3 days`: a count and its noun, singular for exactly one. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Runs of whitespace (newlines included) as one space, trimmed: a message shown on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Code-unit order (what `Array.prototype.sort` gives strings), as a comparator. Used where
 * localeCompare would also do: its first call loads ICU's collation data, 20–150 ms of a start.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `a`, `a and b`, `a, b and c`: items as a sentence names them. */
export function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}
