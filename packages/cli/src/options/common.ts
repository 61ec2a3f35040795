/**
 * Option groups shared by several commands (data source, network, optimizer), declared once so
 * that `train`, `compare` and `evaluate` spell and validate them the same way.
 */
import { optimizerPresets, type TrainOptions } from '@dualphi/optimizer';
import { type Command, Option } from 'commander';
import {
  hiddenLayers,
  openUnitInterval,
  positiveInteger,
  positiveNumber,
  seed,
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

/** One line per `--optimizer` name for `--help`: name, summary and kind (paper, baseline, …). */
export function optimizerHelp(): string {
  const width = Math.max(...optimizerNames.map((name) => name.length)) + 2;
  return optimizerPresets
    .map((preset) => `  ${preset.name.padEnd(width)}${preset.summary} (${preset.module.kind})`)
    .join('\n');
}

/** The global options every command sees (declared on the program). */
export interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
  color?: boolean;
}

/** Options that choose the data (see `data/resolve.ts`). */
export interface DataOptions {
  data: string;
  label?: string;
  test?: string;
  testSplit?: number;
}

/** Options of the network and of the training loop. */
export interface ModelOptions {
  hidden: number[];
  activation: 'relu' | 'tanh';
  epochs: number;
  batch: number;
  seed: number;
  labelSmoothing: number;
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
    'hidden' | 'activation' | 'epochs' | 'batchSize' | 'seed' | 'labelSmoothing' | 'validationSplit'
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
  };
}

/** `--data`, `--label`, `--test`, `--test-split`. */
export function addDataOptions(command: Command): Command {
  return command
    .option(
      '--data <source>',
      'digits (embedded), fashion-mnist, a directory of IDX files, or a CSV file',
      'digits',
    )
    .option('--label <column>', 'CSV only: the label column (header name or 0-based index)')
    .option('--test <file>', 'CSV only: a separate test CSV file')
    .addOption(
      new Option(
        '--test-split <fraction>',
        'CSV only: hold out this fraction as the test set (stratified, seeded) when no --test is given',
      ).argParser(openUnitInterval),
    );
}

/** `--hidden`, `--activation`, `--epochs`, `--batch`, `--seed`, `--label-smoothing`. */
export function addModelOptions(command: Command, defaults: { epochs: number }): Command {
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
