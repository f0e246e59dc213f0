/** `--baseline version=v1,model=x`: which cells of a record one side of a comparison takes. */
import { InputError } from '../errors.js';

export type CellDimension = 'version' | 'model';
export type CellFilter = Partial<Record<CellDimension, string>>;

export interface Cell {
  version: string;
  model: string;
}

const DIMENSIONS: readonly CellDimension[] = ['version', 'model'];

export function parseCellFilter(text: string | undefined, flag: string): CellFilter {
  if (text === undefined || text.trim() === '') return {};
  const filter: CellFilter = {};
  for (const part of text.split(',')) {
    const [key, ...rest] = part.split('=');
    const name = key?.trim() ?? '';
    const value = rest.join('=').trim();
    if (!DIMENSIONS.includes(name as CellDimension) || value === '') {
      throw new InputError(`cannot read "${part.trim()}"`, { field: flag }, 'use version=<v>, model=<id>, or both: version=v1,model=claude-sonnet-4-5');
    }
    filter[name as CellDimension] = value;
  }
  return filter;
}

export function cellMatches(cell: Cell, filter: CellFilter): boolean {
  return DIMENSIONS.every((dimension) => filter[dimension] === undefined || filter[dimension] === cell[dimension]);
}

export function filteredDimensions(...filters: CellFilter[]): Set<CellDimension> {
  return new Set(DIMENSIONS.filter((dimension) => filters.some((filter) => filter[dimension] !== undefined)));
}

/** The cell's values on the dimensions no filter names: cells with equal keys are compared. */
export function matchKey(cell: Cell, filtered: Set<CellDimension>): string {
  return DIMENSIONS.filter((dimension) => !filtered.has(dimension))
    .map((dimension) => `${dimension}=${cell[dimension]}`)
    .join(',');
}

export function cellKey(cell: Cell): string {
  return `${cell.version}\u0000${cell.model}`;
}

export function cellLabel(cell: Cell): string {
  return `${cell.version} × ${cell.model}`;
}

export function filterToRecord(filter: CellFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dimension of DIMENSIONS) if (filter[dimension] !== undefined) out[dimension] = filter[dimension]!;
  return out;
}
