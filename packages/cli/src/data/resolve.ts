/**
 * Turns `--data` (and `--label`, `--test`, `--test-split`) into a training and a test set.
 *
 * - `digits`: the UCI handwritten digits embedded in `@dualphi/optimizer` (fixed split).
 * - `fashion-mnist`: the IDX files in `$DUALPHI_DATA/fashion-mnist`, `$DUALPHI_DATA` or
 *   `/usr/share/datasets/fashion-mnist` (Debian's `dataset-fashion-mnist`).
 * - a directory: IDX files (gzip or raw) named like MNIST's `train-images-idx3-ubyte[.gz]`.
 * - a CSV file: `--label COLUMN`, and a test set from `--test FILE.csv` or `--test-split F`;
 *   `--header` and `--delimiter` say how to read it (both `auto` by default: the rules of
 *   `parseCsv`, which refuse to guess when a file could be read two ways).
 *
 * File I/O lives here (the optimizer package has no Node built-ins); parsing is the
 * optimizer package's, whose `DataFormatError`s name the position of a problem.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type DataSplit,
  type Dataset,
  fitScaler,
  idxDataset,
  loadDigits,
  parseCsv,
  parseIdx,
  trainTestSplit,
} from '@dualphi/optimizer';
import { CliError, errorMessage, UsageError } from '../errors.js';
import type { DataOptions, HeaderMode } from '../options/common.js';
import { readRegularFile } from './read-file.js';

/** Where Debian's `dataset-fashion-mnist` puts the files. */
export const systemFashionMnistDirectory = '/usr/share/datasets/fashion-mnist';

/** Class names of Fashion-MNIST, label order. */
export const fashionMnistClassNames = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/**
 * The per-feature standardisation of a CSV data set, x' = (x − offset) · factor, fitted on
 * the training part. `train --out` keeps it in `scaling.json` so that `evaluate` applies the
 * same map to new data.
 */
export interface CsvScaling {
  scaling: 'standard';
  offset: number[];
  factor: number[];
}

/** A resolved data source. */
export interface ResolvedData {
  /** The training and test sets. */
  split: DataSplit;
  /** Set for CSV data: the standardisation applied (see {@link CsvScaling}). */
  scaling?: CsvScaling;
  /** A short name for tables and reports: `digits`, `fashion-mnist`, a path. */
  name: string;
  /** Where it came from, for messages: "embedded", a directory, files. */
  origin: string;
}

/** The four IDX files of a directory, by role. */
export interface IdxFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

const idxPatterns: Record<keyof IdxFiles, RegExp> = {
  trainImages: /^train[-_.]images[-_.]idx3[-_.]ubyte(\.gz)?$/i,
  trainLabels: /^train[-_.]labels[-_.]idx1[-_.]ubyte(\.gz)?$/i,
  testImages: /^(t10k|test)[-_.]images[-_.]idx3[-_.]ubyte(\.gz)?$/i,
  testLabels: /^(t10k|test)[-_.]labels[-_.]idx1[-_.]ubyte(\.gz)?$/i,
};

const idxExpectedNames =
  'train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each raw or .gz)';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function readFailure(path: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory, not a file'
          : errorMessage(error);
  return new CliError(`cannot read ${path}: ${reason}`);
}

/** Reads a whole regular file (see {@link readRegularFile}), naming the problem otherwise. */
async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readRegularFile(path);
  } catch (error) {
    throw error instanceof CliError ? error : readFailure(path, error);
  }
}

/**
 * Finds the four IDX files in `directory`, or returns the roles that are missing.
 */
export async function findIdxFiles(
  directory: string,
): Promise<{ files?: IdxFiles; missing: (keyof IdxFiles)[] }> {
  const names = await readdir(directory);
  const found: Partial<IdxFiles> = {};
  for (const role of Object.keys(idxPatterns) as (keyof IdxFiles)[]) {
    // Prefer the raw file when both raw and .gz are present (no decompression needed).
    const matches = names
      .filter((name) => idxPatterns[role].test(name))
      .sort((a, b) => a.length - b.length);
    if (matches.length > 0) found[role] = join(directory, matches[0]);
  }
  const missing = (Object.keys(idxPatterns) as (keyof IdxFiles)[]).filter((role) => !found[role]);
  return missing.length === 0 ? { files: found as IdxFiles, missing } : { missing };
}

/** The largest label of an IDX label file (to count the classes). */
function largestLabel(bytes: Uint8Array, path: string): number {
  let tensor: ReturnType<typeof parseIdx>;
  try {
    tensor = parseIdx(bytes, path);
  } catch (error) {
    throw new CliError(errorMessage(error));
  }
  let largest = 0;
  for (const label of tensor.data) largest = Math.max(largest, Number(label));
  return largest;
}

