/**
 * Feature scaling. Each data set has a natural default (digits ÷ 16, IDX images ÷ 255, both
 * to [0, 1]); `'unit'` (min–max to [0, 1]) and `'standard'` (zero mean, unit variance) are fitted
 * per feature on the training set and applied unchanged to the test set, so the test set does
 * not leak into the statistics.
 */
import { checkOptionType } from '../validate.js';
import type { DataSplit, Dataset } from './types.js';
import { checkDatasetArgument, checkSplitArgument } from './validate.js';

/**
 * `'default'`: divide by the data set's natural maximum (16 for digits, 255 for IDX, 1 for
 * CSV); `'none'`: raw values; `'unit'`: (x − min) / (max − min) per feature; `'standard'`:
 * (x − mean) / std per feature. A constant feature becomes 0 under `'unit'` and `'standard'`.
 */
export type ScalingOption = 'default' | 'none' | 'unit' | 'standard';

/** A fitted per-feature affine map x' = (x − offset) · factor. */
export interface FeatureScaler {
  /** The scaling it implements. */
  readonly scaling: ScalingOption;
  /** Per-feature offsets. */
  readonly offset: Float64Array;
  /** Per-feature factors. */
  readonly factor: Float64Array;
  /** A copy of `dataset` with scaled features (labels shared, not copied). */
  apply(dataset: Dataset): Dataset;
}

const SCALINGS: readonly ScalingOption[] = ['default', 'none', 'unit', 'standard'];

function checkScaling(scaling: unknown): ScalingOption {
  if (!SCALINGS.includes(scaling as ScalingOption)) {
    throw new RangeError(
      `"scaling" must be one of ${SCALINGS.join(', ')}, got ${JSON.stringify(scaling)}`,
    );
  }
  return scaling as ScalingOption;
}

/**
 * Fits a scaler on `train`.
 *
 * @param defaultDivisor - What `'default'` divides by (16 for digits, 255 for IDX images).
 * @throws TypeError when `train` is not a data set or the divisor not a number.
 * @throws RangeError for an unknown scaling or a divisor that is not finite and > 0.
 */
export function fitScaler(
  train: Dataset,
  scaling: ScalingOption,
  defaultDivisor = 1,
): FeatureScaler {
  checkDatasetArgument('fitScaler', train, 'train');
  const kind = checkScaling(scaling);
  checkOptionType('fitScaler', 'defaultDivisor', defaultDivisor, 'number');
  if (!(Number.isFinite(defaultDivisor) && defaultDivisor > 0)) {
    throw new RangeError(`"defaultDivisor" must be a finite number > 0, got ${defaultDivisor}`);
  }
  const { featureCount, count, features } = train;
  const offset = new Float64Array(featureCount);
  const factor = new Float64Array(featureCount).fill(1);
  if (kind === 'default') factor.fill(1 / defaultDivisor);
  if (kind === 'unit') {
    const min = new Float64Array(featureCount).fill(Number.POSITIVE_INFINITY);
    const max = new Float64Array(featureCount).fill(Number.NEGATIVE_INFINITY);
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < featureCount; j++) {
        const x = features[r * featureCount + j];
        if (x < min[j]) min[j] = x;
        if (x > max[j]) max[j] = x;
      }
    }
    for (let j = 0; j < featureCount; j++) {
      offset[j] = min[j];
      factor[j] = max[j] > min[j] ? 1 / (max[j] - min[j]) : 0;
    }
  }
  if (kind === 'standard') {
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < featureCount; j++) offset[j] += features[r * featureCount + j] / count;
    }
    const variance = new Float64Array(featureCount);
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < featureCount; j++) {
        const d = features[r * featureCount + j] - offset[j];
        variance[j] += (d * d) / count;
      }
    }
    for (let j = 0; j < featureCount; j++) {
      factor[j] = variance[j] > 0 ? 1 / Math.sqrt(variance[j]) : 0;
    }
  }
  return {
    scaling: kind,
    offset,
    factor,
    apply(dataset: Dataset): Dataset {
      checkDatasetArgument('scaler.apply', dataset);
      if (dataset.featureCount !== featureCount) {
        throw new RangeError(
          `scaler fitted on ${featureCount} features cannot scale a data set of ${dataset.featureCount}`,
        );
      }
      if (kind === 'none') return { ...dataset, features: dataset.features.slice() };
      const scaled = new Float32Array(dataset.features.length);
      for (let r = 0; r < dataset.count; r++) {
        for (let j = 0; j < featureCount; j++) {
          const i = r * featureCount + j;
          scaled[i] = (dataset.features[i] - offset[j]) * factor[j];
        }
      }
      return { ...dataset, features: scaled };
    },
  };
}

/** Scales one data set with statistics from itself (see {@link ScalingOption}). */
export function scaleDataset(
  dataset: Dataset,
  scaling: ScalingOption,
  defaultDivisor = 1,
): Dataset {
  return fitScaler(dataset, scaling, defaultDivisor).apply(dataset);
}

/** Scales a split with statistics from its training set only. */
export function scaleSplit(
  split: DataSplit,
  scaling: ScalingOption,
  defaultDivisor = 1,
): DataSplit {
  checkSplitArgument('scaleSplit', split);
  const scaler = fitScaler(split.train, scaling, defaultDivisor);
  return { train: scaler.apply(split.train), test: scaler.apply(split.test) };
}
