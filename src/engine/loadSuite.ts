/**
 * Turns a suite definition into everything the engine needs: compiled prompt versions, selected
 * cases (+ chaos), per-case scorers, and resolved options. All user input is checked here, before
 * a single request is sent: a bad template variable must not surface after $40 of calls.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { displayPath } from '../displayPath.js';
import { InputError, PromptgoldError, errorMessage } from '../errors.js';
import { MAX_TIMER_MS } from '../nodeTimers.js';
import { importUserModule } from './importUserModule.js';
import { RESERVED_KEY_HINT, reservedSegment } from '../reservedKeys.js';
import { openDataset } from '../datasets/loadDataset.js';
import { checkSelection, selectFrom, selectsAll } from '../datasets/selectCases.js';
import type { CaseList, CaseSelection, DatasetSource, GoldenCase } from '../datasets/types.js';
import { compilePrompt, loadPartials, loadPromptVersions, type CompiledPrompt, type PromptTemplate, type RenderedPrompt } from '../prompts/index.js';
import { AttachmentReader } from '../prompts/attachments.js';
import type { Scorer } from '../scoring/types.js';
import { isSuite, type Suite } from '../suite.js';
import { CheckedRenders } from './checkedRenders.js';
import { PlanHasher, type PlanShape } from './plan.js';
import { plainlyValidSuite, SUITE_FIELDS, suiteShape } from './suiteShape.js';
import { meantText, unknownKey } from '../knownKeys.js';
import type { ChaosCaseList } from '../chaos/generate.js';
import type { ChaosCoverage } from '../chaos/coverage.js';

export interface LoadedSuite {
  suite: Suite;
  /** Absolute path of the suite file (or a stand-in for suites defined in code). */
  file: string;
  relativeFile: string;
  root: string;
  prompts: CompiledPrompt[];
  /** The dataset file (its hash, its number of cases); its cases are walked through `cases`. */
  dataset: DatasetSource;
  /** What the plan is made of: versions × models × cases × repeats. */
  plan: PlanShape;
  /**
   * The selected cases and their chaos variants, in plan order (golden first), walked on demand: a
   * JSONL dataset is read again for each walk, so a run holds only the cases in flight.
   */
  cases: CaseList;
  /** Computed while the cases were checked (see PlanHasher), so the header needs no extra walk. */
  planHash: string;
  /** Golden case id → the number of chaos cases made from it (its results are handed to them). */
  chaosSources: ReadonlyMap<string, number>;
  /** With chaos: how many golden cases and operators gave chaos cases (a partial chaos part is said aloud). */
  chaosCoverage?: ChaosCoverage;
  /** Renders of the check that the run can send without rendering again (a held dataset's cases). */
  checkedRenders?: CheckedRenders;
  models: string[];
  repeats: number;
  threshold: number | null;
  /** Share of samples allowed to go unscored before the run fails (0..1). */
  maxErrorRate: number;
  concurrency: number;
  timeoutMs: number;
  /** Time bound of each scorer on each sample. */
  scorerTimeoutMs: number;
  seed: number;
  recordingsFile: string;
  headerOptions: Record<string, unknown>;
  scorersFor(goldenCase: GoldenCase): Scorer[];
  relative(path: string): string;
}

