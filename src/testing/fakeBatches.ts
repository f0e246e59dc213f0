/** The fake's Message Batches store: batches end after a delay and serve results out of order. */
import type { MessagesRequestBody } from './fakeResponses.js';

export type BatchOutcome = 'succeeded' | 'errored' | 'canceled' | 'expired';

interface StoredBatch {
  id: string;
  createdAt: number;
  endsAt: number;
  results: { custom_id: string; result: Record<string, unknown> }[];
}

export interface BatchStoreOptions {
  processingMs: number;
  /** The `result` object of one request: `{ type: 'succeeded', message }`, `{ type: 'errored', error }` … */
  resultOf: (customId: string, params: MessagesRequestBody) => Record<string, unknown>;
}

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/** Why a batch creation would be refused as a whole (400), or undefined. */
export function batchCreateProblem(requests: unknown): string | undefined {
  if (!Array.isArray(requests) || requests.length === 0) return 'requests: expected a non-empty array';
  const seen = new Set<string>();
  for (const [i, entry] of requests.entries()) {
    const customId = (entry as { custom_id?: unknown })?.custom_id;
    if (typeof customId !== 'string' || !CUSTOM_ID.test(customId)) {
      return `requests.${i}.custom_id: must be 1 to 64 letters, digits, '_' or '-'`;
    }
    if (seen.has(customId)) return `requests.${i}.custom_id: ${customId} is used twice in this batch`;
    seen.add(customId);
    const params = (entry as { params?: unknown }).params;
    if (typeof params !== 'object' || params === null) return `requests.${i}.params: Field required`;
    if ((params as { stream?: unknown }).stream !== undefined) return `requests.${i}.params.stream: streaming is not supported in batches`;
  }
  return undefined;
}

export class FakeBatchStore {
  private readonly batches = new Map<string, StoredBatch>();
  private counter = 0;

  constructor(private readonly options: BatchStoreOptions) {}

  create(requests: { custom_id: string; params: MessagesRequestBody }[], now: number): StoredBatch {
    this.counter += 1;
    const id = `msgbatch_fake_${this.counter.toString().padStart(4, '0')}`;
    const results = requests.map(({ custom_id, params }) => ({ custom_id, result: this.options.resultOf(custom_id, params) }));
    // Reversed, so a client that assumes request order is caught.
    results.reverse();
    const batch = { id, createdAt: now, endsAt: now + this.options.processingMs, results };
    this.batches.set(id, batch);
    return batch;
  }

  /** Ends every batch still processing at `now`. */
  endAll(now: number): void {
    for (const batch of this.batches.values()) batch.endsAt = Math.min(batch.endsAt, now);
  }

    get(id: string): StoredBatch | undefined {
    return this.batches.get(id);
  }

  /** The MessageBatch object as the API returns it. */
  describe(batch: StoredBatch, now: number, baseUrl: string): Record<string, unknown> {
    const ended = now >= batch.endsAt;
    const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    for (const { result } of batch.results) {
      if (!ended) counts.processing += 1;
      else counts[result.type as BatchOutcome] += 1;
    }
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : 'in_progress',
      request_counts: counts,
      created_at: new Date(batch.createdAt).toISOString(),
      expires_at: new Date(batch.createdAt + 86_400_000).toISOString(),
      ended_at: ended ? new Date(batch.endsAt).toISOString() : null,
      archived_at: null,
      cancel_initiated_at: null,
      results_url: ended ? `${baseUrl}/v1/messages/batches/${batch.id}/results` : null,
    };
  }

  resultsJsonl(batch: StoredBatch): string {
    return batch.results.map((line) => JSON.stringify(line)).join('\n') + '\n';
  }
}