/** What a one-class training set is told (training a classifier needs two classes). */
function singleClassMessage(source: string): string {
  return `${source}: every training label is the same class; a classifier needs at least two classes`;
}

async function loadIdxDirectory(
  directory: string,
  name: string,
  purpose: 'train' | 'evaluate',
  classNames?: readonly string[],
): Promise<DataSplit> {
  const { files, missing } = await findIdxFiles(directory);
  if (!files) {
    throw new CliError(
      `${directory} has no IDX file for ${missing.join(', ')}; expected ${idxExpectedNames}`,
    );
  }
  const bytes = {
    trainImages: await readBytes(files.trainImages),
    trainLabels: await readBytes(files.trainLabels),
    testImages: await readBytes(files.testImages),
    testLabels: await readBytes(files.testLabels),
  };
  // A directory of unknown origin may hold any number of classes: count them from the labels
  // (MNIST-style directories have 10). Labels all 0 are one class, which cannot be trained;
  // evaluating such a test set against a saved model is fine.
  const observed = Math.max(
    largestLabel(bytes.trainLabels, files.trainLabels) + 1,
    largestLabel(bytes.testLabels, files.testLabels) + 1,
  );
  if (!classNames && observed < 2 && purpose === 'train') {
    throw new CliError(singleClassMessage(`${directory} (${files.trainLabels})`));
  }
  const classCount = classNames?.length ?? Math.max(2, observed);
  const load = (
    images: 'trainImages' | 'testImages',
    labels: 'trainLabels' | 'testLabels',
    part: string,
  ): Dataset => {
    try {
      return idxDataset(bytes[images], bytes[labels], {
        name: `${name} (${part})`,
        classCount,
        ...(classNames ? { classNames } : {}),
      });
    } catch (error) {
      // Name the files rather than the parser's arguments.
      const message = errorMessage(error)
        .replace('idxDataset images', files[images])
        .replace('idxDataset labels', files[labels]);
      throw new CliError(
        message.includes(directory)
          ? message
          : `${files[images]}, ${files[labels]}: ${message.replace(/^idxDataset: /, '')}`,
      );
    }
  };
  const train = load('trainImages', 'trainLabels', 'train');
  const test = load('testImages', 'testLabels', 'test');
  if (train.featureCount !== test.featureCount) {
    throw new CliError(
      `${directory}: training images have ${train.featureCount} pixels, test images ${test.featureCount}; they must agree`,
    );
  }
  return { train, test };
}

/** The directories searched for Fashion-MNIST, in order. */
export function fashionMnistCandidates(
  env: NodeJS.ProcessEnv,
  systemDirectory: string = systemFashionMnistDirectory,
): string[] {
  const candidates: string[] = [];
  if (env.DUALPHI_DATA) {
    candidates.push(join(env.DUALPHI_DATA, 'fashion-mnist'), env.DUALPHI_DATA);
  }
  candidates.push(systemDirectory);
  return candidates;
}

/**
 * Loads Fashion-MNIST from the first of {@link fashionMnistCandidates} that holds its files.
 * @throws CliError saying where it looked and how to install it.
 */
export async function loadFashionMnist(
  env: NodeJS.ProcessEnv,
  systemDirectory: string = systemFashionMnistDirectory,
): Promise<ResolvedData> {
  const candidates = fashionMnistCandidates(env, systemDirectory);
  for (const directory of candidates) {
    if (!(await isDirectory(directory))) continue;
    const { files } = await findIdxFiles(directory);
    if (!files) continue;
    const split = await loadIdxDirectory(
      directory,
      'fashion-mnist',
      'train',
      fashionMnistClassNames,
    );
    return { split, name: 'fashion-mnist', origin: directory };
  }
  throw new CliError(
    `Fashion-MNIST not found (looked in ${candidates.join(', ')}). ` +
      'Install it with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or put its four IDX files ' +
      `(${idxExpectedNames}) in a directory and set DUALPHI_DATA to it.`,
  );
}

function csvLabel(label: string): string | number {
  return /^\d+$/.test(label) ? Number(label) : label;
}

const headerOptions: Record<HeaderMode, boolean | 'auto'> = { auto: 'auto', yes: true, no: false };

/**
 * A message of `parseCsv` in the command line's words: its options become the flags that set
 * them (the library's own message, naming its option, is right for library users).
 */
function csvMessage(error: unknown): string {
  return errorMessage(error)
    .replace(
      'set "header" to true (a header) or false (a data row)',
      'give --header yes (a header) or --header no (a data row)',
    )
    .replace(/set "delimiter" to the one/, 'give --delimiter with the one')
    .replace(/set "delimiter"/, 'give --delimiter')
    .replace(/"label" index (-?\d+)/, '--label $1');
}

