/**
 * `dualphi evaluate --model DIR`: accuracy, the loss with its split H(p) + KL(p‖q)
 * (apps/docs/theory.md#dual-processes), the prediction entropy and the confusion matrix of a saved model on a test
 * set: by default the run's own test set as its run.json records it (never a training row);
 * with `--data` another source (digits, fashion-mnist and IDX directories: their test part; a
 * CSV file: the whole file unless `--test` or `--test-split` is given).
 */
import { dirname, join } from 'node:path';
import { createMlp, evaluate, getDefaultKernels } from '@dualphi/optimizer';
import type { Command } from 'commander';
import { alignClasses, resolveData } from '../data/resolve.js';
import { CliError, UsageError } from '../errors.js';
import { loadSavedModel, loadScaling, runFiles } from '../files/run-directory.js';
import {
  checkDataFlags,
  dataOptionNames,
  dataOptionsOf,
  isCsvSource,
  normaliseDataValue,
  type RunRecord,
  readRunRecord,
} from '../files/run-record.js';
import type { DataOptions } from '../options/common.js';
import type { CommandContext } from '../program.js';
import { formatNats, formatPercent } from '../terminal/format.js';
import { renderTable } from '../terminal/table.js';

/** Options of `evaluate`. */
export interface EvaluateCommandOptions extends DataOptions {
  model: string;
  /** Seed of `--test-split` (a run directory's own seed by default). */
  seed?: number;
}

/** The `evaluate --json` document. */
export interface EvaluateDocument {
  model: string;
  data: { source: string; name?: string; count: number };
  accuracy: number;
  crossEntropy: number;
  entropy: number;
  divergence: number;
  predictionEntropy: number;
  classNames: string[];
  /** confusion[label][predicted] = number of samples. */
  confusion: number[][];
}

function pick(options: DataOptions, names: readonly string[]): Partial<DataOptions> {
  const all = options as unknown as Record<string, unknown>;
  return Object.fromEntries(
    names.filter((name) => all[name] !== undefined).map((name) => [name, all[name]]),
  );
}

/**
 * The data to evaluate on and the seed of its split. With the model's run.json: the run's
 * own data, split and seed (flags may repeat them, not change them), or — when `--data` names
 * another source — that source, read with the run's reading options (label column, …) when
 * it is a CSV file. Without one: the flags, and `--test-split` needs `--seed`.
 */
function evaluationData(
  options: EvaluateCommandOptions,
  record: RunRecord | undefined,
  command: Command,
  directory: string,
): { data: DataOptions; seed: number } {
  const names = dataOptionNames();
  const given = names.filter((name) => command.getOptionValueSource(name) === 'cli');
  const seedGiven = command.getOptionValueSource('seed') === 'cli';
  if (!record) {
    if (options.testSplit !== undefined && !seedGiven) {
      throw new UsageError(
        `--test-split without a run directory needs --seed (the seed the model was trained with): ${directory} has no ${runFiles.run}, and another seed would score rows the model was trained on`,
      );
    }
    return { data: options, seed: options.seed ?? 0 };
  }
  const sameSource =
    !given.includes('data') || normaliseDataValue('data', options.data) === record.data.data;
  if (sameSource) {
    checkDataFlags(record, options, given, directory);
    const split = record.split;
    if (seedGiven && split.kind === 'fraction' && options.seed !== split.seed) {
      throw new UsageError(
        `--seed ${options.seed} contradicts the run in ${directory}, which split its test set with seed ${split.seed}; drop --seed (another seed would score rows the model was trained on)`,
      );
    }
    return {
      data: dataOptionsOf(record),
      seed: split.kind === 'fraction' ? split.seed : record.seed,
    };
  }
  const carried: Record<string, unknown> = {};
  if (isCsvSource(options.data)) {
    for (const [name, value] of Object.entries(record.data)) {
      if (name !== 'data' && name !== 'test') carried[name] = value;
    }
  }
  return {
    data: { ...pick(options, names), ...carried, ...pick(options, given) } as DataOptions,
    seed: options.seed ?? record.seed,
  };
}

