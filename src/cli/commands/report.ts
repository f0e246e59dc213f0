/** `promptgold report <run> [--compare <baseline>] [--html <file>]`: write the self-contained HTML report. */
import { dirname, join, relative, resolve } from 'node:path';
import { loadConfig } from '../../config.js';
import { isBaselineHeader } from '../../compare/baselineFile.js';
import { resolvePolicy } from '../../compare/policy.js';
import { exitCodeForComparison } from '../../compare/verdict.js';
import { ExitCode } from '../../errors.js';
import { readRecordHeader } from '../../records/reader.js';
import { resolveRecordPath } from '../../records/runDir.js';
import { configPolicySources, suitePolicySources } from './compare.js';

export interface ReportFlags {
  compare?: string;
  html?: string;
}

/**
 * With `--compare`, the comparison is `compare`'s own (the config's and the suite's policy) and the
 * command ends as `compare` would: the verdict printed, exit 1 on a fail. Without it, the command
 * ends as the run did: its verdict in one line, and the exit code `promptgold run` gave it (a
 * baseline file is no run: it has no verdict of its own).
 */
export async function reportCommand(run: string, flags: ReportFlags): Promise<number> {
  const root = process.cwd();
  const { config, file: configFile } = await loadConfig(root);
  const runsDir = resolve(join(config.outDir ?? 'reports', 'runs'));
  const candidate = await resolveRecordPath(run, runsDir);
  const target = flags.html ?? join(dirname(candidate), 'report.html');
  const { writeHtmlReport } = await import('../../report/html/index.js');
  let written: string;
  let exitCode: number = ExitCode.passed;
  if (flags.compare) {
    const baseline = await resolveRecordPath(flags.compare, runsDir);
    const { compareRecords } = await import('../../compare/index.js');
    const policy = resolvePolicy([...configPolicySources(config, configFile), ...(await suitePolicySources(await readRecordHeader(candidate), root))]);
    const comparison = await compareRecords(baseline, candidate, { root, policy });
    written = await writeHtmlReport({ runs: [{ dir: baseline }, { dir: candidate }], comparison }, target);
    const { formatVerdict } = await import('../../report/compareConsole.js');
    process.stdout.write(`${formatVerdict(comparison)}\n`);
    exitCode = exitCodeForComparison(comparison, false);
  } else {
    written = await writeHtmlReport({ runs: [{ dir: candidate }] }, target);
    if (!isBaselineHeader(await readRecordHeader(candidate))) {
      const { readRunEnd, runEndExitCode } = await import('../../records/runOutcome.js');
      const { runEndLine } = await import('../../report/runEnd.js');
      const end = await readRunEnd(candidate);
      process.stdout.write(`${runEndLine(end, relative(root, dirname(candidate)) || '.')}\n`);
      exitCode = runEndExitCode(end);
    }
  }
  const shown = relative(root, written);
  process.stdout.write(`HTML report: ${shown.startsWith('..') ? written : shown}\n`);
  return exitCode;
}
