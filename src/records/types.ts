/**
 * The run record: the product of a run. `run.jsonl` holds one header line, one line per sample (in
 * plan order), and a summary line when the run completed. Every report, diff and verdict is derived
 * from records alone. Lines are written key-sorted (canonical.ts, byte-for-byte what
 * fast-json-stable-stringify writes) so equal runs are byte-equal:
 * nothing wall-clock lives in `run.jsonl` (timings of the run itself go to `meta.json`).
 */
import type { CanonicalBlock, CanonicalMessage, CanonicalTool } from '../providers/content.js';
import type { StopReason, TokenUsage, ToolCall, ToolChoice } from '../providers/types.js';
import type { JudgeUsage, Score } from '../scoring/types.js';
import type { StopCounts } from './stopCounts.js';
import type { NotExercisedReason } from '../chaos/exercised.js';

export type { StopCounts } from './stopCounts.js';

export const RECORD_VERSION = 1;

export interface PromptRef {
  id: string;
  version: string;
  hash: string;
  /** Path relative to the project root. */
  file: string;
}

export interface RecordHeader {
  type: 'header';
  recordVersion: number;
  suite: string;
  /** Suite file, relative to the project root. */
  suiteFile: string;
  prompts: PromptRef[];
  models: string[];
  dataset: { path: string; hash: string; cases: number };
  /** Options that shape the plan (repeats, selection, chaos, threshold, provider, timeouts …). */
  options: Record<string, unknown>;
  /** Number of samples planned. */
  planned: number;
  /** Hash of everything that determines the plan, checked on --resume. */
  planHash: string;
  git: { commit: string | null; dirty: boolean | null };
  tool: { name: 'promptgold'; version: string };
  seed: number;
}

export interface SampleError {
  kind: string;
  message: string;
  /** The API's stable error code (`error.details.error_code`), when it gave one. */
  code?: string;
  /** The API's request id of the failed attempt. */
  requestId?: string;
  /** For a rate limit that was not waited out: how long the API asked to wait, in ms. */
  retryAfterMs?: number;
}

export interface SampleAttempt {
  error: SampleError;
  attempts?: number;
  /** What the try's answer cost, USD; absent when it cost nothing (not billed, or served from the response cache). */
  costUsd?: number;
  /** What the try's judge calls cost, USD; absent when they cost nothing. */
  judgeCostUsd?: number;
}

export interface SampleRecord {
  type: 'sample';
  /** Position in the plan (0-based): the record's sort key. */
  index: number;
  caseId: string;
  promptId: string;
  version: string;
  model: string;
  repeat: number;
  tags: string[];
  /** sha256 of the rendered prompt, whose text is stored once in `prompts.jsonl`. */
  promptHash: string;
  expected?: unknown;
  output: string | null;
  /** The tools the answer called, in order (`tool_use` blocks); absent when it called none. */
  toolCalls?: ToolCall[];
  stopReason: StopReason | null;
  stopDetails?: Record<string, unknown>;
  scores: Score[];
  /** Mean of the scorer scores (0..1). */
  score: number;
  pass: boolean;
  usage?: TokenUsage;
  costUsd: number;
  latencyMs: number | null;
  /** The answer was streamed (asked by the template or suite, or a large max_tokens). */
  streamed?: boolean;
  /** Streamed answers: time to first token, ms. */
  ttftMs?: number;
  /** What prompt caching saved on this answer, USD (negative when a cache write was not reused); absent without cache reads or writes. */
  cacheSavedUsd?: number;
  attempts?: number;
  cached?: boolean;
  droppedParams?: string[];
  /** The model's thinking text (not part of `output`); its token count is `usage.thinkingTokens`. */
  thinking?: string;
  /** The stop sequence that ended the answer (`stopReason: stop_sequence`). */
  stopSequence?: string;
  /** The API's request id of the answer. */
  requestId?: string;
  /** Date of the price table `costUsd` was computed with (live calls). */
  pricesAsOf?: string;
  error?: SampleError;
  /**
   * Earlier tries of this sample (`run --retry-errors`, or `--resume` of a sample whose judge the
   * budget refused), oldest first, with what each spent: the summary's cost totals count it.
   */
  history?: SampleAttempt[];
  /** Judge calls made by rubric scorers for this sample: never mixed into usage/costUsd. */
  judge?: JudgeUsage;
  /**
   * Chaos samples: the golden case and operators they came from. `notExercised`: why the sample is
   * no evidence of robustness (its request was its source's), so the robustness table counts it
   * apart, as neither pass nor fail. `readMutatedVars`: its request was its source's, but the
   * provider (a function under test) read a mutated variable, so it was exercised all the same;
   * without either field a chaos sample's request differed from its source's, or the record was
   * written before promptgold checked (compare then looks at the prompt hashes).
   */
  chaos?: { sourceCaseId: string; operators: string[]; fields: string[]; ops: string[]; property: string; canary?: string; notExercised?: NotExercisedReason; readMutatedVars?: true };
}

