/** Parsing of CLI option values, with errors that name the flag. */
import { InputError } from '../errors.js';

export function parseIntegerOption(value: string, flag: string, min = Number.MIN_SAFE_INTEGER): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new InputError(`expected a whole number${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ''}, got "${value}"`, { field: flag });
  }
  return parsed;
}

export function parseNumberOption(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InputError(`expected a non-negative number, got "${value}"`, { field: flag });
  return parsed;
}

/** Repeatable and comma-separated: `--model a --model b` and `--model a,b` are the same. */
export function parseListOption(values: string[] | undefined): string[] | undefined {
  if (!values?.length) return undefined;
  const items = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
