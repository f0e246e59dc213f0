#!/usr/bin/env node
/**
 * The promptgold CLI. Commands are imported lazily so `promptgold --help` starts fast; every
 * PromptgoldError is printed as a one-paragraph message (no stack) with its exit code.
 */
import { Command, Option } from 'commander';
import { ExitCode, PromptgoldError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { collect } from './options.js';

const program = new Command();
program
  .name('promptgold')
  .description('Test prompts the way good teams test code.')
  .version(TOOL_VERSION, '-V, --version', 'print the promptgold version')
  .enablePositionalOptions()
  .showHelpAfterError('(add --help for usage)')
  .exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : ExitCode.usageOrInput);
  });

program
  .command('run')
  .description('run suites and write run records under reports/runs/')
  .argument('[suites...]', 'suite files or folders (default: every suites/**/*.eval.ts)')
  .option('--version <v>', 'prompt version(s) to run; repeat or comma-separate', collect)
  .option('--model <m>', 'model id(s) to run; repeat or comma-separate', collect)
  .option('--repeat <n>', 'repeats per case × version × model')
  .option('--concurrency <n>', 'samples in flight at once')
  .option('--filter <tag>', 'only cases with this tag; repeat or comma-separate', collect)
  .option('--limit <n>', 'only the first n cases (after --filter)')
  .option('--sample <n>', 'a seeded random sample of n cases')
  .option('--seed <s>', 'seed for --sample and chaos')
  .addOption(new Option('--provider <p>', 'who answers').choices(['replay', 'anthropic', 'function']))
  .option('--record', 'write every response to the suite\'s recordings file for replay')
  .option('--no-cache', 'bypass the response cache (.promptgold/cache)')
  .option('--resume <run>', 'finish an interrupted run (a run folder)')
  .option('--out <dir>', 'where run folders go (default reports/runs)')
  .option('--chaos', 'add the suite\'s chaos cases')
  .option('--timeout <ms>', 'per-sample timeout in ms (default 120000)')
  .option('--max-cost <usd>', 'stop sending once this much is spent; refuse to start when the forecast is higher')
  .option('--yes', 'start even when the cost forecast is over --max-cost')
  .option('--json', 'print the run summaries as JSON on stdout')
  .option('--no-progress', 'no progress output')
  .action(async (suites: string[], flags) => {
    const { runCommand } = await import('./commands/run.js');
    process.exitCode = await runCommand(suites, flags);
  });

program
  .command('init')
  .description('scaffold a working suite, prompt, dataset and config in this project')
  .option('--dir <dir>', 'project folder', '.')
  .option('--force', 'overwrite files that exist')
  .action(async (flags: { dir: string; force?: boolean }) => {
    const { initCommand } = await import('./commands/init.js');
    process.exitCode = await initCommand(flags);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

function reportError(error: unknown): number {
  if (error instanceof PromptgoldError) {
    process.stderr.write(`promptgold: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(`promptgold: internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.infrastructure;
}