/** Runs `evaluate`. */
export async function evaluateCommand(
  options: EvaluateCommandOptions,
  context: CommandContext,
  command: Command,
): Promise<void> {
  const { output, env } = context;
  const { model: saved, path } = await loadSavedModel(options.model);
  const directory = dirname(path);
  const record = await readRunRecord(directory);
  const chosen = evaluationData(options, record, command, directory);
  if (command.getOptionValueSource('seed') === 'cli' && chosen.data.testSplit === undefined) {
    throw new UsageError(
      `--seed only applies to a --test-split test set (the test set here is ${chosen.data.test ?? `the test part of ${chosen.data.data}`})`,
    );
  }
  // A model trained on CSV data carries its feature standardisation beside it; evaluation
  // data never fits one (it would score the model on other features than it learnt).
  const scaling =
    record === undefined
      ? await loadScaling(directory)
      : record.scaling.method === 'standard'
        ? await loadScaling(directory, 'the feature standardisation the model was trained with')
        : undefined;
  if (isCsvSource(chosen.data.data) && scaling === undefined) {
    throw new CliError(
      record === undefined
        ? `no ${join(directory, runFiles.scaling)} beside ${path}: a model evaluated on CSV data needs the feature standardisation it was trained with (train --out writes it there), and dualphi never fits one on evaluation data`
        : `${path} was trained on ${record.source.name}, whose features were not standardised; dualphi never fits a standardisation on evaluation data, so it cannot score ${chosen.data.data} with it`,
    );
  }
  const data = await resolveData(chosen.data, env, chosen.seed, 'evaluate', scaling);
  const network = saved.network;
  // A CSV file (the one source with scaling) numbers its classes by itself: map them onto
  // the model's, or a file lacking one class would shift every label after it.
  const test = data.scaling
    ? alignClasses(
        data.split.test,
        { classNames: saved.classNames, classCount: network.outputSize, origin: path },
        data.split.test.name ?? data.name,
      )
    : data.split.test;
  if (test.featureCount !== network.inputSize) {
    throw new CliError(
      `${path} expects ${network.inputSize} features per sample, ${data.name} has ${test.featureCount}`,
    );
  }
  if (test.classCount > network.outputSize) {
    throw new CliError(
      `${path} has ${network.outputSize} classes, ${data.name} has labels up to ${test.classCount - 1}`,
    );
  }
  const kernels = await getDefaultKernels();
  const model = createMlp({ ...network, kernels });
  let evaluation: ReturnType<typeof evaluate>;
  try {
    model.setWeights(saved.weights);
    evaluation = evaluate(model, { ...test, classCount: network.outputSize });
  } finally {
    model.dispose();
  }
  const classNames =
    saved.classNames ??
    (test.classNames
      ? [...test.classNames]
      : Array.from({ length: network.outputSize }, (_, k) => String(k)));
  const document: EvaluateDocument = {
    model: path,
    data: { source: chosen.data.data, name: test.name, count: test.count },
    accuracy: evaluation.accuracy,
    crossEntropy: evaluation.crossEntropy,
    entropy: evaluation.entropy,
    divergence: evaluation.divergence,
    predictionEntropy: evaluation.predictionEntropy,
    classNames,
    confusion: evaluation.confusion,
  };
  if (output.json) {
    output.document(document);
    return;
  }
  const c = output.colors;
  output.result(
    `${c.bold('Model')} ${path}, ${c.bold('data')} ${test.name ?? data.name} (${test.count} samples)`,
  );
  output.result(
    renderTable(
      [
        'accuracy',
        'cross-entropy H(p,q)',
        'entropy H(p)',
        'divergence KL(p‖q)',
        'prediction entropy H(q)',
      ],
      [
        [
          formatPercent(evaluation.accuracy),
          formatNats(evaluation.crossEntropy),
          formatNats(evaluation.entropy),
          formatNats(evaluation.divergence),
          formatNats(evaluation.predictionEntropy),
        ],
      ],
      c,
      {
        alignRight: [0, 1, 2, 3, 4],
        width: output.resultWidth,
        shortHead: { 1: 'H(p,q)', 2: 'H(p)', 3: 'KL(p‖q)', 4: 'H(q)' },
      },
    ),
  );
  output.result(
    c.dim(
      'Losses in nats; cross-entropy = entropy + divergence (apps/docs/theory.md#dual-processes).',
    ),
  );
  output.result();
  output.result(`${c.bold('Confusion matrix')} (rows: true class, columns: predicted)`);
  const labels = classNames.map((name) => (name.length > 10 ? `${name.slice(0, 9)}…` : name));
  output.result(
    renderTable(
      ['', ...labels],
      evaluation.confusion.map((row, index) => [
        labels[index],
        ...row.map((count, column) =>
          column === index ? c.green(String(count)) : count === 0 ? c.dim('0') : String(count),
        ),
      ]),
      c,
      { alignRight: labels.map((_, index) => index + 1) },
    ),
  );
}
