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

export type { PromptgoldConfig };

export function defineConfig(config: PromptgoldConfig): PromptgoldConfig {
  return config;
}

const CONFIG_FILES = ['promptgold.config.ts', 'promptgold.config.mjs', 'promptgold.config.js', 'promptgold.config.json'];

export async function loadConfig(root = process.cwd()): Promise<{ config: PromptgoldConfig; file?: string }> {
  const name = CONFIG_FILES.find((candidate) => existsSync(join(root, candidate)));
  if (!name) return { config: {} };
  const file = join(root, name);
  let value: unknown;
  try {
    if (name.endsWith('.json')) value = JSON.parse(utf8Text(readFileSync(file), name));
    else value = (await importUserModule(file, name)).default;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`could not load the config: ${errorMessage(error)}`, { file: name });
  }
  const { configShape } = await import('./configSchema.js');
  const parsed = configShape.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(issue.message, { file: name, field: issue.path.join('.') }, 'see "Configuration" in the README');
  }
  return { config: parsed.data, file: name };
}
