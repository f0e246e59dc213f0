#!/usr/bin/env node
/**
 * The promptgold CLI. Commands are imported lazily so `promptgold --help` starts fast; every
 * PromptgoldError is printed as a one-paragraph message (no stack) with its exit code.
 */
import { Command, Option } from 'commander';
import { ExitCode, InputError, wordedError } from '../errors.js';
import { pendingImports } from '../engine/pendingImports.js';
import { redactStream } from '../secrets.js';
import { TOOL_VERSION } from '../version.js';
import { limitHeapGrowth } from './heap.js';
import { collect } from './options.js';

// Console output is written here too: the key never reaches a terminal or a CI log.
redactStream(process.stdout);
redactStream(process.stderr);

// Node exits with code 13 and no word when a top-level await never settles: name the file.
process.on('exit', () => {
  const [stuck] = pendingImports;
  // 13 is Node's own code for it; any other was chosen (Ctrl-C while loading) and is kept.
  if (stuck === undefined || (process.exitCode !== undefined && process.exitCode !== 13)) return;
  process.exitCode = reportError(
    new InputError(
      'the file never finished loading: a top-level await in it (or in a module it imports) never settled, and nothing was left to run',
      { file: stuck },
      'make every await at the top of the file settle (a promise nothing resolves, a request with no timeout)',
    ),
  );
});

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
  .argument('[suites...]', 'suite files or folders (default: every *.eval.ts under suites/)')
  .option('--version <v>', 'prompt version(s) to run; repeat or comma-separate', collect)
  .option('--model <m>', 'model id(s) to run; repeat or comma-separate', collect)
  .option('--repeat <n>', 'repeats per case × version × model')
  .option('--concurrency <n>', 'samples in flight at once')
  .option('--filter <tag>', 'only cases with this tag; repeat or comma-separate', collect)
  .option('--limit <n>', 'only the first n cases (after --filter)')
  .option('--sample <n>', 'a seeded random sample of n cases')
  .option('--seed <s>', 'seed for --sample and chaos')
  .addOption(new Option('--provider <p>', 'who answers').choices(['replay', 'anthropic', 'function']))
  .option('--record', "write every response to the suite's recordings file for replay")
  .option('--no-cache', 'bypass the response cache (.promptgold/cache)')
  .option('--resume <run>', 'finish an interrupted run (a run folder)')
  .option('--retry-errors <run>', 'run again only the samples of a run that ended in an error (and any it did not reach)')
  .option('--out <dir>', 'where run folders go (default reports/runs)')
  .option('--chaos', "add the suite's chaos cases")
  .option('--timeout <ms>', 'per-sample timeout in ms (default 120000)')
  .option('--max-error-rate <share>', 'share of samples (0..1) allowed to go unscored before the run fails with exit 3 (default 0)')
  .option('--max-cost <usd>', 'stop sending once this much is spent; refuse to start when the forecast is higher')
  .option('--yes', 'start even when the cost forecast is over --max-cost')
  .option('--batch', 'send the run through the Message Batches API (50% price, results within 24 h)')
  .option('--json', 'print the run summaries as JSON on stdout')
  .option('--junit <file>', 'also write JUnit XML: a test case per sample (not scored: <error>, failing: <failure>) and per cell\'s pass rate')
  .option('--no-html', 'do not write the HTML report')
  .option('--no-progress', 'no progress output')
  .option('--verbose', 'after the summary, print every failing sample: where, each scorer\'s reason, the output (trimmed)')
  .action(async (suites: string[], flags) => {
    limitHeapGrowth();
    const { runCommand } = await import('./commands/run.js');
    process.exitCode = await runCommand(suites, flags);
  });

program
  .command('init')
  .description('scaffold a working suite, prompt, dataset, recordings and config in this project')
  .option('--dir <dir>', 'project folder', '.')
  .option('--force', 'overwrite files that exist')
  .action(async (flags: { dir: string; force?: boolean }) => {
    const { initCommand } = await import('./commands/init.js');
    process.exitCode = await initCommand(flags);
  });

program
  .command('compare')
  .description('compare two runs (or two cells of one run) case by case, with paired statistics and a verdict')
  .argument('[runs...]', 'baseline and candidate (run folders, run.jsonl or baseline files, or suite names for their latest run); one run with --baseline/--candidate cells; only the candidate to use the suite\'s committed baseline')
  .option('--baseline <cell>', 'cell filter for the baseline side, e.g. version=v1 or model=claude-sonnet-4-5')
  .option('--candidate <cell>', 'cell filter for the candidate side, e.g. version=v2')
  .option('--max-pass-rate-drop <x>', 'policy: largest tolerated drop in pass rate (default 0.02)')
  .option('--alpha <x>', 'policy: the decision interval is at level 1 − alpha (default 0.05)')
  .option('--max-cost-increase <x>', 'policy: largest tolerated relative cost increase, e.g. 0.25')
  .option('--max-p95-latency-increase <x>', 'policy: largest tolerated relative p95 latency increase')
  .option('--max-refusal-rate-increase <x>', 'policy: largest tolerated rise of the refusal rate, in points, e.g. 0.02')
  .option('--max-truncation-rate-increase <x>', 'policy: largest tolerated rise of the share of answers cut at max_tokens, in points')
  .option('--fail-on-inconclusive', 'exit 1 when the verdict is inconclusive')
  .option('--force', 'compare records of different suites or datasets anyway')
  .option('--seed <s>', 'seed of the random sign flips of the paired interval (default 1)')
  .option('--markdown <file>', 'also write a Markdown report (for a pull-request comment)')
  .option('--json <file>', 'also write the comparison as JSON')
  .option('--junit <file>', 'also write JUnit XML (each regressed case is a failing test)')
  .option('--html <file>', 'where to write the HTML report (default beside the candidate run)')
  .option('--no-html', 'do not write the HTML report')
  .option('--judge <model>', 'also ask a judge model which output is better, in both orders (pairwise)')
  .action(async (runs: string[], flags) => {
    const { compareCommand } = await import('./commands/compare.js');
    process.exitCode = await compareCommand(runs, flags);
  });

