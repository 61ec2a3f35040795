/**
 * `dualphi evaluate --model DIR`: accuracy, the loss with its split H(p) + KL(p‖q)
 * (theory.md §1), the prediction entropy and the confusion matrix of a saved model on a test
 * set (digits, fashion-mnist and IDX directories: their test part; a CSV file: the whole file
 * unless `--test` or `--test-split` is given).
 */
import { dirname } from 'node:path';
import { createMlp, evaluate, getDefaultKernels } from '@dualphi/optimizer';
import type { Command } from 'commander';
import { alignClasses, resolveData } from '../data/resolve.js';
import { CliError } from '../errors.js';
import { loadSavedModel, loadScaling } from '../files/run-directory.js';
import type { DataOptions } from '../options/common.js';
import type { CommandContext } from '../program.js';
import { formatNats, formatPercent } from '../terminal/format.js';
import { renderTable } from '../terminal/table.js';

/** Options of `evaluate`. */
export interface EvaluateCommandOptions extends DataOptions {
  model: string;
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

/** Runs `evaluate`. */
export async function evaluateCommand(
  options: EvaluateCommandOptions,
  context: CommandContext,
  _command: Command,
): Promise<void> {
  const { output, env } = context;
  const { model: saved, path } = await loadSavedModel(options.model);
  // A model trained on CSV data carries its feature standardisation beside it.
  const scaling = await loadScaling(dirname(path));
  const data = await resolveData(options, env, 0, 'evaluate', scaling);
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
    data: { source: options.data, name: test.name, count: test.count },
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
  output.result(c.dim('Losses in nats; cross-entropy = entropy + divergence (theory.md §1).'));
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
