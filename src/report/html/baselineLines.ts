/**
 * Committed baseline files (`*.baseline.jsonl`) hold one `baseline-case` line per cell × case with
 * its repeats instead of sample lines. The report reads them as the samples they were saved from;
 * reasons of passing scorers are not kept in a baseline, so those show as "passed".
 */
import type { BaselineCaseLine, BaselineHeader } from '../../compare/baselineFile.js';
import type { RecordHeader, SampleRecord } from '../../records/types.js';

export function isBaselineCaseLine(value: { type: string }): value is BaselineCaseLine {
  return value.type === 'baseline-case';
}

export function baselineComplete(header: RecordHeader): boolean | undefined {
  return (header as Partial<BaselineHeader>).baseline?.complete;
}

export function samplesOfBaselineCase(line: BaselineCaseLine): SampleRecord[] {
  return line.repeats.map((repeat) => {
    const sample: SampleRecord = {
      type: 'sample',
      index: 0,
      caseId: line.caseId,
      promptId: line.promptId,
      version: line.version,
      model: line.model,
      repeat: repeat.repeat,
      tags: line.tags,
      promptHash: line.promptHash,
      output: repeat.output,
      stopReason: repeat.stopReason,
      scores: Object.entries(repeat.scores).map(([name, score]) => {
        const failed = repeat.failed?.[name];
        const error = repeat.scorerErrors?.[name];
        return { name, score, pass: failed === undefined && error === undefined, reason: failed ?? error ?? 'passed', ...(error ? { error } : {}) };
      }),
      score: repeat.score,
      pass: repeat.pass,
      usage: { inputTokens: repeat.inputTokens, outputTokens: repeat.outputTokens },
      costUsd: repeat.costUsd,
      latencyMs: repeat.latencyMs,
    };
    if (repeat.error) sample.error = repeat.error;
    if (repeat.cached) sample.cached = true;
    if (line.chaos) sample.chaos = { sourceCaseId: line.chaos.sourceCaseId, operators: line.chaos.operators, fields: [], ops: [], property: '' };
    return sample;
  });
}
