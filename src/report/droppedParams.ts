import type { CellSummary } from '../records/types.js';

/**
 * The parameters some requests went without (the model does not take them, or the request sets
 * them elsewhere), per cell: the answers were not asked what the template asks, which a comparison across models hides.
 */
export function droppedParamsText(cells: ReadonlyArray<Pick<CellSummary, 'version' | 'model' | 'samples' | 'droppedParams'>>): string | undefined {
  const parts = cells.flatMap((cell) => {
    const list = droppedParamList(cell.droppedParams ?? {}, cell.samples);
    return list ? [`${cell.version} × ${cell.model}: ${list}`] : [];
  });
  return parts.length ? `parameters left out of the requests (a model that does not take them, or set elsewhere in the request): ${parts.join('; ')} (see droppedParams in the record)` : undefined;
}

/** `temperature (40 of 40 samples), top_k (3 of 40 samples)`, or '' when nothing was left out. */
export function droppedParamList(params: Record<string, number>, samples: number): string {
  return Object.entries(params)
    .map(([param, n]) => `${param} (${n} of ${samples} samples)`)
    .join(', ');
}
