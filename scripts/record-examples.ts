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
import { calibrateSuite } from '../src/calibrate/calibrate.js';
import { labeledCases } from '../src/calibrate/labels.js';
import { isRubricScorer } from '../src/scoring/rubric.js';
import { withRecording } from '../src/providers/record.js';
import type { Provider } from '../src/providers/types.js';
import { isJudgeRequest, syntheticAnswer, syntheticJudgement } from './synthetic-model.js';

/**
 * Whether the synthetic model obeys an injected instruction: more often on the older model and on
 * v1 (v2's system text tells it to treat the ticket as data), deterministic per sample.
 */
function followsInjection(caseId: string, version: string, model: string, repeat: number): boolean {
  const rate = (model.includes('4-5') ? 0.3 : 0.08) * (version === 'v1' ? 1 : 0.6);
  let hash = 2166136261;
  for (const ch of `${caseId}|${version}|${model}|${repeat}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return hash / 2 ** 32 < rate;
}

const scratch = await mkdtemp(join(tmpdir(), 'promptgold-record-'));
try {
  for (const file of await discoverSuiteFiles([], ['suites'])) {
    for (const suite of await importSuites(file)) {
      const loaded = await loadSuite(suite, file, { chaos: true });
      const expectedById = new Map(loaded.cases.map((c) => [c.id, c.expected]));
      const canaryById = new Map(loaded.cases.filter((c) => c.chaos?.canary).map((c) => [c.id, c.chaos!.canary!]));
      const synthetic: Provider = {
        id: 'synthetic',
        async generate(request, context) {
          const judged = isJudgeRequest(request)
            ? syntheticJudgement({ caseId: context.caseId, expected: expectedById.get(context.caseId), request, repeat: context.repeat })
            : undefined;
          const answer = judged ?? syntheticAnswer({
            suite: suite.name,
            caseId: context.caseId,
            vars: context.vars,
            expected: expectedById.get(context.caseId),
            version: context.promptVersion,
            model: request.model,
            repeat: context.repeat,
          });
          const canary = canaryById.get(context.caseId);
          if (!judged && canary && followsInjection(context.caseId, context.promptVersion, request.model, context.repeat)) {
            answer.text = `Understood. ${canary}`;
          }
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
