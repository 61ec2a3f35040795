/**
 * The training engine: seeded shuffling, mini-batch steps on the kernels, per-epoch
 * evaluation, events, cancellation and exact resumption.
 *
 * One step (apps/docs/theory.md#dual-processes, #constants): logits = MLP(X); the fused softmax cross-entropy gives the
 * batch-mean loss H(p, q) = H(p) + KL(p‖q) and its gradient (q − p)/rows in one pass;
 * back-propagation gives ∂L/∂w for every tensor; the optimizer applies its update (for
 * `dualProcess`, the papers' delta-form heavy ball with the golden η and α).
 */
import type { F32Buffer, Kernels } from '@dualphi/core-wasm';
import {
  CHECKPOINT_FORMAT_VERSION,
  type Checkpoint,
  type EpochProgress,
} from '../checkpoints/types.js';
import { validateCheckpointForData } from '../checkpoints/validate.js';
import type { DataSplit, Dataset } from '../data/types.js';
import { createMlp } from '../network/mlp.js';
import { Random } from '../network/random.js';
import {
  disposeOptimizerState,
  dualProcess,
  optimizerFromConfig,
  restoreOptimizerState,
  serializeOptimizerState,
} from '../optimizers/index.js';
import type { Optimizer, OptimizerState, ParameterTensor } from '../optimizers/types.js';
import { type DivergedQuantity, TrainingDivergedError } from './errors.js';
import { evaluate } from './evaluate.js';
import { atEvaluationPoint, moveToEvaluationPoint } from './evaluation-point.js';
import { batchTargets } from './targets.js';
import { trainingKernels } from './threads.js';
import type {
  DatasetSummary,
  EpochMetrics,
  TrainConfig,
  TrainOptions,
  TrainResult,
} from './types.js';
import {
  checkResumeOptimizer,
  resolveTrainSettings,
  validateDataSplit,
  validateTrainOptionTypes,
} from './validate.js';
import { carveValidation, validationFigures } from './validation.js';
import { yieldToEventLoop } from './yield.js';

/** Stream number of the shuffling generator (the initialisation uses stream 0). */
const SHUFFLE_STREAM = 1;

const now = (): number => performance.now();

function summarize(dataset: Dataset): DatasetSummary {
  const summary: DatasetSummary = {
    count: dataset.count,
    featureCount: dataset.featureCount,
    classCount: dataset.classCount,
  };
  if (dataset.name !== undefined) summary.name = dataset.name;
  return summary;
}

const emptyProgress = (): EpochProgress => ({
  lossSum: 0,
  correct: 0,
  samples: 0,
  balanceDegreesSum: 0,
  balanceCosineSum: 0,
  balanceSteps: 0,
  seconds: 0,
});

/** Where training stands: what a checkpoint captures. */
interface Cursor {
  /** Completed epochs. */
  epoch: number;
  /** Completed batches of the next epoch. */
  batch: number;
  /** The next epoch's order when batch > 0. */
  order?: Uint32Array;
  /** Shuffling generator state matching the cursor. */
  random: Random;
  /** Running sums of the partial epoch. */
  progress?: EpochProgress;
}

/**
 * Σx² over all values of all buffers, in f64: finite exactly when every value is finite (a
 * square of an f32 is at most 1.2e77), NaN when one is NaN, else ∞ when one is ±∞. Only
 * computed for the message once {@link allFinite} has failed.
 */
function squaredNorm(kernels: Kernels, buffers: readonly F32Buffer[]): number {
  let sum = 0;
  for (const buffer of buffers) sum += kernels.sumOfSquares(buffer, buffer.length);
  return sum;
}

/**
 * True when every value of every buffer is finite: the same verdict as a finite
 * {@link squaredNorm}, from a bit test per value (about a third of the reduction's time, and
 * it runs before every update).
 */
function allFinite(kernels: Kernels, buffers: readonly F32Buffer[]): boolean {
  for (const buffer of buffers) if (!kernels.allFinite(buffer, buffer.length)) return false;
  return true;
}

