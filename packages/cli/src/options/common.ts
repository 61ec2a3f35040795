/**
 * Option groups shared by several commands (data source, network, optimizer), declared once so
 * that `train`, `compare` and `evaluate` spell and validate them the same way.
 */
import { optimizerPresets, scheduleKinds, type TrainOptions } from '@dualphi/optimizer';
import { type Command, Option } from 'commander';
import {
  csvDelimiter,
  hiddenLayers,
  nonEmpty,
  nonNegativeNumber,
  openUnitInterval,
  positiveInteger,
  positiveNumber,
  seed,
  threadCount,
  unitInterval,
  validationFraction,
} from './parsers.js';

/**
 * Names `--optimizer` accepts: the presets of the optimizer package's registry (each
 * optimizer module declares its command-line names, options and summary).
 */
export const optimizerNames: readonly string[] = optimizerPresets.map((preset) => preset.name);

/** One of {@link optimizerNames}. */
export type OptimizerName = string;

/** The presets that have a momentum option (`--momentum` applies to them). */
export const momentumOptimizerNames: readonly string[] = optimizerPresets
  .filter((preset) => Object.hasOwn(preset.module.options, 'momentum'))
  .map((preset) => preset.name);

/** The presets that have a learning-rate option (`--lr` applies to them). */
export const learningRateOptimizerNames: readonly string[] = optimizerPresets
  .filter((preset) => Object.hasOwn(preset.module.options, 'learningRate'))
  .map((preset) => preset.name);

/**
 * One line per `--optimizer` name for `--help`: name and summary; the summaries of this
 * project's extensions say so themselves.
 */
export function optimizerHelp(): string {
  const width = Math.max(...optimizerNames.map((name) => name.length)) + 2;
  return optimizerPresets
    .map((preset) => `  ${preset.name.padEnd(width)}${preset.summary}`)
    .join('\n');
}

/** The global options every command sees (declared on the program). */
export interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
  color?: boolean;
}

/** How `--header` reads the first line of a CSV file. */
export type HeaderMode = 'auto' | 'yes' | 'no';

/** Options that choose the data (see `data/resolve.ts`). */
export interface DataOptions {
  data: string;
  label?: string;
  test?: string;
  testSplit?: number;
  /** CSV only: is line 1 a header; absent means `auto` (the rule in `parseCsv`). */
  header?: HeaderMode;
  /** CSV only: the field separator, one character or `auto`; absent means `auto`. */
  delimiter?: string;
}

/** Options of the network and of the training loop. */
export interface ModelOptions {
  hidden: number[];
  activation: 'relu' | 'tanh';
  epochs: number;
  batch: number;
  seed: number;
  labelSmoothing: number;
  /** Threads each matrix product is split across (`--threads`). */
  threads: number | 'auto';
  /** `--validation-split` (commands without it hold out nothing). */
  validationSplit?: number;
}

/**
 * `--validation-split <fraction>`: the part of each class of the training data held out to
 * select by (best epoch, best cell), so the test set only reports. `fallback` is the command's
 * default (0.1 for `compare` and `sweep`; `train` holds out nothing unless asked, so its test
 * figures keep meaning what they meant).
 */
export function addValidationOption(command: Command, fallback: number): Command {
  return command.addOption(
    new Option(
      '--validation-split <fraction>',
      'hold out this fraction of each class of the training data (seeded) for validation; selections use it, the test set only reports (0 for none)',
    )
      .argParser(validationFraction)
      .default(fallback),
  );
}

/** The training options {@link ModelOptions} set, in the optimizer package's names. */
export type ModelTrainOptions = Required<
  Pick<
    TrainOptions,
    | 'hidden'
    | 'activation'
    | 'epochs'
    | 'batchSize'
    | 'seed'
    | 'labelSmoothing'
    | 'validationSplit'
    | 'threads'
  >
>;

/** Maps the network and training-loop flags onto `train()`'s options (`--batch` → `batchSize`). */
export function modelTrainOptions(options: ModelOptions): ModelTrainOptions {
  return {
    hidden: options.hidden,
    activation: options.activation,
    epochs: options.epochs,
    batchSize: options.batch,
    seed: options.seed,
    labelSmoothing: options.labelSmoothing,
    validationSplit: options.validationSplit ?? 0,
    threads: options.threads,
  };
}

