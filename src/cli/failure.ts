/** How the CLI words an error that ends a command, or one step of it, and the exit code it stands for. */
import { ExitCode, PromptgoldError } from '../errors.js';

export interface CliFailure {
  /** A PromptgoldError's own message (where, what, how to fix); otherwise an internal error with its stack. */
  text: string;
  exitCode: ExitCode;
}

export function cliFailureOf(error: unknown): CliFailure {
  if (error instanceof PromptgoldError) return { text: error.message, exitCode: error.exitCode };
  return {
    text: `internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    exitCode: ExitCode.infrastructure,
  };
}