/**
 * Trains a multilayer perceptron on `options.data` and returns its metrics, the model and a
 * checkpoint as data. Deterministic: the same seed, data, settings and kernels give
 * bit-identical weights. Aborting through `options.signal` returns `aborted: true` with a
 * checkpoint from which `train({ ..., resume })` continues exactly.
 *
 * @throws RangeError / TypeError for invalid options or data (naming the field).
 * @throws TrainingDivergedError when the loss or a gradient becomes NaN or infinite, or an
 *   epoch's last step leaves the parameters non-finite.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('train: options must be an object with at least "data"');
  }
  validateTrainOptionTypes(options);
  const resume = options.resume;
  const settings = resolveTrainSettings(options, resume);
  const data: DataSplit = options.data;
  validateDataSplit(data);
  if (resume) validateCheckpointForData(resume, data, settings.epochs);
  const kernels = await trainingKernels(options);

  // The validation rows are carved from the given training data (the same rows on resume).
  const { train: trainSet, validation } = carveValidation(
    data.train,
    settings.validationSplit,
    settings.seed,
  );
  const featureCount = trainSet.featureCount;
  const classCount = trainSet.classCount;
  const optimizer: Optimizer =
    options.optimizer ?? (resume ? optimizerFromConfig(resume.config.optimizer) : dualProcess());
  if (resume) checkResumeOptimizer(optimizer, resume);
  const config = (): TrainConfig => ({
    network: {
      inputSize: featureCount,
      hidden: [...settings.hidden],
      outputSize: classCount,
      activation: settings.activation,
    },
    optimizer: optimizer.toConfig(),
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    seed: settings.seed,
    labelSmoothing: settings.labelSmoothing,
    ...(validation ? { validationSplit: settings.validationSplit } : {}),
    data: {
      train: summarize(data.train),
      ...(validation ? { validation: summarize(validation) } : {}),
      test: summarize(data.test),
    },
  });

  const model = createMlp({ ...config().network, seed: settings.seed, kernels });
  const owned: F32Buffer[] = [];
  let state: OptimizerState | undefined;
  try {
    const parameters: ParameterTensor[] = model.parameters();
    if (resume) model.setWeights(resume.weights);
    state = resume
      ? restoreOptimizerState(kernels, resume.optimizerState)
      : optimizer.init(kernels, parameters);
    const gradients = parameters.map((p) => {
      const g = kernels.alloc(p.value.length);
      owned.push(g);
      return g;
    });
    const { batchSize, labelSmoothing } = settings;
    // A batch never holds more rows than the training set: a batch size beyond it means one
    // batch per epoch and must not size the buffers (2⁵³ − 1 failed deep inside alloc).
    const batchRows = Math.min(batchSize, trainSet.count);
    const input = kernels.alloc(batchRows * featureCount);
    owned.push(input);
    const scratch = labelSmoothing > 0 ? kernels.alloc(batchRows * classCount) : undefined;
    if (scratch) owned.push(scratch);
    const labels = new Int32Array(batchRows);
    const predicted = new Int32Array(batchRows);
    const batches = Math.ceil(trainSet.count / batchSize);
    // What rules that depend on the run's length or batch size are told at each step.
    const run = { totalSteps: settings.epochs * batches, batchSize };
    const history: EpochMetrics[] = resume ? resume.history.map((m) => ({ ...m })) : [];

    const cursor: Cursor = resume
      ? {
          epoch: resume.epoch,
          batch: resume.batch,
          order: resume.order ? resume.order.slice() : undefined,
          random: Random.fromState(resume.random),
          progress: resume.progress ? { ...resume.progress } : undefined,
        }
      : { epoch: 0, batch: 0, random: Random.fromSeed(settings.seed, SHUFFLE_STREAM) };

    const snapshot = (at: Cursor): Checkpoint => {
      const checkpoint: Checkpoint = {
        kind: 'training',
        formatVersion: CHECKPOINT_FORMAT_VERSION,
        config: config(),
        epoch: at.epoch,
        batch: at.batch,
        random: at.random.state(),
        weights: model.getWeights(),
        optimizerState: serializeOptimizerState(state as OptimizerState),
        history: history.map((m) => ({ ...m })),
      };
      if (at.batch > 0) {
        checkpoint.order = (at.order as Uint32Array).slice();
        checkpoint.progress = { ...(at.progress as EpochProgress) };
      }
      return checkpoint;
    };

    /** Every buffer a checkpoint saves: the parameters and the optimizer's slots. */
    const stateBuffers = (): F32Buffer[] => [
      ...parameters.map((p) => p.value),
      ...(state as OptimizerState).slots.values(),
    ];

    let trainedSamples = 0;
    let trainedSeconds = 0;
    let aborted = false;
    let sinceYield = 0;

    epochs: while (cursor.epoch < settings.epochs) {
      // The state this epoch started from (an epoch boundary, or the resumed mid-epoch
      // checkpoint): what a divergence falls back to when the parameters have overflowed. Its
      // parameters are finite: each epoch ends with a check of them.
      const startBatch = cursor.batch;
      const epochStart =
        startBatch === 0
          ? snapshot({ ...cursor, random: cursor.random.clone() })
          : (resume as Checkpoint);
      const randomBefore = cursor.random.clone();
      const order =
        cursor.batch > 0
          ? (cursor.order as Uint32Array)
          : cursor.random.permutation(trainSet.count);
      const progress = cursor.batch > 0 ? (cursor.progress as EpochProgress) : emptyProgress();
      const epoch = cursor.epoch + 1;

      /**
       * The error for a non-finite quantity at batch b (0-based) of optimizer step `step`, with
       * the last good state.
       */
      const diverged = (
        b: number,
        quantity: DivergedQuantity,
        value: number,
        step = (state as OptimizerState).step + 1,
      ): TrainingDivergedError => {
        const here: Cursor = {
          epoch: cursor.epoch,
          batch: b,
          order,
          random: cursor.random,
          progress,
        };
        // The state before this step is good if its parameters are still finite; else (or when
        // no step was taken yet in this call) fall back to where the epoch started.
        const finite = allFinite(kernels, stateBuffers());
        const lastGood = b > startBatch && finite ? snapshot(here) : epochStart;
        return new TrainingDivergedError({
          epoch,
          batch: b + 1,
          step,
          quantity,
          value,
          lastGood,
        });
      };

      for (let b = cursor.batch; b < batches; b++) {
        if (options.signal?.aborted) {
          aborted = true;
          if (b === 0) {
            cursor.random = randomBefore;
            cursor.batch = 0;
            cursor.order = undefined;
            cursor.progress = undefined;
          } else {
            cursor.batch = b;
            cursor.order = order;
            cursor.progress = progress;
          }
          break epochs;
        }
        const started = now();
        const first = b * batchSize;
        const rows = Math.min(batchSize, trainSet.count - first);
        // Gather the batch's rows in shuffled order into the kernels' input buffer.
        const inputView = input.view;
        for (let r = 0; r < rows; r++) {
          const sample = order[first + r];
          inputView.set(
            trainSet.features.subarray(sample * featureCount, (sample + 1) * featureCount),
            r * featureCount,
          );
          labels[r] = trainSet.labels[sample];
        }

        const logits = model.forward(input, rows);
        // The gradient (q − p)/rows overwrites the logits (they are not needed any more); the
        // predicted classes (argmax of the logits) come from the same pass, read before that.
        const loss = kernels.softmaxCrossEntropy(
          logits,
          batchTargets(labels, rows, classCount, labelSmoothing, scratch),
          rows,
          classCount,
          { gradient: logits, predictions: predicted },
        );
        if (!Number.isFinite(loss.crossEntropy)) throw diverged(b, 'loss', loss.crossEntropy);
        model.backward(logits, rows, gradients);
        if (!allFinite(kernels, gradients)) {
          throw diverged(b, 'gradient', Math.sqrt(squaredNorm(kernels, gradients)));
        }
        const telemetry = optimizer.update(kernels, parameters, gradients, state, run);

        progress.lossSum += loss.crossEntropy * rows;
        progress.samples += rows;
        for (let r = 0; r < rows; r++) if (predicted[r] === labels[r]) progress.correct++;
        if (telemetry) {
          progress.balanceDegreesSum += telemetry.overall.angleDegrees;
          progress.balanceCosineSum += telemetry.overall.cosine;
          progress.balanceSteps++;
        }
        const seconds = (now() - started) / 1000;
        progress.seconds += seconds;
        trainedSamples += rows;
        trainedSeconds += seconds;
        options.onBatch?.({
          epoch,
          batch: b + 1,
          batches,
          samplesSeen: progress.samples,
          loss: progress.lossSum / progress.samples,
          samplesPerSecond: progress.samples / progress.seconds,
        });
        if (++sinceYield >= settings.yieldEvery) {
          sinceYield = 0;
          await yieldToEventLoop();
        }
      }

      // The epoch's last step may have overflowed the parameters with a finite loss and
      // gradient: no later step of this epoch would see it, and the epoch's metrics, the next
      // epoch's start (a divergence's fallback) or the final model would hold ±∞/NaN.
      // The optimizer's slots too: Adam's second moment overflows to ∞ when a gradient exceeds
      // ~1.8e19 while its update (m / √v) is 0 and the parameters stay finite, so only the slots
      // show it — and the next epoch's start must be a state that can be saved and resumed.
      const parameterValues = parameters.map((p) => p.value);
      const slotValues = [...(state as OptimizerState).slots.values()];
      const overflowed = !allFinite(kernels, parameterValues);
      if (overflowed || !allFinite(kernels, slotValues)) {
        throw diverged(
          batches - 1,
          overflowed ? 'parameters' : 'optimizer state',
          Math.sqrt(squaredNorm(kernels, overflowed ? parameterValues : slotValues)),
          (state as OptimizerState).step,
        );
      }

      // At the optimizer's evaluation point (Schedule-Free's x; the parameters otherwise).
      const test = atEvaluationPoint(optimizer, parameters, state, () =>
        evaluate(model, data.test, { labelSmoothing }),
      );
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: progress.lossSum / progress.samples,
        trainAccuracy: progress.correct / progress.samples,
        ...validationFigures(model, validation, labelSmoothing),
        testLoss: test.crossEntropy,
        testAccuracy: test.accuracy,
        divergence: test.divergence,
        entropy: test.entropy,
        predictionEntropy: test.predictionEntropy,
        balanceDegrees:
          progress.balanceSteps > 0
            ? progress.balanceDegreesSum / progress.balanceSteps
            : Number.NaN,
        balanceCosine:
          progress.balanceSteps > 0
            ? progress.balanceCosineSum / progress.balanceSteps
            : Number.NaN,
        seconds: progress.seconds,
        samplesPerSecond: progress.samples / progress.seconds,
      };
      history.push(metrics);
      cursor.epoch = epoch;
      cursor.batch = 0;
      cursor.order = undefined;
      cursor.progress = undefined;
      options.onEpoch?.(metrics);
      sinceYield = 0;
      await yieldToEventLoop();
    }

    const finalCheckpoint = snapshot(cursor);
    // The returned model is the one to use: the evaluation point (the checkpoint above keeps
    // the training point in its weights and the evaluation point in its slots, to resume).
    moveToEvaluationPoint(optimizer, parameters, state);
    const last = history[history.length - 1];
    const result: TrainResult = {
      config: config(),
      epochs: history,
      final: {
        testAccuracy: last ? last.testAccuracy : Number.NaN,
        testLoss: last ? last.testLoss : Number.NaN,
        samplesPerSecond: trainedSeconds > 0 ? trainedSamples / trainedSeconds : Number.NaN,
      },
      model,
      // A fresh copy per call, so a caller that edits one cannot change the next.
      checkpoint: () => structuredClone(finalCheckpoint),
      aborted,
    };
    return result;
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    for (const buffer of owned) buffer.free();
    if (state) disposeOptimizerState(state);
  }
}