export interface SuiteOverrides {
  versions?: string[];
  models?: string[];
  repeats?: number;
  concurrency?: number;
  timeoutMs?: number;
  maxErrorRate?: number;
  select?: CaseSelection;
  chaos?: boolean;
  seed?: number;
  /** Context window (tokens) that padding chaos operators fill a fraction of: the smallest of the suite's models. */
  contextWindowTokens?: number;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
/**
 * A scorer's default time bound: generous, so it never fires on a slow or loaded machine (a judge
 * may wait for the rate limiter and retry its calls), only on a scorer that is stuck.
 */
export const DEFAULT_SCORER_TIMEOUT_MS = 600_000;

/**
 * Each version's `output` schema compiled now, as the Anthropic provider compiles it to check every
 * answer: a schema ajv refuses would otherwise surface only once answers arrive, and never under a
 * function or replay provider. ajv is loaded only when some version has one.
 */
async function checkOutputSchemas(templates: PromptTemplate[]): Promise<void> {
  const withOutput = templates.filter((template) => template.output !== undefined);
  if (withOutput.length === 0) return;
  const { compileJsonSchema } = await import('../scoring/json-schema.js');
  for (const template of withOutput) compileJsonSchema(template.output!, { file: displayPath(template.file), field: 'output' });
}

/** Import a suite file (TypeScript bundled at run time, see importTypeScript) and return the suites it exports. */
export async function importSuites(file: string): Promise<Suite[]> {
  const absolute = resolve(file);
  file = displayPath(absolute);
  if (!existsSync(absolute)) throw new InputError('suite file not found', { file }, 'suite files are named *.eval.ts');
  let module: Record<string, unknown>;
  try {
    module = await importUserModule(absolute, file);
  } catch (error) {
    if (error instanceof PromptgoldError) throw error.inFile(file);
    throw new InputError(`the suite file threw while loading: ${errorMessage(error)}`, { file }, 'fix the error in the suite file (run it with `npx tsx <file>` to see the stack)', error);
  }
  const found = dedupe(suitesIn(module));
  if (found.length === 0) {
    throw new InputError('the file exports no suite', { file }, 'export default defineSuite({ … }) from the file');
  }
  return found;
}

/**
 * Suites among a module's exports: named exports, the default export, an array of suites, and the
 * `{ default: { default } }` shape a CommonJS-compiled suite takes in a project without
 * `"type": "module"`.
 */
function suitesIn(module: Record<string, unknown>): Suite[] {
  const candidates: unknown[] = Object.values(module);
  const fallback = module.default as Record<string, unknown> | undefined;
  if (fallback && typeof fallback === 'object' && !isSuite(fallback)) candidates.push(...Object.values(fallback));
  return candidates.flatMap((value) => (Array.isArray(value) ? value : [value])).filter(isSuite);
}

function dedupe(suites: Suite[]): Suite[] {
  return [...new Set(suites)];
}

/** Checks a suite definition; `models` may be left out when the command line names them (`--model`). */
export function validateSuite(suite: Suite, file: string, overrides: Pick<SuiteOverrides, 'models'> = {}): void {
  if (suite.models === undefined && !overrides.models?.length) {
    throw new InputError('the suite names no models', { file, field: 'models' }, "add models: ['claude-haiku-4-5'] to the suite, or pass --model <id> to the command");
  }
  const unknown = unknownKey(suite, SUITE_FIELDS);
  if (unknown) {
    throw new InputError(`unknown suite field "${unknown.key}"${meantText(unknown.meant)}`, { file, field: unknown.key }, `a suite takes ${SUITE_FIELDS.filter((key) => key !== 'kind').join(', ')}`);
  }
  if (suite.select !== undefined) checkSelection(suite.select, { file, field: 'select' });
  const shape = suite.models === undefined ? { ...suite, models: overrides.models } : suite;
  const result = plainlyValidSuite(shape) ? undefined : suiteShape().safeParse(shape);
  if (result && !result.success) {
    const issue = result.error.issues[0]!;
    throw new InputError(issue.message, { file, field: issue.path.join('.') || undefined }, 'see the suite reference in the README');
  }
  // Scorer names become keys of summaries and comparisons.
  suite.scorers.forEach((scorer, index) => {
    if (reservedSegment([scorer.name])) throw new InputError(`the scorer name "${scorer.name}" is reserved`, { file, field: `scorers[${index}].name` }, RESERVED_KEY_HINT);
  });
  refuseSharedScorerNames(suite, file);
}


/** Two scorers of one sample under one name would be counted as one in summaries, comparisons and sameAsSource. */
function refuseSharedScorerNames(suite: Suite, file: string): void {
  const named = [
    ...suite.scorers.map((scorer, index) => ({ name: scorer.name, field: `scorers[${index}]` })),
    ...(suite.chaos?.invariants ?? []).map((scorer, index) => ({ name: scorer.name, field: `chaos.invariants[${index}]` })),
  ];
  const first = new Map<string, string>();
  for (const { name, field } of named) {
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, field);
      continue;
    }
    throw new InputError(
      `${earlier} and ${field} are both named "${name}": their scores would be counted as one scorer's`,
      { file, field: `${field}.name` },
      `give one a name of its own, e.g. { name: '${name}:2', … } in its options`,
    );
  }
}

