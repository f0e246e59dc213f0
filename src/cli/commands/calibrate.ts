/**
 * `promptgold calibrate <suite>`: judge the outputs humans labelled with the suite's rubric scorer,
 * print agreement (percent, kappa, confusion matrix, TPR/TNR, disagreements) and judge noise, and
 * write the report to `<outDir>/calibration/<suite>.json` (plus `--json <file>` when asked).
 * Judge and generator calls come from the same assembly as `run` (cache, recording, replay, pacing).
 */
import { relative, resolve } from 'node:path';
import { RunSession } from '../../engine/assemble.js';
import { importSuites } from '../../engine/loadSuite.js';
import { calibrateSuite } from '../../judge/calibration/calibrate.js';
import { calibrationFailureLine, formatCalibration } from '../../judge/calibration/format.js';
import { calibrationPath, writeCalibration } from '../../judge/calibration/store.js';
import type { CalibrationReport } from '../../judge/calibration/types.js';
import { displayPath } from '../../displayPath.js';
import { ExitCode, fileWriteError } from '../../errors.js';
import { checkOutputPath, flagOutput } from '../../outputPath.js';
import { replaceFileWith } from '../../replaceFile.js';
import { redactKnownSecrets } from '../../secrets.js';
import { parseIntegerOption } from '../options.js';

export interface CalibrateFlags {
  judgeSamples?: string;
  provider?: string;
  record?: boolean;
  cache?: boolean;
  json?: string;
}

export async function calibrateCommand(suite: string, flags: CalibrateFlags): Promise<number> {
  if (flags.json) await checkOutputPath(resolve(flags.json), flagOutput('--json', 'calibration.json'));
  const session = await RunSession.open({ record: flags.record === true, cache: flags.cache !== false, ...(flags.provider ? { provider: flags.provider } : {}) });
  const root = session.root;
  const judgeSamples = flags.judgeSamples ? parseIntegerOption(flags.judgeSamples, '--judge-samples', 1) : 3;
  const file = resolve(suite);
  const reports: CalibrationReport[] = [];
  let failures = 0;
  for (const definition of await importSuites(file)) {
    const loaded = await session.loadSuite(definition, file);
    const assembled = await session.assemble(loaded);
    try {
      const outcome = await calibrateSuite(loaded, { generator: assembled.provider, judge: assembled.judge, ownJudge: assembled.ownJudge, judgeSamples });
      reports.push(outcome.report);
      failures += outcome.failures;
      const target = calibrationPath(resolve(root, session.config.outDir ?? 'reports'), loaded.suite.name);
      await writeCalibration(target, outcome.report).catch((error: unknown) => {
        throw fileWriteError(error, target, displayPath(target, root));
      });
      process.stdout.write(`${formatCalibration(outcome.report)}\nreport: ${relative(root, target)}\n`);
    } finally {
      await assembled.close();
    }
  }
  if (flags.json) {
    const target = resolve(flags.json);
    await writeCalibrationList(target, reports).catch((error: unknown) => {
      throw fileWriteError(error, target, displayPath(target, root));
    });
    process.stdout.write(`json: ${relative(root, target)}\n`);
  }
  for (const report of reports) {
    const failed = calibrationFailureLine(report);
    if (failed) process.stdout.write(`${failed}\n`);
  }
  // A calibration in which no labelled case got a usable judgement measured nothing: not a success.
  const unmeasured = reports.filter((report) => report.agreement.n === 0);
  for (const report of unmeasured) {
    process.stdout.write(`FAILED (exit 3): ${report.suite}: no labelled case got a usable judgement (${report.unscored} unscored), so the judge's agreement is not measured\n`);
  }
  return failures > 0 || unmeasured.length > 0 ? ExitCode.infrastructure : ExitCode.passed;
}

async function writeCalibrationList(target: string, reports: CalibrationReport[]): Promise<void> {
  if (reports.length === 1) return writeCalibration(target, reports[0]!);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(resolve(target, '..'), { recursive: true });
  await replaceFileWith(target, redactKnownSecrets(`${JSON.stringify(reports, null, 2)}\n`));
}