async function readCsv(path: string, options: DataOptions): Promise<Dataset> {
  const bytes = await readBytes(path);
  try {
    return parseCsv(bytes, {
      label: csvLabel(options.label as string),
      header: headerOptions[options.header ?? 'auto'],
      delimiter: options.delimiter ?? 'auto',
      name: path,
    });
  } catch (error) {
    throw new CliError(`${path}: ${csvMessage(error)}`);
  }
}

/**
 * A test file whose labels include a class the training file lacks: the model would be
 * scored on a class it never saw (with class indices, classCount silently grew to hold it).
 */
function checkTestClasses(train: Dataset, test: Dataset, trainPath: string, testPath: string) {
  const seen = new Set(train.labels);
  for (let row = 0; row < test.count; row++) {
    const label = test.labels[row];
    if (seen.has(label)) continue;
    const name = test.classNames?.[label] ?? String(label);
    const classes = [...seen].sort((a, b) => a - b).map((k) => train.classNames?.[k] ?? String(k));
    throw new CliError(
      `${testPath}, row ${row + 1}: label "${name}" is a class that does not occur in the training file ${trainPath} (its classes: ${classes.join(', ')}); a model cannot learn a class it is never shown`,
    );
  }
}

async function loadCsv(
  path: string,
  options: DataOptions,
  seed: number,
  wholeFileAsTest: boolean,
): Promise<DataSplit> {
  if (options.label === undefined) {
    throw new UsageError(
      `--data ${path} is a CSV file: --label COLUMN is required (a header name or a 0-based column index)`,
    );
  }
  const dataset = await readCsv(path, options);
  if (!wholeFileAsTest && dataset.classCount < 2) {
    throw new CliError(singleClassMessage(`${path} (label column "${options.label}")`));
  }
  if (options.test !== undefined) {
    const test = await readCsv(options.test, options);
    if (test.featureCount !== dataset.featureCount) {
      throw new CliError(
        `${options.test} has ${test.featureCount} feature columns, ${path} has ${dataset.featureCount}; they must agree`,
      );
    }
    // Same count, other names or order: the model would read one column as another.
    const column = dataset.featureNames?.findIndex((name, j) => test.featureNames?.[j] !== name);
    if (test.featureNames && column !== undefined && column >= 0) {
      throw new CliError(
        `${options.test}: feature column ${column + 1} is "${test.featureNames[column]}" where ${path} has "${dataset.featureNames?.[column]}"; the headers must name the same columns in the same order`,
      );
    }
    const aligned = alignClasses(
      test,
      { classNames: dataset.classNames, classCount: dataset.classCount, origin: path },
      options.test,
    );
    if (!wholeFileAsTest) checkTestClasses(dataset, aligned, path, options.test);
    return { train: { ...dataset, classCount: aligned.classCount }, test: aligned };
  }
  if (wholeFileAsTest && options.testSplit === undefined) return { train: dataset, test: dataset };
  try {
    return trainTestSplit(dataset, {
      testFraction: options.testSplit ?? 0.2,
      seed,
      stratified: true,
    });
  } catch (error) {
    // The library names its option testFraction; the user gave --test-split (or its default).
    const flag = options.testSplit === undefined ? 'the default --test-split' : '--test-split';
    throw new CliError(`${path}: ${errorMessage(error).replace(/"?testFraction"?/, flag)}`);
  }
}

/** The classes a CSV file's labels are mapped onto: the training file's or a saved model's. */
export interface ClassReference {
  /** Class names, label order; absent when the labels are class indices. */
  classNames?: readonly string[];
  /** Number of classes. */
  classCount: number;
  /** Where they come from, for messages: a path. */
  origin: string;
}

/**
 * A CSV file parsed on its own numbers its classes by itself (sorted names, or integer labels
 * as indices): re-index its labels by the reference's class names so both agree, and refuse
 * to pair class names with class indices (mapping "cat" to 0 would be silently wrong).
 * Integer labels of a file are read as names when the reference has names ("-1", "1").
 */
export function alignClasses(data: Dataset, reference: ClassReference, path: string): Dataset {
  if (!reference.classNames) {
    if (data.classNames) {
      throw new CliError(
        `${path} has class names as labels (${data.classNames.slice(0, 5).join(', ')}${data.classNames.length > 5 ? ', …' : ''}) but ${reference.origin} has class indices; use the same kind of label in both`,
      );
    }
    return { ...data, classCount: Math.max(reference.classCount, data.classCount) };
  }
  const index = new Map(reference.classNames.map((name, position) => [name, position]));
  const labels = new Int32Array(data.count);
  for (let row = 0; row < data.count; row++) {
    const label = data.labels[row];
    const name = data.classNames ? data.classNames[label] : String(label);
    const position = index.get(name);
    if (position === undefined) {
      throw new CliError(
        `${path}, row ${row + 1}: class "${name}" does not occur in ${reference.origin} (classes: ${reference.classNames.join(', ')})`,
      );
    }
    labels[row] = position;
  }
  return {
    ...data,
    labels,
    classCount: reference.classCount,
    classNames: reference.classNames,
  };
}

