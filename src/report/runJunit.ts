/**
 * JUnit XML of runs (`promptgold run --junit <file>`), for CI systems that show test results. Per
 * run, one <testsuite> per cell (prompt version × model) with one <testcase> per sample: a sample
 * that was not scored (the provider, a scorer or a judge failed) is an <error> with its kind and
 * message, a failing sample a <failure> with its failing scorers' reasons, a budget skip <skipped>.
 * Each cell's first test case is its pass rate against the threshold (failing below it), and each
 * run has one more <testsuite> whose test case errors when more samples went unscored than
 * `maxErrorRate` allows (the exit-3 rule). Refusal, max_tokens and context-window rates are the
 * cell's <properties>.
 *
 * Streamed: one pass over each record counts what the <testsuite> attributes need, then one pass
 * per cell writes its samples, so a run of any size is never held in memory.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import { BUDGET_SKIP, hasAnswer } from '../records/errorKinds.js';
import { checkHeader, readRecordLines } from '../records/reader.js';
import { replaceFile } from '../replaceFile.js';
import { SummaryBuilder, cellKey, isScored, summaryPolicyOf } from '../records/summary.js';
import { goldenRefusalReason, isGoldenRefusal } from '../records/stops.js';
import type { CellSummary, RecordHeader, RecordSummary, SampleError, SampleRecord } from '../records/types.js';
import type { Score } from '../scoring/types.js';
import { redactKnownSecrets } from '../secrets.js';
import { count, percent, plural, rateWithInterval } from './format.js';
import { attr, text } from './junit.js';
import { thresholdMissText, tooManyErrorsText } from './notScored.js';
import { STOP_FIELDS, STOP_LABELS, refusalCategoriesText, stopRate } from './stops.js';

interface CellTally {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

interface RecordTally {
  header: RecordHeader;
  summary: RecordSummary;
  cells: Map<string, CellTally>;
}

const OUTPUT_CHARS = 2000;

/** A suite of the run given an errored test case: its name, what became of it, and the error the console gave. */
export interface ErroredSuite {
  suite: string;
  /**
   * `not run`: refused before its run folder was claimed, or never started; `aborted`: stopped by
   * an error after its run began; `after run`: an error after it finished (its record's suites are
   * written too), such as closing its provider.
   */
  kind: 'not run' | 'aborted' | 'after run';
  message: string;
}

/** The errored test case of each kind: what it says did not happen. */
const ERRORED_CASE_NAME: Record<ErroredSuite['kind'], string> = { 'not run': 'suite ran', aborted: 'suite finished', 'after run': 'suite closed' };

/** Writes the JUnit XML of the given run records (`run.jsonl` files) to `file`. */
export async function writeRunJUnit(recordFiles: readonly string[], file: string, errored: readonly ErroredSuite[] = []): Promise<void> {
  const tallies: Array<{ file: string; tally: RecordTally }> = [];
  for (const recordFile of recordFiles) tallies.push({ file: recordFile, tally: await tallyRecord(recordFile) });
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const { tally } of tallies) {
    for (const cell of tally.cells.values()) {
      totals.tests += cell.tests + 1;
      totals.failures += cell.failures;
      totals.errors += cell.errors;
      totals.skipped += cell.skipped;
    }
    totals.tests++;
    if (tally.summary.tooManyErrors) totals.errors++;
    totals.failures += tally.summary.failingCells.length;
  }
  totals.tests += errored.length;
  totals.errors += errored.length;
  await mkdir(dirname(file), { recursive: true });
  // Beside and renamed: a write that fails on the way keeps the file of the last run for the CI to read.
  await replaceFile(file, async (path) => {
    const out = new XmlWriter(createWriteStream(path));
    try {
      await out.line('<?xml version="1.0" encoding="UTF-8"?>');
      await out.line(`<testsuites name="promptgold run" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}">`);
      for (const { file: recordFile, tally } of tallies) await writeRecordSuites(out, recordFile, tally);
      for (const suite of errored) await writeErroredSuite(out, suite);
      await out.line('</testsuites>');
    } finally {
      await out.close();
    }
  });
}

