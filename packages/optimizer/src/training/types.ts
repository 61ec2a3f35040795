/**
 * The shapes of the training engine: what `train()` takes, the events it emits while it runs,
 * and the data it returns. Everything here is plain data (JSON-able apart from the typed
 * arrays and the live model), so a CLI, a web page or a test can consume it alike.
 */
import type { KernelBuildOption, Kernels } from '@dualphi/core-wasm';
import type { Checkpoint } from '../checkpoints/types.js';
import type { DataSplit } from '../data/types.js';
import type { Mlp } from '../network/types.js';
import type { Optimizer, OptimizerConfig } from '../optimizers/types.js';

/** Hidden-layer activation of the multilayer perceptron. */
export type Activation = 'relu' | 'tanh';

/** Options of {@link train}. Only `data` is required. */
export interface TrainOptions {
  /** Training and test sets; they must agree on `featureCount` and `classCount`. */
  data: DataSplit;
  /** Hidden layer sizes, input to output. Default `[128]`. `[]` gives softmax regression. */
  hidden?: readonly number[];
  /** Hidden activation. Default `'relu'`. */
  activation?: Activation;
  /** The optimizer. Default `dualProcess()` (the papers' golden constants, apps/docs/theory.md#constants). */
  optimizer?: Optimizer;
  /** Total number of epochs (including those already done when resuming). Default 10. */
  epochs?: number;
  /** Mini-batch size; the last batch of an epoch holds the remainder. Default 32. */
  batchSize?: number;
  /** Seed of the weight initialisation, the shuffling and the validation split. Default 0. */
  seed?: number;
  /**
   * Fraction of each class of `data.train` held out as a validation set (stratified, seeded by
   * `seed`), in (0, 1); 0 (the default) holds out nothing. Each epoch then also reports
   * `validationLoss` and `validationAccuracy`: the figures to select by (best epoch, best
   * settings), so that the test set is used for reporting only.
   */
  validationSplit?: number;
  /** Label smoothing ε in [0, 1): targets become (1 − ε)·onehot + ε/K. Default 0. */
  labelSmoothing?: number;
  /** Kernel set to compute with. Default: the shared wasm kernels (`getDefaultKernels()`). */
  kernels?: Kernels;
  /**
   * Threads each matrix product is split across (`'auto'`: the available parallelism), for
   * the shared kernels of that many threads (`getDefaultKernels(threads)`); not together with
   * `kernels`, which carry their own count. Results are bit-identical whatever the count, so
   * a checkpoint resumes exactly on another. Default 1.
   */
  threads?: number | 'auto';
  /**
   * The kernel build of the shared kernels (`getDefaultKernels(threads, build)`): `'simd128'`,
   * `'relaxed-simd'` or `'auto'` (the default: relaxed SIMD where the engine has it); not
   * together with `kernels`. Results are bit-identical for one build on one engine, not across
   * builds, so an exact resume needs the build the checkpoint was trained on.
   */
  build?: KernelBuildOption;
  /** Stops training between two batches; the result then has `aborted: true`. */
  signal?: AbortSignal;
  /** Called after every mini-batch step. */
  onBatch?: (event: BatchEvent) => void;
  /** Called after every epoch with its metrics. */
  onEpoch?: (metrics: EpochMetrics) => void;
  /**
   * Continue from a checkpoint (of an epoch boundary or of an abort mid-epoch). The
   * network, batch size, seed, label smoothing and optimizer configuration come from the
   * checkpoint; options given here that disagree with it are an error (an `optimizer` must
   * match its name and every hyper-parameter of `toConfig()`). The continued run
   * produces bit-identical weights to an uninterrupted one (same kernels).
   */
  resume?: Checkpoint;
  /**
   * Mini-batches between two yields to the event loop (so progress bars, UIs and abort
   * signals get a turn). Default 8. Training also yields after every epoch.
   */
  yieldEvery?: number;
}

/** Emitted after every mini-batch step. */
export interface BatchEvent {
  /** 1-based epoch number. */
  epoch: number;
  /** 1-based index of the batch within the epoch. */
  batch: number;
  /** Number of batches in an epoch. */
  batches: number;
  /** Training samples processed so far in this epoch. */
  samplesSeen: number;
  /** Running mean of the training cross-entropy (nats) over this epoch's samples so far. */
  loss: number;
  /** Training throughput of this epoch so far. */
  samplesPerSecond: number;
}

