/**
 * Rewrites V8's `… in JSON at position N` into line/column terms, which is what a user can find
 * in an editor. `text` is the exact string that was given to JSON.parse.
 */
export function describeJsonError(error: unknown, text: string): { line: number; message: string } {
  const raw = error instanceof Error ? error.message : String(error);
  const match = /\s*(?:in JSON )?at position (\d+)(?: \(line \d+ column \d+\))?/.exec(raw);
  const position = match ? Number(match[1]) : text.length;
  const base = (match ? raw.slice(0, match.index) + raw.slice(match.index + match[0].length) : raw).trim();
  const { line, column } = lineAndColumn(text, position);
  return { line, message: `not valid JSON (${base} at column ${column})` };
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let index = 0; index < end; index += 1) {
    if (text.charCodeAt(index) === 10) {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
