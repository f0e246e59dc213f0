/**
 * `promptgold upgrade-check --suite s --from a --to b`: may we move this suite from model a to b?
 * Runs both models through the engine in one run (or reuses runs), with at least three repeats,
 * compares model=a against model=b per prompt version, re-estimates tokens and price for b, warns
 * when a is about to retire, and answers go / no-go / inconclusive (exit 0 / 1 / 0, or 1 with
 * --fail-on-inconclusive).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { stableStringify } from '../../canonical.js';
import { loadConfig, type PromptgoldConfig } from '../../config.js';
import { compareRecords } from '../../compare/compareRuns.js';
import { resolvePolicy } from '../../compare/policy.js';
import { candidateRunProblems, estimateUpgradePricing, upcomingRetirement, upgradeDecisionOf, upgradeVerdict } from '../../compare/upgrade.js';
import { exitCodeForComparison } from '../../compare/verdict.js';
import { RunSession } from '../../engine/assemble.js';
import { importSuites, type LoadedSuite, type SuiteOverrides } from '../../engine/loadSuite.js';
import { runSuite } from '../../engine/run.js';
import { ExitCode, InputError, PromptgoldError } from '../../errors.js';
import { loadModelTable, type ModelTableJson } from '../../providers/pricing.js';
import { readRecordHeader, readRecordSummary } from '../../records/reader.js';
import { describeOptionValue, judgingOptionChange, type ResumeOptionChange } from '../../records/resumeOptions.js';
import { readMeta, resolveRecordPath, runPaths } from '../../records/runDir.js';
import type { RecordHeader } from '../../records/types.js';
import type { Suite } from '../../suite.js';
import { formatComparison } from '../../report/compareConsole.js';
import { candidateProblemText, decisionText, formatPricing, pricingMarkdown, retirementText } from '../../report/upgrade.js';
import { TOOL_VERSION } from '../../version.js';
import { discoverSuiteFiles } from '../discover.js';
import { parseNumberOption, parseSuiteFieldOption, refuseFlagsGiven } from '../options.js';
import { checkPagePath } from '../../report/html/pagePath.js';
import { checkOutputPaths, configPolicySources, suitePolicySources, writeOutputs } from './compare.js';

export const MIN_UPGRADE_REPEATS = 3;

export interface UpgradeCheckFlags {
  suite: string;
  from: string;
  to: string;
  repeat?: string;
  concurrency?: string;
  provider?: string;
  reuse?: string[];
  maxCost?: string;
  yes?: boolean;
  failOnInconclusive?: boolean;
  markdown?: string;
  json?: string;
  junit?: string;
  html?: string;
}

export async function upgradeCheckCommand(flags: Record<string, unknown>): Promise<number> {
  const f = flags as unknown as UpgradeCheckFlags;
  const root = process.cwd();
  const { config, file: configFile } = await loadConfig(root);
  const runsDir = resolve(join(config.outDir ?? 'reports', 'runs'));
  const table = loadModelTable((config.models ?? {}) as Partial<ModelTableJson>);
  if (f.from === f.to) throw new InputError('--from and --to name the same model', { field: '--to' }, 'name the model you use today and the one you consider');
  if (f.reuse?.length) refuseRunFlags(f);
  // Before the runs, which may be paid for: the verdict would otherwise be lost to a page path that cannot take the page.
  if (typeof f.html === 'string') await checkPagePath(resolve(root, f.html));
  await checkOutputPaths(f, root);

  const [baselineFile, candidateFile] = f.reuse?.length
    ? await reusedRuns(f, config, root, runsDir)
    : await runBothModels(f, config, root, runsDir);
  const header = await readRecordHeader(candidateFile);
  const policy = resolvePolicy([...configPolicySources(config, configFile), ...(await suitePolicySources(header, root))]);
  const comparison = await compareRecords(baselineFile, candidateFile, {
    root,
    baselineFilter: { model: f.from },
    candidateFilter: { model: f.to },
    policy,
  });
  // The fewer of the two runs' repeats: a reused baseline of one repeat is as noisy as a candidate of one.
  const baselineHeader = baselineFile === candidateFile ? header : await readRecordHeader(baselineFile);
  const repeats = Math.min(repeatsOf(header), repeatsOf(baselineHeader));
  if (repeats < MIN_UPGRADE_REPEATS) comparison.warnings.push({ rule: 'few_repeats', values: { repeats, minimum: MIN_UPGRADE_REPEATS } });

  const measured = (await readMeta(dirname(candidateFile)))?.provider === 'anthropic';
  const pricing = comparison.cells.map((cell) => ({
    cell: cell.label,
    ...estimateUpgradePricing({ from: f.from, to: f.to, operational: cell.operational, table, measured }),
  }));
  const retirement = upcomingRetirement(f.from, table);

  // The new model's own run is judged as `promptgold run` would judge it, whatever the comparison says.
  const candidateSummary = await readRecordSummary(candidateFile);
  const candidateProblems = candidateSummary ? candidateRunProblems(candidateSummary, f.to) : [];
  // The old model's samples are the other half of the evidence: more of them unscored than
  // maxErrorRate allows (a model that no longer answers) leaves the comparison standing on few
  // cases or none. Its pass rate is not judged: it is not the model being adopted.
  const baselineSummary = baselineFile === candidateFile ? candidateSummary : await readRecordSummary(baselineFile);
  const baselineProblems = baselineSummary ? candidateRunProblems(baselineSummary, f.from).filter((problem) => problem.kind === 'unscored') : [];
  const decision = upgradeDecisionOf(comparison.verdict.verdict, { candidate: candidateProblems, baseline: baselineProblems });
  const runProblems = [...baselineProblems.map((problem) => ({ model: f.from, side: 'baseline' as const, problem })), ...candidateProblems.map((problem) => ({ model: f.to, side: 'candidate' as const, problem }))];
    process.stdout.write(`upgrade-check ${header.suite}: ${f.from} → ${f.to}\n\n${formatComparison(comparison)}\n\n${formatPricing(pricing, comparison)}\n`);
  if (retirement) process.stdout.write(`\nwarning: ${retirementText(retirement)}: plan the move before then\n`);
  for (const { model, problem } of runProblems) process.stdout.write(`\n${model}'s own run fails: ${candidateProblemText(problem)}`);
  process.stdout.write(`${runProblems.length ? '\n' : ''}\ndecision: ${decisionText(decision)}\n`);

  const json = {
    type: 'upgrade-check',
    suite: header.suite,
    from: f.from,
    to: f.to,
    decision,
    candidateRun: candidateProblems,
    baselineRun: baselineProblems,
    retirement: retirement ?? null,
    pricing,
    comparison,
  };
  // The page, the Markdown and the JUnit file carry the decision's verdict: a comparison that passes
  // is no PASS when a model's own run fails (the JSON keeps the comparison as it is, beside `decision`).
  const shown = { ...comparison, verdict: upgradeVerdict(comparison.verdict, decision, runProblems) };
  const outputs = { ...(f.json ? { json: f.json } : {}), ...(f.markdown ? { markdown: f.markdown } : {}), ...(f.junit ? { junit: f.junit } : {}), html: f.html ?? false };
  await writeOutputs(shown, { ...outputs, failOnInconclusive: f.failOnInconclusive === true }, root, {
    records: [baselineFile, candidateFile],
    json,
    title: `promptgold upgrade-check: ${header.suite}, ${f.from} → ${f.to}: ${decisionText(decision)}`,
    markdownAppendix: pricingMarkdown(pricing, retirement, comparison),
  });
  if (runProblems.some(({ problem }) => problem.kind === 'unscored')) return ExitCode.infrastructure;
  if (candidateProblems.length) return ExitCode.evaluationFailed;
  return exitCodeForComparison(comparison, f.failOnInconclusive === true);
}

/** The flags of the run a fresh check makes, as the command line spells them. */
const RUN_FLAGS: ReadonlyArray<[keyof UpgradeCheckFlags, string]> = [
  ['repeat', '--repeat'],
  ['concurrency', '--concurrency'],
  ['provider', '--provider'],
  ['maxCost', '--max-cost'],
  ['yes', '--yes'],
];