export async function loadSuite(suite: Suite, file: string, overrides: SuiteOverrides = {}, root = process.cwd()): Promise<LoadedSuite> {
  const shownFile = displayPath(resolve(file));
  validateSuite(suite, shownFile, overrides);
  const directory = dirname(resolve(file));
  const at = (path: string) => (isAbsolute(path) ? path : join(directory, path));
  const rel = (path: string) => relative(root, path).split('\\').join('/') || '.';
  const mustExist = (field: 'prompt' | 'dataset', path: string) => {
    if (existsSync(path)) return;
    const written = field === 'prompt' ? suite.prompt : suite.dataset;
    throw new InputError(
      `${field === 'prompt' ? 'prompt file or folder' : 'dataset file'} not found: ${displayPath(path)}`,
      { file: shownFile, field },
      isAbsolute(written) ? `fix the suite's \`${field}\` path` : `the suite's \`${field}\` ("${written}") is resolved from the suite file's folder, ${displayPath(directory) || '.'}`,
    );
  };

  const promptSource = at(suite.prompt);
  mustExist('prompt', promptSource);
  const versions = overrides.versions ?? suite.versions;
  const templates = await loadPromptVersions(promptSource, versions ? { versions } : {});
  await checkOutputSchemas(templates);
  const partialsDir = suite.partials ? at(suite.partials) : join(existsSync(promptSource) && !/\.hbs$/.test(promptSource) ? promptSource : dirname(promptSource), 'partials');
  const partials = existsSync(partialsDir) ? await loadPartials(partialsDir) : {};
  const datasetPath = at(suite.dataset);
  // Documents and images named by cases are found next to the dataset, inside the project; one
  // reader for every version, so a file all cases share is read once.
  const files = new AttachmentReader({ baseDir: dirname(datasetPath), root });
  const prompts = templates.map((template) => compilePrompt(template, { partials, files, ...(suite.stream !== undefined && { stream: suite.stream }) }));

  mustExist('dataset', datasetPath);
  const seed = overrides.seed ?? suite.seed ?? 1;
  const selection: CaseSelection = { ...(suite.select ?? {}), ...(overrides.select ?? {}) };
  if (selection.sample !== undefined && selection.seed === undefined) selection.seed = seed;
  if (overrides.chaos && !suite.chaos) {
    throw new InputError(
      'chaos was asked for (--chaos), but the suite configures none: no chaos case can be made',
      { file: shownFile, field: 'chaos' },
      "add chaos: { operators: ['zero-width', 'ignore-previous'], invariants: [sameAsSource()] } to the suite, or run it without --chaos",
    );
  }
  const withChaos = Boolean(overrides.chaos && suite.chaos);
  // Per-case checks, by case object: a held dataset's cases keep theirs from the check before the
  // run; a streamed dataset's are new objects on each walk, compiled again when they come round
  // (shared by the case's samples in flight), so they are not kept for every case of the dataset.
  const compiledChecks = new WeakMap<GoldenCase, Scorer[]>();
  const checker = new CaseChecker(prompts, rel, compiledChecks, new CheckedRenders(), {
    golden: suite.scorers.length > 0,
    chaos: suite.scorers.length + (suite.chaos?.invariants?.length ?? 0) > 0,
  }, withChaos);
  // When the plan's cases are the dataset's, in its order (no selection, no chaos), they are
  // checked during the dataset's first read, and a streamed dataset is not read again for it.
  const checkWhileReading = selectsAll(selection) && !withChaos;
  const dataset = await openDataset(datasetPath, checkWhileReading ? { visit: (golden) => checker.visit(golden) } : {});
  // A streamed dataset's next walk makes new case objects: renders kept for these would never be used
  // (a JSONL file read while checking is known to be streamed only once it has been read).
  if (!dataset.held) checker.renders = undefined;
  const golden = selectFrom(dataset, selection);
  if (golden.count === 0) {
    throw new InputError('no cases left after --filter/--limit/--sample', { file: rel(datasetPath) }, 'loosen the selection');
  }

  let chaosCases: ChaosCaseList | undefined;
  if (withChaos && suite.chaos) {
    const { chaosCaseList } = await import('../chaos/index.js');
    const context = overrides.contextWindowTokens ? { contextWindowTokens: overrides.contextWindowTokens } : {};
    const renderedVariables = chaosReach(suite, prompts);
    chaosCases = chaosCaseList(golden, { ...suite.chaos, seed: suite.chaos.seed ?? seed }, { ...context, suiteFile: shownFile, ...(renderedVariables && { renderedVariables }) });
  }
  const inPlanOrder = function* (): Generator<GoldenCase> {
    yield* golden;
    if (chaosCases) yield* chaosCases;
  };

  // A model named twice would run every sample twice and count both in one cell.
  const models = [...new Set(overrides.models ?? suite.models!)];
  const repeats = overrides.repeats ?? suite.repeats ?? 1;
  if (!checkWhileReading) {
    for (const goldenCase of inPlanOrder()) {
      const visited = checker.visit(goldenCase);
      if (visited) await visited;
    }
  }
  const checked = checker.checked;
  const chaosCoverage = chaosCases ? coverageOf(chaosCases, golden, checked) : undefined;
  const cases: CaseList = { count: checked.count, [Symbol.iterator]: inPlanOrder };
  const planHash = checked.hasher.digest({ prompts, models, repeats });

  const checksOf = (goldenCase: GoldenCase): Scorer[] | undefined => {
    if (!goldenCase.checks?.length || !checked.checkFromSpec) return undefined;
    let compiled = compiledChecks.get(goldenCase);
    if (!compiled) {
      compiled = compileChecks(goldenCase, checked.checkFromSpec, rel);
      compiledChecks.set(goldenCase, compiled);
    }
    return compiled;
  };
  const invariants = suite.chaos?.invariants ?? [];

  const withInvariants = [...suite.scorers, ...invariants];
  const concurrency = overrides.concurrency ?? suite.concurrency ?? 8;
  const timeoutMs = overrides.timeoutMs ?? suite.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // A judge's calls use the per-request timeout too, with retries: the default bound leaves room for
  // three, as long as one timer holds it (a longer one would fire after 1 ms).
  const scorerTimeoutMs = suite.scorerTimeoutMs ?? Math.min(MAX_TIMER_MS, Math.max(DEFAULT_SCORER_TIMEOUT_MS, 3 * timeoutMs));
  const threshold = suite.threshold ?? null;
  const maxErrorRate = overrides.maxErrorRate ?? suite.maxErrorRate ?? 0;
  const recordingsFile = suite.recordings ? at(suite.recordings) : join(directory, 'recordings', `${suite.name}.jsonl`);
  const relativeFile = rel(resolve(file));

  return {
    suite,
    plan: { prompts, models, cases, repeats },
    file: resolve(file),
    relativeFile,
    root,
    prompts,
    dataset,
    cases,
    planHash,
    chaosSources: checked.chaosSources,
    ...(chaosCoverage && { chaosCoverage }),
    ...(checker.renders && { checkedRenders: checker.renders }),
    models,
    repeats,
    threshold,
    maxErrorRate,
    concurrency,
    timeoutMs,
    scorerTimeoutMs,
    seed,
    recordingsFile,
    headerOptions: {
      repeats,
      threshold,
      maxErrorRate,
      timeoutMs,
      ...(suite.scorerTimeoutMs !== undefined ? { scorerTimeoutMs } : {}),
      select: selection,
      chaos: withChaos,
      scorers: suite.scorers.map((s) => s.name),
      ...(suite.stream !== undefined && { stream: suite.stream }),
    },
    scorersFor: (goldenCase) => {
      const extra = checksOf(goldenCase);
      const base = goldenCase.chaos ? withInvariants : suite.scorers;
      return extra ? [...base, ...extra] : base;
    },
    relative: rel,
  };
}

