/**
 * Text as the report shows it. Bidi and zero-width controls are replaced by a visible marker such
 * as ⟨U+202E⟩: a reviewer must see that an output reorders or hides text, not be fooled by it.
 * Long texts are cut to a limit, and the cut is always recorded so the page can say so.
 */

/** Bidi embeddings/overrides/isolates, marks, and zero-width characters that hide text. */
const INVISIBLE_CONTROLS = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** The same characters, to look for one first: nearly no text has one, and looking costs less than a replace that finds none. */
const HAS_INVISIBLE_CONTROL = new RegExp(INVISIBLE_CONTROLS.source);

export function showInvisibleControls(text: string): string {
  if (!HAS_INVISIBLE_CONTROL.test(text)) return text;
  return text.replace(INVISIBLE_CONTROLS, (char) => `⟨U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

export interface ShownText {
  text: string;
  /** The original length, when the text was cut. */
  cut?: number;
}

/** Whether `showText` cuts the text. */
export function isCut(text: string, limit: number): boolean {
  return text.length > limit;
}

/** Cuts at `limit` characters without splitting a surrogate pair, then makes controls visible. */
export function showText(text: string, limit: number): ShownText {
  if (!isCut(text, limit)) return { text: showInvisibleControls(text) };
  let end = limit;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: showInvisibleControls(text.slice(0, end)), cut: text.length };
}