/** With --reuse nothing is run: a flag for the run is refused rather than dropped unsaid. */
function refuseRunFlags(f: UpgradeCheckFlags): void {
  refuseFlagsGiven(RUN_FLAGS, f, {
    cannot: 'cannot apply with --reuse: upgrade-check runs nothing then, and compares the reused runs as they were made',
    field: '--reuse',
    fix: 'drop them to compare the reused runs, or drop --reuse to run the check afresh with them',
  });
}

/** [baseline, candidate]: one reused run holding both models, or two runs with one each. */
async function reusedRuns(f: UpgradeCheckFlags, config: PromptgoldConfig, root: string, runsDir: string): Promise<[string, string]> {
  if (f.reuse!.length > 2) throw new InputError(`--reuse takes one or two runs, got ${f.reuse!.length}`, { field: '--reuse' });
  const files = await Promise.all(f.reuse!.map((ref) => resolveRecordPath(ref, runsDir)));
  const headers = await Promise.all(files.map((file) => readRecordHeader(file)));
  // The decision is about --suite as it is now: a run of another suite, or of this one before its
  // prompts or dataset changed, would answer for something else.
  const { suite, file } = await findSuite(f.suite, config);
  const session = await RunSession.open({ root, config, runsDir });
  for (const [index, header] of headers.entries()) {
    const ref = f.reuse![index]!;
    if (header.suite !== suite.name) {
      throw new InputError(`${ref} is a run of suite "${header.suite}", not of "${suite.name}"`, { field: '--reuse' }, `reuse runs of ${suite.name}, or check ${header.suite} with --suite ${header.suite}`);
    }
    // The suite as a fresh check would run it, at the run's own models and repeats (fewer repeats
    // are warned of below): every version and case the suite selects, judged by its rules now.
    const now = await session.loadSuite(suite, file, { models: header.models, repeats: repeatsOf(header) });
    const difference = reuseDifference(header, now);
    if (difference) throw new InputError(`${ref} ${difference.problem}`, { field: '--reuse' }, difference.fix);
  }
  // Two runs: the first is the baseline, the second the candidate, as for compare. Taking the first
  // run that holds each model left a second run out unsaid when the first held both.
  if (files.length === 2) {
    const [baseline, candidate] = headers as [RecordHeader, RecordHeader];
    const lacking = !baseline.models.includes(f.from) ? { index: 0, model: f.from, header: baseline } : !candidate.models.includes(f.to) ? { index: 1, model: f.to, header: candidate } : undefined;
    if (lacking) {
      throw new InputError(
        `of two runs, the first is the baseline (it needs ${f.from}) and the second the candidate (it needs ${f.to}): ${f.reuse![lacking.index]} has only ${lacking.header.models.join(', ')}`,
        { field: '--reuse' },
        `pass the run with ${f.from} first and the run with ${f.to} second, or one run that has both`,
      );
    }
    return [files[0]!, files[1]!];
  }
  const missing = [f.from, f.to].find((model) => !headers[0]!.models.includes(model));
  if (missing) throw new InputError(`the reused run has no model ${missing}`, { field: '--reuse' }, `run it: promptgold run ${f.suite} --model ${f.from},${f.to}, or pass a second run that has ${missing}`);
  return [files[0]!, files[0]!];
}

