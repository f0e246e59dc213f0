/**
 * A prompt version from its front matter once read (by the YAML library, or in the simple shape
 * without it, see simpleFrontMatter.ts) and checked against the schema.
 */
import { resolve } from 'node:path';
import { displayPath } from '../displayPath.js';
import { promptContentHash } from './contentHash.js';
import type { SplitPromptFile } from './frontMatter.js';
import type { FrontMatter } from './frontMatterSchema.js';
import { checkTemplateParams } from './modelParams.js';
import { checkTemplateCacheMarks, toolChoiceOf, toolsOf } from './tools.js';
import type { CacheTtl, PromptTemplate, SystemBlockTemplate, TemplateKeyLines } from './types.js';
import { parseDeclaredType } from './variableTypes.js';

/** Where things are in the front matter: lines within the YAML text (1-based), for messages. */
export interface FrontMatterLines {
  /** The line of the deepest key along `path` that exists (the first key's line for none). */
  lineOf(path: readonly PropertyKey[]): number;
  /** The line where the scalar at `path` starts its text, or undefined when there is none. */
  scalarLineOf(path: readonly PropertyKey[]): number | undefined;
}

/** The template of a front matter that passed the schema (`raw` is what was read, for the hash). */
export function templateFromFrontMatter(raw: unknown, frontMatter: FrontMatter, split: SplitPromptFile, file: string, lines: FrontMatterLines): PromptTemplate {
  const absolute = resolve(file);
  const shown = displayPath(absolute);
  const toFileLine = (yamlLine: number): number => split.yamlLine - 1 + yamlLine;
  const fieldLine = (...path: PropertyKey[]) => toFileLine(lines.lineOf(path));

  const template: PromptTemplate = {
    id: frontMatter.id,
    version: String(frontMatter.version),
    maxTokens: frontMatter.max_tokens,
    body: split.body,
    file: absolute,
    hash: promptContentHash(raw, split.body),
    bodyLine: split.bodyLine,
    keyLines: keyLinesOf(frontMatter, fieldLine),
  };
  if (frontMatter.description !== undefined) template.description = frontMatter.description;
  if (frontMatter.model !== undefined) template.model = frontMatter.model;
  if (typeof frontMatter.system === 'string') {
    template.system = frontMatter.system.replace(/\n+$/, '');
    const systemLine = lines.scalarLineOf(['system']);
    if (systemLine !== undefined) template.systemLine = toFileLine(systemLine);
  } else if (frontMatter.system !== undefined) {
    template.systemBlocks = frontMatter.system.map((block, i) => {
      const parsedBlock: SystemBlockTemplate = { text: block.text.replace(/\n+$/, '') };
      const cache = ttlOf(block.cache);
      if (cache) parsedBlock.cache = cache;
      const line = lines.scalarLineOf(['system', i, 'text']);
      if (line !== undefined) parsedBlock.line = toFileLine(line);
      return parsedBlock;
    });
  }
  if (frontMatter.tools !== undefined) template.tools = toolsOf(frontMatter.tools, { file: shown, lineOf: (...path) => fieldLine('tools', ...path) });
  if (frontMatter.tool_choice !== undefined) {
    template.toolChoice = toolChoiceOf(frontMatter.tool_choice, template.tools, { file: shown, line: fieldLine('tool_choice') });
  }
  if (frontMatter.stream !== undefined) template.stream = frontMatter.stream;
  checkTemplateCacheMarks(template, { file: shown, line: fieldLine(template.tools ? 'tools' : 'system') });
  if (frontMatter.stop_sequences !== undefined) template.stopSequences = frontMatter.stop_sequences;
  if (frontMatter.output !== undefined) template.output = frontMatter.output;
  if (frontMatter.params !== undefined) {
    checkTemplateParams(frontMatter.params, frontMatter, { file: shown, lineOf: fieldLine });
    template.params = frontMatter.params;
  }
  if (frontMatter.variables !== undefined) Object.assign(template, declaredVariables(frontMatter.variables, (key) => fieldLine('variables', key)));
  return template;
}

function keyLinesOf(frontMatter: FrontMatter, fieldLine: (...path: PropertyKey[]) => number): TemplateKeyLines {
  const lines: TemplateKeyLines = { maxTokens: fieldLine('max_tokens') };
  if (frontMatter.params?.thinking !== undefined) lines.thinkingType = fieldLine('params', 'thinking', 'type');
  if (frontMatter.tool_choice !== undefined) lines.toolChoice = fieldLine('tool_choice');
  return lines;
}

/** `cache: true` is the default TTL. */
function ttlOf(mark: '5m' | '1h' | true | undefined): CacheTtl | undefined {
  return mark === undefined ? undefined : mark === true ? '5m' : mark;
}

function declaredVariables(declared: Record<string, string>, lineOf: (key: string) => number): Pick<PromptTemplate, 'variables' | 'optionalVariables' | 'variableLines'> {
  const variables: NonNullable<PromptTemplate['variables']> = {};
  const variableLines: Record<string, number> = {};
  const optionalVariables: string[] = [];
  for (const [key, text] of Object.entries(declared)) {
    // The schema has already checked the pattern, so this always parses.
    const declaration = parseDeclaredType(text);
    if (!declaration) continue;
    // `note?: string` (TypeScript's way) means the same as `note: string?`.
    const name = key.endsWith('?') ? key.slice(0, -1) : key;
    variables[name] = declaration.type;
    variableLines[name] = lineOf(key);
    if (declaration.optional || name !== key) optionalVariables.push(name);
  }
  return optionalVariables.length > 0 ? { variables, optionalVariables, variableLines } : { variables, variableLines };
}
