/**
 * `promptgold merge <records…> --out <dir>`: join the partial records of one run (vitest shards)
 * into one record with a fresh summary. Exits like `run`: 1 when a cell is below the threshold, 3
 * when samples went unscored beyond maxErrorRate, some planned samples are in no part, or some never
 * ran (skipped for the budget, batch requests expired).
 */
import { basename, join, relative, resolve } from 'node:path';
import { loadConfig } from '../../config.js';
import { InputError } from '../../errors.js';
import { mergeRecords } from '../../records/merge.js';
import { runExitCode } from '../../records/runOutcome.js';
import { resolveRecordPath, runPaths } from '../../records/runDir.js';
import { formatSummaryTable } from '../../report/console.js';

export interface MergeFlags {
  out?: string;
}

export async function mergeCommand(records: string[], flags: MergeFlags): Promise<number> {
  if (!flags.out) throw new InputError('--out is required', { field: '--out' }, 'name the run folder to write, e.g. --out reports/runs/triage-merged');
  const root = process.cwd();
  const { config } = await loadConfig(root);
  const runsDir = resolve(join(config.outDir ?? 'reports', 'runs'));
  const files: string[] = [];
  for (const reference of records) files.push(await resolveRecordPath(reference, runsDir));
  if (new Set(files).size !== files.length) throw new InputError('the same record is named twice', { field: 'records' }, 'name each shard once');

  const outDir = resolve(flags.out);
  if (files.some((file) => resolve(file, '..') === outDir)) {
    throw new InputError('--out is one of the records being merged', { field: '--out' }, 'write the merged record to a new folder');
  }
  const result = await mergeRecords(files, outDir, basename(outDir));
  process.stdout.write(`\n${formatSummaryTable(result.suite, result.summary)}\n`);
  process.stdout.write(`merged ${files.length} records, ${result.samples}/${result.planned} samples: ${relative(root, runPaths(outDir).record)}\n`);
  const missing = result.samples < result.planned;
  if (missing) {
    // The samples that are there may all pass; the missing ones decide nothing until they are merged.
    process.stderr.write(
      `FAILED (exit 3): the merged record is missing ${result.planned - result.samples} of ${result.planned} planned samples (a shard that did not run, or was not passed to merge?); merge every shard\n`,
    );
  } else if (result.notRun) {
    // Every line is there, but some samples were skipped (the budget) or never answered (a batch): as `run`, not a pass.
    process.stderr.write(
      `FAILED (exit 3): the merged run did not complete (${result.notRun}), so its pass rates are over part of the plan; finish the runs the parts came from (\`promptgold run --resume\`, or run the shard again) and merge again\n`,
    );
  }
  return runExitCode({
    incomplete: !result.complete,
    tooManyErrors: result.summary.tooManyErrors,
    failingCells: result.summary.failingCells.length,
  });
}
