/** `promptgold report <run> [--compare <baseline>] [--html <file>]`: write the self-contained HTML report. */
import { dirname, join, relative, resolve } from 'node:path';
import { loadConfig } from '../../config.js';
import { ExitCode } from '../../errors.js';
import { resolveRecordPath } from '../../records/runDir.js';

export interface ReportFlags {
  compare?: string;
  html?: string;
}

export async function reportCommand(run: string, flags: ReportFlags): Promise<number> {
  const root = process.cwd();
  const { config } = await loadConfig(root);
  const runsDir = resolve(join(config.outDir ?? 'reports', 'runs'));
  const candidate = await resolveRecordPath(run, runsDir);
  const target = flags.html ?? join(dirname(candidate), 'report.html');
  const { writeHtmlReport } = await import('../../report/html/index.js');
  let written: string;
  if (flags.compare) {
    const baseline = await resolveRecordPath(flags.compare, runsDir);
    const { compareRecords } = await import('../../compare/index.js');
    const comparison = await compareRecords(baseline, candidate, { root });
    written = await writeHtmlReport({ runs: [{ dir: baseline }, { dir: candidate }], comparison }, target);
  } else {
    written = await writeHtmlReport({ runs: [{ dir: candidate }] }, target);
  }
  const shown = relative(root, written);
  process.stdout.write(`HTML report: ${shown.startsWith('..') ? written : shown}\n`);
  return ExitCode.passed;
}
