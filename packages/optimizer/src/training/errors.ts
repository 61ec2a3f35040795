/** Errors of the training engine. */
import type { Checkpoint } from '../checkpoints/types.js';

/**
 * What became NaN or infinite: the batch loss, the gradient norm, or the parameters or the
 * optimizer's state (moments, velocities) after an epoch's last step (checked once per epoch;
 * earlier overflows of the parameters show in the next step's loss).
 */
export type DivergedQuantity = 'loss' | 'gradient' | 'parameters' | 'optimizer state';

const quantityNames: Record<DivergedQuantity, string> = {
  loss: 'loss',
  gradient: 'gradient norm',
  parameters: 'parameter norm',
  'optimizer state': "norm of the optimizer's state",
};

/**
 * The loss, a gradient or the parameters became NaN or infinite. Training stops rather than
 * carrying on silently; `lastGood` holds the last state whose parameters are all finite (the
 * state just before the failing step, or the start of the epoch if the parameters had already
 * overflowed), from which training can be resumed with other settings.
 */
export class TrainingDivergedError extends Error {
  /** Always `'TrainingDivergedError'`, so the class shows in messages and stack traces. */
  override readonly name = 'TrainingDivergedError';
  /** 1-based epoch of the failing step. */
  readonly epoch: number;
  /** 1-based batch of the failing step within its epoch. */
  readonly batch: number;
  /** 1-based optimizer step (counted over the whole run) that failed. */
  readonly step: number;
  /** What became non-finite. */
  readonly quantity: DivergedQuantity;
  /** A checkpoint of the last good state. */
  readonly lastGood: Checkpoint;

  constructor(options: {
    epoch: number;
    batch: number;
    step: number;
    quantity: DivergedQuantity;
    value: number;
    lastGood: Checkpoint;
  }) {
    const where =
      options.lastGood.epoch === options.epoch - 1 && options.lastGood.batch === options.batch - 1
        ? 'the state just before this step'
        : `the start of epoch ${options.lastGood.epoch + 1}`;
    super(
      `training diverged at epoch ${options.epoch}, batch ${options.batch} (step ${options.step}): ` +
        `the ${quantityNames[options.quantity]} is ${options.value}. ` +
        `Try a smaller learning rate; error.lastGood holds ${where}.`,
    );
    this.epoch = options.epoch;
    this.batch = options.batch;
    this.step = options.step;
    this.quantity = options.quantity;
    this.lastGood = options.lastGood;
  }
}
