/** Shapes of training checkpoints and saved models (see `encodeCheckpoint`, `encodeModel`). */
import type { RandomState } from '../network/types.js';
import type { SerializedOptimizerState } from '../optimizers/types.js';
import type { EpochMetrics, NetworkConfig, TrainConfig } from '../training/types.js';

/** Version of the binary checkpoint format written by this release. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/**
 * Running sums of an epoch that was interrupted, so that its metrics come out the same
 * after a resume. (Wall-clock figures are kept but naturally differ.)
 */
export interface EpochProgress {
  /** Σ over trained samples of their cross-entropy (nats). */
  lossSum: number;
  /** Trained samples classified correctly. */
  correct: number;
  /** Samples trained in this epoch. */
  samples: number;
  /** Σ of the balance angle (degrees) over steps with telemetry. */
  balanceDegreesSum: number;
  /** Σ of the balance cosine over steps with telemetry. */
  balanceCosineSum: number;
  /** Steps with telemetry. */
  balanceSteps: number;
  /** Seconds spent training in this epoch so far. */
  seconds: number;
}

/** Everything needed to continue a training run exactly where it stopped. */
export interface Checkpoint {
  /** Distinguishes a training checkpoint from a saved model. */
  kind: 'training';
  /** Format version this checkpoint was written with ({@link CHECKPOINT_FORMAT_VERSION}). */
  formatVersion: number;
  /** The run's configuration. */
  config: TrainConfig;
  /** Completed epochs. */
  epoch: number;
  /** Completed batches of the next epoch (0 at an epoch boundary). */
  batch: number;
  /** State of the shuffling generator (after drawing `order` when `batch` > 0). */
  random: RandomState;
  /** The interrupted epoch's sample order (present when `batch` > 0). */
  order?: Uint32Array;
  /** The interrupted epoch's running sums (present when `batch` > 0). */
  progress?: EpochProgress;
  /** Parameters by name (`dense0/weights`, …). */
  weights: Record<string, Float32Array>;
  /** The optimizer's step count and slots. */
  optimizerState: SerializedOptimizerState;
  /** Metrics of the completed epochs. */
  history: EpochMetrics[];
}

/** A trained network without optimizer state: what you ship for inference. */
export interface SavedModel {
  /** Distinguishes a saved model from a training checkpoint. */
  kind: 'model';
  /** Format version ({@link CHECKPOINT_FORMAT_VERSION}). */
  formatVersion: number;
  /** The architecture. */
  network: NetworkConfig;
  /** Parameters by name. */
  weights: Record<string, Float32Array>;
  /** Optional class names, output index order. */
  classNames?: string[];
}
