/**
 * Turns what the test file passed to describeEval into a loaded suite, the provider stack that
 * answers it and the record header, exactly as `promptgold run` would build them (so the plan
 * hash matches and `promptgold compare` can pair a vitest run with a CLI run).
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.js';
import { importSuites, loadSuite, type LoadedSuite, type SuiteOverrides } from '../engine/loadSuite.js';
import { buildRecordHeader } from '../engine/run.js';
import { InputError } from '../errors.js';
import { loadModelTable, type ModelTableJson } from '../providers/pricing.js';
import { createProviderStack, defaultCacheDir, providerKindOf } from '../providers/stack.js';
import type { Provider } from '../providers/types.js';
import type { RecordHeader } from '../records/types.js';
import { defineSuite, isSuite, type FunctionTarget, type Suite, type SuiteDefinition } from '../suite.js';
import { TOOL_VERSION } from '../version.js';

export interface DescribeEvalOptions extends SuiteOverrides {
  /** A suite (from defineSuite), an inline definition, or the path of a `*.eval.ts` suite file. */
  suite: Suite | SuiteDefinition | string;
  /**
   * The file the suite's relative paths (prompt, dataset, recordings) are resolved from: a path or
   * `import.meta.url`. Default: the suite file when `suite` is a path, else the test file.
   */
  file?: string | URL;
  /** Who answers; overrides the suite's `provider`. Env `PROMPTGOLD_PROVIDER` overrides both. */
  provider?: 'replay' | 'anthropic' | FunctionTarget | Provider;
  /** Write every response to the suite's recordings file (env `PROMPTGOLD_RECORD=1`). */
  record?: boolean;
  /** Providers for judge calls of rubric scorers. */
  judge?: (model: string) => Provider;
  /** Project root: config, cache and record paths are relative to it. Default: process.cwd(). */
  root?: string;
}

export interface PreparedEval {
  loaded: LoadedSuite;
  provider: Provider;
  header: RecordHeader;
  providerKind: string;
  /** Templates and dataset, for watch mode. */
  inputs: string[];
}

export function toFilePath(file: string | URL): string {
  if (file instanceof URL) return fileURLToPath(file);
  return file.startsWith('file:') ? fileURLToPath(file) : resolve(file);
}

/** The suites named by the input, each with the file its relative paths resolve from. */
export async function resolveSuites(options: DescribeEvalOptions, testFile: string | undefined): Promise<Array<{ suite: Suite; file: string }>> {
  const given = options.suite;
  if (typeof given === 'string') {
    const root = options.root ?? process.cwd();
    const file = isAbsolute(given) ? given : resolve(root, given);
    const suites = await importSuites(file);
    return suites.map((suite) => ({ suite, file: options.file ? toFilePath(options.file) : file }));
  }
  const suite = isSuite(given) ? given : defineSuite(given);
  const base = options.file ? toFilePath(options.file) : testFile;
  if (!base) throw new InputError('cannot tell which file the suite paths are relative to', { field: 'file' }, 'pass { file: import.meta.url } to describeEval');
  return [{ suite, file: base }];
}

export async function prepareEval(suite: Suite, file: string, options: DescribeEvalOptions): Promise<PreparedEval> {
  const root = options.root ?? process.cwd();
  const withProvider: Suite = options.provider ? { ...suite, provider: options.provider } : suite;
  const loaded = await loadSuite(withProvider, file, overridesOf(options), root);
  const { config } = await loadConfig(root);
  const models = loadModelTable((config.models ?? {}) as Partial<ModelTableJson>);
  const kind = providerKindOf(loaded, process.env.PROMPTGOLD_PROVIDER || undefined);
  const provider = await createProviderStack(loaded, {
    kind,
    record: options.record ?? process.env.PROMPTGOLD_RECORD === '1',
    cacheDir: defaultCacheDir(root, config),
    models,
    config,
  });
  return {
    loaded,
    provider,
    header: buildRecordHeader(loaded, { toolVersion: TOOL_VERSION }),
    providerKind: kind,
    inputs: [...loaded.prompts.map((p) => p.template.file), loaded.dataset.path],
  };
}

function overridesOf(options: DescribeEvalOptions): SuiteOverrides {
  const overrides: SuiteOverrides = {};
  if (options.versions) overrides.versions = options.versions;
  if (options.models) overrides.models = options.models;
  if (options.repeats !== undefined) overrides.repeats = options.repeats;
  if (options.concurrency !== undefined) overrides.concurrency = options.concurrency;
  if (options.timeoutMs !== undefined) overrides.timeoutMs = options.timeoutMs;
  if (options.select) overrides.select = options.select;
  if (options.seed !== undefined) overrides.seed = options.seed;
  return overrides;
}

/** The same header `promptgold run` writes; git is filled in by the reporter (main process). */
