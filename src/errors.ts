/**
 * Errors a user can act on. Every one says where (file, line, field), what was expected and
 * what was found, and maps to one of the CLI's exit codes. The CLI prints `message` without a
 * stack trace; so is a system call the machine refused (a full disk, no permission), as exit 3.
 * Anything else is a bug and is printed with its stack.
 */

export const ExitCode = {
  passed: 0,
  evaluationFailed: 1,
  usageOrInput: 2,
  infrastructure: 3,
  /** Stopped with Ctrl-C (128 + SIGINT): `run --resume` finishes it. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** When several codes apply, the first of these: 3 wins over 130, 130 over 2 (e.g. a report refused its page path), 2 over 1. */
const EXIT_CODE_PRECEDENCE: readonly ExitCode[] = [ExitCode.infrastructure, ExitCode.interrupted, ExitCode.usageOrInput, ExitCode.evaluationFailed];

/** The code of `codes` that wins by EXIT_CODE_PRECEDENCE; undefined when none of them is in it. */
export function strongestExitCode(codes: readonly number[]): ExitCode | undefined {
  return EXIT_CODE_PRECEDENCE.find((code) => codes.includes(code));
}

export interface ErrorLocation {
  file?: string;
  line?: number;
  /** A dotted path to the offending field, e.g. `vars.ticket` or `front matter.max_tokens`. */
  field?: string;
}

export class PromptgoldError extends Error {
  readonly exitCode: ExitCode;
  readonly location: ErrorLocation;
  readonly hint: string | undefined;
  /** The message without its location and hint, for re-throwing with a fuller location. */
  readonly detail: string;

  constructor(
    message: string,
    options: { exitCode?: ExitCode; location?: ErrorLocation; hint?: string; cause?: unknown } = {},
  ) {
    super(formatLocated(message, options.location ?? {}, options.hint), { cause: options.cause });
    this.name = 'PromptgoldError';
    this.exitCode = options.exitCode ?? ExitCode.usageOrInput;
    this.location = options.location ?? {};
    this.hint = options.hint;
    this.detail = message;
  }

  /** The same error, located in `file` when it had no file of its own (e.g. thrown while loading a suite). */
  inFile(file: string): PromptgoldError {
    if (this.location.file) return this;
    return new PromptgoldError(this.detail, { exitCode: this.exitCode, location: { ...this.location, file }, hint: this.hint, cause: this });
  }
}

/** A mistake in the user's input: a suite, template, dataset, schema or flag. Exit 2. */
export class InputError extends PromptgoldError {
  constructor(message: string, location: ErrorLocation = {}, hint?: string, cause?: unknown) {
    super(message, { exitCode: ExitCode.usageOrInput, location, hint, cause });
    this.name = 'InputError';
  }
}

/** The provider or the machine failed in a way that stops the run (bad key, unknown model). Exit 3. */
export class InfrastructureError extends PromptgoldError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { exitCode: ExitCode.infrastructure, hint, cause });
    this.name = 'InfrastructureError';
  }
}

/** `file:line: field: message` followed by the hint on its own line. */
export function formatLocated(message: string, location: ErrorLocation, hint?: string): string {
  let where = '';
  if (location.file) where += location.file;
  if (location.file && location.line !== undefined) where += `:${location.line}`;
  if (where) where += ': ';
  if (location.field) where += `${location.field}: `;
  return hint ? `${where}${message}\n  hint: ${hint}` : `${where}${message}`;
}

/** An error that ends a command, or one step of it, as the user reads it, and the exit code it stands for. */
export interface WordedError {
  /** A PromptgoldError's own message (where, what, how to fix); otherwise an internal error with its stack. */
  text: string;
  exitCode: ExitCode;
}

export function wordedError(error: unknown): WordedError {
  const worded = wordedAlone(error);
  const after = failuresAfterOf(error);
  if (after.length === 0) return worded;
  const lines = after.map(({ failure, doing }) => `  and then, while ${doing}: ${wordedAlone(failure).text.replaceAll('\n', '\n  ')}`);
  return { text: [worded.text, ...lines].join('\n'), exitCode: worded.exitCode };
}

