/** What a suite's `chaos` option says: which operators, how many variants, which fields. */
import type { Scorer } from '../scoring/types.js';

export interface ChaosConfig {
  /** Operator names (see `promptgold chaos --list`); default: all. */
  operators?: string[];
  /** Variants per golden case (default 1 per operator). */
  perCase?: number;
  /**
   * Which vars to mutate (default: every string var that a prompt version under test renders, or
   * every string var when the suite's own function provider is handed them).
   */
  fields?: string[];
  seed?: number;
  /** Extra scorers for chaos samples (invariants such as sameAsSource). */
  invariants?: Scorer[];
}