async function runBothModels(f: UpgradeCheckFlags, config: PromptgoldConfig, root: string, runsDir: string): Promise<[string, string]> {
  const session = await RunSession.open({
    root,
    config,
    runsDir,
    ...(f.maxCost ? { maxCostUsd: parseNumberOption(f.maxCost, '--max-cost') } : {}),
    confirmOverBudget: f.yes === true,
  });
  const { suite, file } = await findSuite(f.suite, config);
  const requested = f.repeat ? parseSuiteFieldOption(f.repeat, '--repeat', 'repeats') : undefined;
  const repeats = Math.max(requested ?? 0, suite.repeats ?? 1, MIN_UPGRADE_REPEATS);
  // Through the session's loadSuite, as for `promptgold run`: the run's scheduler and the provider
  // stack's pacing both read the loaded suite's concurrency.
  const concurrency = f.concurrency ? parseSuiteFieldOption(f.concurrency, '--concurrency', 'concurrency') : undefined;
  const overrides: SuiteOverrides = { models: [f.from, f.to], repeats, ...(concurrency !== undefined ? { concurrency } : {}) };
  const loaded = await session.loadSuite(suite, file, overrides);
  const assembled = await session.assemble(loaded, f.provider ? { provider: f.provider } : {});
  const { runId, runDir } = await session.claimRunFolder(loaded);
  process.stderr.write(`running ${suite.name} with ${f.from} and ${f.to}, ${repeats} repeats (${assembled.kind}) → ${relative(root, runDir)}\n`);
  try {
    const result = await runSuite(loaded, {
      provider: assembled.provider,
      judge: assembled.judge,
      ownJudge: assembled.ownJudge,
      runDir,
      runId,
      progress: process.stderr.isTTY && !process.env.CI ? 'tty' : 'none',
      git: await session.gitInfo(),
      toolVersion: TOOL_VERSION,
      meta: { provider: assembled.kind, overrides: { suiteOverrides: overrides, ...(f.provider ? { provider: f.provider } : {}) } },
    });
    // A provider failure that stopped the run (bad key, unknown model): exit 3, as `promptgold run` does.
    if (result.fatal) {
      throw new PromptgoldError(`the run stopped: ${result.fatal.message}`, {
        exitCode: ExitCode.infrastructure,
        location: { file: relative(root, runDir) },
        hint: 'fix the cause and rerun, or --reuse an existing run',
        cause: result.fatal,
      });
    }
    // Samples left unrun (--max-cost reached, batch requests expired): the comparison would be over
    // part of the plan, and its NO-GO about models the run barely asked. Exit 3, as `promptgold run`.
    if (result.status === 'incomplete') {
      const where = relative(root, runDir);
      throw new PromptgoldError(`the run did not complete (${result.notRun ?? 'some samples did not finish'}), so a comparison would be over part of the plan`, {
        exitCode: ExitCode.infrastructure,
        location: { file: where },
        hint: `finish it with promptgold run --resume ${where} (with a higher --max-cost if the budget stopped it), then upgrade-check --reuse ${where}`,
      });
    }
    if ((result.summary?.totals.notScored ?? 0) > 0) {
      process.stderr.write(`warning: ${result.summary!.totals.notScored} samples were not scored (the provider, a scorer or a judge failed); they are left out of the statistics\n`);
    }
  } finally {
    await assembled.close();
  }
  const record = runPaths(runDir).record;
  return [record, record];
}