async function tallyRecord(file: string): Promise<RecordTally> {
  let header: RecordHeader | undefined;
  let builder: SummaryBuilder | undefined;
  const cells = new Map<string, CellTally>();
  for await (const { value, line } of readRecordLines(file)) {
    if (value.type === 'header') {
      header = checkHeader(value, file, line);
      builder = new SummaryBuilder(summaryPolicyOf(header));
      for (const prompt of header.prompts) for (const model of header.models) builder.declareCell(prompt.version, model);
    } else if (value.type === 'sample' && builder) {
      builder.add(value);
      const key = cellKey(value.version, value.model);
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = { tests: 0, failures: 0, errors: 0, skipped: 0 }));
      cell.tests++;
      const outcome = outcomeOf(value);
      if (outcome === 'error') cell.errors++;
      else if (outcome === 'failure') cell.failures++;
      else if (outcome === 'skipped') cell.skipped++;
    }
  }
  if (!header || !builder) throw new InputError('the record has no header line', { file, line: 1 }, 'is this a promptgold run.jsonl?');
  return { header, summary: builder.build(), cells };
}

type Outcome = 'pass' | 'failure' | 'error' | 'skipped';

function outcomeOf(sample: SampleRecord): Outcome {
  if (sample.error?.kind === BUDGET_SKIP) return 'skipped';
  // The HTML page's errored case is the same decision: a sample not scored.
  if (!isScored(sample)) return 'error';
  return sample.pass && !sample.error ? 'pass' : 'failure';
}

async function writeRecordSuites(out: XmlWriter, file: string, tally: RecordTally): Promise<void> {
  const { header, summary } = tally;
  const repeats = Number(header.options['repeats'] ?? 1);
  for (const cell of summary.cells) {
    const counts = tally.cells.get(cellKey(cell.version, cell.model));
    if (!counts) continue; // declared in the header, never run
    const className = `${header.suite}.${cell.version}.${cell.model}`;
    const failing = summary.failingCells.includes(cellKey(cell.version, cell.model));
    await out.line(
      `  <testsuite name="${attr(`${header.suite}: ${cell.version} × ${cell.model}`)}" tests="${counts.tests + 1}" failures="${counts.failures + (failing ? 1 : 0)}" errors="${counts.errors}" skipped="${counts.skipped}">`,
    );
    await out.line('    <properties>');
    for (const [name, value] of cellProperties(cell)) await out.line(`      <property name="${attr(name)}" value="${attr(value)}"/>`);
    await out.line('    </properties>');
    const rate = passRateText(cell);
    await out.line(`    <testcase name="pass rate" classname="${attr(className)}">`);
    if (failing) {
      const message = thresholdMissText(cell, rate, summary.threshold!);
      await out.line(`      <failure message="${attr(message)}" type="threshold">${text(message)}</failure>`);
    } else await out.line(`      <system-out>${text(summary.threshold === null ? `${rate}; the suite sets no threshold` : `${rate}, threshold ${percent(summary.threshold)}`)}</system-out>`);
    await out.line('    </testcase>');
    for await (const { value } of readRecordLines(file)) {
      if (value.type !== 'sample' || value.version !== cell.version || value.model !== cell.model) continue;
      await out.line(sampleCase(value, className, repeats));
    }
    await out.line('  </testsuite>');
  }
  await out.line(`  <testsuite name="${attr(header.suite)}" tests="1" failures="0" errors="${summary.tooManyErrors ? 1 : 0}" skipped="0">`);
  await out.line(`    <testcase name="samples scored" classname="${attr(header.suite)}">`);
  if (summary.tooManyErrors) {
    const message = tooManyErrorsText(summary);
    await out.line(`      <error message="${attr(message)}" type="maxErrorRate">${text(`${message}: the run fails with exit 3`)}</error>`);
  } else {
    const scored = summary.totals.notScored === 0 ? `all ${count(summary.totals.samples)} samples were scored` : `${count(summary.totals.notScored)} of ${count(summary.totals.samples)} samples were not scored, within maxErrorRate`;
    await out.line(`      <system-out>${text(scored)}</system-out>`);
  }
  await out.line('    </testcase>');
  await out.line('  </testsuite>');
}

/** A suite that did not run, stopped, or failed after its run: one errored test case, so a CI that reads only the JUnit file sees it. */
async function writeErroredSuite(out: XmlWriter, { suite, kind, message }: ErroredSuite): Promise<void> {
  await out.line(`  <testsuite name="${attr(suite)}" tests="1" failures="0" errors="1" skipped="0">`);
  await out.line(`    <testcase name="${ERRORED_CASE_NAME[kind]}" classname="${attr(suite)}">`);
  await out.line(`      <error message="${attr(message.split('\n')[0]!)}" type="${kind}">${text(message)}</error>`);
  await out.line('    </testcase>');
  await out.line('  </testsuite>');
}

/** `75.6% of 156 scored golden samples`. */
function passRateText(cell: CellSummary): string {
  return `pass rate ${percent(cell.passRate)} of ${plural(cell.scored, 'scored golden sample')} (${count(cell.passed)} passed)`;
}

