/**
 * Train/test splits: seeded, and stratified by class by default so both sides keep the
 * class proportions.
 */
import { Random } from '../network/random.js';
import { validateDataset } from '../training/validate.js';
import { checkKnownOptions, checkOptionType, describeValue, optionsObject } from '../validate.js';
import type { DataSplit, Dataset } from './types.js';
import { checkDatasetArgument } from './validate.js';

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Fraction of samples (of each class, when stratified) held out for testing, in (0, 1). Default 0.2. */
  testFraction?: number;
  /** Seed of the shuffle. Default 0. */
  seed?: number;
  /** Split each class separately. Default true. */
  stratified?: boolean;
}

/**
 * The rows `indices` of `dataset` (in that order) as a new data set.
 *
 * @throws TypeError when `dataset` is not a data set, `indices` not an array or typed array,
 *   or `name` not a string.
 * @throws RangeError for an index outside [0, count).
 */
export function subset(dataset: Dataset, indices: ArrayLike<number>, name?: string): Dataset {
  checkDatasetArgument('subset', dataset);
  if (!Array.isArray(indices) && !ArrayBuffer.isView(indices)) {
    throw new TypeError(
      `subset: "indices" must be an array or typed array of row indices, got ${describeValue(indices)}`,
    );
  }
  checkOptionType('subset', 'name', name, 'string');
  const { featureCount } = dataset;
  const features = new Float32Array(indices.length * featureCount);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i];
    if (!Number.isInteger(row) || row < 0 || row >= dataset.count) {
      throw new RangeError(`subset: index ${row} is outside [0, ${dataset.count})`);
    }
    features.set(
      dataset.features.subarray(row * featureCount, (row + 1) * featureCount),
      i * featureCount,
    );
    labels[i] = dataset.labels[row];
  }
  const result: Dataset = { ...dataset, features, labels, count: indices.length };
  if (name !== undefined) result.name = name;
  return result;
}

/**
 * Splits `dataset` into training and test sets. Stratified (the default): each class's
 * samples are shuffled with the seeded PRNG and round(count · testFraction) of them go to the
 * test set. Otherwise round(total · testFraction) of all samples. Both parts keep the original
 * order of their samples. Same data, fraction and seed → the same split.
 *
 * @throws TypeError when `dataset` is not a data set, `options` not an object, or an option
 *   has the wrong type.
 * @throws RangeError for an unknown option, a label outside [0, classCount) or another malformed data set (naming
 *   the row), a fraction outside (0, 1), a non-integer seed, or a split that would leave either
 *   side empty.
 */
export function trainTestSplit(dataset: Dataset, options?: TrainTestSplitOptions): DataSplit {
  const context = 'trainTestSplit';
  const given = optionsObject(context, options);
  checkKnownOptions(context, given, ['testFraction', 'seed', 'stratified']);
  checkOptionType(context, 'testFraction', given.testFraction, 'number');
  checkOptionType(context, 'seed', given.seed, 'number');
  checkOptionType(context, 'stratified', given.stratified, 'boolean');
  checkDatasetArgument(context, dataset);
  // A label ≥ classCount used to fail deep inside ("Cannot read properties of undefined").
  validateDataset(dataset, `${context}: dataset`, 1);
  const { testFraction = 0.2, seed = 0, stratified = true } = given;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(
      `trainTestSplit: "testFraction" must be in (0, 1), got ${String(testFraction)}`,
    );
  }
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`trainTestSplit: "seed" must be an integer, got ${String(seed)}`);
  }
  const random = Random.fromSeed(seed);
  const isTest = new Uint8Array(dataset.count);
  const groups: number[][] = [];
  if (stratified) {
    for (let k = 0; k < dataset.classCount; k++) groups.push([]);
    for (let i = 0; i < dataset.count; i++) groups[dataset.labels[i]].push(i);
  } else {
    groups.push(Array.from({ length: dataset.count }, (_, i) => i));
  }
  for (const group of groups) {
    if (group.length === 0) continue;
    const order = random.permutation(group.length);
    const take = Math.round(group.length * testFraction);
    for (let i = 0; i < take; i++) isTest[group[order[i]]] = 1;
  }
  const test: number[] = [];
  const train: number[] = [];
  for (let i = 0; i < dataset.count; i++) (isTest[i] ? test : train).push(i);
  if (test.length === 0 || train.length === 0) {
    throw new RangeError(
      `trainTestSplit: testFraction ${testFraction} of ${dataset.count} samples leaves the ${test.length === 0 ? 'test' : 'training'} set empty`,
    );
  }
  const base = dataset.name ?? 'data';
  return {
    train: subset(dataset, train, `${base} (train)`),
    test: subset(dataset, test, `${base} (test)`),
  };
}
