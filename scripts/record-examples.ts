/**
 * Regenerates the offline example's recordings (fixtures/recordings/*.jsonl) by running every
 * example suite through the synthetic stand-in model with the real `--record` layer, so the files
 * have exactly the keys replay looks up. Run: `npx tsx scripts/record-examples.ts`.
 * The answers are synthetic: see scripts/synthetic-model.ts and the README.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverSuiteFiles } from '../src/cli/discover.js';
import { importSuites, loadSuite } from '../src/engine/loadSuite.js';
import { runSuite } from '../src/engine/run.js';
import { withRecording } from '../src/providers/record.js';
import type { Provider } from '../src/providers/types.js';
import { syntheticAnswer } from './synthetic-model.js';

const scratch = await mkdtemp(join(tmpdir(), 'promptgold-record-'));
try {
  for (const file of await discoverSuiteFiles([], ['suites'])) {
    for (const suite of await importSuites(file)) {
      const loaded = await loadSuite(suite, file, { chaos: true });
      const expectedById = new Map(loaded.cases.map((c) => [c.id, c.expected]));
      const synthetic: Provider = {
        id: 'synthetic',
        async generate(request, context) {
          const answer = syntheticAnswer({
            suite: suite.name,
            caseId: context.caseId,
            vars: context.vars,
            expected: expectedById.get(context.caseId),
            version: context.promptVersion,
            model: request.model,
            repeat: context.repeat,
          });
          const inputTokens = answer.inputTokens ?? Math.ceil(request.messages.reduce((n, m) => n + m.content.length, (request.system ?? '').length) / 4);
          return {
            text: answer.text,
            stopReason: answer.stopReason,
            ...(answer.stopReason === 'refusal' ? { stopDetails: { category: 'policy' } } : {}),
            latencyMs: answer.latencyMs,
            usage: { inputTokens, outputTokens: answer.outputTokens },
          };
        },
      };
      const recorder = withRecording(synthetic, loaded.recordingsFile);
      const result = await runSuite(loaded, { provider: recorder, runDir: join(scratch, suite.name), runId: suite.name });
      await recorder.close!();
      process.stdout.write(`${suite.name}: recorded ${recorder.recorded()} responses into ${loaded.relative(loaded.recordingsFile)} (${result.status})\n`);
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
