/**
 * Turns what the test file passed to describeEval into a loaded suite, the provider and judge
 * stacks that answer it and the record header — through the same composition root as
 * `promptgold run` (so the plan hash matches, `promptgold compare` can pair a vitest run with a
 * CLI run, and pacing, judges, budgets and the context window behave the same).
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSelection, SELECTION_FIELDS } from '../datasets/selectCases.js';
import type { CaseSelection } from '../datasets/types.js';
import { RunSession } from '../engine/assemble.js';
import { importSuites, type LoadedSuite, type SuiteOverrides } from '../engine/loadSuite.js';
import { suiteShape } from '../engine/suiteShape.js';
import { buildRecordHeader } from '../engine/recordHeader.js';
import { InputError, type ErrorLocation } from '../errors.js';
import { meantText, unknownKey } from '../knownKeys.js';
import { optionNames } from '../scoring/options.js';
import type { FunctionTarget } from '../providers/function.js';
import type { Provider } from '../providers/types.js';
import type { RecordHeader } from '../records/types.js';
import { defineSuite, isSuite, type Suite, type SuiteDefinition } from '../suite.js';
import { TOOL_VERSION } from '../version.js';

export interface DescribeEvalOptions {
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
  /** Answers judge calls of rubric scorers instead of the run's judge stack. */
  judge?: (model: string) => Provider;
  /** Project root: config, cache and record paths are relative to it. Default: process.cwd(). */
  root?: string;
  /** Prompt versions to run (default: the suite's). */
  versions?: string[];
  /** Models to run (default: the suite's). */
  models?: string[];
  repeats?: number;
  concurrency?: number;
  /** Per-sample timeout in ms. */
  timeoutMs?: number;
  select?: CaseSelection;
  /** Add the suite's chaos cases (one test per chaos sample too). */
  chaos?: boolean;
  seed?: number;
}

export interface PreparedEval {
  loaded: LoadedSuite;
  provider: Provider;
  judge: (model: string) => Provider;
  /** The session's budget around a judge Provider a rubric was given directly. */
  ownJudge: (provider: Provider) => Provider;
  header: RecordHeader;
  providerKind: string;
  /** Templates and dataset, for watch mode. */
  inputs: string[];
  close(): Promise<void>;
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

/**
 * One session per root and provider choice in a test worker: every describeEval of the worker
 * shares its rate limiter and budget, as the suites of one `promptgold run` do.
 */
const sessions = new Map<string, Promise<RunSession>>();

function sessionFor(options: DescribeEvalOptions): Promise<RunSession> {
  const root = resolve(options.root ?? process.cwd());
  const provider = process.env.PROMPTGOLD_PROVIDER || undefined;
  const record = options.record ?? process.env.PROMPTGOLD_RECORD === '1';
  const key = `${root}\u0000${provider ?? ''}\u0000${record}`;
  let session = sessions.get(key);
  if (!session) {
    session = RunSession.open({ root, record, ...(provider ? { provider } : {}) });
    sessions.set(key, session);
    session.catch(() => sessions.delete(key));
  }
  return session;
}

/** `calledAt`: where the test file called describeEval, named by a setting's error. */
export async function prepareEval(suite: Suite, file: string, options: DescribeEvalOptions, calledAt: SettingsLocation = {}): Promise<PreparedEval> {
  refuseUnknownSettings(options, calledAt);
  const overrides = overridesOf(options);
  checkSettings(overrides, calledAt);
  const session = await sessionFor(options);
  const withProvider: Suite = options.provider ? { ...suite, provider: options.provider } : suite;
  const loaded = await session.loadSuite(withProvider, file, overrides);
  const assembled = await session.assemble(loaded);
  return {
    loaded,
    provider: assembled.provider,
    judge: options.judge ?? assembled.judge,
    ownJudge: assembled.ownJudge,
    header: buildRecordHeader(loaded, { toolVersion: TOOL_VERSION }),
    providerKind: assembled.kind,
    inputs: [...loaded.prompts.map((p) => p.template.file), loaded.dataset.path],
    close: () => assembled.close(),
  };
}

/** Every setting describeEval takes; TypeScript keeps the list whole as the options grow. */
const SETTING_NAMES = optionNames<DescribeEvalOptions & { shard: unknown }>({
  suite: true,
  file: true,
  provider: true,
  record: true,
  judge: true,
  root: true,
  versions: true,
  models: true,
  repeats: true,
  concurrency: true,
  timeoutMs: true,
  select: true,
  chaos: true,
  seed: true,
  // describeEval's own (DescribeEvalSettings), which prepareEval receives with the rest.
  shard: true,
});

/** Where describeEval's settings were written: the test file and the line of the call, when known. */
export type SettingsLocation = Omit<ErrorLocation, 'field'>;

/** A test file in JavaScript is not type-checked: a misspelt setting (`repeat: 3`) would be dropped without a word. */
function refuseUnknownSettings(options: DescribeEvalOptions, calledAt: SettingsLocation): void {
  const unknown = unknownKey(options, SETTING_NAMES);
  if (!unknown) return;
  const { key, meant } = unknown;
  const value = (options as unknown as Record<string, unknown>)[key];
  // `seed` is a describeEval setting of its own: it never reaches this line.
  const hint = SELECTION_FIELDS.includes(key) ? `put it in select: select: { ${key}: ${JSON.stringify(value)} }` : `describeEval takes ${SETTING_NAMES.join(', ')}`;
  throw new InputError(`unknown describeEval setting "${key}"${meantText(meant)}`, { ...calledAt, field: `describeEval setting ${key}` }, hint);
}


/**
 * The settings that override suite fields take the values those fields take. `repeats: 0` or
 * `models: []` would otherwise plan no sample at all, and the pass-rate test pass over none.
 */
function checkSettings(overrides: SuiteOverrides, calledAt: SettingsLocation): void {
  if (overrides.select !== undefined) checkSelection(overrides.select, { ...calledAt, field: 'describeEval setting select' });
  const { versions, models, repeats, concurrency, timeoutMs, seed } = overrides;
  const result = suiteShape()
    .pick({ versions: true, models: true, repeats: true, concurrency: true, timeoutMs: true, seed: true })
    .partial()
    .safeParse({ versions, models, repeats, concurrency, timeoutMs, seed });
  if (result.success) return;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  throw new InputError(issue.message, { ...calledAt, field: `describeEval setting ${field}` }, 'a setting takes the values of the suite field it overrides (see the suite reference in the README)');
}

function overridesOf(options: DescribeEvalOptions): SuiteOverrides {
  const overrides: SuiteOverrides = {};
  if (options.versions) overrides.versions = options.versions;
  if (options.models) overrides.models = options.models;
  if (options.repeats !== undefined) overrides.repeats = options.repeats;
  if (options.concurrency !== undefined) overrides.concurrency = options.concurrency;
  if (options.timeoutMs !== undefined) overrides.timeoutMs = options.timeoutMs;
  if (options.select !== undefined) overrides.select = options.select;
  if (options.seed !== undefined) overrides.seed = options.seed;
  if (options.chaos) overrides.chaos = true;
  return overrides;
}
