import { mean, quantile } from './descriptive.js';
import { createRng, type Seed } from './random.js';
import { requirePositiveInteger, requireProbability, requireSameLength } from './validate.js';

export interface PairedBootstrapOptions {
  /** Number of bootstrap resamples (default 2000). */
  resamples?: number;
  /** PRNG seed; the same seed and data always give the same interval (default 1). */
  seed?: Seed;
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
  /**
   * One cluster id per diff (e.g. the source case of a chaos variant). When given, whole
   * clusters are resampled, so correlated diffs are not counted as independent evidence.
   */
  clusters?: ArrayLike<string | number>;
  /** Alias of `clusters`. */
  clusterIds?: ArrayLike<string | number>;
}

export interface BootstrapInterval {
  low: number;
  high: number;
  /** Mean of the observed diffs (the point estimate, not the mean of the resamples). */
  mean: number;
}

const TWO_POW_32 = 4294967296;
const DEFAULT_SEED = 1;

/**
 * Percentile bootstrap interval for the mean paired difference. Resample statistics live in one
 * Float64Array and indices come straight from the integer PRNG, so no memory is allocated per
 * resample (10,000 diffs × 2,000 resamples runs well under a second; see bench/stats.ts).
 *
 * Cluster bootstrap: each resample draws G clusters with replacement and takes the mean over all
 * their diffs, Σ sums / Σ sizes. Empty input gives NaN bounds.
 */
export function pairedBootstrap(diffs: ArrayLike<number>, options: PairedBootstrapOptions = {}): BootstrapInterval {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const clusters = options.clusters ?? options.clusterIds;
  requirePositiveInteger(resamples, 'resamples');
  requireProbability(confidence, 'confidence');
  if (clusters) requireSameLength(diffs, clusters, 'clusters');

  const observedMean = mean(diffs);
  if (diffs.length === 0) return { low: NaN, high: NaN, mean: NaN };

  const group = clusters ? groupByCluster(diffs, clusters) : singletonGroups(diffs);
  const statistics = resampleMeans(group, resamples, createRng(options.seed ?? DEFAULT_SEED).nextUint32);
  statistics.sort();
  const alpha = 1 - confidence;
  return {
    low: quantile(statistics, alpha / 2),
    high: quantile(statistics, 1 - alpha / 2),
    mean: observedMean,
  };
}

interface Groups {
  sums: Float64Array;
  /** null when every group has size 1 (the ordinary bootstrap), which skips a division. */
  sizes: Float64Array | null;
}

function singletonGroups(diffs: ArrayLike<number>): Groups {
  return { sums: Float64Array.from(diffs), sizes: null };
}

/** Cluster sums and sizes, in order of first appearance (so results do not depend on id type). */
function groupByCluster(diffs: ArrayLike<number>, clusterIds: ArrayLike<string | number>): Groups {
  const indexOf = new Map<string | number, number>();
  const sums: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < diffs.length; i++) {
    const id = clusterIds[i] as string | number;
    let index = indexOf.get(id);
    if (index === undefined) {
      index = sums.length;
      indexOf.set(id, index);
      sums.push(0);
      sizes.push(0);
    }
    sums[index] = (sums[index] as number) + (diffs[i] as number);
    sizes[index] = (sizes[index] as number) + 1;
  }
  return { sums: Float64Array.from(sums), sizes: Float64Array.from(sizes) };
}

function resampleMeans(groups: Groups, resamples: number, nextUint32: () => number): Float64Array {
  const { sums, sizes } = groups;
  const g = sums.length;
  // Rejection threshold for unbiased indices in [0, g): accept u < limit, index = u mod g.
  const limit = TWO_POW_32 - (TWO_POW_32 % g);
  const out = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let total = 0;
    let count = 0;
    for (let j = 0; j < g; j++) {
      let u = nextUint32();
      while (u >= limit) u = nextUint32();
      const index = u % g;
      total += sums[index] as number;
      if (sizes) count += sizes[index] as number;
    }
    out[r] = total / (sizes ? count : g);
  }
  return out;
}
