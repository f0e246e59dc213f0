/**
 * Pairwise judging of a comparison: which cases reach the judge, the task text it is shown (from
 * the runs' prompt stores, read through records/), and one summary per cell — returned, not
 * written into the comparison.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compareRecords } from '../../src/compare/compareRuns.js';
import { loadRubric } from '../../src/judge/rubric.js';
import { judgeComparison, pairsOfCell } from '../../src/judge/pairwiseComparison.js';
import type { GenerationRequest, Provider } from '../../src/providers/types.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';
import { sample, writeRecord } from '../compare/records.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

const rubric = loadRubric({ criteria: [{ id: 'clear', description: 'Clear', pass: 'clear', fail: 'muddled' }] });

/** Two versions of one run: c1 both answered (v2 better), c2 errored on v2's first repeat, c3 errored on v1 entirely. */
async function comparedRun() {
  project = await tempProject();
  const samples = [
    sample({ caseId: 'c1', version: 'v1', pass: true, output: 'plain c1' }),
    sample({ caseId: 'c1', version: 'v2', pass: true, output: 'better c1' }),
    sample({ caseId: 'c2', version: 'v1', pass: true, output: 'plain c2' }),
    sample({ caseId: 'c2', version: 'v2', pass: false, error: 'timeout' }),
    sample({ caseId: 'c2', version: 'v2', repeat: 1, pass: true, output: 'better c2' }),
    sample({ caseId: 'c3', version: 'v1', pass: false, error: 'timeout' }),
    sample({ caseId: 'c3', version: 'v2', pass: true, output: 'better c3' }),
  ];
  samples.find((s) => s.caseId === 'c2' && s.version === 'v2' && s.repeat === 1)!.promptHash = 'p-c2-v2';
  const record = await writeRecord(project.path('runs/r1/run.jsonl'), samples, { header: { options: { repeats: 2 } } });
  await project.write(
    'runs/r1/prompts.jsonl',
    [{ hash: 'p-c1', system: 'Be brief.', user: 'Summarize c1' }, { hash: 'p-c2', user: 'Summarize c2' }].map((l) => JSON.stringify(l)).join('\n') + '\n',
  );
  const result = await compareRecords(record, record, { root: project.root, baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } });
  return { record, result };
}

describe('pairsOfCell', () => {
  it('pairs the first non-errored output of each side and skips cases without an output on one side', async () => {
    const { result } = await comparedRun();
    const pairs = pairsOfCell(result.cells[0]!, new Map([['p-c1', { hash: 'p-c1', system: 'Be brief.', user: 'Summarize c1' }]]));
    expect(pairs.map((p) => [p.caseId, p.baseline, p.candidate])).toEqual([
      ['c1', 'plain c1', 'better c1'],
      ['c2', 'plain c2', 'better c2'],
    ]);
    expect(pairs[0]!.task).toBe('[system]\nBe brief.\n\n[user]\nSummarize c1');
    expect(pairs[1]!.task).toBe('(case c2)');
  });
});

describe('judgeComparison', () => {
  it("asks the judge in both orders with the stored prompt as the task and returns one summary per cell, leaving the comparison as it was", async () => {
    const { record, result } = await comparedRun();
    const requests: GenerationRequest[] = [];
    const judge: Provider = {
      id: 'scripted',
      async generate(request) {
        requests.push(request);
        const a = /<output_a>\n([\s\S]*?)\n<\/output_a>/.exec(request.messages[0]!.content as string)?.[1] ?? '';
        return { text: JSON.stringify({ reasoning: 'r', preference: a.startsWith('better') ? 'A' : 'B' }), stopReason: 'end_turn', latencyMs: 1 };
      },
    };
    const before = JSON.stringify(result);
    const summaries = await judgeComparison(result, { judge, model: 'judge-model', rubric, records: [record, record] });
    expect(JSON.stringify(result)).toBe(before);
    expect(summaries).toHaveLength(result.cells.length);
    expect(summaries[0]).toMatchObject({ model: 'judge-model', wins: 2, ties: 0, losses: 0, unscored: 0, winRate: 1 });
    expect(summaries[0]!.perCase.map((c) => c.caseId)).toEqual(['c1', 'c2']);
    expect(requests).toHaveLength(4);
    const tasks = requests.map((r) => /<task>\n([\s\S]*?)\n<\/task>/.exec(r.messages[0]!.content as string)?.[1]);
    // c2's candidate prompt is not stored: the baseline's prompt stands in.
    expect(new Set(tasks)).toEqual(new Set(['[system]\nBe brief.\n\n[user]\nSummarize c1', 'Summarize c2']));
    expect(requests.every((r) => r.model === 'judge-model' && r.outputSchema !== undefined)).toBe(true);
  });
});
