/**
 * Batch mode: every pending sample of a run is sent at once through a batch API (Anthropic's
 * Message Batches: half price, results within 24 h), and the results are then scored and recorded
 * by the ordinary engine path through a provider that answers from them.
 *
 * Each batch id is written to the run's meta.json as soon as the API accepts it, so a process
 * killed while the batch is processing resumes with `--resume` by collecting the same batches,
 * never re-submitting them; only requests those batches never ran (expired, canceled) are sent
 * again.
 */
import { errorMessage, InfrastructureError, InputError, PromptgoldError, withFailureAfter } from '../errors.js';
import { billedUsd, formatUsd, type CostBudget } from '../providers/budget.js';
import { BATCH_MISSING, ProviderError, isResumableError, type Generation, type GenerationRequest, type Provider } from '../providers/types.js';
import { finishedSampleIndices } from '../records/resume.js';
import { readMeta, runPaths, writeMeta, type RunMeta } from '../records/runDir.js';
import { PreparedRequests } from './executeSample.js';
import type { LoadedSuite } from './loadSuite.js';
import { planSamples, planSize } from './plan.js';
import { plural } from '../text.js';

/** What the engine needs of a batch API (implemented by `createBatchClient`). */
export interface BatchTransport {
  /**
   * Requests refused before sending, with why (the live provider's guards); none when absent. It
   * throws what stops a live run (a fatal ProviderError): then nothing is submitted.
   */
  refusals?(items: Array<{ customId: string; request: GenerationRequest }>, signal?: AbortSignal): Promise<Map<string, ProviderError>>;
  submit(
    items: Array<{ customId: string; request: GenerationRequest }>,
    options?: { onSubmitted?: (batchId: string, customIds: string[]) => void | Promise<void> },
  ): Promise<string[]>;
  waitFor(batchIds: string[], options?: { pollMs?: number; onProgress?: (progress: BatchProgressLike) => void; signal?: AbortSignal }): Promise<void>;
  results(
    batchIds: string[],
    options?: { requestOf?: (customId: string) => GenerationRequest | undefined },
  ): AsyncIterable<{ customId: string; generation?: Generation; error?: ProviderError }>;
}

export interface BatchProgressLike {
  counts: { processing: number; succeeded: number; errored: number; canceled: number; expired: number };
  endedBatches: number;
  batches: unknown[];
}

