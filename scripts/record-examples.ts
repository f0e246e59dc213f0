/**
 * Regenerates the offline example's recordings (fixtures/recordings/*.jsonl) by running every
 * example suite through the synthetic stand-in model with the real `--record` layer, so the files
 * have exactly the keys replay looks up. Rubric-judge requests (recognized by their shape) are
 * answered by the synthetic judge, both for the run and for `promptgold calibrate` with its
 * default 3 judgements per labelled output. Run (after `npm run build`, since suite files import
 * the built package): `npx tsx scripts/record-examples.ts`.
 * The answers are synthetic: see scripts/synthetic-model.ts and the README.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverSuiteFiles } from '../src/cli/discover.js';
import { importSuites, loadSuite } from '../src/engine/loadSuite.js';
import { runSuite } from '../src/engine/run.js';
import { calibrateSuite } from '../src/judge/calibration/calibrate.js';
import { labeledCases } from '../src/judge/calibration/labels.js';
import { isRubricScorer } from '../src/judge/rubric.js';
import { withRecording } from '../src/providers/record.js';
import { createSyntheticProvider } from './synthetic-model.js';

const scratch = await mkdtemp(join(tmpdir(), 'promptgold-record-'));
try {
  for (const file of await discoverSuiteFiles([], ['suites'])) {
    for (const suite of await importSuites(file)) {
      const loaded = await loadSuite(suite, file, { chaos: true });
      const synthetic = createSyntheticProvider(suite.name, [...loaded.cases]);
      const recorder = withRecording(synthetic, loaded.recordingsFile);
      const result = await runSuite(loaded, { provider: recorder, judge: () => recorder, runDir: join(scratch, suite.name), runId: suite.name });
      const rubricScorer = loaded.suite.scorers.find(isRubricScorer);
      if (rubricScorer && labeledCases(loaded.cases, rubricScorer.rubric.scale).length > 0) {
        await calibrateSuite(loaded, { generator: recorder, judge: () => recorder, judgeSamples: 3 });
      }
      await recorder.close!();
      process.stdout.write(`${suite.name}: recorded ${recorder.recorded()} responses into ${loaded.relative(loaded.recordingsFile)} (${result.status})\n`);
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
