/**
 * Whether a cell's cost is known. A provider that reports no price — your own function, or a model
 * missing from the price table — leaves every sample at $0, which is not a cost of zero: reports
 * show `—` for it rather than `$0.0000`. Cached samples cost nothing now, truly.
 */
export function costKnown(cell: { costUsd: number; cachedSamples?: number }): boolean {
  return cell.costUsd !== 0 || (cell.cachedSamples ?? 0) > 0;
}

/** Whether either side of a comparison reported a cost per sample (both $0 means neither provider did). */
export function costReported(cost: { baseline: number | null; candidate: number | null }): boolean {
  return (cost.baseline ?? 0) !== 0 || (cost.candidate ?? 0) !== 0;
}
