/**
 * The plan: versions × models × cases × repeats, in a fixed order that is also the record's order.
 * Within each version × model block golden cases come before chaos cases, so a chaos sample's source
 * is always planned (and started) before it.
 */
import { sha256Hex, stableStringify } from '../canonical.js';
import type { GoldenCase } from '../datasets/types.js';
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
  cases: GoldenCase[];
  repeats: number;
}

export function planSize(shape: PlanShape): number {
  return shape.prompts.length * shape.models.length * shape.cases.length * shape.repeats;
}

export function* planSamples(shape: PlanShape): Generator<PlannedSample> {
  const ordered = [...shape.cases.filter((c) => !c.chaos), ...shape.cases.filter((c) => c.chaos)];
  let index = 0;
  for (const prompt of shape.prompts) {
    for (const model of shape.models) {
      for (const goldenCase of ordered) {
        for (let repeat = 0; repeat < shape.repeats; repeat++) {
          yield { index: index++, case: goldenCase, prompt, model, repeat };
        }
      }
    }
  }
}

/** Everything that decides which sample sits at which index: checked before resuming a run. */
export function planHash(shape: PlanShape): string {
  return sha256Hex(
    stableStringify({
      prompts: shape.prompts.map((p) => [p.template.id, p.template.version, p.template.hash]),
      models: shape.models,
      cases: shape.cases.map((c) => c.id),
      repeats: shape.repeats,
    }),
  );
}