interface ReuseDifference {
  /** Said after the run's reference: `reports/runs/x is stale: …`. */
  problem: string;
  fix: string;
}

const CHECK_AFRESH = 'run upgrade-check without --reuse to check the suite as it is now';

/**
 * Why a reused run is not the run a fresh check would make of the suite now, if it is not: its
 * prompts or dataset changed since, it ran other versions or cases, or it was judged by other
 * scorers, threshold or maxErrorRate. Its decision would be about something else.
 */
function reuseDifference(header: RecordHeader, now: LoadedSuite): ReuseDifference | undefined {
  const stale = staleness(header, now);
  if (stale) return { problem: `is stale: ${stale}`, fix: CHECK_AFRESH };
  const ranVersions = header.prompts.map((p) => p.version);
  const suiteVersions = now.prompts.map((p) => p.template.version);
  if (stableStringify(ranVersions) !== stableStringify(suiteVersions)) {
    return {
      problem: `ran prompt versions ${ranVersions.join(', ')}, the suite has ${suiteVersions.join(', ')} now: a fresh check would compare those`,
      fix: 'run the suite again without --version and reuse that run, or drop --reuse',
    };
  }
  if (header.options.chaos === true) {
    return { problem: 'is a --chaos run: a fresh check compares the golden cases alone', fix: 'run the suite again without --chaos and reuse that run, or drop --reuse' };
  }
  if (header.planHash !== now.planHash) {
    const selection = casesDifference(header, now);
    if (selection) return { problem: selection, fix: 'run the suite again without --filter, --limit or --sample and reuse that run, or drop --reuse' };
    return { problem: 'is not a run of the suite as it is now: its plan (prompt versions, models, cases, repeats) differs', fix: CHECK_AFRESH };
  }
  const change = judgingOptionChange(header.options, now.headerOptions);
  if (change) return { problem: judgedDifferently(change), fix: 'run the suite again as it is now and reuse that run, or drop --reuse' };
  return undefined;
}