const baseline = program.command('baseline').description('manage committed baselines');
baseline
  .command('save')
  .description('write a compact, stable baseline file next to the suite, for review in a pull request')
  .argument('<run>', 'run folder (or suite name for its latest run)')
  .option('--out <file>', 'baseline file (default <suite dir>/<suite>.baseline.jsonl)')
  .option('--allow-incomplete', 'save a run that did not finish (its missing cases are then left out of every comparison)')
  .action(async (run: string, flags) => {
    const { baselineSaveCommand } = await import('./commands/baseline.js');
    process.exitCode = await baselineSaveCommand(run, flags);
  });

program
  .command('upgrade-check')
  .description('may we move from model A to model B? runs (or reuses) both and gives go / no-go / inconclusive')
  .requiredOption('--suite <suite>', 'suite file or name')
  .requiredOption('--from <model>', 'the model in use today')
  .requiredOption('--to <model>', 'the candidate model')
  .option('--repeat <n>', 'repeats per case (default: the suite\'s, at least 3)')
  .option('--concurrency <n>', 'samples in flight at once in the run it makes (default: the suite\'s)')
  .addOption(new Option('--provider <p>', 'who answers').choices(['replay', 'anthropic', 'function']))
  .option('--reuse <runs...>', 'reuse existing runs instead of running')
  .option('--max-cost <usd>', 'budget for the runs')
  .option('--yes', 'start even when the cost forecast is over --max-cost')
  .option('--fail-on-inconclusive', 'exit 1 when the verdict is inconclusive')
  .option('--markdown <file>', 'also write a Markdown report')
  .option('--json <file>', 'also write the result as JSON')
  .option('--junit <file>', "also write JUnit XML: each cell's verdict, each case, and each model's own run when it fails")
  .option('--html <file>', 'where to write the HTML report')
  .option('--no-html', 'do not write the HTML report')
  .action(async (flags) => {
    limitHeapGrowth();
    const { upgradeCheckCommand } = await import('./commands/upgradeCheck.js');
    process.exitCode = await upgradeCheckCommand(flags);
  });

program
  .command('report')
  .description('write the self-contained HTML report of a run (then print its verdict and exit as the run did), or of a comparison (exit as compare does)')
  .argument('<run>', 'run folder, run.jsonl, or suite name')
  .option('--compare <baseline>', 'baseline to compare against')
  .option('--html <file>', 'output file (default <run>/report.html)')
  .action(async (run: string, flags) => {
    limitHeapGrowth();
    const { reportCommand } = await import('./commands/report.js');
    process.exitCode = await reportCommand(run, flags);
  });

program
  .command('chaos')
  .description('preview the chaos cases a suite generates, without calling any model')
  .argument('[suites...]', 'suite files or folders, as for run')
  .option('--operators <names>', 'operators to apply; comma-separate', collect)
  .option('--seed <s>', 'seed')
  .option('--per-case <n>', 'variants per golden case and operator')
  .option('--out <file>', 'write the generated cases as JSONL')
  .option('--list', 'list the operators with what each tests')
  .action(async (suites: string[], flags) => {
    const { chaosCommand } = await import('./commands/chaos.js');
    process.exitCode = await chaosCommand(suites, flags);
  });

program
  .command('merge')
  .description('join partial records of one run (e.g. vitest shards) into one record')
  .argument('<records...>', 'partial run folders or run.jsonl files')
  .requiredOption('--out <dir>', 'run folder to write')
  .action(async (records: string[], flags) => {
    limitHeapGrowth();
    const { mergeCommand } = await import('./commands/merge.js');
    process.exitCode = await mergeCommand(records, flags);
  });

program
  .command('calibrate')
  .description('measure a rubric judge against human labels: agreement, kappa, confusion matrix, noise')
  .argument('<suite>', 'suite file')
  .option('--judge-samples <n>', 'times to judge each output for the noise figure (default 3)')
  .addOption(new Option('--provider <p>', 'who answers').choices(['replay', 'anthropic']))
  .option('--record', 'record judge responses for replay')
  .option('--no-cache', 'bypass the response cache')
  .option('--json <file>', 'also write the calibration as JSON')
  .action(async (suite: string, flags) => {
    limitHeapGrowth();
    const { calibrateCommand } = await import('./commands/calibrate.js');
    process.exitCode = await calibrateCommand(suite, flags);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

function reportError(error: unknown): number {
  const worded = wordedError(error);
  process.stderr.write(`promptgold: ${worded.text}\n`);
  return worded.exitCode;
}
