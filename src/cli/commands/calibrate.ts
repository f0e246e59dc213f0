/**
 * `promptgold calibrate <suite>`: judge the outputs humans labelled with the suite's rubric scorer,
 * print agreement (percent, kappa, confusion matrix, TPR/TNR, disagreements) and judge noise, and
 * write the report to `<outDir>/calibration/<suite>.json` (plus `--json <file>` when asked).
 * Judge and generator calls go through the same provider stack as `run` (cache, recording, replay).
 */
import { relative, resolve } from 'node:path';
import { calibrateSuite } from '../../judge/calibration/calibrate.js';
import { formatCalibration } from '../../judge/calibration/format.js';
import { calibrationPath, writeCalibration } from '../../judge/calibration/store.js';
import type { CalibrationReport } from '../../judge/calibration/types.js';
import { loadConfig } from '../../config.js';
import { importSuites, loadSuite } from '../../engine/loadSuite.js';
import { ExitCode } from '../../errors.js';
import { loadModelTable, type ModelTableJson } from '../../providers/pricing.js';
import { createProviderStack, defaultCacheDir, providerKindOf } from '../../providers/stack.js';
import type { Provider } from '../../providers/types.js';
import { parseIntegerOption } from '../options.js';

export interface CalibrateFlags {
  judgeSamples?: string;
  provider?: string;
  record?: boolean;
  cache?: boolean;
  json?: string;
}

export async function calibrateCommand(suite: string, flags: CalibrateFlags): Promise<number> {
  const root = process.cwd();
  const { config } = await loadConfig(root);
  const models = loadModelTable((config.models ?? {}) as Partial<ModelTableJson>);
  const judgeSamples = flags.judgeSamples ? parseIntegerOption(flags.judgeSamples, '--judge-samples', 1) : 3;
  const file = resolve(suite);
  const reports: CalibrationReport[] = [];
  let failures = 0;
  for (const definition of await importSuites(file)) {
    const loaded = await loadSuite(definition, file, {}, root);
    const kind = providerKindOf(loaded, flags.provider);
    const stackOptions = { record: flags.record === true, cache: flags.cache !== false, cacheDir: defaultCacheDir(root, config), models, config };
    const generator = await createProviderStack(loaded, { ...stackOptions, kind });
    // As in `run`: judges share the generator's stack, except behind a function target, which
    // cannot answer judge prompts; there the judge is a real model.
    let judgeStack: Provider | undefined;
    if (kind === 'function') judgeStack = await createProviderStack(loaded, { ...stackOptions, kind: 'anthropic' });
    const judge = judgeStack ?? generator;
    try {
      const outcome = await calibrateSuite(loaded, { generator, judge: () => judge, judgeSamples });
      reports.push(outcome.report);
      failures += outcome.failures;
      const target = calibrationPath(resolve(root, config.outDir ?? 'reports'), loaded.suite.name);
      await writeCalibration(target, outcome.report);
      process.stdout.write(`${formatCalibration(outcome.report)}\nreport: ${relative(root, target)}\n`);
    } finally {
      await generator.close?.();
      await judgeStack?.close?.();
    }
  }
  if (flags.json) {
    const target = resolve(flags.json);
    await writeCalibrationList(target, reports);
    process.stdout.write(`json: ${relative(root, target)}\n`);
  }
  return failures > 0 ? ExitCode.infrastructure : ExitCode.passed;
}

async function writeCalibrationList(target: string, reports: CalibrationReport[]): Promise<void> {
  if (reports.length === 1) return writeCalibration(target, reports[0]!);
  const { mkdir, writeFile } = await import('node:fs/promises');
  await mkdir(resolve(target, '..'), { recursive: true });
  await writeFile(target, `${JSON.stringify(reports, null, 2)}\n`);
}
