/**
 * Joining partial records of one run (e.g. the shards of a vitest run, each on its own machine)
 * into one record: the parts must share the plan (suite, prompt versions and hashes, models,
 * dataset, plan hash) and how it is judged (scorers, threshold, maxErrorRate, selection, chaos,
 * seed), and hold disjoint samples. Samples are merged in plan order by streaming
 * every part at once (each part is already in plan order), and a fresh summary is computed.
 * Also home of `writeRunFolder`, which writes a record from samples already in memory.
 */
import { access, mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { stableStringify } from '../canonical.js';
import { InputError } from '../errors.js';
import { countNotRun, noNotRun, notRunReason, notRunTotal, runIncompleteCause, type NotRunCounts } from './completeness.js';
import { readPromptStore } from './promptStore.js';
import { JUDGING_FIELDS } from './resumeOptions.js';
import { checkSampleFields } from './sampleCheck.js';
import { readRecordHeader, readRecordLines } from './reader.js';
import { promptStoreOf, runPaths, writeMeta, type RunMeta } from './runDir.js';
import { SummaryBuilder, summaryPolicyOf } from './summary.js';
import type { PromptStoreLine, RecordHeader, RecordSummary, SampleRecord } from './types.js';
import { JsonlWriter } from './writer.js';

export interface RecordPart {
  /** The part's run.jsonl. */
  file: string;
  header: RecordHeader;
}

const SAME_RUN_FIX = 'merge only the shards of one test run (same commit, same suite, same dataset)';
const SAME_JUDGING_FIX = 'run every shard with the same suite and flags (scorers, threshold, --max-error-rate, --filter/--limit/--sample, --chaos, --seed), then merge';

/** A header option, `null` when the header lacks it: both parts lacking it agree. */
function option(name: string): (h: RecordHeader) => unknown {
  return (h) => h.options[name] ?? null;
}

/**
 * The header fields that must agree for parts to be one run: what was planned, and how its samples
 * are judged (the options resume also requires, see resumeOptions.ts). The merged header is the
 * first part's, so a difference would let the order of the parts decide the verdict.
 */
const IDENTITY: Array<{ field: string; of: (h: RecordHeader) => unknown; fix: string }> = [
  { field: 'suite', of: (h) => h.suite, fix: SAME_RUN_FIX },
  { field: 'planHash', of: (h) => h.planHash, fix: SAME_RUN_FIX },
  { field: 'prompts', of: (h) => h.prompts.map((p) => [p.id, p.version, p.hash]), fix: SAME_RUN_FIX },
  { field: 'models', of: (h) => h.models, fix: SAME_RUN_FIX },
  { field: 'dataset.hash', of: (h) => h.dataset.hash, fix: SAME_RUN_FIX },
  { field: 'planned', of: (h) => h.planned, fix: SAME_RUN_FIX },
  ...JUDGING_FIELDS.map((name) => ({ field: `options.${name}`, of: option(name), fix: SAME_JUDGING_FIX })),
  { field: 'options.select', of: option('select'), fix: SAME_JUDGING_FIX },
  { field: 'options.chaos', of: option('chaos'), fix: SAME_JUDGING_FIX },
  { field: 'seed', of: (h) => h.seed, fix: SAME_JUDGING_FIX },
];

/** Throws when a part is not of the same run as the first one, naming the field that differs. */
export function checkSameRun(parts: readonly RecordPart[]): void {
  const [first, ...rest] = parts;
  if (!first) throw new InputError('nothing to merge', {}, 'pass the partial records (run folders or run.jsonl files)');
  for (const part of rest) {
    for (const { field, of, fix } of IDENTITY) {
      const expected = stableStringify(of(first.header));
      const found = stableStringify(of(part.header));
      if (expected !== found) {
        throw new InputError(
          `not a part of the same run as ${first.file}: ${field} is ${shorten(found)}, expected ${shorten(expected)}`,
          { file: part.file, line: 1, field },
          fix,
        );
      }
    }
  }
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** Header for the merged record: the first part's, with the commit only when all parts agree. */
export function mergedHeader(parts: readonly RecordPart[]): RecordHeader {
  const header = parts[0]!.header;
  const commits = new Set(parts.map((p) => p.header.git.commit));
  const dirty = parts.some((p) => p.header.git.dirty === true) ? true : parts.every((p) => p.header.git.dirty === false) ? false : null;
  return { ...header, git: { commit: commits.size === 1 ? header.git.commit : null, dirty } };
}

interface Cursor {
  part: RecordPart;
  lines: AsyncGenerator<{ line: number; text: string; value: { type: string } }>;
  current?: { line: number; text: string; sample: SampleRecord };
  lastIndex: number;
}

async function advance(cursor: Cursor): Promise<void> {
  cursor.current = undefined;
  for (;;) {
    const next = await cursor.lines.next();
    if (next.done) return;
    const { value, text, line } = next.value;
    if (value.type !== 'sample') continue;
    // Counted in the merged summary as it is: a `"pass": "false"` would count as a pass.
    const sample = checkSampleFields(value, { file: cursor.part.file, line });
    if (sample.index === cursor.lastIndex) {
      throw new InputError(`sample ${sample.index} (${sample.caseId}) is recorded twice in this part`, { file: cursor.part.file, line, field: 'index' }, 'keep one of the two lines and delete the other, then merge again');
    }
    if (sample.index < cursor.lastIndex) {
      throw new InputError(`samples are not in plan order (index ${sample.index} after ${cursor.lastIndex})`, { file: cursor.part.file, line, field: 'index' }, 'merge records written by promptgold, unedited');
    }
    if (sample.index >= cursor.part.header.planned) {
      throw new InputError(`sample index ${sample.index} is outside the plan of ${cursor.part.header.planned} samples`, { file: cursor.part.file, line, field: 'index' });
    }
    cursor.lastIndex = sample.index;
    cursor.current = { line, text, sample };
    return;
  }
}

export interface MergeResult {
  outDir: string;
  suite: string;
  samples: number;
  planned: number;
  summary: RecordSummary;
  /** True when the parts together hold every planned sample, and each of them ran. */
  complete: boolean;
  /** Why samples the parts hold never ran (`8 samples skipped: budget reached`), when some did not. */
  notRun?: string;
}

/** Merge the parts' run.jsonl files into `<outDir>/run.jsonl` (+ prompts.jsonl, meta.json). */
export async function mergeRecords(files: readonly string[], outDir: string, runId: string): Promise<MergeResult> {
  const parts: RecordPart[] = [];
  for (const file of files) parts.push({ file, header: await readRecordHeader(file) });
  checkSameRun(parts);
  await checkPromptStores(files);
  const header = mergedHeader(parts);

  await mkdir(outDir, { recursive: true });
  const paths = runPaths(outDir);
  const prompts = await readPromptStore(files);
  const writer = new JsonlWriter(paths.record);
  const promptWriter = new JsonlWriter(paths.prompts);
  const writtenPrompts = new Set<string>();
  const summary = summaryBuilderFor(header);
  const notRun = noNotRun();
  let samples = 0;
  let cursors: Cursor[] = [];
  try {
    await writer.write(header);
    cursors = parts.map((part) => ({ part, lines: readRecordLines(part.file), lastIndex: -1 }));
    for (const cursor of cursors) await advance(cursor);
    for (;;) {
      let next: Cursor | undefined;
      for (const cursor of cursors) {
        if (!cursor.current) continue;
        if (next && cursor.current.sample.index === next.current!.sample.index) {
          throw new InputError(
            `sample ${cursor.current.sample.index} (${cursor.current.sample.caseId}) is also in ${next.part.file}: the parts overlap`,
            { file: cursor.part.file, line: cursor.current.line, field: 'index' },
            'each shard must run a disjoint share of the plan: merge each shard once',
          );
        }
        if (!next || cursor.current.sample.index < next.current!.sample.index) next = cursor;
      }
      if (!next) break;
      const { text, sample } = next.current!;
      const prompt = prompts.get(sample.promptHash);
      if (prompt !== undefined && !writtenPrompts.has(sample.promptHash)) {
        writtenPrompts.add(sample.promptHash);
        await promptWriter.writeRaw(`${prompt.text}\n`);
      }
      await writer.writeRaw(`${text}\n`);
      summary.add(sample);
      countNotRun(notRun, sample);
      samples++;
      await advance(next);
    }
    const built = summary.build();
    const everyLine = samples === header.planned;
    // As a run that stopped early: no summary line, so no reader takes the part for the whole.
    // Samples that never ran are on their lines: the summary is written, as the engine writes it.
    if (everyLine) await writer.write(built);
    const complete = isComplete(header, samples, notRun);
    const notRunText = notRunReason(notRun);
    const reasons = [...(everyLine ? [] : [`merged ${samples} of ${header.planned} planned samples`]), ...(notRunText ? [notRunText] : [])];
    await writeMeta(outDir, {
      runId,
      suite: header.suite,
      status: complete ? 'complete' : 'incomplete',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      mergedFrom: files.map((file) => basename(dirname(file))),
      ...(complete ? {} : { reason: reasons.join('; ') }),
    });
    return { outDir, suite: header.suite, samples, planned: header.planned, summary: built, complete, ...(notRunText ? { notRun: notRunText } : {}) };
  } finally {
    // A part left half read (the parts overlap) would keep its file open until collected.
    await Promise.all(cursors.map((cursor) => cursor.lines.return(undefined)));
    await writer.close();
    await promptWriter.close();
  }
}

/** The rule every reader applies (completeness.ts): all planned sample lines, a summary line (written when they are all there), and none of them never run. */
function isComplete(header: RecordHeader, samples: number, notRun: NotRunCounts): boolean {
  return runIncompleteCause({ hasSummary: samples === header.planned, samples, planned: header.planned, notRun: notRunTotal(notRun) }) === undefined;
}

/**
 * Every part written by promptgold has its prompt store beside its record (empty when it stored no
 * prompt). One left behind (an artifact uploaded in part) would leave the merged record without
 * the prompts of that part's samples, and nothing would say so.
 */
async function checkPromptStores(files: readonly string[]): Promise<void> {
  for (const file of files) {
    const store = promptStoreOf(file);
    if (await access(store).then(() => true, () => false)) continue;
    throw new InputError(
      `the part's prompt store ${store} is missing: the merged record would lack the prompts of its samples`,
      { file },
      "pass the shard's whole run folder (run.jsonl with prompts.jsonl beside it), e.g. upload reports/runs/ as it is, then merge again",
    );
  }
}

function summaryBuilderFor(header: RecordHeader): SummaryBuilder {
  const summary = new SummaryBuilder(summaryPolicyOf(header));
  for (const prompt of header.prompts) for (const model of header.models) summary.declareCell(prompt.version, model);
  return summary;
}

export interface RunFolderContents {
  header: RecordHeader;
  /** In any order: written sorted by plan index. */
  samples: SampleRecord[];
  prompts: ReadonlyMap<string, PromptStoreLine>;
  meta: Omit<RunMeta, 'status'>;
}

/**
 * Write a run folder from samples in memory (the vitest reporter's case). The summary line is
 * written only when every planned sample is there, as in a record written by the engine; samples
 * recorded as never run (the budget reached) leave it incomplete, as they leave the engine's run.
 */
export async function writeRunFolder(dir: string, contents: RunFolderContents): Promise<{ complete: boolean; summary: RecordSummary }> {
  await mkdir(dir, { recursive: true });
  const paths = runPaths(dir);
  const samples = [...contents.samples].sort((a, b) => a.index - b.index);
  const summary = summaryBuilderFor(contents.header);
  const writer = new JsonlWriter(paths.record);
  const promptWriter = new JsonlWriter(paths.prompts);
  const writtenPrompts = new Set<string>();
  const notRun = noNotRun();
  try {
    await writer.write(contents.header);
    for (const sample of samples) {
      const prompt = contents.prompts.get(sample.promptHash);
      if (prompt && !writtenPrompts.has(sample.promptHash)) {
        writtenPrompts.add(sample.promptHash);
        await promptWriter.write(prompt);
      }
      await writer.write(sample);
      summary.add(sample);
      countNotRun(notRun, sample);
    }
    const built = summary.build();
    const everyLine = samples.length === contents.header.planned;
    if (everyLine) await writer.write(built);
    const complete = isComplete(contents.header, samples.length, notRun);
    const reason = everyLine ? notRunReason(notRun) : `${samples.length} of ${contents.header.planned} planned samples ran`;
    await writeMeta(dir, {
      ...contents.meta,
      status: complete ? 'complete' : 'incomplete',
      ...(complete || contents.meta.reason ? {} : { reason }),
    });
    return { complete, summary: built };
  } finally {
    await writer.close();
    await promptWriter.close();
  }
}