/**
 * CSV columns have no known range, so features are standardised (zero mean, unit variance per
 * column, fitted on the training part only so the test set does not leak into it).
 */
function fitCsvScaling(train: Dataset): CsvScaling {
  const scaler = fitScaler(train, 'standard');
  return {
    scaling: 'standard',
    offset: Array.from(scaler.offset),
    factor: Array.from(scaler.factor),
  };
}

/** Applies x' = (x − offset) · factor per feature to a copy of the data set. */
export function applyScaling(dataset: Dataset, scaling: CsvScaling): Dataset {
  const features = new Float32Array(dataset.features.length);
  const width = dataset.featureCount;
  for (let index = 0; index < features.length; index++) {
    const column = index % width;
    features[index] = (dataset.features[index] - scaling.offset[column]) * scaling.factor[column];
  }
  return { ...dataset, features };
}

function isCsvPath(source: string): boolean {
  return /\.(csv|txt)$/i.test(source);
}

/**
 * Data flags that contradict each other or the source, as usage errors before any file is
 * read.
 */
function checkDataFlags(options: DataOptions): void {
  const csvOnly = (['label', 'test', 'testSplit', 'header', 'delimiter'] as const).filter(
    (key) => options[key] !== undefined,
  );
  if (!isCsvPath(options.data) && csvOnly.length > 0) {
    const flags = csvOnly.map((key) => (key === 'testSplit' ? '--test-split' : `--${key}`));
    throw new UsageError(
      `${flags.join(', ')} only ${flags.length === 1 ? 'applies' : 'apply'} to --data FILE.csv (got --data ${options.data})`,
    );
  }
  if (options.test !== undefined && options.testSplit !== undefined) {
    throw new UsageError(
      `--test ${options.test} and --test-split ${options.testSplit} exclude each other: give one of them`,
    );
  }
  if (options.label !== undefined && options.header === 'no' && !/^\d+$/.test(options.label)) {
    throw new UsageError(
      `--label ${options.label} is a column name, but --header no says the file has no header: give the label column's 0-based index`,
    );
  }
}

/**
 * Resolves the data options to a split.
 *
 * @param options - `--data`, `--label`, `--test`, `--test-split`, `--header`, `--delimiter`.
 * @param env - for `DUALPHI_DATA`.
 * @param seed - seeds the CSV test split.
 * @param purpose - `'evaluate'`: a CSV file without `--test`/`--test-split` is evaluated whole.
 * @param givenScaling - for CSV data: apply this standardisation (from a trained model's
 *   directory) instead of fitting one on the training part; required for `'evaluate'`.
 * @throws UsageError for flags that do not fit the source; CliError for missing or malformed data.
 */
export async function resolveData(
  options: DataOptions,
  env: NodeJS.ProcessEnv,
  seed: number,
  purpose: 'train' | 'evaluate' = 'train',
  givenScaling?: CsvScaling,
): Promise<ResolvedData> {
  const source = options.data;
  checkDataFlags(options);
  if (source === 'digits') {
    return { split: loadDigits(), name: 'digits', origin: 'embedded UCI digits' };
  }
  if (source === 'fashion-mnist') return loadFashionMnist(env);
  const path = resolve(source);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new CliError(
      `--data ${source}: no such file or directory (allowed: digits, fashion-mnist, a directory of IDX files, or a CSV file)`,
    );
  }
  if (info.isDirectory()) {
    return {
      split: await loadIdxDirectory(path, source, purpose),
      name: source,
      origin: path,
    };
  }
  if (!isCsvPath(source)) {
    throw new UsageError(
      `--data ${source}: a file must be a CSV file ending in .csv or .txt (or a directory of IDX files)`,
    );
  }
  if (purpose === 'evaluate' && givenScaling === undefined) {
    // Fitting on the evaluation rows would score the model on features it never saw.
    throw new CliError(
      `--data ${source}: evaluating on a CSV file needs the standardisation the model was trained with (its scaling.json)`,
    );
  }
  const raw = await loadCsv(path, options, seed, purpose === 'evaluate');
  const scaling = givenScaling ?? fitCsvScaling(raw.train);
  if (scaling.offset.length !== raw.train.featureCount) {
    throw new CliError(
      `--data ${source} has ${raw.train.featureCount} feature columns; the model's scaling.json has ${scaling.offset.length}`,
    );
  }
  const split = { train: applyScaling(raw.train, scaling), test: applyScaling(raw.test, scaling) };
  return { split, name: source, origin: path, scaling };
}
