/**
 * The case details made during the report's first pass, when a run's record is in the page's
 * order: its cells one after another, each case's samples together, and its prompt store in step
 * with them (the order `promptgold run` writes). Each chunk of details is written to a spool file
 * as soon as its cases are read, and the page copies the spool in after the case list, so the
 * record is read once instead of twice. So is the prompt store for a run of one model; a later
 * model's cells show the prompts the first model's did, which the store holds once, so each of
 * them reads the store again from its start up to its first prompt (taken only while that costs
 * less than the record's second read). Whether the order held is known only when the first pass
 * ends (`end`, given the page's rows); when it did not, the spool is removed and the second pass
 * (details.ts) reads the details again. Both give the same bytes.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, statSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { readPromptStoreBatches } from '../../records/promptStore.js';
import type { PromptStoreLine, RecordHeader, SampleRecord } from '../../records/types.js';
import type { ReadLine } from '../../records/reader.js';
import { RunRow, type RowOutline } from './caseRows.js';
import type { CaseTally, CellCases, CollectContext, SampleFollower } from './collectRun.js';
import { sideSamplesOf, type DetailRow } from './details.js';
import { Interner } from './interner.js';
import { chunkParts, WRITE_AHEAD_BYTES } from './pageBytes.js';
import { DETAIL_CHUNK } from './pageData.js';
import { toPromptView } from './prompts.js';
import type { PromptText } from './types.js';

/** Prompts held that no chunk has shown yet, at most: the store is in step when each is found within so many lines. */
export const PROMPTS_READ_AHEAD = 4 * DETAIL_CHUNK;

/** A case whose samples are being read, or read and waiting for the rest of its chunk. */
interface OpenRow {
  tally: CaseTally;
  cell: number;
  /** The first case of its cell. */
  startsCell: boolean;
  samples: SampleRecord[];
}

/**
 * The prompt store's lines read again, as a share of the store, when each later model's cells
 * read it from its start up to their version's prompts (versions of about the same size).
 */
export function storeRereadShare(versions: number, models: number): number {
  return ((models - 1) * (versions + 1)) / 2;
}

export class FirstPassDetails implements SampleFollower {
  /** Why the details are left to the second pass; undefined while the order holds. */
  notInOrder: string | undefined;
  private prompts: StepPrompts | undefined;
  private open: OpenRow | undefined;
  /** Cases read whole, not yet in a chunk. */
  private waiting: OpenRow[] = [];
  /** The case and cell of each row made, in order: checked against the page's rows at the end. */
  private readonly madeTallies: CaseTally[] = [];
  private readonly madeCells: number[] = [];
  /** Cells by order of first sample (the page's order of cells, if the record is in it). */
  private readonly cells = new Map<CellCases, number>();
  private spool: WriteStream | undefined;
  private spoolError: Error | undefined;
  /** Whether the spool file was opened (made) here: only then is it removed here. */
  private spoolMade = false;

  constructor(
    /** The file the chunks are spooled to: removed here unless `end` hands it on. */
    readonly spoolFile: string,
    private readonly context: CollectContext,
    private readonly promptChars: number,
  ) {}

  begin(header: RecordHeader, files: { record: string; prompts: string }): void {
    if (this.prompts) return this.stop('the record has two headers');
    // Reading the store again costs about what the second pass would: its record read is what the first pass saves.
    const recordBytes = statSync(files.record).size;
    const storeBytes = statSync(files.prompts, { throwIfNoEntry: false })?.size ?? 0;
    if (storeRereadShare(header.prompts.length, header.models.length) * storeBytes > recordBytes) {
      return this.stop('its later models would read the prompt store again more than the record once');
    }
    this.prompts = new StepPrompts(files.prompts, this.promptChars, recordBytes);
    try {
      mkdirSync(dirname(this.spoolFile), { recursive: true });
    } catch (error) {
      return this.stop(`the spool's folder could not be made (${(error as Error).message})`);
    }
    this.spool = createWriteStream(this.spoolFile, { highWaterMark: WRITE_AHEAD_BYTES });
    this.spool.on('open', () => (this.spoolMade = true));
    this.spool.on('error', (error) => (this.spoolError ??= error));
  }

  sample(sample: SampleRecord, tally: CaseTally): void {
    if (this.notInOrder !== undefined) return;
    const open = this.open;
    if (open?.tally === tally) {
      open.samples.push(sample);
      return;
    }
    // The tally counts this sample already: a case seen before has its samples apart.
    if (tally.samples !== 1) return this.stop(`case ${tally.caseId} has samples apart`);
    let cell = this.cells.get(tally.cell);
    const startsCell = cell === undefined;
    if (cell === undefined) this.cells.set(tally.cell, (cell = this.cells.size));
    else if (cell !== open?.cell) return this.stop(`the samples of cell ${tally.cell.version} × ${tally.cell.model} are apart`);
    if (open) this.waiting.push(open);
    this.open = { tally, cell, startsCell, samples: [sample] };
  }

