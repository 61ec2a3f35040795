/** Validation of training inputs: clear errors before any kernel runs. */
import type { Checkpoint } from '../checkpoints/types.js';
import { type Dataset, MAX_CLASS_COUNT } from '../data/types.js';
import type { Mlp } from '../network/types.js';
import type { Optimizer } from '../optimizers/types.js';
import { checkKnownOptions, checkOptionType, optionsObject } from '../validate.js';
import type { EvaluateOptions } from './evaluate.js';
import type { Activation, TrainOptions } from './types.js';
import { checkValidationSplit } from './validation.js';

/** Training settings after defaults and validation. */
export interface TrainSettings {
  /** Hidden layer sizes. */
  hidden: number[];
  /** Hidden activation. */
  activation: Activation;
  /** Total epochs. */
  epochs: number;
  /** Mini-batch size. */
  batchSize: number;
  /** Seed of initialisation and shuffling. */
  seed: number;
  /** Label smoothing ε. */
  labelSmoothing: number;
  /** Batches between yields to the event loop. */
  yieldEvery: number;
  /** Fraction of the training data held out for validation (0 = none). */
  validationSplit: number;
}

const describe = (value: unknown): string =>
  typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`train: "${name}" must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/**
 * Checks a data set's shape and contents: lengths agree with `count` and `featureCount`,
 * every label is a class index, every feature is finite. Errors name the data set, the field
 * and the first offending position.
 *
 * @param minClasses - The fewest classes allowed: 2 for training and evaluation (a classifier
 *   needs two), 1 where a single class is still data (splitting, subsetting).
 */
export function validateDataset(dataset: Dataset, name: string, minClasses = 2): void {
  if (dataset === null || typeof dataset !== 'object') {
    throw new TypeError(`${name} must be a Dataset, got ${describe(dataset)}`);
  }
  const { features, labels, count, featureCount, classCount } = dataset;
  for (const [field, value] of [
    ['count', count],
    ['featureCount', featureCount],
    ['classCount', classCount],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`${name}.${field} must be a positive integer, got ${describe(value)}`);
    }
  }
  if (classCount < minClasses || classCount > MAX_CLASS_COUNT) {
    throw new RangeError(
      `${name}.classCount must be in [${minClasses}, ${MAX_CLASS_COUNT}], got ${classCount}${classCount < 2 ? ' (a classifier needs at least two classes)' : ''}`,
    );
  }
  if (!(features instanceof Float32Array)) {
    throw new TypeError(`${name}.features must be a Float32Array`);
  }
  if (!(labels instanceof Int32Array)) {
    throw new TypeError(`${name}.labels must be an Int32Array`);
  }
  if (features.length !== count * featureCount) {
    throw new RangeError(
      `${name}.features has ${features.length} values, but count × featureCount = ${count} × ${featureCount} = ${count * featureCount}`,
    );
  }
  if (labels.length !== count) {
    throw new RangeError(`${name}.labels has ${labels.length} entries, but count is ${count}`);
  }
  for (let i = 0; i < count; i++) {
    const label = labels[i];
    if (label < 0 || label >= classCount) {
      throw new RangeError(
        `${name}.labels[${i}] is ${label}, not a class index in [0, ${classCount})`,
      );
    }
  }
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i])) {
      const row = Math.floor(i / featureCount);
      throw new RangeError(
        `${name}.features: row ${row}, feature ${i - row * featureCount} is ${features[i]} (features must be finite)`,
      );
    }
  }
}

/** The keys of {@link TrainOptions}: any other key is a misspelling or a misplaced setting. */
const trainOptionNames: readonly (keyof TrainOptions)[] = [
  'data',
  'hidden',
  'activation',
  'optimizer',
  'epochs',
  'batchSize',
  'seed',
  'labelSmoothing',
  'kernels',
  'threads',
  'build',
  'signal',
  'onBatch',
  'onEpoch',
  'resume',
  'yieldEvery',
  'validationSplit',
];

/**
 * Checks the keys of the options and the types of the hooks: an unknown key (say
 * `learningRate`, which belongs to the optimizer) would otherwise be ignored without a word, and
 * a hook that is not a function would fail only after the first batch or epoch.
 */
export function validateTrainOptionTypes(options: TrainOptions): void {
  for (const key of Object.keys(options)) {
    if (!(trainOptionNames as readonly string[]).includes(key)) {
      throw new RangeError(
        `train: "${key}" is not an option of train (allowed: ${trainOptionNames.join(', ')}); learning rates and momentum are options of the optimizer`,
      );
    }
  }
  for (const hook of ['onBatch', 'onEpoch'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') {
      throw new TypeError(`train: "${hook}" must be a function, got ${describe(options[hook])}`);
    }
  }
  // Numbers given as strings ('10' from a form or a command line) are a type error here,
  // before the range checks of resolveTrainSettings; null is no default.
  for (const option of ['epochs', 'batchSize', 'seed', 'labelSmoothing', 'yieldEvery'] as const) {
    checkOptionType('train', option, options[option], 'number');
  }
  checkOptionType('train', 'activation', options.activation, 'string', "'relu' or 'tanh'");
  const { hidden } = options;
  if (hidden !== undefined && !Array.isArray(hidden)) {
    throw new TypeError(
      `train: "hidden" must be an array of layer sizes such as [128] ([] for none), got ${describe(hidden)}`,
    );
  }
  hidden?.forEach((size, i) => {
    checkOptionType('train', `hidden[${i}]`, size, 'number', 'a positive integer');
  });
  if (
    options.resume !== undefined &&
    (options.resume === null || typeof options.resume !== 'object')
  ) {
    throw new TypeError(
      `train: "resume" must be a checkpoint (from result.checkpoint() or decodeCheckpoint()), got ${describe(options.resume)}`,
    );
  }
  checkOptimizer(options.optimizer);
  const { signal, kernels } = options;
  if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean')) {
    throw new TypeError(`train: "signal" must be an AbortSignal, got ${describe(signal)}`);
  }
  if (kernels !== undefined && (kernels === null || typeof kernels.allocFrom !== 'function')) {
    throw new TypeError(
      'train: "kernels" must be a kernel set from loadKernels() or createReferenceKernels()',
    );
  }
}

/** The methods `train()` calls on its optimizer. */
const optimizerMethods = ['init', 'update', 'toConfig'] as const;

/**
 * Checks that the `optimizer` option is an optimizer of this package (or one with the same
 * interface): `train({ optimizer: 'adam' })` used to fail with "optimizer.toConfig is not a
 * function". Absent means the default; `null` is refused like any other non-optimizer.
 */
function checkOptimizer(optimizer: unknown): void {
  if (optimizer === undefined) return;
  const candidate = optimizer as Partial<Record<string, unknown>> | null;
  const missing =
    candidate === null || typeof candidate !== 'object'
      ? undefined
      : optimizerMethods.find((method) => typeof candidate[method] !== 'function');
  if (candidate === null || typeof candidate !== 'object' || missing !== undefined) {
    throw new TypeError(
      `train: "optimizer" must be an optimizer such as dualProcess(), sgd({ learningRate }), momentum(…), adam() or adamw()${missing ? ` (it has no ${missing}() method)` : ''}, got ${describe(optimizer)}${typeof optimizer === 'string' ? ' (a name; call the factory to make the optimizer)' : ''}`,
    );
  }
}

/**
 * Checks that the optimizer a resumed run continues with is the checkpoint's: the same name
 * and the same hyper-parameters, every key of `toConfig()` (`dualProcess()` resuming a
 * `dualProcess({ rounded: true })` run would otherwise continue with other constants and
 * break the bit-identical continuation).
 *
 * @throws RangeError naming each differing hyper-parameter with both values.
 */
export function checkResumeOptimizer(optimizer: Optimizer, resume: Checkpoint): void {
  const saved = resume.config.optimizer;
  if (optimizer.name !== saved.name) {
    throw new RangeError(
      `train: the checkpoint was trained with ${saved.name}, not ${optimizer.name}`,
    );
  }
  const given = optimizer.toConfig().hyperParameters;
  const keys = [...new Set([...Object.keys(saved.hyperParameters), ...Object.keys(given)])];
  const differences = keys
    .filter((key) => !Object.is(given[key], saved.hyperParameters[key]))
    .map(
      (key) =>
        `"${key}" is ${describe(given[key])} but the checkpoint has ${describe(saved.hyperParameters[key])}`,
    );
  if (differences.length > 0) {
    throw new RangeError(
      `train: the optimizer's hyper-parameters differ from the checkpoint's ${saved.name}: ${differences.join('; ')}. Leave "optimizer" out to continue with the checkpoint's`,
    );
  }
}

