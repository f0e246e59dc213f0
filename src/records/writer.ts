/** Appends record lines to a file through one buffered stream, honoring backpressure. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { stableStringify } from '../canonical.js';

export class JsonlWriter {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(readonly file: string, options: { append?: boolean } = {}) {
    this.stream = createWriteStream(file, { flags: options.append ? 'a' : 'w' });
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  async write(value: unknown): Promise<void> {
    await this.writeRaw(`${stableStringify(value)}\n`);
  }

  /** Write an already-serialized line (with its newline), e.g. one copied from an earlier record. */
  async writeRaw(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.stream.closed) return;
    await new Promise<void>((resolve, reject) => {
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
    if (this.failure) throw this.failure;
  }
}
