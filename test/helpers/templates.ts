/** Prompt templates built from a body, for compile and render tests. */
import { parsePromptFile } from '../../src/prompts/parsePromptFile.js';
import type { PromptTemplate } from '../../src/prompts/index.js';

export const TEMPLATE_FILE = 'prompts/triage.v2.hbs';

/** A template whose body starts on file line 6 (front matter is lines 1–5). */
export function template(body: string, extraFrontMatter = ''): PromptTemplate {
  const frontMatter = `id: triage\nversion: v2\nmax_tokens: 100${extraFrontMatter ? `\n${extraFrontMatter}` : ''}`;
  return parsePromptFile(`---\n${frontMatter}\n---\n${body}`, TEMPLATE_FILE);
}