/** Failures met while winding down after an error (marking the run aborted in meta.json), by the error. */
const FAILURES_AFTER = new WeakMap<object, Array<{ failure: unknown; doing: string }>>();

/**
 * `error`, with `failure` (met while `doing` something on the way out after it) to be said under it by
 * wordedError: what the user reads first, and the exit code, stay the error's own. Throw what it returns.
 */
export function withFailureAfter(error: unknown, failure: unknown, doing: string): unknown {
  const carrier = typeof error === 'object' && error !== null ? error : new Error(String(error));
  FAILURES_AFTER.set(carrier, [...(FAILURES_AFTER.get(carrier) ?? []), { failure, doing }]);
  return carrier;
}

/** The failures after `error` and after the errors it wraps (its causes): a wrapper made later keeps them. */
function failuresAfterOf(error: unknown): Array<{ failure: unknown; doing: string }> {
  const found: Array<{ failure: unknown; doing: string }> = [];
  const seen = new Set<unknown>();
  for (let current = error; typeof current === 'object' && current !== null && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    found.push(...(FAILURES_AFTER.get(current) ?? []));
  }
  return found;
}

function wordedAlone(error: unknown): WordedError {
  if (error instanceof PromptgoldError) return { text: error.message, exitCode: error.exitCode };
  if (isSystemError(error)) return { text: systemErrorText(error, error.path), exitCode: ExitCode.infrastructure };
  return {
    text: `internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    exitCode: ExitCode.infrastructure,
  };
}

/** Node's error for a system call the machine refused: a full disk, no permission, too many open files. */
export interface SystemError extends Error {
  code: string;
  syscall: string;
  path?: string;
}

export function isSystemError(error: unknown): error is SystemError {
  const { code, syscall } = error as Partial<SystemError>;
  return error instanceof Error && typeof code === 'string' && typeof syscall === 'string';
}

/**
 * A system error met while writing (or reading) the file at `path`, as the machine's error (exit 3) that names
 * the file (`shownAs`): a write to a full disk says which file it was writing only here. A system
 * error on another path (the error's own, when it has one), and any other error, is returned as it is.
 */
export function fileWriteError<E>(error: E, path: string, shownAs = path): E | InfrastructureError {
  const found: unknown = error;
  if (!isSystemError(found)) return error;
  if (found.path !== undefined && found.path !== path && !found.path.startsWith(`${path}.`)) return error;
  return new InfrastructureError(systemErrorText(found, shownAs, { hint: false }), systemErrorHint(found.code), error);
}

/**
 * `out/cmp.json: no space left on device (ENOSPC on write)` and a hint by code, from Node's
 * `ENOSPC: no space left on device, write` (whose paths, when it has them, are left to the location).
 */
function systemErrorText(error: SystemError, file: string | undefined, options = { hint: true }): string {
  return formatLocated(systemErrorSaid(error), file === undefined ? {} : { file }, options.hint ? systemErrorHint(error.code) : undefined);
}

/** What the system said, without the path: `no space left on device (ENOSPC on write)`. */
export function systemErrorSaid(error: SystemError): string {
  const said = error.message.replace(/^E[A-Z0-9]+: /, '');
  const end = said.lastIndexOf(`, ${error.syscall}`);
  return `${end > 0 ? said.slice(0, end) : said} (${error.code} on ${error.syscall})`;
}

export function systemErrorHint(code: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'free space on that disk (or give a path on another one) and run the command again';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'mend the permissions of that path (or give another) and run the command again';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files are open: raise the limit (`ulimit -n`) or lower the concurrency, and run the command again';
    case 'EISDIR':
    case 'ENOTDIR':
    case 'EEXIST':
    case 'ENOENT':
    case 'ENAMETOOLONG':
    case 'ELOOP':
      return 'the path does not fit what is on disk (a folder where a file goes, a file where a folder goes, or a folder missing): give another path, or mend it, and run the command again';
    default:
      return 'an error of the machine, not of promptgold: mend its cause and run the command again';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
