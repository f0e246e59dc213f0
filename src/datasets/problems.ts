import type * as z from 'zod';
import { InputError, formatLocated } from '../errors.js';
import { likelyMeant } from '../knownKeys.js';

/** One thing wrong with a user's input file, located as precisely as we can. */
export interface Problem {
  line?: number;
  /** Dotted path of the offending field, e.g. `vars` or `tags.0`. */
  field?: string;
  message: string;
}

/** Enough to show the user everything that is wrong at once without drowning them. */
export const MAX_PROBLEMS = 20;

/**
 * Collects problems up to MAX_PROBLEMS and counts the rest, so one pass over a file reports
 * every bad line instead of stopping at the first.
 */
export class ProblemList {
  readonly items: Problem[] = [];
  private overflow = 0;

  add(problem: Problem): void {
    if (this.items.length < MAX_PROBLEMS) this.items.push(problem);
    else this.overflow += 1;
  }

  get count(): number {
    return this.items.length + this.overflow;
  }

  get full(): boolean {
    return this.items.length >= MAX_PROBLEMS;
  }

  /** Throws one InputError listing every problem; does nothing when there are none. */
  throwIfAny(file: string, hint?: string): void {
    const first = this.items[0];
    if (!first) return;
    if (this.count === 1) {
      throw new ProblemsError(first.message, file, this.items, hint, first);
    }
    const lines = this.items.map(
      (problem) => '  ' + formatLocated(problem.message, { file, line: problem.line, field: problem.field }),
    );
    if (this.overflow > 0) lines.push(`  … and ${this.overflow} more`);
    throw new ProblemsError(`${this.count} problems:\n${lines.join('\n')}`, file, this.items, hint);
  }
}

/** An InputError carrying the individual problems, so callers and tests can inspect them. */
export class ProblemsError extends InputError {
  constructor(
    message: string,
    file: string,
    readonly problems: Problem[],
    hint?: string,
    single?: Problem,
  ) {
    super(message, single ? { file, line: single.line, field: single.field } : { file }, hint);
    this.name = 'InputError';
  }
}

/** `null`, `array`, `object`, `string` … — the word a user would use for what they wrote. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const articleFor = (word: string): string => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function expectedWord(expected: string): string {
  return expected === 'record' ? 'object' : expected;
}

/**
 * Turns zod issues into problems phrased as `expected X, got Y`. Unknown keys become one problem
 * each, naming the key, the allowed keys and the closest allowed key when there is a likely typo.
 */
export function problemsFromZod(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  allowedKeys: (path: readonly PropertyKey[]) => readonly string[],
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const field = issue.path.map(String).join('.') || undefined;
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(issue.path);
      for (const key of issue.keys) {
        const guess = likelyMeant(key, allowed);
        const suggestion = guess ? `did you mean "${guess}"? ` : '';
        problems.push({
          field: field ? `${field}.${key}` : key,
          message: `unknown key "${key}" (${suggestion}allowed: ${allowed.join(', ')})`,
        });
      }
      continue;
    }
    const found = valueAt(input, issue.path);
    if (issue.code === 'invalid_type') {
      const expected = articleFor(expectedWord(issue.expected));
      problems.push({
        field,
        message: found === undefined ? `is required (expected ${expected})` : `expected ${expected}, got ${typeName(found)}`,
      });
      continue;
    }
    if (issue.code === 'invalid_union') {
      const options = issue.errors
        .map((branch) => branch[0])
        .filter((first): first is z.core.$ZodIssueInvalidType => first?.code === 'invalid_type')
        .map((first) => expectedWord(first.expected));
      const expected = options.length > 0 ? articleFor(options.join(' or ')) : 'a valid value';
      problems.push({
        field,
        message: found === undefined ? `is required (expected ${expected})` : `expected ${expected}, got ${typeName(found)}`,
      });
      continue;
    }
    problems.push({ field, message: issue.message });
  }
  return problems;
}