function cellProperties(cell: CellSummary): Array<[string, string]> {
  const properties: Array<[string, string]> = [
    ['pass rate', rateWithInterval({ estimate: cell.passRate, ...cell.passRateInterval })],
    ['scored golden samples', String(cell.scored)],
    ['not scored', String(cell.notScored)],
  ];
  if (cell.chaos) {
    const unexercised = cell.chaos.notExercised ?? 0;
    const unscored = cell.chaos.samples - unexercised - cell.chaos.scored;
    const apart = [...(unexercised ? [`${count(unexercised)} sent as their source's request`] : []), ...(unscored ? [`${count(unscored)} not scored`] : [])];
    const of = `${count(cell.chaos.scored)} scored chaos samples${apart.length ? ` (${apart.join(', ')}, left out)` : ''}`;
    properties.push(['chaos pass rate', `${percent(cell.chaos.passRate)} of ${of}`]);
  }
  for (const field of STOP_FIELDS) properties.push([STOP_LABELS[field], stopRate(cell.stops, field, cell.scored)]);
  if (cell.stops.refusals > 0) properties.push(['refusals by category', refusalCategoriesText(cell.stops)]);
  return properties;
}

function sampleCase(sample: SampleRecord, className: string, repeats: number): string {
  const name = `${sample.caseId}${repeats > 1 ? ` #${sample.repeat + 1}` : ''}`;
  const open = `    <testcase name="${attr(name)}" classname="${attr(className)}"`;
  const outcome = outcomeOf(sample);
  if (outcome === 'pass') return `${open}/>`;
  if (outcome === 'skipped') return `${open}>\n      <skipped message="${attr(skippedMessage(sample, sample.error!))}"/>\n    </testcase>`;
  if (outcome === 'error') {
    const error = sample.error!;
    return `${open}>\n      <error message="${attr(`${error.kind}: ${firstLine(error.message)}`)}" type="${attr(error.kind)}">${text(error.message)}</error>\n    </testcase>`;
  }
  // A refused golden sample fails as a refusal, whatever its scorers said of its text.
  const reasons = [...(isGoldenRefusal(sample) ? [`refusal: ${goldenRefusalReason(sample)}`] : []), ...failingReasons(sample.scores)];
  const message = sample.error ? `${sample.error.kind}: ${firstLine(sample.error.message)}` : (reasons[0] ?? 'failed');
  const type = sample.error?.kind ?? (isGoldenRefusal(sample) ? 'refusal' : 'failed');
  const details = [...(sample.error ? [`${sample.error.kind}: ${sample.error.message}`] : []), ...reasons];
  if (sample.stopReason && sample.stopReason !== 'end_turn' && sample.stopReason !== 'tool_use') details.push(`stop reason: ${sample.stopReason}`);
  if (sample.output !== null) details.push(`output: ${clip(sample.output)}`);
  return `${open}>\n      <failure message="${attr(message)}" type="${attr(type)}">${text(details.join('\n'))}</failure>\n    </testcase>`;
}

/** A budget skip's message: never sent, or (its line holds the answer) answered but not judged. */
function skippedMessage(sample: SampleRecord, error: SampleError): string {
  return `${hasAnswer(sample) ? 'answered, not judged' : 'not sent'}: ${error.message}`;
}

/** `scorer: reason` of every failing scorer; a failing combinator names its failing children. */
function failingReasons(scores: readonly Score[], prefix = ''): string[] {
  return scores.flatMap((score) => {
    if (score.pass && !score.error) return [];
    const children = failingReasons(score.children ?? [], `${prefix}${score.name} › `);
    return children.length ? children : [`${prefix}${score.name}: ${score.error ?? score.reason}`];
  });
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0]!;
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

function clip(output: string): string {
  return output.length > OUTPUT_CHARS ? `${output.slice(0, OUTPUT_CHARS - 1)}… (${output.length} characters)` : output;
}

/** Line by line to a file, waiting when the stream is full; every line redacted of known secrets. */
class XmlWriter {
  /** The file's first error (a full disk, no permission), kept for the lines after it. */
  private failure: Error | undefined;

  constructor(private readonly stream: WriteStream) {
    // The stream can fail between two lines, when no one waits on it.
    stream.on('error', (error) => (this.failure ??= error));
  }

  async line(line: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(`${redactKnownSecrets(line)}\n`)) await once(this.stream, 'drain');
  }

  /** Resolves once every line is on disk; rejects with the file's error, also one met before. */
  async close(): Promise<void> {
    this.stream.end();
    await finished(this.stream);
    if (this.failure) throw this.failure;
  }
}