/** `--data`, `--label`, `--test`, `--test-split`, `--header`, `--delimiter`. */
export function addDataOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--data <source>',
        'digits (embedded), fashion-mnist, a directory of IDX files, or a CSV file',
      )
        .argParser(nonEmpty('digits, fashion-mnist, a directory or a CSV file'))
        .default('digits'),
    )
    .addOption(
      new Option(
        '--label <column>',
        'CSV only: the label column (header name or 0-based index)',
      ).argParser(nonEmpty('a header name or a 0-based column index')),
    )
    .addOption(
      new Option('--test <file>', 'CSV only: a separate test CSV file').argParser(
        nonEmpty('a CSV file'),
      ),
    )
    .addOption(
      new Option(
        '--test-split <fraction>',
        'CSV only: hold out this fraction as the test set (stratified, seeded) when no --test is given',
      ).argParser(openUnitInterval),
    )
    .addOption(
      new Option(
        '--header <mode>',
        'CSV only: is line 1 a header; auto decides when sure and asks otherwise (default: auto)',
      ).choices(['auto', 'yes', 'no']),
    )
    .addOption(
      new Option(
        '--delimiter <char>',
        'CSV only: the field separator: auto (whichever of , ; tab | fits), one character, or comma, semicolon, tab, pipe, space (default: auto)',
      ).argParser(csvDelimiter),
    );
}

/**
 * `--hidden`, `--activation`, `--epochs`, `--batch`, `--seed`, `--label-smoothing`, `--threads`.
 * With `oneThreadPerRun` (sweep, compare: each run on one thread, the runs spread over
 * `--workers`) `--threads` is left out of the help; it is still parsed, so that a count other
 * than 1 is refused with that reason rather than as an unknown option.
 */
export function addModelOptions(
  command: Command,
  defaults: { epochs: number; oneThreadPerRun?: boolean },
): Command {
  return command
    .addOption(
      new Option('--hidden <sizes>', 'hidden layer sizes, comma-separated (0 for none)')
        .argParser(hiddenLayers)
        .default([128], '128'),
    )
    .addOption(
      new Option('--activation <name>', 'hidden activation')
        .choices(['relu', 'tanh'])
        .default('relu'),
    )
    .addOption(
      new Option('--epochs <n>', 'training epochs')
        .argParser(positiveInteger)
        .default(defaults.epochs),
    )
    .addOption(
      new Option('--batch <size>', 'mini-batch size').argParser(positiveInteger).default(32),
    )
    .addOption(
      new Option('--seed <n>', 'seed of initialisation, shuffling and splits')
        .argParser(seed)
        .default(0),
    )
    .addOption(
      new Option('--label-smoothing <epsilon>', 'label smoothing ε in [0, 1)')
        .argParser(unitInterval)
        .default(0),
    )
    .addOption(
      new Option(
        '--threads <n>',
        'threads each matrix product is split across: a number or auto (results are identical whatever the count)',
      )
        .argParser(threadCount)
        .default(1)
        .hideHelp(defaults.oneThreadPerRun === true),
    );
}

/** `--schedule`, `--warmup`, `--clip-norm`, `--weight-decay` (see `optimizers/choose.ts`). */
export function addTransformOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--schedule <kind>',
        'learning-rate schedule over the run (warmup and warmup-cosine need --warmup)',
      ).choices(scheduleKinds),
    )
    .addOption(
      new Option('--warmup <steps>', 'linear warm-up over this many steps').argParser(
        positiveInteger,
      ),
    )
    .addOption(
      new Option(
        '--clip-norm <norm>',
        'clip the gradients to this global L2 norm before the optimizer',
      ).argParser(positiveNumber),
    )
    .addOption(
      new Option(
        '--weight-decay <lambda>',
        "decoupled weight decay λ (the optimizer's own option where it has one)",
      ).argParser(nonNegativeNumber),
    );
}

/** `--optimizer`, `--lr`, `--momentum`. */
export function addOptimizerOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--optimizer <name>', 'optimizer (golden: α and η from the theory)')
        .choices(optimizerNames)
        .default('golden'),
    )
    .addOption(
      new Option('--lr <rate>', "learning rate, overriding the optimizer's default").argParser(
        positiveNumber,
      ),
    )
    .addOption(
      new Option(
        '--momentum <value>',
        `momentum in [0, 1) (${momentumOptimizerNames.join(', ')} only)`,
      ).argParser(unitInterval),
    );
}
