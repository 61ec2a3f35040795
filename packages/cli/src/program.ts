/**
 * The commander program: global options, the six commands, help with examples, and the
 * mapping of every outcome to an exit status (0 ok, 1 failure, 2 usage error, 130/143/129
 * interrupted by SIGINT/SIGTERM/SIGHUP).
 *
 * Each command's implementation is imported only when it runs, so `dualphi constants` does
 * not pay for loading Vega or the kernels.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { CliError, ExitCode, errorMessage, UsageError } from './errors.js';
import {
  addDataOptions,
  addModelOptions,
  addOptimizerOptions,
  addTransformOptions,
  addValidationOption,
  type GlobalOptions,
  optimizerHelp,
  optimizerNames,
} from './options/common.js';
import {
  choiceList,
  entryList,
  nonEmpty,
  positiveInteger,
  seed,
  sweepAxis,
} from './options/parsers.js';
import { Output, type TextStream } from './terminal/output.js';

/** Streams and environment of one run (the process's own by default; tests may pass others). */
export interface RunIo {
  /** Where results go (the JSON document with `--json`); default `process.stdout`. */
  stdout?: TextStream;
  /** Where progress, messages and errors go; default `process.stderr`. */
  stderr?: TextStream;
  /** The environment (`NO_COLOR`, `DUALPHI_DATA`); default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** What an action receives besides its own options. */
export interface CommandContext {
  /** Output channels configured from the global options. */
  output: Output;
  /** The merged global options. */
  globals: GlobalOptions;
  /** The environment (for `DUALPHI_DATA`). */
  env: NodeJS.ProcessEnv;
}

function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

const programExamples = `
Examples:
  $ dualphi train                                  train on the embedded digits, golden α and η
  $ dualphi train --epochs 20 --out runs/golden    also write metrics, model and report.html
  $ dualphi compare --optimizers golden,adam       same network and seeds, two optimizers
  $ dualphi sweep --out runs/sweep                 grid × seeds: does the golden pair win?
  $ dualphi constants --explain                    φ, α and η and how they are derived
  $ dualphi train --json | jq .final               machine-readable result on stdout

Exit status: 0 success, 1 failure, 2 usage error, 130 interrupted (143 SIGTERM, 129 SIGHUP).
Environment: NO_COLOR (no colours), DUALPHI_DATA (where fashion-mnist is looked for).`;

const trainExamples = `
Examples:
  $ dualphi train
  $ dualphi train --hidden 256,128 --epochs 20 --out runs/digits
  $ dualphi train --data fashion-mnist --hidden 256,128 --batch 64 --epochs 10
  $ dualphi train --data ./mnist-idx/ --optimizer adam --lr 3e-4
  $ dualphi train --data iris.csv --label species --test-split 0.2
  $ dualphi train --resume runs/digits --epochs 30      continue a run (after Ctrl-C, too)

Optimizers and their settings (--lr and --momentum override them):
${optimizerHelp()}`;

const compareExamples = `
Examples:
  $ dualphi compare
  $ dualphi compare --optimizers golden,golden-rounded,momentum,adam --epochs 20 --out runs/cmp
  $ dualphi compare --data fashion-mnist --hidden 256,128 --batch 64 --json
  $ dualphi compare --seeds 5 --out runs/cmp5      5 seeds each: intervals and paired tests
  $ dualphi sweep --resume runs/cmp5               finish an interrupted comparison

A comparison is the one-cell-per-optimizer case of dualphi sweep: the optimizers are ranked
on the last epoch's validation accuracy (the test set only reports); from --seeds 2 on each
gets a 95 % interval and the golden pair a paired t-test across seeds against the others.`;

const sweepExamples = `
Examples:
  $ dualphi sweep                                     the default grid and Adam, 3 seeds
  $ dualphi sweep --lr 0.001..0.512x2,golden --momentum 0,0.5,0.618,0.8,golden,0.9,0.95,0.99
  $ dualphi sweep --optimizers adam@1e-3,adam@3e-4,nesterov --seeds 5 --out runs/sweep
  $ dualphi sweep --resume runs/sweep                 run only what is missing (after Ctrl-C)
  $ dualphi sweep --no-grid --optimizers golden,adam --json

Grid: the delta-form heavy ball Δw ← α·Δw − η·g over --lr × --momentum; golden stands for
η* = (1 − α*)² in --lr and α* = √2/φ in --momentum. Ranges: from..toxFACTOR (geometric) or
from..to+STEP (arithmetic). Entries: any --optimizer name, optionally @learning-rate or
@option=value:option=value. Cells are ranked on validation accuracy; the golden pair is
compared with the best cell and each entry by a paired t-test across seeds (α = 0.05).

Optimizer names:
${optimizerHelp()}`;

const evaluateExamples = `
Examples:
  $ dualphi evaluate --model runs/digits
  $ dualphi evaluate --model runs/fashion --json       data, split and scaling from its run.json
  $ dualphi evaluate --model runs/iris --data new.csv   other data, same label column and scaling`;

const workerExamples = `
Examples:
  $ redis-server --port 6379 --appendonly yes         a Redis the machines can reach
  $ dualphi worker --queue redis://:secret@queue-host:6379/0 --workers 4
  $ dualphi sweep --seeds 5 --out runs/sweep --queue redis://:secret@queue-host:6379/0
  $ dualphi worker --queue redis://localhost:6379/0 --exit-when-idle   batch use`;

const benchExamples = `
Examples:
  $ dualphi bench              quick run (a few seconds per row)
  $ dualphi bench --full       longer runs, steadier figures`;

/** Fills in the default `--workers` and refuses more than the executor allows. */
async function checkWorkers(options: { workers?: number }): Promise<void> {
  const { defaultWorkers, maxWorkers } = await import('./sweep/executor.js');
  if (options.workers === undefined) options.workers = defaultWorkers();
  if (options.workers > maxWorkers()) {
    throw new UsageError(
      `--workers ${options.workers} is more than allowed (allowed: 1 to ${maxWorkers()}, four per available core)`,
    );
  }
}

/**
 * Builds the program. Actions report failures by throwing {@link CliError}s; the caller
 * ({@link run}) maps every outcome to an exit status.
 */
export function createProgram(io: RunIo = {}): Command {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;

  const program = new Command('dualphi');
  const contextOf = (command: Command): CommandContext => {
    const globals = command.optsWithGlobals() as GlobalOptions;
    const output = new Output({
      json: globals.json === true,
      noColor: globals.color === false,
      stdout,
      stderr,
      env,
    });
    return { output, globals, env };
  };

  program
    .description(
      'Train, compare and explain neural networks with the golden-ratio learning rate and momentum of the dual process model of cross-entropy.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--json', 'print one JSON document on stdout; progress and messages go to stderr')
    .option('--debug', 'show stack traces on errors')
    .option('--no-color', 'no colours (the NO_COLOR environment variable does the same)')
    .showHelpAfterError('(add --help for usage)')
    // Subcommand help also lists --json, --debug and --no-color.
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => stdout.write(text),
      writeErr: (text) => stderr.write(text),
    })
    .addHelpText('after', programExamples);

  const train = program
    .command('train')
    .description('train a network and report loss, accuracy and the entropy/divergence split');
  addDataOptions(train);
  addModelOptions(train, { epochs: 20 });
  addValidationOption(train, 0);
  addOptimizerOptions(train);
  addTransformOptions(train);
  train
    .option(
      '--out <dir>',
      'write the run directory: run.json, metrics, checkpoint, model and report.html',
    )
    .addOption(
      new Option(
        '--resume <dir>',
        'continue the run in this directory (its data comes from run.json)',
      ).argParser(nonEmpty('a run directory')),
    )
    .option('--overwrite', 'let --out replace a run already in that directory (when this run ends)')
    .addOption(
      new Option(
        '--kernels <build>',
        'kernel build: auto (relaxed SIMD where the engine has it on), simd128, or relaxed-simd (fused multiply-adds, faster; turned on for Node 20, which has it behind a flag)',
      )
        .choices(['auto', 'simd128', 'relaxed-simd'])
        .default('auto'),
    )
    .option(
      '--stop-on-divergence',
      'stop with exit 1 when the loss explodes (above 10 × ln K nats) instead of warning',
    )
    .addHelpText('after', trainExamples)
    .action(async (options, command: Command) => {
      const { trainCommand } = await import('./commands/train.js');
      await trainCommand(options, contextOf(command), command);
    });

  const compare = program
    .command('compare')
    .description(
      'train the same network, data and seeds with several optimizers, ranked on validation',
    );
  addDataOptions(compare);
  addModelOptions(compare, { epochs: 20, oneThreadPerRun: true });
  addValidationOption(compare, 0.1);
  compare
    .addOption(
      new Option('--optimizers <names>', `comma-separated: ${optimizerNames.join(', ')}`)
        .argParser(choiceList(optimizerNames))
        .default(['golden', 'momentum', 'adam'], 'golden,momentum,adam'),
    )
    .addOption(
      new Option(
        '--seeds <n>',
        'seeds per optimizer (--seed is the first); from 2 on: intervals and paired tests',
      )
        .argParser(positiveInteger)
        .default(1),
    )
    .addOption(
      new Option(
        '--workers <n>',
        'worker threads, one run each at a time (default: the available parallelism)',
      ).argParser(positiveInteger),
    )
    .option(
      '--out <dir>',
      'journal each run, write sweep.json, sweep.csv and report.html (resume: dualphi sweep --resume)',
    )
    .option('--overwrite', 'let --out replace a run already in that directory (when this one ends)')
    .addHelpText('after', compareExamples)
    .action(async (options, command: Command) => {
      const { compareCommand } = await import('./commands/compare.js');
      await checkWorkers(options);
      await compareCommand(options, contextOf(command));
    });

  const sweepCmd = program
    .command('sweep')
    .description(
      "grid over the golden pair's neighbours (η × α) and named optimizers, seeds, ranked on validation",
    );
  addDataOptions(sweepCmd);
  addModelOptions(sweepCmd, { epochs: 20, oneThreadPerRun: true });
  addValidationOption(sweepCmd, 0.1);
  sweepCmd
    .addOption(
      new Option('--lr <values>', 'grid learning rates: list, ranges (0.001..0.512x2), golden')
        .argParser(sweepAxis('learningRate'))
        .default([0.002, 0.008, 'golden', 0.064, 0.256], '0.002,0.008,golden,0.064,0.256'),
    )
    .addOption(
      new Option('--momentum <values>', 'grid momenta in [0, 1): list, ranges, golden')
        .argParser(sweepAxis('momentum'))
        .default([0, 0.5, 0.8, 'golden', 0.95], '0,0.5,0.8,golden,0.95'),
    )
    .option('--no-grid', 'no heavy-ball grid: only the --optimizers entries')
    .addOption(
      new Option('--optimizers <entries>', 'named entries, e.g. adam@1e-3,nesterov (none for none)')
        .argParser(entryList)
        .default(['adam@1e-3'], 'adam@1e-3'),
    )
    .addOption(
      new Option('--seeds <n>', 'seeds per cell (--seed is the first)')
        .argParser(positiveInteger)
        .default(3),
    )
    .addOption(
      new Option('--workers <n>', 'worker threads (default: the available parallelism)').argParser(
        positiveInteger,
      ),
    )
    .option('--out <dir>', 'journal each run, write sweep.json, sweep.csv and report.html')
    .option('--overwrite', 'let --out replace a sweep or run already there (when this one ends)')
    .option('--resume <dir>', 'continue the sweep in this directory (only the missing runs)')
    .option(
      '--queue <url>',
      'run the cells on BullMQ workers: redis://[user:password@]host:port/db (see dualphi worker)',
    )
    .addHelpText('after', sweepExamples)
    .action(async (options, command: Command) => {
      const { sweepCommand } = await import('./commands/sweep.js');
      await checkWorkers(options);
      await sweepCommand(options, contextOf(command), command);
    });

  program
    .command('worker')
    .description('run queued sweep cells (dualphi sweep --queue) on this machine until stopped')
    .requiredOption('--queue <url>', 'the Redis of the sweep: redis://[user:password@]host:port/db')
    .addOption(
      new Option(
        '--workers <n>',
        'jobs at the same time (default: the available parallelism)',
      ).argParser(positiveInteger),
    )
    .option('--exit-when-idle', 'leave once the queue has no waiting, delayed or running job')
    .addHelpText('after', workerExamples)
    .action(async (options, command: Command) => {
      const { workerCommand } = await import('./commands/worker.js');
      await checkWorkers(options);
      await workerCommand(options, contextOf(command));
    });

  program
    .command('constants')
    .description('φ, the golden momentum α and learning rate η, exact and rounded')
    .option('--explain', 'show the derivation step by step')
    .addHelpText(
      'after',
      '\nExamples:\n  $ dualphi constants\n  $ dualphi constants --explain\n  $ dualphi constants --json',
    )
    .action(async (options, command: Command) => {
      const { constantsCommand } = await import('./commands/constants.js');
      constantsCommand(options, contextOf(command));
    });

  const evaluate = program
    .command('evaluate')
    .description('accuracy, loss and its split, and the confusion matrix of a trained model')
    .addOption(
      new Option('--model <dir>', 'a directory written by train --out (or a model.dualphi file)')
        .argParser(nonEmpty('a run directory or a model file'))
        .makeOptionMandatory(),
    );
  addDataOptions(evaluate);
  evaluate.addOption(
    new Option(
      '--seed <n>',
      "seed of --test-split (a run directory's own split and seed are used by default)",
    ).argParser(seed),
  );
  evaluate.addHelpText('after', evaluateExamples).action(async (options, command: Command) => {
    const { evaluateCommand } = await import('./commands/evaluate.js');
    await evaluateCommand(options, contextOf(command), command);
  });

  program
    .command('bench')
    .description('time the core kernels and a training step against tfjs-backend-wasm and -cpu')
    .option('--quick', 'short runs (the default)')
    .option('--full', 'longer runs and larger sizes for steadier figures')
    .addOption(
      new Option(
        '--repeat <n>',
        'timed repetitions per measurement (overrides --quick/--full)',
      ).argParser(positiveInteger),
    )
    .addHelpText('after', benchExamples)
    .action(async (options, command: Command) => {
      const { benchCommand } = await import('./commands/bench.js');
      await benchCommand(options, contextOf(command));
    });

  return program;
}

/**
 * Commander codes that are not failures. (`commander.help` is help shown because no command
 * was given: a usage error.)
 */
const successCodes = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Runs the command line and resolves to the exit status; never throws and never calls
 * `process.exit` (a second Ctrl-C during `train` or `compare` is the one exception).
 *
 * @param argv - the arguments after the executable and script, e.g. `['train', '--json']`.
 */
export async function run(argv: readonly string[], io: RunIo = {}): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  // Known before parsing, so even an error inside parsing honours them.
  const debug = argv.includes('--debug');
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (and the help hint) to stderr.
      return successCodes.has(error.code) ? ExitCode.ok : ExitCode.usage;
    }
    const output = new Output({
      json: false,
      noColor: argv.includes('--no-color'),
      stdout: io.stdout,
      stderr,
      env,
    });
    if (debug && error instanceof Error && error.stack) {
      stderr.write(`${error.stack}\n`);
    }
    output.error(errorMessage(error));
    return error instanceof CliError ? error.exitCode : ExitCode.failure;
  }
}