/** Checks that the training and test sets fit together. */
export function validateDataSplit(data: TrainOptions['data']): void {
  if (data === null || typeof data !== 'object') {
    throw new TypeError('train: "data" must be a DataSplit { train, test }');
  }
  validateDataset(data.train, 'data.train');
  validateDataset(data.test, 'data.test');
  if (data.train.featureCount !== data.test.featureCount) {
    throw new RangeError(
      `train: data.train has ${data.train.featureCount} features, data.test ${data.test.featureCount}`,
    );
  }
  if (data.train.classCount !== data.test.classCount) {
    throw new RangeError(
      `train: data.train has ${data.train.classCount} classes, data.test ${data.test.classCount}`,
    );
  }
}

/**
 * Applies defaults to the numeric options and validates them; when resuming, the settings
 * come from the checkpoint and an option that disagrees with it is an error.
 */
export function resolveTrainSettings(options: TrainOptions, resume?: Checkpoint): TrainSettings {
  const fromCheckpoint = resume?.config;
  const pick = <T>(
    name: keyof TrainOptions,
    given: T | undefined,
    saved: T | undefined,
    fallback: T,
  ): T => {
    if (saved === undefined) return given ?? fallback;
    if (given !== undefined && JSON.stringify(given) !== JSON.stringify(saved)) {
      throw new RangeError(
        `train: "${name}" is ${describe(given)} but the checkpoint was trained with ${describe(saved)}; leave it out when resuming`,
      );
    }
    return saved;
  };
  const hidden = pick(
    'hidden',
    options.hidden ? [...options.hidden] : undefined,
    fromCheckpoint?.network.hidden,
    [128],
  );
  if (!Array.isArray(hidden))
    throw new RangeError('train: "hidden" must be an array of layer sizes');
  hidden.forEach((size, i) => {
    positiveInteger(`hidden[${i}]`, size);
  });
  const activation = pick(
    'activation',
    options.activation,
    fromCheckpoint?.network.activation,
    'relu',
  );
  if (activation !== 'relu' && activation !== 'tanh') {
    throw new RangeError(
      `train: "activation" must be 'relu' or 'tanh', got ${describe(activation)}`,
    );
  }
  const batchSize = positiveInteger(
    'batchSize',
    pick('batchSize', options.batchSize, fromCheckpoint?.batchSize, 32),
  );
  const seed = pick('seed', options.seed, fromCheckpoint?.seed, 0);
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`train: "seed" must be a non-negative integer, got ${describe(seed)}`);
  }
  const labelSmoothing = pick(
    'labelSmoothing',
    options.labelSmoothing,
    fromCheckpoint?.labelSmoothing,
    0,
  );
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing < 1)) {
    throw new RangeError(
      `train: "labelSmoothing" must be in [0, 1), got ${describe(labelSmoothing)}`,
    );
  }
  // Epochs may be raised when resuming (train further), never below what is done.
  const epochs = positiveInteger('epochs', options.epochs ?? fromCheckpoint?.epochs ?? 10);
  if (resume && epochs < resume.epoch) {
    throw new RangeError(
      `train: "epochs" is ${epochs} but the checkpoint has already completed ${resume.epoch} epochs`,
    );
  }
  const yieldEvery = positiveInteger('yieldEvery', options.yieldEvery ?? 8);
  // A checkpoint without the field was trained without a validation split.
  const validationSplit = checkValidationSplit(
    pick(
      'validationSplit',
      options.validationSplit,
      resume ? (fromCheckpoint?.validationSplit ?? 0) : undefined,
      0,
    ),
  );
  return {
    hidden,
    activation,
    epochs,
    batchSize,
    seed,
    labelSmoothing,
    yieldEvery,
    validationSplit,
  };
}

/**
 * Checks the arguments of `evaluate()` for their types: a model from `createMlp`, `train` or
 * `decodeModel`, and numbers for the options (a `labelSmoothing` of `'0.1'` used to pass the
 * range check by coercion).
 *
 * @returns The options object (`{}` when absent).
 * @throws TypeError naming the argument or option; RangeError for an unknown option.
 */
export function validateEvaluateArguments(
  model: Mlp,
  options: EvaluateOptions | undefined,
): EvaluateOptions {
  const candidate = model as Partial<Mlp> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.forward !== 'function' ||
    typeof candidate.config !== 'object' ||
    typeof candidate.kernels !== 'object'
  ) {
    throw new TypeError(
      `evaluate: "model" must be a network from createMlp(), train() or decodeModel(), got ${describe(model)}`,
    );
  }
  const given = optionsObject('evaluate', options);
  checkKnownOptions('evaluate', given, ['batchSize', 'labelSmoothing']);
  checkOptionType('evaluate', 'batchSize', given.batchSize, 'number', 'a positive integer');
  checkOptionType(
    'evaluate',
    'labelSmoothing',
    given.labelSmoothing,
    'number',
    'a number in [0, 1)',
  );
  return given;
}
