import { InputError } from '../errors.js';

export interface SplitPromptFile {
  /** The YAML between the `---` fences. */
  yaml: string;
  /** Line in the file of the first YAML line. */
  yamlLine: number;
  /** Everything after the closing fence, LF line endings, trailing newlines removed. */
  body: string;
  /** Line in the file of the first body line. */
  bodyLine: number;
}

const FENCE = /^---[ \t]*$/;

/** Splits `---\n<yaml>\n---\n<body>`; line endings are normalized to LF first. */
export function splitFrontMatter(text: string, file: string): SplitPromptFile {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const hint = 'a prompt file starts with YAML front matter between two `---` lines, then the template body';
  if (!FENCE.test(lines[0] ?? '')) {
    throw new InputError('missing front matter: the first line must be `---`', { file, line: 1 }, hint);
  }
  const closing = lines.findIndex((line, index) => index > 0 && FENCE.test(line));
  if (closing < 0) {
    throw new InputError('front matter is not closed: no second `---` line', { file, line: 1 }, hint);
  }
  return {
    yaml: lines.slice(1, closing).join('\n'),
    yamlLine: 2,
    body: lines.slice(closing + 1).join('\n').replace(/\n+$/, ''),
    bodyLine: closing + 2,
  };
}
