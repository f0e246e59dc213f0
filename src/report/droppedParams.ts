import type { CellSummary } from '../records/types.js';

/**
 * The parameters some requests went without (the model does not take them, or the request sets
 * them elsewhere), per cell: the answers were not asked what the template asks, which a comparison across models hides.
 */
export function droppedParamsText(cells: ReadonlyArray<Pick<CellSummary, 'version' | 'model' | 'samples' | 'droppedParams'>>): string | undefined {
  const parts = cells.flatMap((cell) => {
    const params = Object.entries(cell.droppedParams ?? {});
    if (!params.length) return [];
    return [`${cell.version} × ${cell.model}: ${params.map(([param, n]) => `${param} (${n} of ${cell.samples} samples)`).join(', ')}`];
  });
  return parts.length ? `parameters left out of the requests (a model that does not take them, or set elsewhere in the request): ${parts.join('; ')} (see droppedParams in the record)` : undefined;
}
