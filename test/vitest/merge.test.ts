import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSameRun, mergeRecords, writeRunFolder } from '../../src/records/merge.js';
import type { PromptStoreLine, RecordHeader, SampleRecord } from '../../src/records/types.js';
import { recordHeader, sampleRecord } from '../helpers/builders.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

function header(overrides: Partial<RecordHeader> = {}): RecordHeader {
  return recordHeader({
    suite: 'triage',
    suiteFile: 'triage.eval.test.ts',
    prompts: [{ id: 'triage', version: 'v2', hash: 'h2', file: 'prompts/v2.hbs' }],
    models: ['claude-haiku-4-5'],
    dataset: { path: 'data/tickets.jsonl', hash: 'd1', cases: 6 },
    options: { threshold: 0.5 },
    planned: 6,
    planHash: 'plan-1',
    git: { commit: 'abc', dirty: false },
    ...overrides,
  });
}

const BUDGET_SKIP = { kind: 'budget', message: 'skipped: the budget of $0.005 was reached' };

function sample(index: number, pass = true): SampleRecord {
  return sampleRecord({
    index,
    caseId: `t${index}`,
    promptId: 'triage',
    version: 'v2',
    model: 'claude-haiku-4-5',
    promptHash: `p${index % 2}`,
    scores: [{ name: 'exact', score: pass ? 1 : 0, pass, reason: '' }],
    score: pass ? 1 : 0,
    pass,
    costUsd: 0.001,
    latencyMs: 10,
  });
}

const prompts = new Map<string, PromptStoreLine>([
  ['p0', { hash: 'p0', user: 'even' }],
  ['p1', { hash: 'p1', user: 'odd' }],
]);

let project: TempProject;
afterEach(async () => project?.cleanup());

async function part(name: string, indices: number[], overrides: Partial<RecordHeader> = {}, skipped: number[] = []): Promise<string> {
  const dir = project.path(name);
  const samples = indices.map((i) => (skipped.includes(i) ? budgetSkipped(i) : sample(i, i !== 3))).reverse();
  await writeRunFolder(dir, { header: header(overrides), samples, prompts, meta: { runId: name, suite: 'triage', startedAt: 'now' } });
  return join(dir, 'run.jsonl');
}

/** A sample the run never sent: its budget was reached first. */
function budgetSkipped(index: number): SampleRecord {
  return { ...sample(index, false), output: null, stopReason: null, scores: [], score: 0, costUsd: 0, latencyMs: null, error: BUDGET_SKIP };
}

async function readMetaOf(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(project.path(name, 'meta.json'), 'utf8')) as Record<string, unknown>;
}