  async batchRead(): Promise<void> {
    while (this.notInOrder === undefined && this.waiting.length >= DETAIL_CHUNK) await this.writeChunk(this.waiting.splice(0, DETAIL_CHUNK));
  }

  /**
   * Once the first pass has read the whole record: the file holding every detail chunk, and how
   * many of the prompts shown are cut, when the details of `rows` were made in their order;
   * undefined when the second pass must make them.
   */
  async end(rows: readonly RowOutline[]): Promise<{ file: string; truncatedPrompts: number } | undefined> {
    if (this.open) this.waiting.push(this.open);
    this.open = undefined;
    try {
      while (this.notInOrder === undefined && this.waiting.length > 0) await this.writeChunk(this.waiting.splice(0, DETAIL_CHUNK));
      // The second pass's planning reads the whole store: a damaged line after the last prompt shown is an error here too.
      if (this.notInOrder === undefined) await this.prompts?.readToEnd();
    } catch (error) {
      await this.abandon();
      throw error;
    }
    await this.close();
    if (this.spoolError) this.stop(`the spool could not be written (${this.spoolError.message})`);
    if (!this.madeInOrderOf(rows)) this.stop('the rows are in another order than the record');
    if (this.notInOrder !== undefined || !this.prompts) {
      await this.removeSpool();
      return undefined;
    }
    return { file: this.spoolFile, truncatedPrompts: this.prompts.cut };
  }

  /** Closes and removes the spool, for a first pass that failed. */
  async abandon(): Promise<void> {
    this.stop('the first pass failed');
    await this.close();
    await this.removeSpool();
  }

  private async removeSpool(): Promise<void> {
    if (this.spoolMade) await rm(this.spoolFile, { force: true });
  }

  private async close(): Promise<void> {
    if (this.spool && !this.spool.closed) {
      this.spool.end();
      await finished(this.spool).catch((error: Error) => (this.spoolError ??= error));
    }
    await this.prompts?.close();
  }

  private madeInOrderOf(rows: readonly RowOutline[]): boolean {
    if (rows.length !== this.madeTallies.length) return false;
    return rows.every((row, index) => row instanceof RunRow && row.tally === this.madeTallies[index] && row.cell === this.madeCells[index]);
  }

  private async writeChunk(rows: OpenRow[]): Promise<void> {
    const chunk = this.madeTallies.length / DETAIL_CHUNK;
    const texts = await this.prompts!.forChunk(promptHashesOf(rows), chunk);
    if (!texts) return this.stop('the prompt store is not in step with the record');
    // Checked after the wait for the store: a failed stream takes writes without emitting 'drain' again.
    const spool = this.spool!;
    if (this.spoolError || spool.destroyed) return this.stop(`the spool could not be written (${this.spoolError?.message ?? 'closed'})`);
    const context = { scorers: this.context.scorers, strings: new Interner(), outputChars: this.context.outputChars, truncated: { outputs: 0 } };
    const details: DetailRow[] = rows.map(({ tally, cell, samples }) => {
      const outline = new RunRow(tally, cell, 0);
      return { chunk, outline, list: outline.list, samples: { candidate: sideSamplesOf(samples)! }, context, prompts: texts };
    });
    for (const { tally, cell } of rows) {
      this.madeTallies.push(tally);
      this.madeCells.push(cell);
    }
    let full = false;
    for (const part of chunkParts(details)) if (!spool.write(part)) full = true;
    // A write that fails emits 'error' on a later tick, after `once` listens: it rejects, and `end` reports the error.
    if (full) await once(spool, 'drain').catch(() => undefined);
  }

  private stop(why: string): void {
    this.notInOrder ??= why;
    this.open = undefined;
    this.waiting = [];
    this.prompts?.drop();
  }
}

/** Among a chunk's prompt hashes: the rows after it are a new cell's. */
const CELL_STARTS = Symbol('a cell starts');

/** The prompt hashes of a chunk's rows, in record order (the store's order: it holds each prompt from its first use). */
function* promptHashesOf(rows: readonly OpenRow[]): Generator<string | typeof CELL_STARTS> {
  for (const { startsCell, samples } of rows) {
    if (startsCell) yield CELL_STARTS;
    for (const sample of samples) yield sample.promptHash;
  }
}

interface HeldPrompt {
  text: PromptText;
  /** Whether the report cuts it (`toPromptView` cut some part). */
  cut: boolean;
  /** The last chunk that showed it; undefined while it is read ahead of its first. */
  shownIn?: number;
}

/**
 * The prompt store read front to back in step with the chunks. A prompt is kept while each chunk
 * shows it (a prompt all cases share is read once), and dropped after a chunk that does not. A cell
 * whose prompts an earlier cell showed reads the store again from where its first prompt is.
 */
