/**
 * The validation split: a stratified, seeded part of the training data held out so that every
 * selection (best epoch, best cell of a sweep) is made on data the updates never saw and the
 * test set is left for reporting only. Without it, choosing by test accuracy overstates the
 * chosen run's accuracy on new data.
 */
import { trainTestSplit } from '../data/split.js';
import type { Dataset } from '../data/types.js';
import type { Mlp } from '../network/types.js';
import { evaluate } from './evaluate.js';

/** The figures of one epoch on the validation set. */
export interface ValidationFigures {
  /** Mean validation cross-entropy H(p, q) (nats). */
  validationLoss: number;
  /** Fraction of validation samples classified correctly. */
  validationAccuracy: number;
}

/** The training rows left after carving, and the validation rows. */
export interface CarvedValidation {
  /** What the updates see. */
  train: Dataset;
  /** Held out for selection; undefined when no validation split was asked for. */
  validation?: Dataset;
}

/**
 * Checks `validationSplit` (0 = none, else a fraction in (0, 1)).
 *
 * @throws RangeError naming the value and what is allowed.
 */
export function checkValidationSplit(value: unknown): number {
  if (typeof value !== 'number' || !(value === 0 || (value > 0 && value < 1))) {
    throw new RangeError(
      `train: "validationSplit" must be 0 (none) or a fraction in (0, 1), got ${typeof value === 'number' ? value : JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Carves `fraction` of each class of `train` (seeded by `seed`, so a given seed gives the same
 * split in every cell of a sweep) into a validation set. `fraction` 0 leaves `train` whole.
 *
 * @throws RangeError when the split would leave either part empty.
 */
export function carveValidation(train: Dataset, fraction: number, seed: number): CarvedValidation {
  if (fraction === 0) return { train };
  let split: ReturnType<typeof trainTestSplit>;
  try {
    split = trainTestSplit(train, { testFraction: fraction, seed, stratified: true });
  } catch (error) {
    throw new RangeError(
      `train: "validationSplit" ${fraction} of ${train.count} training samples leaves a part empty (${(error as Error).message.replace(/^trainTestSplit: /, '')})`,
    );
  }
  const base = (train.name ?? 'data').replace(/ \(train\)$/, '');
  return {
    train: { ...split.train, name: `${base} (train)` },
    validation: { ...split.test, name: `${base} (validation)` },
  };
}

/** The validation figures of `model` after an epoch, or `{}` without a validation set. */
export function validationFigures(
  model: Mlp,
  validation: Dataset | undefined,
  labelSmoothing: number,
): Partial<ValidationFigures> {
  if (!validation) return {};
  const figures = evaluate(model, validation, { labelSmoothing });
  return { validationLoss: figures.crossEntropy, validationAccuracy: figures.accuracy };
}
