/**
 * Type checks of the data functions' arguments at the public boundary: a data set that is
 * not an object, options that are not an object or of the wrong type fail here with a
 * `TypeError` naming the function and the argument, not later inside (e.g. "Cannot
 * destructure property 'featureCount'"). The contents of a data set are checked by
 * `validateDataset` (training/validate.ts).
 */
import { checkKnownOptions, checkOptionType, describeValue, optionsObject } from '../validate.js';
import type { IdxDatasetOptions } from './idx.js';

/**
 * @throws TypeError `` `${context}: "${argument}" must be a Dataset, got …` `` for anything but an object.
 */
export function checkDatasetArgument(
  context: string,
  dataset: unknown,
  argument = 'dataset',
): void {
  if (dataset === null || typeof dataset !== 'object') {
    throw new TypeError(
      `${context}: "${argument}" must be a Dataset, got ${describeValue(dataset)}`,
    );
  }
}

/** @throws TypeError unless `split` is an object `{ train, test }` of data sets. */
export function checkSplitArgument(context: string, split: unknown): void {
  if (split === null || typeof split !== 'object') {
    throw new TypeError(
      `${context}: "split" must be a DataSplit { train, test }, got ${describeValue(split)}`,
    );
  }
  const { train, test } = split as { train?: unknown; test?: unknown };
  checkDatasetArgument(context, train, 'split.train');
  checkDatasetArgument(context, test, 'split.test');
}

/**
 * Checks the types of {@link IdxDatasetOptions}.
 *
 * @returns The options (`{}` when absent).
 * @throws TypeError naming the option; RangeError for an unknown one.
 */
export function checkIdxDatasetOptions(options: IdxDatasetOptions | undefined): IdxDatasetOptions {
  const given = optionsObject('idxDataset', options);
  checkKnownOptions('idxDataset', given, ['classCount', 'classNames', 'scaling', 'name']);
  checkOptionType('idxDataset', 'classCount', given.classCount, 'number', 'an integer in [2, 256]');
  if (
    given.classNames !== undefined &&
    (!Array.isArray(given.classNames) || !given.classNames.every((n) => typeof n === 'string'))
  ) {
    throw new TypeError(
      `idxDataset: "classNames" must be an array of strings, got ${describeValue(given.classNames)}`,
    );
  }
  checkOptionType('idxDataset', 'name', given.name, 'string');
  return given;
}
