import type Handlebars from 'handlebars';

/** Where a helper was called: its registered name and the call's start in its source (Handlebars' `options.loc`). */
export interface HelperCall {
  name: string;
  line: number;
  column: number;
}

/** Thrown by a helper given arguments it cannot use; the renderer adds file, line and case. */
export class HelperError extends Error {
  /** Set by `locatingErrors` for the innermost helper call that threw. */
  call: HelperCall | undefined;

  constructor(
    readonly helper: string,
    message: string,
  ) {
    super(message);
    this.name = 'HelperError';
  }
}

type Helper = (this: unknown, ...args: unknown[]) => unknown;

/** The helper, registered as `name`, with the place of its call added to the HelperError it throws. */
export function locatingErrors(name: string, helper: Helper): Helper {
  return function (this: unknown, ...args: unknown[]): unknown {
    try {
      return helper.apply(this, args);
    } catch (error) {
      if (error instanceof HelperError && error.call === undefined) error.call = callOf(name, args[args.length - 1]);
      throw error;
    }
  };
}

function callOf(name: string, options: unknown): HelperCall | undefined {
  const start = (options as { loc?: { start?: { line?: unknown; column?: unknown } } } | undefined)?.loc?.start;
  if (typeof start?.line !== 'number' || typeof start.column !== 'number') return undefined;
  return { name, line: start.line, column: start.column };
}

interface HelperOptions {
  hash?: Record<string, unknown>;
}

/** Handlebars passes the options object last; split it from the positional arguments. */
function splitArguments(args: unknown[]): { positional: unknown[]; hash: Record<string, unknown> } {
  const options = (args[args.length - 1] ?? {}) as HelperOptions;
  return { positional: args.slice(0, -1), hash: options.hash ?? {} };
}

function wholeNumber(helper: string, value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new HelperError(helper, `${what} must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
}

/** What a text helper writes for its value: text, a number or a boolean as text, null and undefined as nothing. */
function textOf(helper: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new HelperError(helper, `expected text, a number or a boolean, got ${describeValue(value)}: use {{json value}} to write it as JSON`);
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** `{{json x}}` pretty (2 spaces); `{{json x indent=0}}` compact. */
export function jsonHelper(...args: unknown[]): string {
  const { positional, hash } = splitArguments(args);
  if (positional.length !== 1) throw new HelperError('json', 'usage: {{json value}} or {{json value indent=0}}');
  const indent = hash.indent === undefined ? 2 : wholeNumber('json', hash.indent, 'indent');
  return JSON.stringify(positional[0], null, indent) ?? '';
}

/** `{{truncate text 200}}`: at most 200 code points, then "…" if anything was cut. */
export function truncateHelper(...args: unknown[]): string {
  const { positional } = splitArguments(args);
  if (positional.length !== 2) throw new HelperError('truncate', 'usage: {{truncate text maxLength}}');
  const max = wholeNumber('truncate', positional[1], 'maxLength');
  const codePoints = Array.from(textOf('truncate', positional[0]));
  return codePoints.length > max ? `${codePoints.slice(0, max).join('')}…` : codePoints.join('');
}

/** `{{join list ", "}}`; the separator defaults to ", ". Objects in the list are written as JSON. */
export function joinHelper(...args: unknown[]): string {
  const { positional } = splitArguments(args);
  const [list, separator = ', '] = positional;
  if (!Array.isArray(list)) {
    throw new HelperError('join', `expected a list, got ${list === null ? 'null' : typeof list}`);
  }
  return list.map((item) => (item !== null && typeof item === 'object' ? JSON.stringify(item) : String(item))).join(String(separator));
}

/** `{{indent text 4}}`: prefixes every non-empty line with 4 spaces (blank lines stay blank). */
export function indentHelper(...args: unknown[]): string {
  const { positional } = splitArguments(args);
  if (positional.length !== 2) throw new HelperError('indent', 'usage: {{indent text width}}');
  const pad = ' '.repeat(wholeNumber('indent', positional[1], 'width'));
  return textOf('indent', positional[0])
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}

export const promptHelpers = {
  json: jsonHelper,
  truncate: truncateHelper,
  join: joinHelper,
  indent: indentHelper,
} as const;

export function registerPromptHelpers(instance: typeof Handlebars): void {
  for (const [name, helper] of Object.entries(promptHelpers)) instance.registerHelper(name, locatingErrors(name, helper));
}
