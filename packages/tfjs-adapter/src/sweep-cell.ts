/**
 * A sweep cell trained as a TensorFlow.js model: `sweep()` of `@dualphi/optimizer` with
 * `trainCell: tfjsCellTrainer(buildModel)` builds a fresh tfjs-layers model per (cell, seed),
 * compiles it with the cell's optimizer through this adapter (the delta-form heavy ball as
 * {@link DualProcessOptimizer}, every other registry optimizer as {@link RegistryOptimizer})
 * and fits it on the sweep's data, so a sweep can rank optimizers on the user's own
 * architecture (conv nets included) on any tfjs backend.
 *
 * Common random numbers as in the built-in engine: the seed fixes the validation rows (the same
 * stratified split `train()` carves), the batch order (a seeded permutation per epoch, `fit`
 * with `shuffle: false`) and — through the `seed` handed to `buildModel` — the initial weights.
 */
import {
  type Dataset,
  optimizerFromConfig,
  Random,
  type SweepCellTrainer,
  type SweepEpoch,
  type SweepRecord,
  trainTestSplit,
} from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { dualProcess } from './optimizer.js';
import { RegistryOptimizer } from './registry-optimizer.js';

/** What {@link TfjsModelBuilder} is told about the cell's data and run. */
export interface TfjsCellContext {
  /** Features per sample (the input width). */
  features: number;
  /** Number of classes (the softmax width). */
  classes: number;
  /** The run's seed: seed the initialisers with it so every cell starts from the same weights. */
  seed: number;
}

/**
 * Builds a fresh, uncompiled tfjs-layers model ending in a softmax over `classes`, taking
 * `[batch, features]` inputs (reshape inside the model for images, e.g. a conv net).
 */
export type TfjsModelBuilder = (context: TfjsCellContext) => LayersModel;

/** Stream of the batch-order generator (as the built-in engine: 0 initialises, 1 shuffles). */
const SHUFFLE_STREAM = 1;

function tensors(dataset: Dataset): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = tf.tensor2d(dataset.features, [dataset.count, dataset.featureCount]);
  const y = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.tensor1d(dataset.labels, 'int32'), dataset.classCount), 'float32'),
  ) as tf.Tensor2D;
  return { x, y };
}

/** The cell's optimizer inside tfjs: the adapter's own for the heavy ball, else the registry's. */
function cellOptimizer(config: Parameters<typeof optimizerFromConfig>[0]): tf.Optimizer {
  if (config.name === 'dualProcess') {
    const { learningRate, momentum } = config.hyperParameters as {
      learningRate: number;
      momentum: number;
    };
    return dualProcess({ learningRate, momentum });
  }
  return new RegistryOptimizer(optimizerFromConfig(config));
}

async function lossAndAccuracy(
  model: LayersModel,
  data: { x: tf.Tensor2D; y: tf.Tensor2D },
  batchSize: number,
): Promise<[number, number]> {
  const result = model.evaluate(data.x, data.y, { batchSize }) as tf.Scalar[];
  const values = await Promise.all(result.map((t) => t.data()));
  tf.dispose(result);
  return [values[0][0], values[1][0]];
}

/**
 * A `SweepCellTrainer` that trains a tfjs-layers model from `build` for each (cell, seed):
 * categorical cross-entropy, the sweep's epochs and batch size, validation carved from the
 * training data by the seed. `setup.hidden` and `setup.activation` are the built-in engine's
 * and are not used (the model is `build`'s). Label smoothing is not applied.
 *
 * @example
 * ```ts
 * const result = await sweep({ plan, setup, trainCell: tfjsCellTrainer(({ features, classes, seed }) =>
 *   tfl.sequential({ layers: [
 *     tfl.layers.dense({ units: 64, activation: 'relu', inputShape: [features],
 *       kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
 *     tfl.layers.dense({ units: classes, activation: 'softmax',
 *       kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
 *   ] })) });
 * ```
 * @throws RangeError when the validation split would leave a part empty (from the data split).
 */
export function tfjsCellTrainer(build: TfjsModelBuilder): SweepCellTrainer {
  return async (setup, task, options) => {
    const started = performance.now();
    const { train: fit, test: validation } = trainTestSplit(setup.data.train, {
      testFraction: setup.validationSplit,
      seed: task.seed,
      stratified: true,
    });
    const classes = setup.data.train.classCount;
    const trainSet = tensors(fit);
    const validationSet = tensors(validation);
    const testSet = tensors(setup.data.test);
    const model = build({ features: fit.featureCount, classes, seed: task.seed });
    const epochs: SweepEpoch[] = [];
    // The backend that computed it (`tfjs-wasm`, `tfjs-cpu`, …): backends round differently,
    // so a sweep whose cells ran on several says so (see `SweepSummary.kernels`).
    const backend = `tfjs-${tf.getBackend()}`;
    const record = (): SweepRecord => ({
      cellId: task.cellId,
      seed: task.seed,
      epochs,
      seconds: (performance.now() - started) / 1000,
      kernels: backend,
    });
    try {
      model.compile({
        optimizer: cellOptimizer(task.optimizer),
        loss: 'categoricalCrossentropy',
        metrics: ['accuracy'],
      });
      const random = Random.fromSeed(task.seed, SHUFFLE_STREAM);
      for (let epoch = 1; epoch <= setup.epochs; epoch++) {
        if (options.signal?.aborted) return undefined;
        const order = tf.tensor1d(Int32Array.from(random.permutation(fit.count)), 'int32');
        const x = tf.gather(trainSet.x, order);
        const y = tf.gather(trainSet.y, order);
        order.dispose();
        const history = await model.fit(x, y, {
          epochs: 1,
          batchSize: setup.batchSize,
          shuffle: false,
          verbose: 0,
        });
        tf.dispose([x, y]);
        const trainLoss = Number(history.history.loss[0]);
        if (!Number.isFinite(trainLoss)) {
          return { ...record(), diverged: { epoch, batch: 0, quantity: 'loss' } };
        }
        const [validationLoss, validationAccuracy] = await lossAndAccuracy(
          model,
          validationSet,
          setup.batchSize,
        );
        const [testLoss, testAccuracy] = await lossAndAccuracy(model, testSet, setup.batchSize);
        epochs.push({
          epoch,
          trainLoss,
          validationLoss,
          validationAccuracy,
          testLoss,
          testAccuracy,
        });
      }
      return record();
    } finally {
      model.dispose();
      tf.dispose([trainSet.x, trainSet.y, validationSet.x, validationSet.y, testSet.x, testSet.y]);
    }
  };
}
