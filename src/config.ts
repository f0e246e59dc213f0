/**
 * Project configuration: `promptgold.config.json` (or `.ts` / `.mjs` exporting `defineConfig(…)`)
 * in the project root. Everything is optional; flags override it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, errorMessage } from './errors.js';
import { importUserModule } from './engine/importUserModule.js';
import type { PromptgoldConfig } from './configSchema.js';
import { utf8Text } from './utf8.js';
import { mayRepeatKeys, REPEATED_KEY_FIX, repeatedKeyProblem, repeatedKeys } from './repeatedKeys.js';
import { describeJsonError, lineAndColumn } from './datasets/jsonError.js';

export type { PromptgoldConfig };

export function defineConfig(config: PromptgoldConfig): PromptgoldConfig {
  return config;
}

const CONFIG_FILES = ['promptgold.config.ts', 'promptgold.config.mjs', 'promptgold.config.js', 'promptgold.config.json'];

export async function loadConfig(root = process.cwd()): Promise<{ config: PromptgoldConfig; file?: string }> {
  const found = CONFIG_FILES.filter((candidate) => existsSync(join(root, candidate)));
  const name = found[0];
  if (!name) return { config: {} };
  if (found.length > 1) {
    // Reading one would silently drop the other's settings (a budget, a policy).
    throw new InputError(`two config files: ${found.join(' and ')}; promptgold reads one`, { file: found[1] }, `keep one of them (merge the settings into ${name})`);
  }
  const file = join(root, name);
  let value: unknown;
  /** The JSON config's text, which locates a refused setting's line; a module config has none. */
  let jsonText: string | undefined;
  try {
    if (name.endsWith('.json')) {
      // A leading byte-order mark is fine, as in every file read from the user.
      const text = utf8Text(readFileSync(file), name).replace(/^\uFEFF/, '');
      value = parseConfigJson(text, name);
      refuseRepeatedKeys(text, value, name);
      jsonText = text;
    }
    else {
      const module = await importUserModule(file, name);
      if (!('default' in module)) {
        const named = Object.keys(module);
        throw new InputError(
          `the config module has no default export${named.length ? ` (it exports ${named.join(', ')})` : ''}, so none of its settings would apply`,
          { file: name },
          'export default defineConfig({ … })',
        );
      }
      value = module.default;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`could not load the config: ${errorMessage(error)}`, { file: name });
  }
  const { configShape } = await import('./configSchema.js');
  const parsed = configShape.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // An unknown key is named itself, not the object it is in.
    const path = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path;
    const line = jsonText === undefined ? undefined : await lineInJson(jsonText, path);
    throw new InputError(issue.message, { file: name, ...(line !== undefined && { line }), field: path.join('.') }, 'see "Configuration" in the README');
  }
  return { config: parsed.data, file: name };
}

/**
 * The line of the field at `path` in JSON text (of its deepest part that is there), read as YAML, of
 * which JSON is a part, as a prompt's front matter locates its fields; undefined if it does not read.
 */
async function lineInJson(text: string, path: readonly PropertyKey[]): Promise<number | undefined> {
  const [{ LineCounter, parseDocument }, { lineOfPath }] = await Promise.all([import('yaml'), import('./prompts/yamlLines.js')]);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  return document.errors.length ? undefined : lineOfPath(document, path, lineCounter);
}

/** The config's JSON; a syntax error names its line and column. */
function parseConfigJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const { line, message } = describeJsonError(error, text);
    throw new InputError(message, { file: name, line }, 'fix the JSON (a trailing comma, a missing quote or brace)');
  }
}

/** A setting written twice would apply only its last value (a budget raised without a word): refused. */
function refuseRepeatedKeys(text: string, value: unknown, name: string): void {
  if (!mayRepeatKeys(text, value)) return;
  const [repeat] = repeatedKeys(text);
  if (!repeat) return;
  const problem = repeatedKeyProblem(repeat.key, `on line ${lineAndColumn(text, repeat.firstAt).line}`);
  throw new InputError(problem, { file: name, line: lineAndColumn(text, repeat.at).line, field: repeat.field }, REPEATED_KEY_FIX);
}