/**
 * Metrics of one epoch. `trainLoss` and `trainAccuracy` are measured on the mini-batches as
 * they were trained (the weights change during the epoch); the test figures come from a
 * full pass over the test set with the weights at the end of the epoch.
 */
export interface EpochMetrics {
  /** 1-based epoch number. */
  epoch: number;
  /**
   * Mean training cross-entropy H(p, q) (nats) over the epoch's samples as they were trained:
   * each mini-batch's mean weighted by its rows, so a partial last batch counts for its size.
   */
  trainLoss: number;
  /** Fraction of training samples classified correctly during the epoch. */
  trainAccuracy: number;
  /** Mean validation cross-entropy H(p, q) (nats); only with a validation split. */
  validationLoss?: number;
  /** Fraction of validation samples classified correctly; only with a validation split. */
  validationAccuracy?: number;
  /** Mean test cross-entropy H(p, q) (nats). */
  testLoss: number;
  /** Fraction of test samples classified correctly. */
  testAccuracy: number;
  /** Mean test KL(p‖q) (nats); equals `testLoss` for one-hot targets (apps/docs/theory.md#dual-processes). */
  divergence: number;
  /** Mean test target entropy H(p) (nats); 0 without label smoothing. */
  entropy: number;
  /** Mean entropy of the test predictions H(q) (nats); telemetry, not from the papers. */
  predictionEntropy: number;
  /**
   * Mean over the epoch's steps of the process-balance angle θ = atan2(‖M‖, ‖G‖), in degrees
   * (45 = balance; apps/docs/theory.md#process-balance, the project's interpretation). NaN for optimizers without
   * telemetry.
   */
  balanceDegrees: number;
  /** Mean over the epoch's steps of cos(G, M). NaN for optimizers without telemetry. */
  balanceCosine: number;
  /** Wall-clock seconds of the epoch's training steps (evaluation excluded). */
  seconds: number;
  /** Training samples per second of this epoch. */
  samplesPerSecond: number;
}

/** A description of a data set (no data), kept in configurations and checkpoints. */
export interface DatasetSummary {
  /** The data set's name, if it has one. */
  name?: string;
  /** Number of samples. */
  count: number;
  /** Number of features per sample. */
  featureCount: number;
  /** Number of classes. */
  classCount: number;
}

/** Architecture of a multilayer perceptron (JSON-able). */
export interface NetworkConfig {
  /** Number of input features. */
  inputSize: number;
  /** Hidden layer sizes, input to output. */
  hidden: number[];
  /** Number of classes (softmax outputs). */
  outputSize: number;
  /** Hidden activation. */
  activation: Activation;
}

/** The complete, JSON-able configuration of a training run. */
export interface TrainConfig {
  /** The network's architecture. */
  network: NetworkConfig;
  /** The optimizer's name and hyper-parameters (see `optimizerFromConfig`). */
  optimizer: OptimizerConfig;
  /** Total epochs of the run. */
  epochs: number;
  /** Mini-batch size. */
  batchSize: number;
  /** Seed of initialisation and shuffling. */
  seed: number;
  /** Label smoothing ε. */
  labelSmoothing: number;
  /** The fraction held out for validation; absent when none was. */
  validationSplit?: number;
  /** The training and test sets' descriptions. */
  data: {
    /** The training data as given (the validation rows, if any, are carved from it). */
    train: DatasetSummary;
    /** The validation set carved from `train`; absent without a validation split. */
    validation?: DatasetSummary;
    /** The test set. */
    test: DatasetSummary;
  };
}

/** What {@link train} returns. */
export interface TrainResult {
  /** The run's configuration. */
  config: TrainConfig;
  /** Metrics of every completed epoch (including those before a resume). */
  epochs: EpochMetrics[];
  /** The last completed epoch's test figures and the mean training throughput. */
  final: {
    /** The last completed epoch's test accuracy (NaN when no epoch completed). */
    testAccuracy: number;
    /** The last completed epoch's mean test cross-entropy (nats; NaN when no epoch completed). */
    testLoss: number;
    /** Training samples per second over this call's training steps (NaN when it took none). */
    samplesPerSecond: number;
  };
  /** The trained network (owns kernel buffers: call `dispose()` when done). */
  model: Mlp;
  /** A checkpoint of the state where training stopped (resumable exactly; a new copy per call). */
  checkpoint(): Checkpoint;
  /** True when the `signal` stopped training before `epochs` were done. */
  aborted: boolean;
}
