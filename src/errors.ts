/**
 * Errors a user can act on. Every one says where (file, line, field), what was expected and
 * what was found, and maps to one of the CLI's exit codes. The CLI prints `message` without a
 * stack trace; anything that is not a PromptgoldError is a bug and is printed with its stack.
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
  if (error instanceof PromptgoldError) return { text: error.message, exitCode: error.exitCode };
  return {
    text: `internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    exitCode: ExitCode.infrastructure,
  };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