export interface BatchPhaseOptions {
  transport: BatchTransport;
  runDir: string;
  /** Also send the samples that ended in an error (`run --retry-errors`). */
  redoErrors?: boolean;
  pollMs?: number;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  /**
   * The run's spend ceiling. A submitted batch cannot be stopped, so only the requests whose worst
   * case (`worstCaseUsd`) still fits under it are sent; the others are recorded as budget skips,
   * which `--resume` sends. What the requests this phase sends cost is counted in it (judges see
   * it). Answers collected from batches an earlier invocation submitted are not: they were sent
   * under that invocation's budget, as a live `--resume` counts none of the samples already recorded.
   */
  budget?: { budget: CostBudget; worstCaseUsd: (request: GenerationRequest) => number };
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

/**
 * Sends the run's pending samples in batches and collects their answers. Any error that stops it (a
 * fatal refusal, a rejected key, a batch the API no longer knows, a damaged record) marks the run
 * aborted with its reason, as an error that stops a live run does, and is thrown.
 */
export async function runBatchPhase(loaded: LoadedSuite, options: BatchPhaseOptions): Promise<BatchPhaseResult> {
  try {
    return await sendAndCollect(loaded, options);
  } catch (error) {
    // A meta.json that cannot be read or written now (damaged, a full disk) is said under the
    // reason, never in its place, and not a second time when it is what stopped the phase.
    await markAborted(options.runDir, abortReason(error)).catch((failure: unknown) => {
      throw sameFailure(error, failure) ? error : withFailureAfter(error, failure, 'marking the run aborted');
    });
    throw error;
  }
}

/** meta.json's reason for an error that stopped the batch phase: a provider's error says it was the batch phase's. */
function abortReason(error: unknown): string {
  return error instanceof ProviderError ? `the batch phase stopped: ${error.message}` : errorMessage(error);
}

function sameFailure(error: unknown, failure: unknown): boolean {
  return error instanceof Error && failure instanceof Error && error.message === failure.message;
}

/** meta.json says the run stopped, and why; everything else in it (the batch ids) is kept for --resume. */
async function markAborted(runDir: string, reason: string): Promise<void> {
  const meta = await readMeta(runDir);
  if (meta) await writeMeta(runDir, { ...meta, status: 'aborted', finishedAt: new Date().toISOString(), reason });
}

async function sendAndCollect(loaded: LoadedSuite, options: BatchPhaseOptions): Promise<BatchPhaseResult> {
  const planned = planSize(loaded.plan);
  const done = await finishedSampleIndices(options.runDir, { planned, redoErrors: options.redoErrors === true });
  // Answers are filed by custom id, never by request: two samples with equal requests (two cases
  // rendering the same prompt) were each sent and paid for, and each gets its own answer.
  const customIdOfSample = new Map<string, string>();
  const requestOfCustomId = new Map<string, GenerationRequest>();
  const requests = new PreparedRequests();
  for (const planned of planSamples(loaded.plan)) {
    if (done.has(planned.index)) continue;
    const customId = batchCustomId(planned.index);
    const template = planned.prompt.template;
    customIdOfSample.set(sampleKey(template.id, template.version, planned.model, planned.case.id, planned.repeat), customId);
    requestOfCustomId.set(customId, requests.get(planned).request);
  }

  const earlier = earlierBatchIds(await readMeta(options.runDir), options.runDir);
  const answers = new Map<string, Generation | ProviderError>();
  const submittedIds: string[] = [];
  const result = (): BatchPhaseResult => ({ provider: answeringFrom(answers, customIdOfSample), batchIds: [...earlier, ...submittedIds], submitted: submittedIds.length > 0, results: answers.size });
  const stoppedWaiting = (): BatchPhaseResult => {
    // Ctrl-C while the batches process: they go on at the API, and their ids are in meta.json.
    // The run starts no sample (its stop signal is set) and ends as interrupted; --resume collects them.
    options.onProgress?.('stopped waiting for the batch: it goes on processing at the API, and `--resume` collects its results');
    return result();
  };
  if (earlier.length) {
    options.onProgress?.(`collecting batch(es) submitted earlier: ${earlier.join(', ')}`);
    if (!(await collectUnlessStopped(earlier, options, requestOfCustomId, answers, planned))) return stoppedWaiting();
  }
  // Requests with no answer yet: all of them on a fresh run; on a resume, those the earlier
  // batches never ran (expired, canceled) or never reached.
  const unanswered = [...requestOfCustomId].filter(([customId]) => {
    const answer = answers.get(customId);
    return answer === undefined || (answer instanceof ProviderError && isResumableError(answer));
  });
  const stoppedBeforeSubmitting = (): BatchPhaseResult => {
    // Ctrl-C before anything was submitted: nothing is sent (or paid for); --resume submits it.
    options.onProgress?.('stopped before submitting the batch: nothing was sent');
    return result();
  };
  if (unanswered.length > 0 && options.signal?.aborted) return stoppedBeforeSubmitting();
  const refusals = options.transport.refusals?.bind(options.transport);
  const allowed = refusals ? await withoutRefused(unanswered, (items) => refusals(items, options.signal), answers).catch(stoppedBeforeSending) : unanswered;
  const sending = options.budget ? withinBudget(allowed, options.budget, answers) : allowed;
  // Counting tokens for the refusals takes time: a Ctrl-C during it still stops before the batch is sent.
  if (sending.length > 0 && options.signal?.aborted) return stoppedBeforeSubmitting();
  if (sending.length > 0) {
    await options.transport.submit(
      sending.map(([customId, request]) => ({ customId, request })),
      {
        // Each accepted chunk is saved before the next is sent: a failure or a kill later never
        // loses an accepted batch, so a resume never pays for it twice.
        onSubmitted: async (batchId) => {
          submittedIds.push(batchId);
          await saveBatchId(options.runDir, batchId, loaded.suite.name);
        },
      },
    );
    options.onProgress?.(`submitted ${sending.length} requests in ${submittedIds.length} batch(es): ${submittedIds.join(', ')}`);
    if (!(await collectUnlessStopped(submittedIds, options, requestOfCustomId, answers, planned))) return stoppedWaiting();
    if (options.budget) countSpend(sending, options.budget.budget, answers);
  }

  return result();
}

/** The batch ids meta.json lists (none on a fresh run); a hand edit that left anything else there is refused by name. */
function earlierBatchIds(meta: RunMeta | undefined, runDir: string): string[] {
  const batches: unknown = meta?.batches ?? [];
  if (Array.isArray(batches) && batches.every((id) => typeof id === 'string')) return batches as string[];
  throw new InputError(
    `must be a list of batch ids (strings), found ${JSON.stringify(batches)}`,
    { file: runPaths(runDir).meta, field: 'batches' },
    'write it as ["msgbatch_…", …], with the ids this run\'s batches were given, then resume again',
  );
}

/**
 * Adds an accepted batch's id to meta.json, where --resume finds it. A failure names the batch: it
 * runs (and is billed) at the API, and a --resume that does not know it would send its requests again.
 */
async function saveBatchId(runDir: string, batchId: string, suite: string): Promise<void> {
  try {
    const meta = await readMeta(runDir);
    await writeMeta(runDir, {
      ...(meta ?? { runId: '', suite, status: 'running', startedAt: new Date().toISOString() }),
      batches: [...(meta?.batches ?? []), batchId],
    });
  } catch (error) {
    const detail = error instanceof PromptgoldError ? error.detail : errorMessage(error);
    const mend = error instanceof PromptgoldError && error.hint ? `${error.hint.replace(/ and run the command again$/, '')}; then ` : 'mend the cause; then ';
    throw new InfrastructureError(
      `the API accepted batch ${batchId}, but its id could not be saved: ${detail}`,
      `${mend}add "${batchId}" to the "batches" list of meta.json, so that \`promptgold run --resume <run folder>\` collects it rather than sending (and paying for) its requests again`,
      error,
    );
  }
}

/** The requests the transport does not refuse; each refused one is answered with its refusal (a bad_request, a context_overflow). */
async function withoutRefused(
  unanswered: Array<[string, GenerationRequest]>,
  refusals: NonNullable<BatchTransport['refusals']>,
  answers: Map<string, Generation | ProviderError>,
): Promise<Array<[string, GenerationRequest]>> {
  const refused = await refusals(unanswered.map(([customId, request]) => ({ customId, request })));
  if (refused.size === 0) return unanswered;
  for (const [customId, error] of refused) answers.set(customId, error);
  return unanswered.filter(([customId]) => !refused.has(customId));
}

/**
 * What stops a live run (a retired or unknown model, a rejected key, the same bad request for every
 * case) stops the batch phase before this invocation sends anything; the batches submitted earlier
 * stay in meta.json, and --resume collects them.
 */
function stoppedBeforeSending(error: unknown): never {
  if (!(error instanceof ProviderError)) throw error;
  throw new InfrastructureError(abortReason(error), 'this invocation sent no batch: fix the cause, then `promptgold run --resume <run>`', error);
}

/**
 * The requests to submit: those, in plan order, whose worst cases together still fit in the budget
 * (with what it has spent). From the first that does not, each is answered with a budget skip.
 */
function withinBudget(
  unanswered: Array<[string, GenerationRequest]>,
  { budget, worstCaseUsd }: NonNullable<BatchPhaseOptions['budget']>,
  answers: Map<string, Generation | ProviderError>,
): Array<[string, GenerationRequest]> {
  let committed = budget.spent;
  let fits = true;
  const sending: Array<[string, GenerationRequest]> = [];
  for (const entry of unanswered) {
    const worst = worstCaseUsd(entry[1]);
    fits &&= committed + worst <= budget.maxUsd;
    if (fits) {
      committed += worst;
      sending.push(entry);
      continue;
    }
    answers.set(
      entry[0],
      new ProviderError('budget', `budget of ${formatUsd(budget.maxUsd)} reached (${formatUsd(committed)} committed to the batch at worst case); request not sent`),
    );
  }
  return sending;
}

/** What the submitted requests' answers cost (an answer refused after it was given included), added to the budget. */
function countSpend(
  sent: Array<[string, GenerationRequest]>,
  budget: CostBudget,
  answers: Map<string, Generation | ProviderError>,
): void {
  for (const [customId] of sent) {
    const usd = billedUsd(answers.get(customId));
    if (usd !== undefined) budget.add(usd);
  }
}

/** collect(), but false when the stop signal (Ctrl-C) ended the wait: not an error, an interruption. */
async function collectUnlessStopped(...args: Parameters<typeof collect>): Promise<boolean> {
  const signal = args[1].signal;
  try {
    await collect(...args);
    return true;
  } catch (error) {
    if (signal?.aborted) return false;
    throw error;
  }
}

/** Waits for the batches and files their answers by custom id; an answer that ran wins over one that never did. */
async function collect(
  batchIds: string[],
  options: BatchPhaseOptions,
  requests: Map<string, GenerationRequest>,
  answers: Map<string, Generation | ProviderError>,
  planned: number,
): Promise<void> {
  await options.transport.waitFor(batchIds, {
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (progress) => {
      const c = progress.counts;
      options.onProgress?.(
        `batch: ${c.succeeded} succeeded, ${c.errored} errored, ${c.expired} expired, ${c.canceled} canceled, ${c.processing} processing, ${progress.endedBatches}/${progress.batches.length} batch(es) ended`,
      );
    },
  });
  const foreign: string[] = [];
  for await (const result of options.transport.results(batchIds, { requestOf: (customId) => requests.get(customId) })) {
    const customId = result.customId;
    if (!requests.has(customId)) {
      // A result for a sample that is already recorded is expected on a resume; one for no sample of the plan is said.
      if (!isPlanCustomId(customId, planned)) foreign.push(customId);
      continue;
    }
    const answer = result.generation ?? result.error ?? new ProviderError('provider_error', `batch result ${customId} had neither a message nor an error`);
    const previous = answers.get(customId);
    if (previous === undefined || (previous instanceof ProviderError && isResumableError(previous))) answers.set(customId, answer);
  }
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? ', …' : '');
    options.onProgress?.(`WARNING: the batch results hold ${plural(foreign.length, 'answer')} to requests this run never made (${shown}): ignored`);
  }
}

