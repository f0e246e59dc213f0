import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, parseDocument, isMap } from 'yaml';
import { InputError } from '../errors.js';
import { ProblemList, problemsFromZod, typeName } from '../datasets/problems.js';
import { promptContentHash } from './contentHash.js';
import { displayPath } from '../displayPath.js';
import { splitFrontMatter } from './frontMatter.js';
import { frontMatterKeys, frontMatterSchema, type FrontMatter } from './frontMatterSchema.js';
import { checkTemplateCacheMarks, toolChoiceOf, toolsOf } from './tools.js';
import type { CacheTtl, PromptTemplate, SystemBlockTemplate } from './types.js';
import { parseDeclaredType } from './variableTypes.js';
import { lineOfPath, lineOfScalarText } from './yamlLines.js';

const FIELD_PREFIX = 'front matter';

/** Parses one prompt version. `file` is used for error messages and resolved for `template.file`. */
export function parsePromptFile(text: string, file: string): PromptTemplate {
  const absolute = resolve(file);
  const shown = displayPath(absolute);
  const split = splitFrontMatter(text, shown);
  const toFileLine = (yamlLine: number): number => split.yamlLine - 1 + yamlLine;

  const lineCounter = new LineCounter();
  const document = parseDocument(split.yaml, { lineCounter, prettyErrors: false });
  const firstYamlError = document.errors[0];
  if (firstYamlError) {
    const { line, col } = lineCounter.linePos(firstYamlError.pos[0]);
    const detail = firstYamlError.message.split('\n')[0] ?? '';
    throw new InputError(`not valid YAML (${detail} at column ${col})`, { file: shown, line: toFileLine(line), field: FIELD_PREFIX });
  }
  const raw: unknown = document.toJS();
  if (!isMap(document.contents)) {
    throw new InputError(
      `expected a mapping of keys (id, version, max_tokens …), got ${typeName(raw)}`,
      { file: shown, line: split.yamlLine, field: FIELD_PREFIX },
    );
  }

  const parsed = frontMatterSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = new ProblemList();
    const allowed = (path: readonly PropertyKey[]): readonly string[] => (path.length === 0 ? frontMatterKeys : []);
    for (const problem of problemsFromZod(parsed.error.issues, raw, allowed)) {
      const path = problem.field?.split('.') ?? [];
      problems.add({
        line: toFileLine(lineOfPath(document, path, lineCounter)),
        field: problem.field ? `${FIELD_PREFIX}.${problem.field}` : FIELD_PREFIX,
        message: problem.message,
      });
    }
    problems.throwIfAny(shown);
    throw new InputError('invalid front matter', { file: shown, field: FIELD_PREFIX });
  }
  const frontMatter: FrontMatter = parsed.data;
  const systemLine = lineOfScalarText(document.get('system', true), lineCounter);
  const fieldLine = (...path: PropertyKey[]) => toFileLine(lineOfPath(document, path, lineCounter));

  const template: PromptTemplate = {
    id: frontMatter.id,
    version: String(frontMatter.version),
    maxTokens: frontMatter.max_tokens,
    body: split.body,
    file: absolute,
    hash: promptContentHash(raw, split.body),
    bodyLine: split.bodyLine,
  };
  if (frontMatter.description !== undefined) template.description = frontMatter.description;
  if (frontMatter.model !== undefined) template.model = frontMatter.model;
  if (typeof frontMatter.system === 'string') {
    template.system = frontMatter.system.replace(/\n+$/, '');
    if (systemLine !== undefined) template.systemLine = toFileLine(systemLine);
  } else if (frontMatter.system !== undefined) {
    template.systemBlocks = frontMatter.system.map((block, i) => {
      const parsedBlock: SystemBlockTemplate = { text: block.text.replace(/\n+$/, '') };
      const cache = ttlOf(block.cache);
      if (cache) parsedBlock.cache = cache;
      const line = lineOfScalarText(document.getIn(['system', i, 'text'], true), lineCounter);
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
  if (frontMatter.params !== undefined) template.params = frontMatter.params;
  if (frontMatter.variables !== undefined) Object.assign(template, declaredVariables(frontMatter.variables));
  return template;
}

/** `cache: true` is the default TTL. */
export function ttlOf(mark: '5m' | '1h' | true | undefined): CacheTtl | undefined {
  return mark === undefined ? undefined : mark === true ? '5m' : mark;
}

function declaredVariables(declared: Record<string, string>): Pick<PromptTemplate, 'variables' | 'optionalVariables'> {
  const variables: NonNullable<PromptTemplate['variables']> = {};
  const optionalVariables: string[] = [];
  for (const [key, text] of Object.entries(declared)) {
    // The schema has already checked the pattern, so this always parses.
    const declaration = parseDeclaredType(text);
    if (!declaration) continue;
    // `note?: string` (TypeScript's way) means the same as `note: string?`.
    const name = key.endsWith('?') ? key.slice(0, -1) : key;
    variables[name] = declaration.type;
    if (declaration.optional || name !== key) optionalVariables.push(name);
  }
  return optionalVariables.length > 0 ? { variables, optionalVariables } : { variables };
}

/** Reads and parses one prompt file. */
export async function loadPromptFile(file: string): Promise<PromptTemplate> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError('prompt file not found', { file }, 'check the path in the suite\'s `prompt` field', error);
    }
    throw error;
  }
  return parsePromptFile(text, file);
}