/**
 * The variables a chaos mutation can reach what is tested through: those some prompt version under
 * test renders, when only the rendered request is sent (a model, recorded answers). Undefined when
 * any variable may reach it: the suite's own function (or provider object) is handed the case's
 * vars, and a template that passes its whole context on (`{{json this}}`) may render any of them.
 * Each chaos sample's request is still compared with its source's when it runs (executeSample).
 */
export function chaosReach(suite: Pick<Suite, 'provider'>, prompts: readonly Pick<CompiledPrompt, 'variables'>[]): ReadonlySet<string> | undefined {
  if (typeof suite.provider === 'function' || (typeof suite.provider === 'object' && suite.provider !== null)) return undefined;
  if (prompts.some((prompt) => prompt.variables.everything)) return undefined;
  return new Set(prompts.flatMap((prompt) => prompt.variables.names));
}

/**
 * How much of the chaos part asked for was made, from the check's counts; none at all is an input
 * error (asked for explicitly, it would otherwise run the golden cases alone and pass in silence).
 * The golden cases are walked again only when some got no variant, to say why.
 */
function coverageOf(chaosCases: ChaosCaseList, golden: Iterable<GoldenCase>, checked: CheckedCases): ChaosCoverage {
  let chaosCount = 0;
  for (const variants of checked.chaosSources.values()) chaosCount += variants;
  if (chaosCount === 0) throw chaosCases.noCasesError();
  const goldenCases = checked.count - chaosCount;
  const withoutVariants = { noText: 0, unchanged: 0 };
  if (checked.chaosSources.size < goldenCases) {
    for (const source of golden) {
      if (source.chaos || checked.chaosSources.has(source.id)) continue;
      if (chaosCases.textFieldsOf(source).length === 0) withoutVariants.noText++;
      else withoutVariants.unchanged++;
    }
  }
  return {
    goldenCases,
    chaosCases: chaosCount,
    withoutVariants,
    operators: chaosCases.operators.length,
    idleOperators: chaosCases.operators.filter((operator) => !checked.chaosVariants.byOperator.has(operator)),
    ...fewerVariantsOf(chaosCases, checked.chaosVariants),
  };
}

