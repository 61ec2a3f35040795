/**
 * The embedded UCI digits set: "Optical Recognition of Handwritten Digits", 1,797 images of
 * 8×8 pixel counts (0–16) in 10 classes. E. Alpaydin and C. Kaynak, UCI Machine Learning
 * Repository (1998), https://doi.org/10.24432/C50P49, CC BY 4.0 — see DATA-LICENSE.md.
 */
import { inflateSync } from 'fflate';
import { checkKnownOptions, optionsObject } from '../validate.js';
import { fromBase64 } from './bytes.js';
import { DIGITS_DEFLATED_BASE64, DIGITS_ROW_BYTES, DIGITS_ROWS } from './digits-embedded.js';
import { type ScalingOption, scaleSplit } from './scaling.js';
import { type TrainTestSplitOptions, trainTestSplit } from './split.js';
import type { DataSplit, Dataset } from './types.js';

/** Where a data set comes from and under which licence. */
export interface DataAttribution {
  /** Title of the data set. */
  readonly title: string;
  /** Its creators. */
  readonly authors: string;
  /** Where it is published. */
  readonly publisher: string;
  /** Year of publication. */
  readonly year: number;
  /** Digital object identifier. */
  readonly doi: string;
  /** Licence name. */
  readonly license: string;
  /** Licence text. */
  readonly licenseUrl: string;
}

/** Source and licence of the embedded digits, for docs and the CLI. */
export const digitsAttribution: DataAttribution = Object.freeze({
  title: 'Optical Recognition of Handwritten Digits',
  authors: 'E. Alpaydin and C. Kaynak',
  publisher: 'UCI Machine Learning Repository',
  year: 1998,
  doi: '10.24432/C50P49',
  license: 'CC BY 4.0',
  licenseUrl: 'https://creativecommons.org/licenses/by/4.0/',
});

/** The fixed split of {@link loadDigits}: 20 % of each class held out, seed 0. */
export const DIGITS_SPLIT: Readonly<Required<TrainTestSplitOptions>> = Object.freeze({
  testFraction: 0.2,
  seed: 0,
  stratified: true,
});

let cached: Uint8Array | undefined;

function digitBytes(): Uint8Array {
  cached ??= inflateSync(fromBase64(DIGITS_DEFLATED_BASE64));
  if (cached.length !== DIGITS_ROWS * DIGITS_ROW_BYTES) {
    throw new Error(
      `embedded digits: inflated to ${cached.length} bytes, expected ${DIGITS_ROWS * DIGITS_ROW_BYTES}`,
    );
  }
  return cached;
}

/**
 * All 1,797 digits, unscaled (pixel counts 0–16), in their original order.
 */
export function loadDigitsDataset(): Dataset {
  const bytes = digitBytes();
  const featureCount = DIGITS_ROW_BYTES - 1;
  const features = new Float32Array(DIGITS_ROWS * featureCount);
  const labels = new Int32Array(DIGITS_ROWS);
  for (let r = 0; r < DIGITS_ROWS; r++) {
    const row = bytes.subarray(r * DIGITS_ROW_BYTES, (r + 1) * DIGITS_ROW_BYTES);
    features.set(row.subarray(0, featureCount), r * featureCount);
    labels[r] = row[featureCount];
  }
  return {
    features,
    labels,
    count: DIGITS_ROWS,
    featureCount,
    classCount: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    name: 'digits',
  };
}

/** Options of {@link loadDigits}. */
export interface LoadDigitsOptions {
  /** Feature scaling; default `'default'`: ÷ 16 → [0, 1]. */
  scaling?: ScalingOption;
}

/**
 * The embedded UCI digits as a FIXED stratified split: 20 % of each class held out with
 * seed 0 ({@link DIGITS_SPLIT}) — 1,438 training and 359 test samples — so every run, tool
 * and page compares on the same test set. Features are scaled ÷ 16 to [0, 1] by default
 * (`'unit'` and `'standard'` are fitted on the training part).
 *
 * @throws TypeError when `options` is not an object; RangeError for an unknown scaling or
 *   option.
 */
export function loadDigits(options?: LoadDigitsOptions): DataSplit {
  const given = optionsObject('loadDigits', options);
  checkKnownOptions(
    'loadDigits',
    given,
    ['scaling'],
    '; the split is fixed (DIGITS_SPLIT): for another, use trainTestSplit(loadDigitsDataset(), options)',
  );
  const { scaling } = given;
  const split = trainTestSplit(loadDigitsDataset(), DIGITS_SPLIT);
  return scaleSplit(split, scaling ?? 'default', 16);
}