describe('writeRunFolder', () => {
  it('writes samples in plan order, each prompt once, and a summary only when the run is complete', async () => {
    project = await tempProject();
    const file = await part('partial', [4, 2, 0]);
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; index?: number });
    expect(lines.map((l) => l.type)).toEqual(['header', 'sample', 'sample', 'sample']);
    expect(lines.slice(1).map((l) => l.index)).toEqual([0, 2, 4]);
    expect((await readFile(project.path('partial', 'prompts.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(await readFile(project.path('partial', 'meta.json'), 'utf8'))).toMatchObject({ status: 'incomplete' });

    const full = await part('full', [0, 1, 2, 3, 4, 5]);
    const last = JSON.parse((await readFile(full, 'utf8')).trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ type: 'summary', totals: { samples: 6, passed: 5 } });
  });

  it('marks a folder with samples skipped for the budget as incomplete, as the engine marks its run', async () => {
    project = await tempProject();
    await part('capped', [0, 1, 2, 3, 4, 5], {}, [4, 5]);
    expect(await readMetaOf('capped')).toMatchObject({ status: 'incomplete', reason: '2 samples skipped: budget reached' });
  });
});

describe('mergeRecords', () => {
  it('joins disjoint parts in plan order with a fresh summary, byte-equal to the record written whole', async () => {
    project = await tempProject();
    const a = await part('a', [0, 2, 4]);
    const b = await part('b', [1, 3, 5]);
    const result = await mergeRecords([b, a], project.path('merged'), 'merged');
    expect(result).toMatchObject({ samples: 6, planned: 6, complete: true, suite: 'triage' });
    expect(result.summary.totals).toMatchObject({ samples: 6, passed: 5 });
    const whole = await part('whole', [0, 1, 2, 3, 4, 5]);
    expect(await readFile(project.path('merged', 'run.jsonl'), 'utf8')).toBe(await readFile(whole, 'utf8'));
    expect(await readFile(project.path('merged', 'prompts.jsonl'), 'utf8')).toBe(await readFile(project.path('whole', 'prompts.jsonl'), 'utf8'));
  });

  it('marks a merge that misses samples as incomplete, with no summary line for a reader to take as the whole run', async () => {
    project = await tempProject();
    const result = await mergeRecords([await part('a', [0, 2, 4])], project.path('merged'), 'merged');
    expect(result.complete).toBe(false);
    const types = (await readFile(project.path('merged', 'run.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(['header', 'sample', 'sample', 'sample']);
    expect(JSON.parse(await readFile(project.path('merged', 'meta.json'), 'utf8'))).toMatchObject({ status: 'incomplete', reason: 'merged 3 of 6 planned samples' });
  });

  it('marks a merge of parts with samples skipped for the budget as incomplete: every line is there, not every sample ran', async () => {
    project = await tempProject();
    const a = await part('a', [0, 2, 4], {}, [4]);
    const b = await part('b', [1, 3, 5], {}, [5]);
    const result = await mergeRecords([a, b], project.path('merged'), 'merged');
    expect(result).toMatchObject({ samples: 6, planned: 6, complete: false, notRun: '2 samples skipped: budget reached' });
    expect(await readMetaOf('merged')).toMatchObject({ status: 'incomplete', reason: '2 samples skipped: budget reached' });
    // The summary line is there as in the engine's own record of such a run, which the merge equals byte for byte.
    const whole = await part('whole', [0, 1, 2, 3, 4, 5], {}, [4, 5]);
    expect(await readFile(project.path('merged', 'run.jsonl'), 'utf8')).toBe(await readFile(whole, 'utf8'));
  });

  it('refuses overlapping parts, naming the sample and both files', async () => {
    project = await tempProject();
    const a = await part('a', [0, 1, 2]);
    const b = await part('b', [2, 3]);
    await expect(mergeRecords([a, b], project.path('merged'), 'merged')).rejects.toThrow(/b\/run\.jsonl:2: index: sample 2 \(t2\) is also in .*a\/run\.jsonl: the parts overlap/);
  });

  it('refuses a part whose sample line has a field of the wrong type or comes twice, naming file, line and field', async () => {
    project = await tempProject();
    const a = await part('a', [0, 2, 4]);
    const b = await part('b', [1, 3, 5]);
    const lines = (await readFile(b, 'utf8')).split('\n');
    // Sample 1 passed; written "false" (a string, which is truthy) it would count as a pass in the merged summary.
    await writeFile(b, lines.map((line, i) => (i === 1 ? line.replace('"pass":true', '"pass":"false"') : line)).join('\n'));
    await expect(mergeRecords([a, b], project.path('merged'), 'merged')).rejects.toThrow(/b\/run\.jsonl:2: pass: expected true or false, got "false"/);
    await writeFile(b, [...lines.slice(0, 2), lines[1], ...lines.slice(2)].join('\n'));
    await expect(mergeRecords([a, b], project.path('merged2'), 'merged')).rejects.toThrow(/b\/run\.jsonl:3: index: sample 1 \(t1\) is recorded twice in this part\n {2}hint: keep one/);
  });

  it('refuses parts of different runs, naming the field that differs', async () => {
    project = await tempProject();
    const a = await part('a', [0]);
    const b = await part('b', [1], { planHash: 'plan-2' });
    await expect(mergeRecords([a, b], project.path('merged'), 'merged')).rejects.toThrow(/b\/run\.jsonl:1: planHash: not a part of the same run/);
    expect(() => checkSameRun([{ file: 'a', header: header() }, { file: 'b', header: header({ models: ['claude-sonnet-4-5'] }) }])).toThrow(/b:1: models: .*claude-sonnet-4-5/);
    expect(() => checkSameRun([{ file: 'a', header: header() }, { file: 'b', header: header({ dataset: { path: 'x', hash: 'd2', cases: 6 } }) }])).toThrow(/dataset\.hash/);
    expect(() => checkSameRun([])).toThrow(/nothing to merge/);
  });

  it('refuses parts judged differently (scorers, threshold, maxErrorRate, selection, chaos, seed), in either order', async () => {
    project = await tempProject();
    const strict = await part('strict', [0, 2, 4], { options: { threshold: 0.99, scorers: ['exact', 'fuzzy'] } });
    const lax = await part('lax', [1, 3, 5], { options: { scorers: ['exact'] } });
    await expect(mergeRecords([strict, lax], project.path('m1'), 'm1')).rejects.toThrow(
      /lax\/run\.jsonl:1: options\.scorers: not a part of the same run as .*strict\/run\.jsonl: options\.scorers is \["exact"\], expected \["exact","fuzzy"\]\n {2}hint: run every shard with the same suite and flags/,
    );
    await expect(mergeRecords([lax, strict], project.path('m2'), 'm2')).rejects.toThrow(/strict\/run\.jsonl:1: options\.scorers: not a part of the same run as .*lax\/run\.jsonl/);
    const judged = { threshold: 0.5, scorers: ['exact'] };
    const differing: Array<[string, Partial<RecordHeader>]> = [
      ['options.threshold', { options: { ...judged, threshold: 0.99 } }],
      ['options.scorers', { options: { ...judged, scorers: ['exact', 'fuzzy'] } }],
      ['options.maxErrorRate', { options: { ...judged, maxErrorRate: 0.1 } }],
      ['options.select', { options: { ...judged, select: { tags: ['smoke'] } } }],
      ['options.chaos', { options: { ...judged, chaos: true } }],
      ['seed', { options: judged, seed: 7 }],
    ];
    for (const [field, overrides] of differing) {
      const parts = [{ file: 'a', header: header({ options: judged }) }, { file: 'b', header: header(overrides) }];
      expect(() => checkSameRun(parts)).toThrow(new RegExp(`^b:1: ${field.replace('.', '\\.')}: not a part of the same run as a`));
    }
    // How samples were fetched (timeouts, streaming) does not change what they mean.
    expect(() => checkSameRun([{ file: 'a', header: header({ options: { threshold: 0.5, timeoutMs: 1000 } }) }, { file: 'b', header: header({ options: { threshold: 0.5, timeoutMs: 5000, stream: true } }) }])).not.toThrow();
  });

  it('refuses a part without its prompt store, naming the part and the file, before writing anything', async () => {
    project = await tempProject();
    const a = await part('a', [0, 2, 4]);
    const b = await part('b', [1, 3, 5]);
    await rm(project.path('b', 'prompts.jsonl'));
    await expect(mergeRecords([a, b], project.path('merged'), 'merged')).rejects.toThrow(
      /b\/run\.jsonl: the part's prompt store .*b\/prompts\.jsonl is missing: the merged record would lack the prompts of its samples\n {2}hint: /,
    );
    await expect(access(project.path('merged'))).rejects.toThrow();
  });

  it('keeps the commit only when every part has the same one', async () => {
    project = await tempProject();
    const a = await part('a', [0, 2, 4]);
    const b = await part('b', [1, 3, 5], { git: { commit: 'def', dirty: false } });
    await mergeRecords([a, b], project.path('merged'), 'merged');
    const first = JSON.parse((await readFile(project.path('merged', 'run.jsonl'), 'utf8')).split('\n')[0]!) as RecordHeader;
    expect(first.git).toEqual({ commit: null, dirty: false });
  });
});