class StepPrompts {
  private batches: AsyncIterator<Array<ReadLine<PromptStoreLine>>> | undefined;
  private batch: Array<ReadLine<PromptStoreLine>> = [];
  private next = 0;
  private held = new Map<string, HeldPrompt>();
  /** Held prompts no chunk has shown yet. */
  private ahead = 0;
  /** Whether the store may be read again from its start: once for each cell. */
  private mayRewind = false;
  /** Characters of the store's lines the rewinds may still pass over. */
  private rewindBudget: number;
  /**
   * The prompts shown that the report cuts (few: a part must be longer than the limit). A hash is
   * its prompt's content, so a store line repeating one holds the same prompt: a set counts it once.
   */
  private readonly cutShown = new Set<string>();

  /** `rereadChars`: how much of the store the rewinds may read again in all (about its bytes). */
  constructor(
    private readonly file: string,
    private readonly limit: number,
    rereadChars: number,
  ) {
    this.rewindBudget = rereadChars;
  }

  /**
   * The prompts of chunk `chunk` by hash, or undefined when the store is not in step: a prompt is
   * neither held nor within `PROMPTS_READ_AHEAD` lines of the store read on (the store lacks it, or
   * it was dropped after an earlier chunk), and its cell has sought one from the store's start already.
   * A cell may do so once: its prompts may all have been shown by an earlier cell (another model's).
   */
  async forChunk(hashes: Iterable<string | typeof CELL_STARTS>, chunk: number): Promise<Map<string, PromptText> | undefined> {
    const texts = new Map<string, PromptText>();
    for (const hash of hashes) {
      if (hash === CELL_STARTS) {
        this.mayRewind = true;
        continue;
      }
      if (texts.has(hash)) continue;
      // Nearly every prompt is in the batch read already: found without the cost of an await.
      let held = this.held.get(hash) ?? this.scanTo(hash) ?? (await this.readTo(hash));
      if (!held && this.mayRewind) {
        this.mayRewind = false;
        held = await this.rewindTo(hash);
      }
      if (!held) return undefined;
      if (held.shownIn === undefined) {
        this.ahead--;
        if (held.cut) this.cutShown.add(hash);
      }
      held.shownIn = chunk;
      texts.set(hash, held.text);
    }
    for (const [hash, held] of this.held) if (held.shownIn !== undefined && held.shownIn < chunk) this.held.delete(hash);
    return texts;
  }

  get cut(): number {
    return this.cutShown.size;
  }

  /** Frees what is held: the store is not read on. */
  drop(): void {
    this.held = new Map();
    this.batch = [];
  }

  /** Reads the rest of the store (each line is parsed, so a damaged one is an error). */
  async readToEnd(): Promise<void> {
    while (await this.readBatch());
  }

  async close(): Promise<void> {
    await this.batches?.return?.(undefined);
  }

  /** Holds the lines of the batch read already up to `hash`'s; undefined when it is not there or too many are read ahead. */
  private scanTo(hash: string): HeldPrompt | undefined {
    while (this.next < this.batch.length && this.ahead < PROMPTS_READ_AHEAD) {
      const line = this.batch[this.next++]!.value;
      if (this.held.has(line.hash)) continue;
      const held = this.hold(line);
      if (line.hash === hash) return held;
    }
    return undefined;
  }

  private hold(line: PromptStoreLine): HeldPrompt {
    const truncated = { prompts: 0 };
    const held: HeldPrompt = { text: toPromptView(line, { limit: this.limit, truncated }), cut: truncated.prompts > 0 };
    this.held.set(line.hash, held);
    this.ahead++;
    return held;
  }

  /**
   * Reads the store again from its start to `hash`'s line, holding none of the lines before it, or
   * gives up when the rewinds have passed over their budget. The prompts held ahead are dropped:
   * nothing shown yet, so they are taken again if the reading passes them.
   */
  private async rewindTo(hash: string): Promise<HeldPrompt | undefined> {
    await this.close();
    this.batches = undefined;
    this.batch = [];
    this.next = 0;
    for (const [key, held] of this.held) if (held.shownIn === undefined) this.held.delete(key);
    this.ahead = 0;
    do {
      while (this.next < this.batch.length) {
        const { value: line, text } = this.batch[this.next++]!;
        if (line.hash === hash) return this.hold(line);
        this.rewindBudget -= text.length;
        if (this.rewindBudget < 0) return undefined;
      }
    } while (await this.readBatch());
    return undefined;
  }

  /** Reads on to `hash`'s line, holding the lines before it; undefined when the store ends first or too many are read ahead. */
  private async readTo(hash: string): Promise<HeldPrompt | undefined> {
    do {
      const held = this.scanTo(hash);
      if (held || this.ahead >= PROMPTS_READ_AHEAD) return held;
    } while (await this.readBatch());
    return undefined;
  }

  /** The store's next batch of lines in place of the last; false at its end. */
  private async readBatch(): Promise<boolean> {
    this.batches ??= readPromptStoreBatches(this.file)[Symbol.asyncIterator]();
    const next = await this.batches.next();
    this.batch = next.done ? [] : next.value;
    this.next = 0;
    return !next.done;
  }
}
