/**
 * Substring checks: `contains` (all or any of the values must appear) and `notContains` (none may
 * appear). Static values are case-folded once at factory time.
 */
import { InputError } from '../errors.js';
import { asText, fixed2, quoteList } from './text.js';
import type { Sample, Scorer } from './types.js';
import { defaultName, outputReader, unreadableScore } from './value-source.js';
import type { FieldOption } from './value-source.js';
import { optionNames, refuseUnknownOptions } from './options.js';

export type ValuesOption = readonly string[] | ((sample: Sample) => readonly string[]);

export interface ContainsOptions extends FieldOption {
  name?: string;
  values: ValuesOption;
  /** `all` (default): score is the fraction found, pass when all are found. `any`: 1 or 0. */
  mode?: 'all' | 'any';
  caseInsensitive?: boolean;
}

export type NotContainsOptions = Omit<ContainsOptions, 'mode'>;

interface Needle {
  shown: string;
  search: string;
}

/** Resolves the needles per sample; static lists are prepared once. */
function needleSource(values: ValuesOption, caseInsensitive: boolean, scorer: string): (sample: Sample) => Needle[] {
  const prepare = (list: readonly string[]): Needle[] =>
    list.map((shown) => ({ shown, search: caseInsensitive ? shown.toLowerCase() : shown }));
  if (typeof values === 'function') {
    return (sample) => {
      const list = values(sample);
      // An empty list is allowed (nothing to look for in this case: the example suites rely on it);
      // anything else wrong is thrown, so the sample's score is an error rather than a vacuous pass.
      const problem = valuesProblem(list);
      if (problem) throw new TypeError(`${scorer}: values(sample) returned ${problem}`);
      return prepare(list);
    };
  }
  if (values.length === 0) {
    throw new InputError(`${scorer}: values is empty`, { field: 'values' }, 'list at least one string to look for');
  }
  const problem = valuesProblem(values as unknown);
  if (problem) throw new InputError(`${scorer}: values is ${problem}`, { field: 'values' }, 'list the non-empty strings to look for');
  const needles = prepare(values);
  return () => needles;
}

/** What is wrong with a list of values to look for: not a list, or an item that is not a non-empty string (every text contains ""). */
function valuesProblem(list: unknown): string | undefined {
  if (!Array.isArray(list)) return `${list === null ? 'null' : typeof list}, not a list of strings`;
  const at = list.findIndex((value) => typeof value !== 'string' || value === '');
  if (at < 0) return undefined;
  const value: unknown = list[at];
  return typeof value === 'string' ? `a list with an empty string at ${at}, which every text contains` : `a list with ${value === null ? 'null' : typeof value} at ${at}, not a string`;
}

function partition(haystack: string, needles: readonly Needle[]): { found: string[]; missing: string[] } {
  const found: string[] = [];
  const missing: string[] = [];
  for (const needle of needles) (haystack.includes(needle.search) ? found : missing).push(needle.shown);
  return { found, missing };
}

const CONTAINS_OPTIONS = optionNames<ContainsOptions>({ name: true, field: true, values: true, mode: true, caseInsensitive: true });
const NOT_CONTAINS_OPTIONS = optionNames<NotContainsOptions>({ name: true, field: true, values: true, caseInsensitive: true });

export function contains(options: ContainsOptions): Scorer {
  refuseUnknownOptions('contains', options, CONTAINS_OPTIONS);
  const mode = options.mode ?? 'all';
  const caseInsensitive = options.caseInsensitive ?? false;
  const name = options.name ?? defaultName(mode === 'any' ? 'contains:any' : 'contains', options.field);
  const side = outputReader(options.field);
  const needlesFor = needleSource(options.values, caseInsensitive, name);
  const qualifier = caseInsensitive ? ' (ignoring case)' : '';

  return {
    name,
    score(sample) {
      const searched = search(side, sample, caseInsensitive, needlesFor);
      if (!searched.ok) return unreadableScore(name, searched.actual);
      const { found, missing, total } = searched;
      if (mode === 'any') {
        const pass = found.length > 0;
        const reason = pass
          ? `${side.label} contains ${quoteList(found.slice(0, 1))}${qualifier}`
          : `${side.label} contains none of ${quoteList(missing)}${qualifier}`;
        return { name, score: pass ? 1 : 0, pass, reason, details: { found, missing } };
      }
      const pass = missing.length === 0;
      const score = total === 0 ? 1 : found.length / total;
      const reason = pass
        ? `${side.label} contains all ${total} values${qualifier}`
        : `${side.label} is missing ${missing.length} of ${total} values (found ${fixed2(score)}): ${quoteList(missing)}${qualifier}`;
      return { name, score, pass, reason, details: { found, missing } };
    },
  };
}

/** Reads the output (or its field) and splits the sample's needles into found and missing. */
function search(
  side: ReturnType<typeof outputReader>,
  sample: Sample,
  caseInsensitive: boolean,
  needlesFor: (sample: Sample) => Needle[],
) {
  const actual = side.read(sample);
  if (!actual.ok) return { ok: false as const, actual };
  const text = asText(actual.value);
  const needles = needlesFor(sample);
  return { ok: true as const, ...partition(caseInsensitive ? text.toLowerCase() : text, needles), total: needles.length };
}

/** Passes when none of the values appear; score is the fraction absent. */
export function notContains(options: NotContainsOptions): Scorer {
  refuseUnknownOptions('notContains', options, NOT_CONTAINS_OPTIONS);
  const caseInsensitive = options.caseInsensitive ?? false;
  const name = options.name ?? defaultName('notContains', options.field);
  const side = outputReader(options.field);
  const needlesFor = needleSource(options.values, caseInsensitive, name);
  const qualifier = caseInsensitive ? ' (ignoring case)' : '';

  return {
    name,
    score(sample) {
      const searched = search(side, sample, caseInsensitive, needlesFor);
      if (!searched.ok) return unreadableScore(name, searched.actual);
      const { found, total } = searched;
      const pass = found.length === 0;
      const score = total === 0 ? 1 : 1 - found.length / total;
      const reason = pass
        ? `${side.label} contains none of the ${total} forbidden values${qualifier}`
        : `${side.label} contains forbidden ${quoteList(found)}${qualifier}`;
      return { name, score, pass, reason, details: { found } };
    },
  };
}
