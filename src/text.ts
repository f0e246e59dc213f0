/** Text cut for display: at most `max` characters, the last of them `…` when anything was cut. */
export function clipText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Runs of whitespace (newlines included) as one space, trimmed: a message shown on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
