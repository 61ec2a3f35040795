/**
 * Option groups shared by several commands (data source, network, optimizer), declared once so
 * that `train`, `compare` and `evaluate` spell and validate them the same way.
 */
import type { TrainOptions } from '@dualphi/optimizer';
import { type Command, Option } from 'commander';
import {
  csvDelimiter,
  hiddenLayers,
  nonEmpty,
  openUnitInterval,
  positiveInteger,
  positiveNumber,
  seed,
  threadCount,
  unitInterval,
} from './parsers.js';

/** Names `--optimizer` accepts (see `optimizers/choose.ts` for what each one means). */
export const optimizerNames = [
  'golden',
  'golden-rounded',
  'momentum',
  'nesterov',
  'sgd',
  'adam',
  'adamw',
] as const;

/** One of {@link optimizerNames}. */
export type OptimizerName = (typeof optimizerNames)[number];

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
}

/** The training options {@link ModelOptions} set, in the optimizer package's names. */
export type ModelTrainOptions = Required<
  Pick<
    TrainOptions,
    'hidden' | 'activation' | 'epochs' | 'batchSize' | 'seed' | 'labelSmoothing' | 'threads'
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
    )
    .addOption(
      new Option(
        '--threads <n>',
        'threads each matrix product is split across: a number or auto (results are identical whatever the count)',
      )
        .argParser(threadCount)
        .default(1),
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
        'momentum in [0, 1) (golden, golden-rounded, momentum, nesterov only)',
      ).argParser(unitInterval),
    );
}