/** Whether a custom id is one batchCustomId gives a sample of a plan of this size. */
function isPlanCustomId(customId: string, planned: number): boolean {
  const match = /^s(\d+)$/.exec(customId);
  return match !== null && Number(match[1]) < planned;
}

/**
 * Which sample of the plan a call is for: prompt version, model, case and repeat. Unique within a
 * plan (the suite refuses a prompt version or case id used twice and drops a model named twice).
 */
function sampleKey(promptId: string, promptVersion: string, model: string, caseId: string, repeat: number): string {
  return JSON.stringify([promptId, promptVersion, model, caseId, repeat]);
}

/** A provider that answers each sample with the batch result of its own custom id. */
function answeringFrom(answers: Map<string, Generation | ProviderError>, customIdOfSample: Map<string, string>): Provider {
  return {
    id: 'anthropic-batch',
    async generate(request, context) {
      const customId = customIdOfSample.get(sampleKey(context.promptId, context.promptVersion, request.model, context.caseId, context.repeat));
      const answer = customId === undefined ? undefined : answers.get(customId);
      if (!answer) {
        // Not billed, maybe never run: --resume collects the batch again, and sends it anew if it is still missing.
        throw new ProviderError('provider_error', `the batch returned no result for case ${context.caseId}, repeat ${context.repeat}; --resume sends it again`, {
          code: BATCH_MISSING,
        });
      }
      if (answer instanceof ProviderError) throw answer;
      return answer;
    },
  };
}
