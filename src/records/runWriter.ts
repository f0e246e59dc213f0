/**
 * Writes a run folder's record and prompt store: the header line first, then samples in plan order
 * (each unique prompt stored once, in the order samples first use it), then the summary when the
 * run is complete. A fresh run creates `run.jsonl` exclusively, so a folder another run already
 * writes to is an error rather than a mixed record. A resumed run writes beside the old files and
 * replaces them only at the end, so a failure leaves the previous record untouched.
 *
 * A finished sample that has to wait for an earlier one is also appended to `held-back.jsonl` at
 * once, so a kill cannot lose it; --resume reads that file too. Once the record is committed every
 * held-back sample is in it and the file is removed.
 */
import { rm, rename } from 'node:fs/promises';
import { stableStringify } from '../canonical.js';
import { holdRunFolder, runPaths } from './runDir.js';
import type { HeldBackLine, PromptStoreLine, RecordSummary, SampleRecord } from './types.js';
import { JsonlWriter } from './writer.js';

export class RunRecordWriter {
  // Opened by header(), once the folder is known to be this writer's: nothing is touched before.
  private recordFile: JsonlWriter | undefined;
  private promptsFile: JsonlWriter | undefined;
  private readonly storedPrompts = new Set<string>();
  private heldBackFile: JsonlWriter | undefined;
  private hold: { release(): Promise<void> } | undefined;
  private readonly paths;
  private readonly targets;

  /** `replacing`: the folder holds an earlier record that this one replaces when committed. */
  constructor(runDir: string, private readonly replacing: boolean) {
    this.paths = runPaths(runDir);
    this.targets = replacing
      ? { record: `${this.paths.record}.resume.tmp`, prompts: `${this.paths.prompts}.resume.tmp` }
      : { record: this.paths.record, prompts: this.paths.prompts };
  }

  private get record(): JsonlWriter {
    if (!this.recordFile) throw new Error('RunRecordWriter: header() first');
    return this.recordFile;
  }

  private get prompts(): JsonlWriter {
    if (!this.promptsFile) throw new Error('RunRecordWriter: header() first');
    return this.promptsFile;
  }

  /**
   * The header line, already serialized (a resumed run keeps its original bytes). Fails when the
   * folder is taken: its record exists (a fresh run) or another live process holds it (a resume).
   */
  async header(text: string): Promise<void> {
    if (!this.replacing) {
      this.recordFile = new JsonlWriter(this.targets.record, { exclusive: true });
      await this.recordFile.opened();
    }
    this.hold = await holdRunFolder(this.paths.dir);
    this.recordFile ??= new JsonlWriter(this.targets.record);
    this.promptsFile = new JsonlWriter(this.targets.prompts);
    await this.recordFile.opened();
    await this.recordFile.writeRaw(`${text}\n`);
  }

  /** A promise only when a file asks the caller to wait (see JsonlWriter.write). */
  sample(record: SampleRecord, prompt: PromptStoreLine | undefined): Promise<void> | undefined {
    const storing = prompt ? this.promptOnce(prompt.hash, () => stableStringify(prompt)) : undefined;
    return storing ? storing.then(() => this.record.write(record)) : this.record.write(record);
  }

  /** A sample line copied unchanged from an earlier record, with its stored prompt line if known. */
  async copiedSample(text: string, promptHash: string, promptText: string | undefined): Promise<void> {
    if (promptText !== undefined) await this.promptOnce(promptHash, () => promptText);
    await this.record.writeRaw(`${text}\n`);
  }

  /** A finished sample that waits for an earlier one: saved beside the record now, written into it in its turn. */
  async heldBack(record: SampleRecord, prompt: PromptStoreLine | undefined): Promise<void> {
    // Appended: during a resume the file may still hold the earlier run's held-back samples.
    this.heldBackFile ??= new JsonlWriter(this.paths.heldBack, { append: true });
    const line: HeldBackLine = prompt ? { sample: record, prompt } : { sample: record };
    await this.heldBackFile.write(line);
  }

  async summary(summary: RecordSummary): Promise<void> {
    await this.record.write(summary);
  }

  /**
   * Closes the files; a resumed run's files then replace the earlier ones. The held-back file goes
   * last: every sample in it is in the record by now (a reader skips the ones it finds in both).
   */
  async commit(): Promise<void> {
    await this.record.close();
    await this.prompts.close();
    await this.heldBackFile?.close();
    if (this.replacing) {
      await rename(this.targets.prompts, this.paths.prompts);
      await rename(this.targets.record, this.paths.record);
    }
    await rm(this.paths.heldBack, { force: true });
    await this.hold?.release();
  }

  /** Closes without replacing anything: what a fresh run wrote stays, an earlier record stays, held-back samples stay. */
  async abandon(): Promise<void> {
    await this.recordFile?.close().catch(() => undefined);
    await this.promptsFile?.close().catch(() => undefined);
    await this.heldBackFile?.close().catch(() => undefined);
    await this.hold?.release();
  }

  private promptOnce(hash: string, line: () => string): Promise<void> | undefined {
    if (this.storedPrompts.has(hash)) return undefined;
    this.storedPrompts.add(hash);
    return this.prompts.writeRaw(`${line()}\n`);
  }
}

/**
 * Creates a record that holds only its header, for runs that must be resumable from their first
 * moment (batch mode saves its batch ids next, then continues as a resumed run).
 */
export async function startRecord(runDir: string, headerText: string): Promise<void> {
  const writer = new JsonlWriter(runPaths(runDir).record, { exclusive: true });
  await writer.opened();
  await writer.writeRaw(`${headerText}\n`);
  await writer.close();
}
