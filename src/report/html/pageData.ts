/**
 * The report data cut into the parts the page embeds (see types.ts): the overview, read at once;
 * the case list, read when the Cases view opens; and the case details in chunks, each read when one
 * of its cases is opened. A 200,000-sample report thus opens on its overview without the browser
 * parsing a hundred megabytes of outputs first.
 */
import { sideView } from './caseRows.js';
import { expectedOfDetail, type DetailRow, type SideSamples } from './details.js';
import { Interner } from './interner.js';
import { toDetailRepeat, type RepeatContext } from './repeatView.js';
import { scoreTuples, type CaseDetail, type CaseListRow, type CaseRow, type DetailChunk, type PageData, type PromptText, type PromptView, type ReportData, type SideDetail, type SideSummary, type SideView } from './types.js';

/**
 * Cases per detail chunk: small enough to read in a few milliseconds, few enough chunks to stay cheap.
 * A chunk's tables (its reasons and prompts) live until its last case is written, so the fewer its
 * cases the less the garbage collector copies: 1,000 → 100 cut the 200,000-sample report's young-generation
 * collections from ~1.2 to ~0.8 s, for 0.5% more bytes (each chunk repeats the strings it shares).
 */
export const DETAIL_CHUNK = 100;

export function pageDataOf(data: ReportData): PageData {
  const { cases, prompts: _prompts, strings: _strings, ...overview } = data;
  return { ...overview, caseCount: cases.length, detailChunk: DETAIL_CHUNK };
}

export function caseListRowOf(row: CaseRow): CaseListRow {
  const listed: CaseListRow = { id: row.id, pair: row.pair, tags: row.tags, status: row.status, flags: row.flags, delta: row.delta };
  if (row.chaos) listed.chaos = row.chaos;
  if (row.baseline) listed.baseline = sideSummaryOf(row.baseline);
  if (row.candidate) listed.candidate = sideSummaryOf(row.candidate);
  return listed;
}

function sideSummaryOf(side: SideView): SideSummary {
  const summary: SideSummary = { cell: side.cell, score: side.score, passes: side.passes, n: side.repeats.length };
  const failed = new Set<number>();
  for (const repeat of side.repeats) for (let at = 0; at < repeat.s.length; at += 4) if (!repeat.s[at + 2]) failed.add(repeat.s[at]!);
  if (failed.size) summary.failed = [...failed].sort((a, b) => a - b);
  return summary;
}

/** The details of consecutive case rows (see DetailChunkBuilder). */
export function detailChunkOf(rows: readonly CaseRow[], strings: readonly string[], promptOf: (hash: string) => PromptText | undefined): DetailChunk {
  const builder = new DetailChunkBuilder(strings, promptOf);
  const cases = rows.map((row) => builder.add(row));
  return { ...builder.tables(), cases };
}

/**
 * Builds a detail chunk case by case, with the strings and prompts its cases use renumbered into
 * the chunk's own tables, in the order the cases first use them. `strings` is the table the rows'
 * reason indexes refer to. A case's detail can be written as soon as it is added: the tables
 * only grow.
 */
export class DetailChunkBuilder {
  private readonly local = new Interner();
  private readonly promptHashes = new Interner();
  private readonly prompts: PromptView[] = [];
  /** `strings` index → index in the chunk's table, for the reasons already renumbered. */
  private readonly reasonIndexes: number[] = [];

  constructor(
    private readonly strings: readonly string[],
    private readonly promptOf: (hash: string) => PromptText | undefined,
  ) {}

  /** A detail row's details, made from its samples (the same as `add` of its `caseRowOfDetail`). */
  addDetail(detail: DetailRow): CaseDetail {
    const out: CaseDetail = {};
    const expected = expectedOfDetail(detail, detail.context.outputChars);
    if (expected !== undefined) out.expected = expected;
    for (const side of ['baseline', 'candidate'] as const) {
      const summary = detail.list[side];
      if (!summary) continue;
      const samples = detail.samples[side];
      out[side] = samples ? this.sideDetailOfSamples(samples, detail.context) : this.sideDetail(sideView(summary, undefined, side === 'baseline' ? detail.outline.baselineFallback : detail.outline.candidateFallback, detail.list.chaos !== undefined, detail.context));
    }
    return out;
  }

  add(row: CaseRow): CaseDetail {
    const detail: CaseDetail = {};
    if (row.expected !== undefined) detail.expected = row.expected;
    if (row.baseline) detail.baseline = this.sideDetail(row.baseline);
    if (row.candidate) detail.candidate = this.sideDetail(row.candidate);
    return detail;
  }

  /** The chunk's tables, once every case is added. */
  tables(): Omit<DetailChunk, 'cases'> {
    return { strings: this.local.values, prompts: this.prompts };
  }

  private sideDetail(side: SideView): SideDetail {
    const reason = (index: number): number => (this.reasonIndexes[index] ??= this.local.index(this.strings[index]!));
    return {
      p: this.promptRef(side.p),
      repeats: side.repeats.map((repeat) => {
        const { p, s: _flat, se: _errors, ...rest } = repeat;
        const scores = scoreTuples(repeat, reason);
        return p === undefined ? { ...rest, s: scores } : { ...rest, s: scores, p: this.promptRef(p) };
      }),
    };
  }

  /** The same as `sideDetail` of the side's view (see caseRows.ts), without making the view. */
  private sideDetailOfSamples(side: SideSamples, context: RepeatContext): SideDetail {
    const p = this.promptRef(side.p);
    const reason = (text: string): number => this.local.index(text);
    const repeats = side.byRepeat.map((sample) => {
      const repeat = toDetailRepeat(sample, context, reason);
      if (sample.promptHash !== side.p) repeat.p = this.promptRef(sample.promptHash);
      return repeat;
    });
    return { p, repeats };
  }

  private promptRef(hash: string): number | string {
    const prompt = this.promptOf(hash);
    if (!prompt) return hash;
    const index = this.promptHashes.index(hash);
    if (index === this.prompts.length) this.prompts.push(promptView(prompt, this.local));
    return index;
  }
}

/** A prompt with its lines as indexes into the chunk's strings. */
function promptView(prompt: PromptText, strings: Interner): PromptView {
  const lines = (text: string): number[] => text.split('\n').map((line) => strings.index(line));
  const view: PromptView = {};
  if (prompt.system !== undefined) view.system = lines(prompt.system);
  if (prompt.user !== undefined) view.user = lines(prompt.user);
  if (prompt.systemCut !== undefined) view.systemCut = prompt.systemCut;
  if (prompt.userCut !== undefined) view.userCut = prompt.userCut;
  if (prompt.turns) view.turns = prompt.turns.map(({ role, text, cut }) => (cut === undefined ? { role, lines: lines(text) } : { role, lines: lines(text), cut }));
  return view;
}
