/**
 * Appends JSONL lines to a file through one buffered stream, honoring backpressure. Every line
 * passes here, so this is where known secrets are redacted from records and prompt stores.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { stableStringify } from '../canonical.js';
import { InfrastructureError } from '../errors.js';
import { redactKnownSecrets } from '../secrets.js';

export class JsonlWriter {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  /** `exclusive`: the file must not exist yet (a fresh run's record); finding it is an error. */
  constructor(readonly file: string, options: { append?: boolean; exclusive?: boolean } = {}) {
    this.stream = createWriteStream(file, { flags: options.append ? 'a' : options.exclusive ? 'wx' : 'w' });
    this.stream.on('error', (error: NodeJS.ErrnoException) => {
      this.failure =
        error.code === 'EEXIST'
          ? new InfrastructureError(`${file} already exists: another run is writing to this run folder`, 'start the run again: it claims a new folder', error)
          : error;
    });
  }

  /** Resolves once the file is open; rejects with the reason it could not be (e.g. it already exists). */
  async opened(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.pending) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stream.off('open', done);
          this.stream.off('error', done);
          resolve();
        };
        this.stream.once('open', done);
        this.stream.once('error', done);
      });
    }
    if (this.failure) throw this.failure;
  }

  async write(value: unknown): Promise<void> {
    await this.writeRaw(`${stableStringify(value)}\n`);
  }

  /** Write an already-serialized line (with its newline), e.g. one copied from an earlier record. */
  async writeRaw(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(redactKnownSecrets(text))) await once(this.stream, 'drain');
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    if (this.stream.closed || this.stream.destroyed) {
      if (this.failure) throw this.failure;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.stream.end((error?: Error | null) => (error ? reject(this.failure ?? error) : resolve()));
    });
    if (this.failure) throw this.failure;
  }
}