/** Operators that made fewer than `perCase` variants of the golden cases they changed (see ChaosCoverage). */
function fewerVariantsOf(chaosCases: ChaosCaseList, variants: ChaosVariantCounts): Pick<ChaosCoverage, 'fewerVariants'> {
  const { perCase } = chaosCases;
  if (perCase === 1) return {};
  const operators: Array<{ operator: string; asked: number; made: number }> = [];
  for (const operator of chaosCases.operators) {
    const counts = variants.byOperator.get(operator);
    if (counts && counts.made < counts.sources * perCase) operators.push({ operator, asked: counts.sources * perCase, made: counts.made });
  }
  return operators.length ? { fewerVariants: { perCase, operators } } : {};
}

/**
 * Chaos variants per operator they were made with, and the golden cases they were made of: a
 * golden case's variants by one operator come one after another in the plan, so a new source
 * starts a new (source, operator) pair.
 */
class ChaosVariantCounts {
  readonly byOperator = new Map<string, { sources: number; made: number; lastSource: string }>();

  add(chaos: NonNullable<GoldenCase['chaos']>): void {
    for (const operator of chaos.operators) {
      const counts = this.byOperator.get(operator);
      if (!counts) this.byOperator.set(operator, { sources: 1, made: 1, lastSource: chaos.sourceCaseId });
      else {
        if (counts.lastSource !== chaos.sourceCaseId) {
          counts.sources++;
          counts.lastSource = chaos.sourceCaseId;
        }
        counts.made++;
      }
    }
  }
}

type CheckFromSpec = typeof import('../scoring/checks.js').checkFromSpec;

interface CheckedCases {
  count: number;
  hasher: PlanHasher;
  /** Golden case id → its chaos variants in the plan. */
  chaosSources: Map<string, number>;
  /** The chaos variants by the operators they were made with. */
  chaosVariants: ChaosVariantCounts;
  /** Loaded when a case declares checks. */
  checkFromSpec?: CheckFromSpec;
}

/**
 * The check of every case of the plan before anything is sent, one case at a time in plan order:
 * every case rendered with every version (a missing variable stops the run before it starts),
 * every per-case check compiled (a bad check too), and along the way the number of cases, the plan
 * hash and the golden cases that chaos variants come from. Nothing of the cases themselves is kept;
 * the renders are, within bounds, for the run to send (`renders`, unset when it cannot use them).
 */
class CaseChecker {
  readonly checked: CheckedCases = { count: 0, hasher: new PlanHasher(), chaosSources: new Map(), chaosVariants: new ChaosVariantCounts() };

  /**
   * With chaos: where each golden case id is, for a chaos variant's id that a golden case has. The
   * origin only, not the case: a streamed dataset's cases are not to be held.
   */
  private readonly goldenIds: Map<string, GoldenCase['origin']> | undefined;