/** What a run's cases were beside the suite's now, when they are not the same cases. */
function casesDifference(header: RecordHeader, now: LoadedSuite): string | undefined {
  const ran = header.dataset.cases;
  const selected = now.cases.count;
  const how = stableStringify(header.options.select ?? {}) === stableStringify(now.headerOptions.select ?? {}) ? '' : ` (it was run with the selection ${stableStringify(header.options.select ?? {})})`;
  if (ran < selected) return `ran ${ran} of the ${selected} cases the suite selects now${how}: the cases it left out were never compared`;
  if (ran > selected) return `ran ${ran} cases, the suite selects ${selected} now${how}: a decision on it would count cases the suite leaves out`;
  return how ? `ran other cases than the suite selects now${how}` : undefined;
}

function judgedDifferently(change: ResumeOptionChange): string {
  const [then, current] = [describeOptionValue(change.before), describeOptionValue(change.after)];
  if (change.field === 'scorers') return `was scored by ${then}, the suite's scorers are ${current} now: a fresh check would score by them`;
  return `was judged with ${change.field} ${then}, the suite's is ${current} now: a fresh check would judge it by ${current}`;
}

/** What changed in the suite since a reused run: a prompt version's content, or the dataset. */
function staleness(header: RecordHeader, now: LoadedSuite): string | undefined {
  for (const then of header.prompts) {
    const current = now.prompts.find((p) => p.template.version === then.version)?.template;
    if (current && current.hash !== then.hash) {
      return `the prompt ${then.id} ${then.version} changed since it ran (content hash ${then.hash.slice(0, 12)} then, ${current.hash.slice(0, 12)} now)`;
    }
  }
  if (now.dataset.hash !== header.dataset.hash) {
    return `the dataset ${header.dataset.path} changed since it ran (${header.dataset.cases} cases then, ${now.cases.count} now; content hash ${header.dataset.hash.slice(0, 12)} then, ${now.dataset.hash.slice(0, 12)} now)`;
  }
  return undefined;
}

/** A suite file path, or a suite name found among the project's suites (`suites/**`). */
async function findSuite(reference: string, config: PromptgoldConfig): Promise<{ suite: Suite; file: string }> {
  if (existsSync(reference)) {
    const suites = await importSuites(reference);
    return { suite: suites[0]!, file: resolve(reference) };
  }
  const files = await discoverSuiteFiles([], config.suites ?? ['suites']);
  // Files named after the suite first, so usually only one file is imported.
  const ordered = [...files.filter((file) => basename(file).startsWith(`${reference}.`)), ...files.filter((file) => !basename(file).startsWith(`${reference}.`))];
  for (const file of ordered) {
    const suite = (await importSuites(file)).find((s) => s.name === reference);
    if (suite) return { suite, file };
  }
  throw new InputError(`no suite named "${reference}"`, { field: '--suite' }, 'pass a suite file (suites/x.eval.ts) or the name of a suite under suites/');
}

function repeatsOf(header: RecordHeader): number {
  return Number(header.options.repeats ?? 1);
}
