/**
 * The prompts the check before a run rendered (see loadSuite's CaseChecker), kept so that the run
 * sends them instead of rendering every case a second time. Rendering is deterministic, so a kept
 * render is the one the run would make.
 *
 * A render is found by its case object and compiled prompt, so it is used only when the run walks
 * the very case objects the check saw: a held dataset's golden cases. Each is handed out once and
 * then forgotten, so the memory it holds is freed as the run goes. What is kept is bounded (a
 * number of renders and of characters of text), and renders with anything but text in them
 * (documents, images) are not kept: past the bound the run renders as before.
 */
import type { CompiledPrompt, RenderedPrompt } from '../prompts/index.js';
import type { GoldenCase } from '../datasets/types.js';

export interface CheckedRendersLimits {
  renders: number;
  chars: number;
}

/**
 * Small on purpose: a kept render lives from the check to its sample, long enough to be promoted
 * to the old generation, and at 10,000 kept renders the extra garbage collection cost more than
 * the second render saved. A few thousand cover a small run (1,000 cases: every render).
 */
const DEFAULT_LIMITS: CheckedRendersLimits = { renders: 2_000, chars: 1_000_000 };

export class CheckedRenders {
  private readonly kept = new Map<CompiledPrompt, Map<GoldenCase, RenderedPrompt>>();
  private renders = 0;
  private chars = 0;

  constructor(private readonly limits: CheckedRendersLimits = DEFAULT_LIMITS) {}

  /** Keeps a render of the check while the bounds allow it. */
  keep(prompt: CompiledPrompt, golden: GoldenCase, rendered: RenderedPrompt): void {
    if (this.renders >= this.limits.renders) return;
    const chars = textChars(rendered);
    if (chars === undefined || this.chars + chars > this.limits.chars) return;
    let byCase = this.kept.get(prompt);
    if (!byCase) this.kept.set(prompt, (byCase = new Map()));
    byCase.set(golden, rendered);
    this.renders++;
    this.chars += chars;
  }

  /** The kept render of this case with this prompt, handed out once; undefined when none was kept. */
  take(prompt: CompiledPrompt, golden: GoldenCase): RenderedPrompt | undefined {
    const byCase = this.kept.get(prompt);
    const rendered = byCase?.get(golden);
    if (rendered) byCase!.delete(golden);
    return rendered;
  }

  /** Renders kept and not yet taken. */
  get size(): number {
    let size = 0;
    for (const byCase of this.kept.values()) size += byCase.size;
    return size;
  }
}

/** Characters of text in a render, or undefined when it holds something other than text. */
function textChars(rendered: RenderedPrompt): number | undefined {
  let chars = 0;
  if (typeof rendered.system === 'string') chars += rendered.system.length;
  else for (const block of rendered.system ?? []) chars += block.text.length;
  for (const message of rendered.messages) {
    if (typeof message.content === 'string') {
      chars += message.content.length;
      continue;
    }
    for (const block of message.content) {
      if (block.type !== 'text') return undefined;
      chars += block.text.length;
    }
  }
  return chars;
}