  constructor(
    private readonly prompts: CompiledPrompt[],
    private readonly rel: (path: string) => string,
    private readonly compiledChecks: WeakMap<GoldenCase, Scorer[]>,
    public renders: CheckedRenders | undefined,
    /** Whether the suite's scorers (and, for chaos variants, its invariants) score anything. */
    private readonly suiteScores: { golden: boolean; chaos: boolean },
    withChaos: boolean,
  ) {
    if (withChaos) this.goldenIds = new Map();
  }

  /** A promise only for a case with checks (their compiler is loaded when first needed). */
  visit(goldenCase: GoldenCase): void | Promise<void> {
    if (!(goldenCase.chaos ? this.suiteScores.chaos : this.suiteScores.golden) && !goldenCase.checks?.length) throw this.unscorable(goldenCase);
    if (this.goldenIds) this.noteId(goldenCase, this.goldenIds);
    const checked = this.checked;
    checked.count++;
    checked.hasher.addCase(goldenCase.id);
    if (goldenCase.chaos) {
      checked.chaosSources.set(goldenCase.chaos.sourceCaseId, (checked.chaosSources.get(goldenCase.chaos.sourceCaseId) ?? 0) + 1);
      checked.chaosVariants.add(goldenCase.chaos);
    }
    // A chaos variant is made anew on each walk of the plan, so its renders would never be taken.
    const renders = goldenCase.chaos ? undefined : this.renders;
    for (const prompt of this.prompts) {
      let rendered: RenderedPrompt;
      try {
        rendered = prompt.render(goldenCase.vars, goldenCase.id);
      } catch (error) {
        throw withCaseOrigin(error, goldenCase, this.rel);
      }
      renders?.keep(prompt, goldenCase, rendered);
    }
    if (goldenCase.checks?.length) return this.compileChecksOf(goldenCase);
  }

  /** A sample nothing scores would pass on no evidence at all. */
  private unscorable(goldenCase: GoldenCase): InputError {
    const what = goldenCase.chaos ? `the chaos case "${goldenCase.id}"` : `case "${goldenCase.id}"`;
    const suite = goldenCase.chaos ? 'the suite has no scorers and no chaos invariants' : 'the suite has no scorers';
    return new InputError(
      `${what} has nothing to score it: ${suite} and the case has no checks`,
      { file: this.rel(goldenCase.origin.file), line: goldenCase.origin.line, field: 'checks' },
      "give the suite scorers (scorers: [exact({ field: 'answer' })]) or the case checks",
    );
  }

  /** The plan walks golden cases first, then chaos variants; golden ids are unique (the dataset reader refuses duplicates). */
  private noteId(goldenCase: GoldenCase, goldenIds: Map<string, GoldenCase['origin']>): void {
    if (!goldenCase.chaos) {
      goldenIds.set(goldenCase.id, goldenCase.origin);
      return;
    }
    const golden = goldenIds.get(goldenCase.id);
    if (!golden) return;
    throw new InputError(
      `the chaos variant "${goldenCase.id}" has the id of a golden case: their samples could not be told apart`,
      { file: this.rel(golden.file), line: golden.line, field: 'id' },
      'rename the golden case: chaos names its variants <case id>~<operator>',
    );
  }

  private async compileChecksOf(goldenCase: GoldenCase): Promise<void> {
    this.checked.checkFromSpec ??= (await import('../scoring/checks.js')).checkFromSpec;
    this.compiledChecks.set(goldenCase, compileChecks(goldenCase, this.checked.checkFromSpec, this.rel));
  }
}

/** A template's error about a case (the template's file and line) also says where the case is in the dataset. */
function withCaseOrigin(error: unknown, goldenCase: GoldenCase, rel: (path: string) => string): unknown {
  if (!(error instanceof InputError)) return error;
  const { file, line } = goldenCase.origin;
  return new InputError(`${error.detail}; case ${goldenCase.id} is at ${rel(file)}:${line}`, error.location, error.hint, error);
}

/** A case's checks as scorers; errors point at `checks[1]`, scorers keep the shared name `check:<type>` across cases. */
function compileChecks(goldenCase: GoldenCase, checkFromSpec: CheckFromSpec, rel: (path: string) => string): Scorer[] {
  return goldenCase.checks!.map((spec, index) =>
    checkFromSpec(spec, { file: rel(goldenCase.origin.file), line: goldenCase.origin.line, field: `checks[${index}]`, namePrefix: 'check' }),
  );
}
