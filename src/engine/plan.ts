/**
 * The plan: versions × models × cases × repeats, in a fixed order that is also the record's order.
 * Within each version × model block golden cases come before chaos cases (the case list is built
 * in that order, see loadSuite), so a chaos sample's source is always planned (and started) before it.
 */
import { createHash } from 'node:crypto';
import { stableStringify } from '../canonical.js';
import type { CaseList, GoldenCase } from '../datasets/types.js';
import type { CompiledPrompt } from '../prompts/index.js';

export interface PlannedSample {
  index: number;
  case: GoldenCase;
  prompt: CompiledPrompt;
  model: string;
  repeat: number;
}

export interface PlanShape {
  prompts: CompiledPrompt[];
  models: string[];
  /** In plan order: golden cases first, then chaos cases. Walked once per version × model. */
  cases: CaseList;
  repeats: number;
}

export function planSize(shape: PlanShape): number {
  return shape.prompts.length * shape.models.length * shape.cases.count * shape.repeats;
}

/** The index planSamples gives the sample of prompt `p`, model `m`, the case at position `c` and `repeat`. */
export function planIndex(shape: PlanShape, p: number, m: number, c: number, repeat: number): number {
  return ((p * shape.models.length + m) * shape.cases.count + c) * shape.repeats + repeat;
}

export function* planSamples(shape: PlanShape): Generator<PlannedSample> {
  let index = 0;
  for (const prompt of shape.prompts) {
    for (const model of shape.models) {
      for (const goldenCase of shape.cases) {
        for (let repeat = 0; repeat < shape.repeats; repeat++) {
          yield { index: index++, case: goldenCase, prompt, model, repeat };
        }
      }
    }
  }
}

/**
 * Everything that decides which sample sits at which index (checked before resuming a run), computed
 * while the cases stream past so they need not be walked for it again:
 * sha256 of the stable JSON of `{ cases: ids, models, prompts: [id, version, hash], repeats }`,
 * written out in that (sorted) key order as the ids arrive.
 */
export class PlanHasher {
  private readonly hash = createHash('sha256').update('{"cases":[');
  /** Ids not yet handed to the hash: it is updated once per few thousand ids rather than once per id. */
  private pending = '';
  private first = true;

  addCase(id: string): void {
    this.pending += this.first ? JSON.stringify(id) : `,${JSON.stringify(id)}`;
    this.first = false;
    if (this.pending.length >= PENDING_CHARS) this.flush();
  }

  digest(shape: Pick<PlanShape, 'prompts' | 'models' | 'repeats'>): string {
    this.flush();
    const prompts = shape.prompts.map((p) => [p.template.id, p.template.version, p.template.hash]);
    return this.hash.update(`],"models":${stableStringify(shape.models)},"prompts":${stableStringify(prompts)},"repeats":${stableStringify(shape.repeats)}}`).digest('hex');
  }

  private flush(): void {
    this.hash.update(this.pending);
    this.pending = '';
  }
}

const PENDING_CHARS = 16 * 1024;
