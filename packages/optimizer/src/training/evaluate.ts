/** Evaluating a network on a data set: accuracy, the loss with its split, a confusion matrix. */
import type { F32Buffer } from '@dualphi/core-wasm';
import type { Dataset } from '../data/types.js';
import type { Mlp } from '../network/types.js';
import { batchTargets } from './targets.js';
import { validateDataset, validateEvaluateArguments } from './validate.js';

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Rows per forward pass. Default 256. */
  batchSize?: number;
  /** Label smoothing ε of the targets the loss is measured against. Default 0 (one-hot). */
  labelSmoothing?: number;
}

/** What {@link evaluate} returns; losses are means over the samples, in nats. */
export interface Evaluation {
  /** Fraction of samples whose most probable class is their label. */
  accuracy: number;
  /** Mean H(p, q). */
  crossEntropy: number;
  /** Mean H(p) of the targets (0 for one-hot targets). */
  entropy: number;
  /** Mean KL(p‖q); crossEntropy = entropy + divergence (apps/docs/theory.md#dual-processes). */
  divergence: number;
  /** Mean entropy of the predictions H(q) (telemetry, not from the papers). */
  predictionEntropy: number;
  /** confusion[label][predicted] = number of samples. */
  confusion: number[][];
}

/**
 * Runs `model` over all of `dataset` (in chunks, on the model's kernels) and reports accuracy,
 * the cross-entropy with its split H(p) + KL(p‖q), the prediction entropy and the confusion
 * matrix.
 *
 * @throws TypeError for a model that is not a network or options of the wrong type.
 * @throws RangeError for a data set that does not fit the model, or options out of range.
 */
export function evaluate(model: Mlp, dataset: Dataset, options?: EvaluateOptions): Evaluation {
  const given = validateEvaluateArguments(model, options);
  validateDataset(dataset, 'dataset');
  const { inputSize, outputSize } = model.config;
  if (dataset.featureCount !== inputSize) {
    throw new RangeError(
      `evaluate: the data set has ${dataset.featureCount} features, the model takes ${inputSize}`,
    );
  }
  if (dataset.classCount !== outputSize) {
    throw new RangeError(
      `evaluate: the data set has ${dataset.classCount} classes, the model outputs ${outputSize}`,
    );
  }
  const batchSize = given.batchSize ?? 256;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`evaluate: "batchSize" must be a positive integer, got ${batchSize}`);
  }
  const smoothing = given.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing < 1)) {
    throw new RangeError(`evaluate: "labelSmoothing" must be in [0, 1), got ${smoothing}`);
  }

  const kernels = model.kernels;
  const count = dataset.count;
  const chunk = Math.min(batchSize, count);
  const confusion = Array.from({ length: outputSize }, () => new Array<number>(outputSize).fill(0));
  const predicted = new Int32Array(chunk);
  const sums = { crossEntropy: 0, entropy: 0, divergence: 0, predictionEntropy: 0, correct: 0 };
  const buffers: F32Buffer[] = [];
  try {
    const input = kernels.alloc(chunk * inputSize);
    buffers.push(input);
    const scratch = smoothing > 0 ? kernels.alloc(chunk * outputSize) : undefined;
    if (scratch) buffers.push(scratch);
    for (let start = 0; start < count; start += chunk) {
      const rows = Math.min(chunk, count - start);
      input.view.set(dataset.features.subarray(start * inputSize, (start + rows) * inputSize));
      const logits = model.forward(input, rows);
      kernels.argmaxRows(logits, rows, outputSize, predicted);
      const labels = dataset.labels.subarray(start, start + rows);
      const loss = kernels.softmaxCrossEntropy(
        logits,
        batchTargets(labels, rows, outputSize, smoothing, scratch),
        rows,
        outputSize,
      );
      // The kernel returns batch means; weight them by rows for the data-set mean.
      sums.crossEntropy += loss.crossEntropy * rows;
      sums.entropy += loss.entropy * rows;
      sums.divergence += loss.divergence * rows;
      sums.predictionEntropy += loss.predictionEntropy * rows;
      for (let r = 0; r < rows; r++) {
        confusion[labels[r]][predicted[r]]++;
        if (labels[r] === predicted[r]) sums.correct++;
      }
    }
  } finally {
    for (const buffer of buffers) buffer.free();
  }
  return {
    accuracy: sums.correct / count,
    crossEntropy: sums.crossEntropy / count,
    entropy: sums.entropy / count,
    divergence: sums.divergence / count,
    predictionEntropy: sums.predictionEntropy / count,
    confusion,
  };
}
