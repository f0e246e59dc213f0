/**
 * Batch mode: every pending sample of a run is sent at once through a batch API (Anthropic's
 * Message Batches: half price, results within 24 h), and the results are then scored and recorded
 * by the ordinary engine path through a provider that answers from them.
 *
 * The batch ids are written to the run's meta.json before waiting, so a process killed while the
 * batch is processing resumes with `--resume` by collecting the same batches, never re-submitting.
 */
import { generationKey } from '../providers/requestKey.js';
import { ProviderError, type Generation, type GenerationRequest, type Provider } from '../providers/types.js';
import { finishedSampleIndices } from '../records/resume.js';
import { readMeta, writeMeta } from '../records/runDir.js';
import { buildRequest } from './executeSample.js';
import type { LoadedSuite } from './loadSuite.js';
import { planSamples, planSize, type PlannedSample } from './plan.js';

/** What the engine needs of a batch API (implemented by `createBatchClient`). */
export interface BatchTransport {
  submit(items: Array<{ customId: string; request: GenerationRequest }>): Promise<string[]>;
  waitFor(batchIds: string[], options?: { pollMs?: number; onProgress?: (progress: BatchProgressLike) => void; signal?: AbortSignal }): Promise<void>;
  results(batchIds: string[]): AsyncIterable<{ customId: string; generation?: Generation; error?: ProviderError }>;
}

export interface BatchProgressLike {
  counts: { processing: number; succeeded: number; errored: number; canceled: number; expired: number };
  endedBatches: number;
  batches: unknown[];
}

export interface BatchPhaseOptions {
  transport: BatchTransport;
  runDir: string;
  pollMs?: number;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface BatchPhaseResult {
  provider: Provider;
  batchIds: string[];
  submitted: boolean;
  results: number;
}

/** The custom id of a sample in a batch: its plan index, which is unique within the run. */
export function batchCustomId(index: number): string {
  return `s${index}`;
}

export async function runBatchPhase(loaded: LoadedSuite, options: BatchPhaseOptions): Promise<BatchPhaseResult> {
  const done = await finishedSampleIndices(options.runDir, planSize(loaded.plan));
  const keyOfCustomId = new Map<string, string>();
  const items: Array<{ customId: string; request: GenerationRequest }> = [];
  for (const planned of planSamples(loaded.plan)) {
    if (done.has(planned.index)) continue;
    const request = requestOf(planned);
    const customId = batchCustomId(planned.index);
    keyOfCustomId.set(customId, generationKey(request, planned.repeat));
    items.push({ customId, request });
  }

  const meta = await readMeta(options.runDir);
  let batchIds = meta?.batches ?? [];
  const submitted = batchIds.length === 0 && items.length > 0;
  if (submitted) {
    batchIds = await options.transport.submit(items);
    await writeMeta(options.runDir, { ...(meta ?? { runId: '', suite: loaded.suite.name, status: 'running', startedAt: new Date().toISOString() }), batches: batchIds });
    options.onProgress?.(`submitted ${items.length} requests in ${batchIds.length} batch(es): ${batchIds.join(', ')}`);
  } else if (batchIds.length) {
    options.onProgress?.(`collecting batch(es) submitted earlier: ${batchIds.join(', ')}`);
  }

  const answers = new Map<string, Generation | ProviderError>();
  if (batchIds.length) {
    await options.transport.waitFor(batchIds, {
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (progress) => {
        const c = progress.counts;
        options.onProgress?.(
          `batch: ${c.succeeded} succeeded, ${c.errored} errored, ${c.processing} processing, ${progress.endedBatches}/${progress.batches.length} batch(es) ended`,
        );
      },
    });
    for await (const result of options.transport.results(batchIds)) {
      const key = keyOfCustomId.get(result.customId);
      if (!key) continue; // a result for a sample that is already recorded
      answers.set(key, result.generation ?? result.error ?? new ProviderError('provider_error', `batch result ${result.customId} had neither a message nor an error`));
    }
  }

  return { provider: answeringFrom(answers), batchIds, submitted, results: answers.size };
}

function requestOf(planned: PlannedSample): GenerationRequest {
  return buildRequest(planned, planned.prompt.render(planned.case.vars, planned.case.id));
}

/** A provider that answers each sample from the collected batch results. */
function answeringFrom(answers: Map<string, Generation | ProviderError>): Provider {
  return {
    id: 'anthropic-batch',
    async generate(request, context) {
      const answer = answers.get(generationKey(request, context.repeat));
      if (!answer) {
        throw new ProviderError('provider_error', `the batch returned no result for case ${context.caseId}, repeat ${context.repeat}`);
      }
      if (answer instanceof ProviderError) throw answer;
      return answer;
    },
  };
}
