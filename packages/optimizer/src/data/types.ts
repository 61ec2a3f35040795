/**
 * The data types every loader returns and the training engine consumes.
 */

/** A labelled data set held in memory: `count` rows of `featureCount` f32 features. */
export interface Dataset {
  /** count × featureCount values, row-major. */
  features: Float32Array;
  /** One class index in [0, classCount) per row. */
  labels: Int32Array;
  /** Number of rows (samples). */
  count: number;
  /** Features per row. */
  featureCount: number;
  /** Number of classes; labels lie in [0, classCount). */
  classCount: number;
  /** Optional class names, `classNames[k]` for label k. */
  classNames?: readonly string[];
  /** Optional feature names (a CSV header without the label column), feature order. */
  featureNames?: readonly string[];
  /** Optional name, e.g. `'digits (train)'`. */
  name?: string;
}

/**
 * The most classes a data set may have. `evaluate()` returns a dense K × K confusion matrix
 * (and the output layer has K units per hidden unit), so a stray label such as 1000000 in a
 * CSV file would otherwise exhaust memory instead of failing with a message.
 */
export const MAX_CLASS_COUNT = 4096;

/** A training set and a test set. */
export interface DataSplit {
  /** Used for the updates. */
  train: Dataset;
  /** Held out for evaluation. */
  test: Dataset;
}

/**
 * Input data that is malformed: wrong magic number, truncated payload, counts that disagree,
 * labels out of range, ragged rows, non-numeric cells. The message names the position
 * (byte offset, line and column, row) and what was expected.
 */
export class DataFormatError extends Error {
  /** Where the problem is, e.g. `'line 12, column 3'` or `'byte 4'`, when known. */
  readonly position?: string;

  constructor(message: string, position?: string) {
    super(position ? `${message} (at ${position})` : message);
    this.name = 'DataFormatError';
    this.position = position;
  }
}
