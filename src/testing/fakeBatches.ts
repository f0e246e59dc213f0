/** The fake's Message Batches store: batches end after a delay and serve results out of order. */
import { buildMessage, errorBody, type FakeReply, type MessagesRequestBody } from './fakeResponses.js';

export type BatchOutcome = 'succeeded' | 'errored' | 'canceled' | 'expired';

interface StoredBatch {
  id: string;
  createdAt: number;
  endsAt: number;
  results: { custom_id: string; result: Record<string, unknown> }[];
}

export interface BatchStoreOptions {
  processingMs: number;
  respond: (body: MessagesRequestBody) => FakeReply;
  outcome: (customId: string, params: MessagesRequestBody) => BatchOutcome;
}

export class FakeBatchStore {
  private readonly batches = new Map<string, StoredBatch>();
  private counter = 0;

  constructor(private readonly options: BatchStoreOptions) {}

  create(requests: { custom_id: string; params: MessagesRequestBody }[], now: number): StoredBatch {
    this.counter += 1;
    const id = `msgbatch_fake_${this.counter.toString().padStart(4, '0')}`;
    const results = requests.map(({ custom_id, params }) => ({ custom_id, result: this.resultOf(custom_id, params) }));
    // Reversed, so a client that assumes request order is caught.
    results.reverse();
    const batch = { id, createdAt: now, endsAt: now + this.options.processingMs, results };
    this.batches.set(id, batch);
    return batch;
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

  private resultOf(customId: string, params: MessagesRequestBody): Record<string, unknown> {
    const outcome = this.options.outcome(customId, params);
    switch (outcome) {
      case 'succeeded': {
        const message = buildMessage(params, this.options.respond(params));
        const usage = message.usage as Record<string, unknown>;
        return { type: 'succeeded', message: { ...message, usage: { ...usage, service_tier: 'batch' } } };
      }
      case 'errored':
        return { type: 'errored', error: errorBody('invalid_request_error', `request ${customId} is invalid`) };
      default:
        return { type: outcome };
    }
  }
}
