import { resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isScalar, type YAMLMap } from 'yaml';
import { InputError } from '../errors.js';
import { ProblemList, problemsFromZod, typeName } from '../datasets/problems.js';
import { displayPath } from '../displayPath.js';
import { splitFrontMatter } from './frontMatter.js';
import { frontMatterKeys, frontMatterSchema } from './frontMatterSchema.js';
import { templateFromFrontMatter } from './promptTemplate.js';
import type { PromptTemplate } from './types.js';
import { lineOfPath, lineOfScalarText } from './yamlLines.js';

const FIELD_PREFIX = 'front matter';

/** Parses one prompt version. `file` is used for error messages and resolved for `template.file`. */
export function parsePromptFile(text: string, file: string): PromptTemplate {
  const shown = displayPath(resolve(file));
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
  keepVersionAsWritten(document.contents, raw as Record<string, unknown>);

  const parsed = frontMatterSchema().safeParse(raw);
  if (!parsed.success) {
    const problems = new ProblemList();
    const allowed = (path: readonly PropertyKey[]): readonly string[] => (path.length === 0 ? frontMatterKeys() : []);
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
  return templateFromFrontMatter(raw, parsed.data, split, file, {
    lineOf: (path) => lineOfPath(document, path, lineCounter),
    scalarLineOf: (path) => lineOfScalarText(document.getIn(path, true), lineCounter),
  });
}

/**
 * A numeric version as the file writes it, when its fraction ends in zeros: YAML reads
 * `version: 1.10` as the number 1.1, which would run and record it as version "1.1", the same as
 * the file that says `1.1`. Other numbers keep the version they have always been read as (`2.0`
 * is "2", `3` is "3"), so records, baselines and `versions:` lists made before stay valid.
 */
function keepVersionAsWritten(contents: YAMLMap, raw: Record<string, unknown>): void {
  const node = contents.get('version', true);
  if (!isScalar(node) || typeof node.value !== 'number' || typeof node.source !== 'string') return;
  if (FRACTION_ENDING_IN_ZEROS.test(node.source)) raw.version = node.source;
}

/** `1.10`, `2.50`, `1.200`: a fraction whose last digits are zeros after a non-zero one. */
const FRACTION_ENDING_IN_ZEROS = /^\d+\.\d*[1-9]0+$/;