export interface CellSummary {
  version: string;
  model: string;
  /** All samples of the cell, chaos samples included. */
  samples: number;
  /** Golden samples that produced a generation and were scored. */
  scored: number;
  passed: number;
  passRate: number;
  passRateInterval: { low: number; high: number };
  meanScore: number;
  meanScoreSe: number;
  errors: Record<string, number>;
  /** What the cell's answers cost, the earlier tries in redone samples' `history` included (cached answers cost nothing). */
  costUsd: number;
  tokens: { input: number; output: number };
  latencyMs: { p50: number | null; p95: number | null };
  /** Time to first token of the cell's streamed answers (billed, successful); absent when none streamed. */
  ttftMs?: { p50: number | null; p95: number | null };
  /** Prompt caching of the cell's billed answers; absent when none read or wrote the cache. */
  cache?: CellCacheSummary;
  /** Tool calls of the cell's answers (golden and chaos): how many answers called a tool, and calls per tool name; absent when none did. */
  toolCalls?: { answers: number; byTool: Record<string, number> };
  cachedSamples: number;
  /** Scores that could not be given (a scorer threw, a judge refused or answered unparseably). */
  unscored: number;
  /** Samples that were not scored because the provider, a scorer or a judge failed (see errorKinds.ts). */
  notScored: number;
  /** How the cell's scored golden samples ended, for endings that look like answers. */
  stops: StopCounts;
  /** Judge usage, apart from the generator's; `costUsd` includes the judge cost of earlier tries (see `costUsd`). */
  judge: { calls: number; costUsd: number; inputTokens: number; outputTokens: number };
  /**
   * Chaos samples of this cell. They are left out of `scored`, `passed`, `passRate` and
   * `meanScore` (the threshold is about golden cases) and judged in the summary's `robustness`.
   */
  chaos?: {
    samples: number;
    /** Chaos samples scored that tested their mutation (neither not exercised nor unscored). */
    scored: number;
    /** Chaos samples that passed, of `scored`. */
    passed: number;
    /** `passed` over `scored` (0 when none was scored). */
    passRate: number;
    /** Chaos samples whose request was their source's (see SampleRecord.chaos.notExercised); absent when none. */
    notExercised?: number;
  };
  /**
   * How often each field was right, over the cell's scored golden samples: counted from every score
   * whose `details.fields` carries per-field results (`extraction`, `toolInput` with an expected
   * input, or a custom scorer). Absent when no scorer reports fields.
   */
  fieldAccuracy?: Record<string, FieldAccuracy>;
  /**
   * Parameter → samples of the cell sent without it: the template set it, the model does not
   * accept it (or not together with another), so the request left it out (see
   * SampleRecord.droppedParams). Absent when nothing was left out.
   */
  droppedParams?: Record<string, number>;
}

export interface FieldAccuracy {
  /** Reports of the field that were right. */
  right: number;
  /** Reports of the field. */
  total: number;
}

export interface CellCacheSummary {
  /** Billed answers that read or wrote the prompt cache. */
  samples: number;
  /** Of those, the answers that read from it. */
  hits: number;
  /** hits / samples. */
  hitRate: number;
  /** Input tokens read from the cache, and written to it. */
  readTokens: number;
  writeTokens: number;
  /** What caching saved against sending the same tokens uncached (negative when writes were not reused), USD. */
  savedUsd: number;
}

export interface RecordSummary {
  type: 'summary';
  cells: CellSummary[];
  totals: {
    samples: number;
    passed: number;
    errors: number;
    infrastructureErrors: number;
    /** Samples that were not scored (provider, scorer or judge failed). */
    notScored: number;
    costUsd: number;
    judgeCostUsd: number;
  };
  threshold: number | null;
  /** Cells below the threshold. */
  failingCells: string[];
  /** Share of samples allowed to go unscored (0..1). */
  maxErrorRate: number;
  /** More samples went unscored than `maxErrorRate` allows: the run fails (exit 3). */
  tooManyErrors: boolean;
  /** Chaos runs: pass rate per operator against the pass rate of the golden cases it mutated. */
  robustness?: RobustnessRow[];
}

export interface RobustnessRow {
  operator: string;
  /** Scored chaos samples that tested their mutation (those counted in `notExercised` are not). */
  samples: number;
  passed: number;
  /** passed / samples; null when no sample tested its mutation. */
  passRate: number | null;
  /** Pass rate of the source golden cases' samples (same cells, all repeats). */
  sourcePassRate: number | null;
  /** passRate − sourcePassRate. */
  drop: number | null;
  /**
   * Scored chaos samples that tested nothing, by reason (`same-request`: the request was the source
   * case's), counted as neither pass nor fail; absent when there are none.
   */
  notExercised?: Partial<Record<NotExercisedReason, number>>;
}

export type RecordLine = RecordHeader | SampleRecord | RecordSummary;

/**
 * One rendered prompt in `prompts.jsonl`. A one-message prompt is `{ hash, system?, user }` (as it
 * always was); any other prompt keeps its request content: system blocks, turns with their content
 * blocks (documents and images by content hash, media type and size, never their data), tools and
 * tool choice.
 */
export interface PromptStoreLine {
  hash: string;
  system?: string | CanonicalBlock[];
  /** The user message of a one-message prompt. */
  user?: string;
  /** The turns of any other prompt. */
  messages?: CanonicalMessage[];
  tools?: CanonicalTool[];
  toolChoice?: ToolChoice;
}

/** A line of `held-back.jsonl`: a finished sample saved ahead of its turn, with its prompt line. */
export interface HeldBackLine {
  sample: SampleRecord;
  prompt?: PromptStoreLine;
}
