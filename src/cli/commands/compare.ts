/**
 * `promptgold compare`: two runs, a run and a baseline file, two cells of one run, or a run alone
 * against its suite's committed baseline. Prints the console report, writes the requested
 * Markdown / JSON / JUnit files, and exits 0 pass, 1 fail (or inconclusive with
 * --fail-on-inconclusive), 2 bad input, 3 samples unscored (see exitCodeForComparison).
 */
import { existsSync } from 'node:fs';
import { mkdir, open, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { loadConfig, type PromptgoldConfig } from '../../config.js';
import { compareRecords } from '../../compare/compareRuns.js';
import { defaultBaselinePath, looksLikeBaselineFile } from '../../compare/baselineFile.js';
import { parseCellFilter } from '../../compare/cellFilter.js';
import { resolvePolicy, type PolicySource } from '../../compare/policy.js';
import type { ComparisonResult } from '../../compare/types.js';
import { exitCodeForComparison } from '../../compare/verdict.js';
import { InputError, errorMessage, fileWriteError } from '../../errors.js';
import { displayPath } from '../../displayPath.js';
import { checkOutputPath, flagOutput } from '../../outputPath.js';
import { replaceFile } from '../../replaceFile.js';
import { readRecordHeader } from '../../records/reader.js';
import { resolveRecordPath } from '../../records/runDir.js';
import { redactKnownSecrets } from '../../secrets.js';
import type { RecordHeader } from '../../records/types.js';
import { formatComparison } from '../../report/compareConsole.js';
import { formatPairwise } from '../../report/pairwise.js';
import { renderJUnit } from '../../report/junit.js';
import { renderMarkdown } from '../../report/markdown.js';
import { checkPagePath } from '../../report/html/pagePath.js';
import { prettyJsonPieces } from '../../report/prettyJson.js';
import type { VerdictPolicy } from '../../compare/policy.js';
import { parseIntegerOption, parseNumberOption } from '../options.js';

export interface CompareFlags {
  baseline?: string;
  candidate?: string;
  maxPassRateDrop?: string;
  alpha?: string;
  maxCostIncrease?: string;
  maxP95LatencyIncrease?: string;
  maxRefusalRateIncrease?: string;
  maxTruncationRateIncrease?: string;
  failOnInconclusive?: boolean;
  force?: boolean;
  seed?: string;
  markdown?: string;
  json?: string;
  junit?: string;
  html?: string | boolean;
  judge?: string;
}

export async function compareCommand(runs: string[], flags: Record<string, unknown>): Promise<number> {
  const f = flags as CompareFlags;
  const root = process.cwd();
  const { config, file: configFile } = await loadConfig(root);
  const runsDir = resolve(join(config.outDir ?? 'reports', 'runs'));
  const baselineFilter = parseCellFilter(f.baseline, '--baseline');
  const candidateFilter = parseCellFilter(f.candidate, '--candidate');
  const seed = f.seed === undefined ? 1 : parseIntegerOption(f.seed, '--seed', 0);
  const hasFilters = Object.keys(baselineFilter).length > 0 || Object.keys(candidateFilter).length > 0;

  const [baselineFile, candidateFile] = await resolveSides(runs, hasFilters, runsDir, root);
  const candidateHeader = await readRecordHeader(candidateFile);
  const policy = resolvePolicy([...configPolicySources(config, configFile), ...(await suitePolicySources(candidateHeader, root)), flagPolicySource(f)]);
  const records = [baselineFile, candidateFile];
  const page = htmlFile(f, root, records);
  if (page) await checkPagePath(page);
  await checkOutputPaths(f, root);
  const repeatDetails = f.judge !== undefined || outputsShowRepeats(f, page);
  const result = await compareRecords(baselineFile, candidateFile, { root, baselineFilter, candidateFilter, policy, seed, force: f.force === true, repeatDetails });

  if (f.judge) await judgePairwise(result, f.judge, candidateHeader, [baselineFile, candidateFile], root);

  process.stdout.write(`${formatComparison(result)}\n`);
  if (f.judge) process.stdout.write(`${formatPairwise(result)}\n`);
  await writeOutputs(result, f, root, { records });
  return exitCodeForComparison(result, f.failOnInconclusive === true);
}

/**
 * Pairwise judging with the suite's rubric (src/judge/pairwiseComparison.ts), through the same
 * Anthropic provider stack a run uses (response cache, pacing, key from the environment); each
 * cell's summary is attached to the comparison as `cell.pairwise`.
 */
async function judgePairwise(result: ComparisonResult, model: string, header: RecordHeader, records: string[], root: string): Promise<void> {
  const suiteFile = resolve(root, header.suiteFile);
  if (!existsSync(suiteFile)) throw new InputError('compare --judge needs the suite file for its rubric', { file: header.suiteFile });
  const { importSuites } = await import('../../engine/loadSuite.js');
  const suite = (await importSuites(suiteFile)).find((s) => s.name === header.suite);
  if (!suite) throw new InputError(`the suite "${header.suite}" is no longer exported`, { file: header.suiteFile });
  const { RunSession } = await import('../../engine/assemble.js');
  const { findRubricScorer } = await import('../../judge/rubric.js');
  const { judgeComparison } = await import('../../judge/pairwiseComparison.js');
  const session = await RunSession.open({ root });
  const loaded = await session.loadSuite(suite, suiteFile);
  const scorer = findRubricScorer(loaded.suite.scorers, loaded.relativeFile);
  const { judge, close } = await session.judgeStack(loaded, model);
  try {
    const summaries = await judgeComparison(result, { judge, model, rubric: scorer.rubric, records });
    result.cells.forEach((cell, index) => {
      cell.pairwise = summaries[index]!;
    });
  } finally {
    await close();
  }
}

/** [baseline, candidate] record files from the positional arguments. */
async function resolveSides(runs: string[], hasFilters: boolean, runsDir: string, root: string): Promise<[string, string]> {
  if (runs.length > 2) throw new InputError(`expected at most two runs, got ${runs.length}`, {}, 'promptgold compare <baseline> <candidate>');
  if (runs.length === 2) return [await resolveRecordPath(runs[0]!, runsDir), await resolveRecordPath(runs[1]!, runsDir)];
  if (runs.length === 0) {
    throw new InputError('name the runs to compare', {}, 'promptgold compare <baseline> <candidate>, or promptgold compare <run> to use the suite\'s committed baseline');
  }
  const only = await resolveRecordPath(runs[0]!, runsDir);
  if (hasFilters) return [only, only];
  const header = await readRecordHeader(only);
  const baseline = defaultBaselinePath(header, root);
  if (!existsSync(baseline)) {
    throw new InputError(
      `no committed baseline for suite "${header.suite}"`,
      { file: relative(root, baseline) },
      `save one with \`promptgold baseline save ${relative(root, dirname(only))}\`, or name two runs`,
    );
  }
  return [baseline, only];
}

/** The project config's `policy`: every suite's defaults, under the suite's own. */
export function configPolicySources(config: PromptgoldConfig, file: string | undefined): PolicySource[] {
  return config.policy ? [{ policy: config.policy, origin: file ?? 'promptgold.config' }] : [];
}

/** The suite's `policy`, read from the suite file named in the record (when it still loads). */
export async function suitePolicySources(header: RecordHeader, root: string): Promise<PolicySource[]> {
  const file = resolve(root, header.suiteFile);
  if (!existsSync(file)) return [];
  try {
    // Loaded only here: suite loading brings the dataset, prompt and scorer modules with it.
    const { importSuites } = await import('../../engine/loadSuite.js');
    const suite = (await importSuites(file)).find((s) => s.name === header.suite);
    return suite?.policy ? [{ policy: suite.policy, origin: header.suiteFile }] : [];
  } catch (error) {
    process.stderr.write(`warning: could not load ${header.suiteFile} for its verdict policy (${errorMessage(error).split('\n')[0]}); using the defaults\n`);
    return [];
  }
}

function flagPolicySource(f: CompareFlags): PolicySource {
  const policy: VerdictPolicy = {};
  if (f.maxPassRateDrop !== undefined) policy.maxPassRateDrop = parseNumberOption(f.maxPassRateDrop, '--max-pass-rate-drop');
  if (f.alpha !== undefined) policy.alpha = parseNumberOption(f.alpha, '--alpha');
  if (f.maxCostIncrease !== undefined) policy.maxCostIncrease = parseNumberOption(f.maxCostIncrease, '--max-cost-increase');
  if (f.maxP95LatencyIncrease !== undefined) policy.maxP95LatencyIncrease = parseNumberOption(f.maxP95LatencyIncrease, '--max-p95-latency-increase');
  if (f.maxRefusalRateIncrease !== undefined) policy.maxRefusalRateIncrease = parseNumberOption(f.maxRefusalRateIncrease, '--max-refusal-rate-increase');
  if (f.maxTruncationRateIncrease !== undefined) policy.maxTruncationRateIncrease = parseNumberOption(f.maxTruncationRateIncrease, '--max-truncation-rate-increase');
  return { policy, origin: 'command-line flags' };
}

export interface OutputFlags {
  markdown?: string;
  json?: string;
  junit?: string;
  html?: string | boolean;
  /** The JUnit verdict test case of an inconclusive cell fails, as the exit code does. */
  failOnInconclusive?: boolean;
}

export interface OutputExtras {
  /** The record files compared, baseline first: the HTML report reads them. */
  records: string[];
  /** The Markdown report's heading and the JUnit file's `<testsuites>` name, when not compare's own. */
  title?: string;
  json?: unknown;
  markdownAppendix?: string;
}

/**
 * Whether the outputs asked for show each repeat's output and scores: the JSON, Markdown, JUnit and
 * HTML outputs do, the console report does not. A comparison for the console alone is made without
 * them (`repeatDetails: false`): on large runs, most of what a comparison holds and collects.
 */
function outputsShowRepeats(f: OutputFlags, page: string | undefined): boolean {
  return Boolean(f.json || f.markdown || f.junit) || page !== undefined;
}

/** The `--json`, `--markdown` and `--junit` paths, checked before anything is read or run (see outputPath.ts). */
export async function checkOutputPaths(f: Pick<OutputFlags, 'json' | 'markdown' | 'junit'>, root: string): Promise<void> {
  if (f.json) await checkOutputPath(resolve(root, f.json), flagOutput('--json', 'compare.json'));
  if (f.markdown) await checkOutputPath(resolve(root, f.markdown), flagOutput('--markdown', 'compare.md'));
  if (f.junit) await checkOutputPath(resolve(root, f.junit), flagOutput('--junit', 'junit.xml'));
}

export async function writeOutputs(result: ComparisonResult, f: OutputFlags, root: string, extras: OutputExtras): Promise<void> {
  const written: string[] = [];
  const write = async (file: string, writeTo: (path: string) => Promise<void>) => {
    const path = resolve(root, file);
    try {
      await mkdir(dirname(path), { recursive: true });
      // Beside and renamed: an output that fails on the way keeps the file that was there.
      await replaceFile(path, writeTo);
    } catch (error) {
      throw fileWriteError(error, path, displayPath(path, root));
    }
    written.push(relative(root, path));
  };
  const writeText = (text: string) => (path: string) => writeFile(path, redactKnownSecrets(text));
  try {
    if (f.json) await write(f.json, (path) => writeJsonFile(path, extras.json ?? result));
    if (f.markdown) await write(f.markdown, writeText(renderMarkdown(result, extras.title ? { title: extras.title } : {}) + (extras.markdownAppendix ?? '')));
    if (f.junit) await write(f.junit, writeText(renderJUnit(result, { failOnInconclusive: f.failOnInconclusive === true, ...(extras.title ? { title: extras.title } : {}) })));
    await writeHtml(result, f, root, written, extras.records);
  } finally {
    // Said also when a later output fails: the files written before it are there.
    for (const file of written) process.stdout.write(`wrote ${file}\n`);
  }
}

/** Bytes gathered before a write of a JSON report. */
const JSON_WRITE_BYTES = 1024 * 1024;

/**
 * `JSON.stringify(value, null, 2)` and a newline, written in pieces (see prettyJsonPieces) through
 * one reused buffer: the text is never held whole. Each piece is redacted on its own, which
 * redacts the whole: a string of the JSON is never split between pieces, and between pieces there
 * is only the layout's punctuation and line breaks, which no key or token contains.
 */
async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const buffer = Buffer.allocUnsafe(JSON_WRITE_BYTES);
    let used = 0;
    const add = async (text: string) => {
      const piece = redactKnownSecrets(text);
      // A UTF-16 code unit takes at most 3 bytes of UTF-8.
      if (used + 3 * piece.length > buffer.length) {
        await writeAll(handle, buffer, used);
        used = 0;
      }
      if (3 * piece.length > buffer.length) {
        const bytes = Buffer.from(piece);
        await writeAll(handle, bytes, bytes.length);
      } else used += buffer.write(piece, used);
    };
    for (const piece of prettyJsonPieces(value)) await add(piece);
    await add('\n');
    await writeAll(handle, buffer, used);
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer, length: number): Promise<void> {
  for (let offset = 0; offset < length; ) offset += (await handle.write(bytes, offset, length - offset)).bytesWritten;
}

/**
 * HTML report: the single call site of `writeHtmlReport` (src/report/html, imported lazily so the
 * renderer loads only when a report is written). `--html <file>` names the file; by default it goes
 * beside the candidate run as `compare.html`; `--no-html` skips it.
 */
async function writeHtml(result: ComparisonResult, f: OutputFlags, root: string, written: string[], records: string[]): Promise<void> {
  const file = htmlFile(f, root, records);
  if (!file) return;
  const { writeHtmlReport } = await import('../../report/html/index.js');
  const runs = [...new Set(records)].map((dir) => ({ dir }));
  await writeHtmlReport({ runs, comparison: result }, file);
  written.push(relative(root, file));
}

/** Where the HTML report goes, or undefined when none is written (see writeHtml). */
function htmlFile(f: OutputFlags, root: string, records: string[]): string | undefined {
  if (f.html === false) return undefined;
  const candidate = records.at(-1);
  return typeof f.html === 'string' ? resolve(root, f.html) : candidate && !looksLikeBaselineFile(candidate) ? join(dirname(candidate), 'compare.html') : undefined;
}
