/** A golden case: the unit every comparison pairs on (by `id`, never by position). */
export interface GoldenCase {
  /** Stable: given in the file, or a hash of `vars`. */
  id: string;
  vars: Record<string, unknown>;
  expected?: unknown;
  tags: string[];
  /** Per-case extra scorers, as data (see `scoring/checks.ts`). */
  checks?: CheckSpec[];
  /**
   * Human labels for judge calibration (`promptgold calibrate`): `pass` for pass-fail rubrics,
   * `score` (1–5) for 1-5 rubrics; `output` is the text the label is about (default: the suite's
   * first version × first model, repeat 0); `note` is for people.
   */
  human?: { pass?: boolean; score?: number; output?: string; note?: string };
  /** Where the case came from, for error messages. */
  origin: { file: string; line: number };
  /** Set on generated chaos cases: the link to the golden case they were derived from. */
  chaos?: ChaosOrigin;
}

export interface ChaosOrigin {
  sourceCaseId: string;
  /** Operator names applied, in order. */
  operators: string[];
  /** Which vars were mutated. */
  fields: string[];
  /** Human-readable descriptions of the edits made (from each operator's `ops`). */
  ops: string[];
  /** What must still hold, e.g. `same answer as source`, from the operators' declared properties. */
  property: string;
  /** Canary string planted by injection operators, so success of an injection is detectable. */
  canary?: string;
}

/** A data-only scorer declaration usable inside a dataset file. */
export interface CheckSpec {
  type: string;
  [option: string]: unknown;
}

export interface Dataset {
  /** Path as given (relative to the project root when possible). */
  path: string;
  /** sha256 of the file bytes, hex. */
  hash: string;
  cases: GoldenCase[];
}

/**
 * A validated dataset whose cases are walked on demand: each walk yields them in file order (a
 * JSONL file is read again; other formats are held). `count` is known without walking.
 */
export interface DatasetSource extends Iterable<GoldenCase> {
  /** Path as given. */
  path: string;
  /** sha256 of the file bytes, hex. */
  hash: string;
  count: number;
  /** The cases are kept in memory: every walk yields the same case objects (a streamed JSONL file makes new ones). */
  held: boolean;
}

/** Cases that can be walked more than once, with their number known up front. */
export interface CaseList extends Iterable<GoldenCase> {
  readonly count: number;
}

export interface CaseSelection {
  /** Keep cases carrying at least one of these tags. */
  filter?: string[];
  /** Keep the first N cases (after filtering). */
  limit?: number;
  /** Keep a seeded random sample of N cases (after filtering), in file order. */
  sample?: number;
  seed?: number;
}
