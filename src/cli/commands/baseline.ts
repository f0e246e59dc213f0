/** `promptgold baseline save <run>`: write the suite's committed baseline from a run. */
import { join, relative, resolve } from 'node:path';
import { loadConfig } from '../../config.js';
import { saveBaseline } from '../../compare/baselineFile.js';
import { checkOutputPath, flagOutput } from '../../outputPath.js';
import { resolveRecordPath } from '../../records/runDir.js';

export async function baselineSaveCommand(run: string, flags: Record<string, unknown>): Promise<number> {
  const root = process.cwd();
  const { config } = await loadConfig(root);
  const runsDir = resolve(join(config.outDir ?? 'reports', 'runs'));
  const record = await resolveRecordPath(run, runsDir);
  const out = typeof flags.out === 'string' ? flags.out : undefined;
  if (out) await checkOutputPath(resolve(root, out), flagOutput('--out', 'baseline.jsonl'));
  const saved = await saveBaseline(record, { root, ...(out ? { out } : {}), allowIncomplete: flags.allowIncomplete === true });
  process.stdout.write(
    `baseline: ${relative(root, saved.file)} (${saved.cells} cells, ${saved.cases} case lines, ${saved.samples} samples, from ${relative(root, record)})\n`,
  );
  if (!saved.complete) process.stderr.write('warning: the run is incomplete (saved with --allow-incomplete); comparisons against this baseline will say so\n');
  process.stdout.write('commit it; `promptgold compare <run>` then compares against it\n');
  return 0;
}
