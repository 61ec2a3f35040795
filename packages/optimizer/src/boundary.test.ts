/**
 * The public functions refuse options and arguments of the wrong type at once, with a
 * TypeError naming the function and the option: a string where an object or a number is
 * expected, an object where a function is, null where an options object is. Each row below
 * used to crash deep inside ("optimizer.toConfig is not a function", "Cannot read properties
 * of null"), or to pass silently by coercion (a tolerance of 'x' accepted every row, a
 * labelSmoothing of '0.1' was used as 0.1, hidden: null meant the default).
 */
import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { describe, expect, it } from 'vitest';
import { crc32 } from './checkpoints/crc32.js';
import { encodeModel } from './checkpoints/model.js';
import { isGzip } from './data/bytes.js';
import { loadDigits } from './data/digits.js';
import { idxDataset } from './data/idx.js';
import { fitScaler, scaleDataset, scaleSplit } from './data/scaling.js';
import { subset, trainTestSplit } from './data/split.js';
import { resolveKernels } from './kernels.js';
import { crossEntropy, entropy, klDivergence } from './losses/information.js';
import { smoothLabels, smoothProbabilities } from './losses/smoothing.js';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy.js';
import { fromNats } from './losses/units.js';
import { glorotUniform } from './network/init.js';
import { parameterLayout } from './network/layout.js';
import { createMlp, validateNetworkConfig } from './network/mlp.js';
import { Random } from './network/random.js';
import { dualProcess } from './optimizers/dual-process.js';
import {
  disposeOptimizerState,
  restoreOptimizerState,
  serializeOptimizerState,
} from './optimizers/state.js';
import { processBalance } from './optimizers/telemetry.js';
import { evaluate } from './training/evaluate.js';
import { blobSplit } from './training/synthetic.test-helpers.js';
import { train } from './training/train.js';

const kernels = createReferenceKernels();
const data = blobSplit(60, 20, 4, 3, 5);
const dataset = data.train;
const network = { inputSize: 4, hidden: [3], outputSize: 3, activation: 'relu' as const };
const model = createMlp({ ...network, kernels });
const trainBase = { data, kernels, hidden: [4], epochs: 1 };
const lossOptions = { classes: 2, kernels };

/** The error a call throws or its promise rejects with (undefined when it succeeds). */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

const cases: [string, () => unknown, string | RegExp][] = [
  // train
  [
    "train({ optimizer: 'adam' })",
    () => train({ ...trainBase, optimizer: 'adam' as never }),
    /train: "optimizer" must be an optimizer such as dualProcess\(\), .*, got "adam" \(a name; call the factory to make the optimizer\)/,
  ],
  [
    'train({ optimizer: {} })',
    () => train({ ...trainBase, optimizer: {} as never }),
    /train: "optimizer" must be an optimizer .* \(it has no init\(\) method\)/,
  ],
  [
    'train({ optimizer: null })',
    () => train({ ...trainBase, optimizer: null as never }),
    /train: "optimizer" must be an optimizer .*, got null/,
  ],
  [
    "train({ epochs: '1' })",
    () => train({ ...trainBase, epochs: '1' as never }),
    'train: "epochs" must be a number, got "1"',
  ],
  [
    "train({ batchSize: '16' })",
    () => train({ ...trainBase, batchSize: '16' as never }),
    'train: "batchSize" must be a number, got "16"',
  ],
  [
    "train({ seed: '1' })",
    () => train({ ...trainBase, seed: '1' as never }),
    'train: "seed" must be a number, got "1"',
  ],
  [
    "train({ labelSmoothing: '0.1' })",
    () => train({ ...trainBase, labelSmoothing: '0.1' as never }),
    'train: "labelSmoothing" must be a number, got "0.1"',
  ],
  [
    'train({ yieldEvery: null })',
    () => train({ ...trainBase, yieldEvery: null as never }),
    'train: "yieldEvery" must be a number, got null',
  ],
  [
    'train({ activation: 1 })',
    () => train({ ...trainBase, activation: 1 as never }),
    `train: "activation" must be 'relu' or 'tanh', got 1`,
  ],
  [
    "train({ hidden: '16' })",
    () => train({ ...trainBase, hidden: '16' as never }),
    'train: "hidden" must be an array of layer sizes such as [128] ([] for none), got "16"',
  ],
  [
    'train({ hidden: null })',
    () => train({ ...trainBase, hidden: null as never }),
    'train: "hidden" must be an array of layer sizes such as [128] ([] for none), got null',
  ],
  [
    "train({ hidden: ['8'] })",
    () => train({ ...trainBase, hidden: ['8'] as never }),
    'train: "hidden[0]" must be a positive integer, got "8"',
  ],
  [
    "train({ resume: 'run/checkpoint.dualphi' })",
    () => train({ ...trainBase, resume: 'run/checkpoint.dualphi' as never }),
    /train: "resume" must be a checkpoint \(from result\.checkpoint\(\) or decodeCheckpoint\(\)\), got "run/,
  ],
  // trainTestSplit, subset
  [
    "trainTestSplit(dataset, 'stratified')",
    () => trainTestSplit(dataset, 'stratified' as never),
    'trainTestSplit: the options must be an object, got "stratified"',
  ],
  [
    'trainTestSplit(dataset, null)',
    () => trainTestSplit(dataset, null as never),
    'trainTestSplit: the options must be an object, got null',
  ],
  [
    "trainTestSplit(dataset, { testFraction: '0.2' })",
    () => trainTestSplit(dataset, { testFraction: '0.2' as never }),
    'trainTestSplit: "testFraction" must be a number, got "0.2"',
  ],
  [
    "trainTestSplit(dataset, { seed: '1' })",
    () => trainTestSplit(dataset, { seed: '1' as never }),
    'trainTestSplit: "seed" must be a number, got "1"',
  ],
  [
    "trainTestSplit(dataset, { stratified: 'no' })",
    () => trainTestSplit(dataset, { stratified: 'no' as never }),
    'trainTestSplit: "stratified" must be a boolean, got "no"',
  ],
  [
    "trainTestSplit('digits')",
    () => trainTestSplit('digits' as never),
    'trainTestSplit: "dataset" must be a Dataset, got "digits"',
  ],
  [
    'subset(null, [1])',
    () => subset(null as never, [1]),
    'subset: "dataset" must be a Dataset, got null',
  ],
  [
    "subset(dataset, '12')",
    () => subset(dataset, '12' as never),
    'subset: "indices" must be an array or typed array of row indices, got "12"',
  ],
  [
    'subset(dataset, [1], 5)',
    () => subset(dataset, [1], 5 as never),
    'subset: "name" must be a string, got 5',
  ],
  // loaders and scaling
  [
    'loadDigits(null)',
    () => loadDigits(null as never),
    'loadDigits: the options must be an object, got null',
  ],
  [
    "loadDigits('unit')",
    () => loadDigits('unit' as never),
    'loadDigits: the options must be an object, got "unit"',
  ],
  [
    "idxDataset(images, labels, 'mnist')",
    () => idxDataset(new Uint8Array(0), new Uint8Array(0), 'mnist' as never),
    'idxDataset: the options must be an object, got "mnist"',
  ],
  [
    "idxDataset(images, labels, { classCount: '10' })",
    () => idxDataset(new Uint8Array(0), new Uint8Array(0), { classCount: '10' as never }),
    'idxDataset: "classCount" must be an integer in [2, 256], got "10"',
  ],
  [
    "idxDataset(images, labels, { classNames: 'abc' })",
    () => idxDataset(new Uint8Array(0), new Uint8Array(0), { classNames: 'abc' as never }),
    'idxDataset: "classNames" must be an array of strings, got "abc"',
  ],
  [
    "fitScaler(null, 'unit')",
    () => fitScaler(null as never, 'unit'),
    'fitScaler: "train" must be a Dataset, got null',
  ],
  [
    "fitScaler(dataset, 'default', '16')",
    () => fitScaler(dataset, 'default', '16' as never),
    'fitScaler: "defaultDivisor" must be a number, got "16"',
  ],
  [
    'scaler.apply(null)',
    () => fitScaler(dataset, 'unit').apply(null as never),
    'scaler.apply: "dataset" must be a Dataset, got null',
  ],
  [
    "scaleDataset(null, 'unit')",
    () => scaleDataset(null as never, 'unit'),
    'fitScaler: "train" must be a Dataset, got null',
  ],
  [
    "scaleSplit(null, 'unit')",
    () => scaleSplit(null as never, 'unit'),
    'scaleSplit: "split" must be a DataSplit { train, test }, got null',
  ],
  [
    "scaleSplit({ train }, 'unit')",
    () => scaleSplit({ train: dataset } as never, 'unit'),
    'scaleSplit: "split.test" must be a Dataset, got undefined',
  ],
  [
    "isGzip('abc')",
    () => isGzip('abc' as never),
    'isGzip: expected a Uint8Array of file bytes, got string',
  ],
  // evaluate, network
  [
    'evaluate(null, dataset)',
    () => evaluate(null as never, dataset),
    'evaluate: "model" must be a network from createMlp(), train() or decodeModel(), got null',
  ],
  [
    "evaluate(model, dataset, 'fast')",
    () => evaluate(model, dataset, 'fast' as never),
    'evaluate: the options must be an object, got "fast"',
  ],
  [
    "evaluate(model, dataset, { labelSmoothing: '0.1' })",
    () => evaluate(model, dataset, { labelSmoothing: '0.1' as never }),
    'evaluate: "labelSmoothing" must be a number in [0, 1), got "0.1"',
  ],
  [
    "evaluate(model, dataset, { batchSize: '8' })",
    () => evaluate(model, dataset, { batchSize: '8' as never }),
    'evaluate: "batchSize" must be a positive integer, got "8"',
  ],
  [
    'createMlp(null)',
    () => createMlp(null as never),
    /network: the configuration must be an object \{ inputSize, hidden, outputSize, activation \}, got null/,
  ],
  [
    'createMlp without kernels',
    () => createMlp(network as never),
    'createMlp: "kernels" must be a kernel set from loadKernels() or createReferenceKernels(), got undefined',
  ],
  [
    "createMlp({ hidden: '8' })",
    () => createMlp({ ...network, hidden: '8' as never, kernels }),
    'network: "hidden" must be an array of layer sizes, got "8"',
  ],
  [
    'validateNetworkConfig(null)',
    () => validateNetworkConfig(null as never),
    'network: the configuration must be an object',
  ],
  [
    'parameterLayout(null)',
    () => parameterLayout(null as never),
    'network: the configuration must be an object',
  ],
  // checkpoints
  [
    'encodeModel(null)',
    () => encodeModel(null as never),
    'encodeModel: "model" must be a network from createMlp(), train() or decodeModel(), got null',
  ],
  [
    "encodeModel(model, 'names')",
    () => encodeModel(model, 'names' as never),
    'encodeModel: the options must be an object, got "names"',
  ],
  [
    "encodeModel(model, { classNames: 'abc' })",
    () => encodeModel(model, { classNames: 'abc' as never }),
    'encodeModel: "classNames" must be an array of strings, got "abc"',
  ],
  ["crc32('abc')", () => crc32('abc' as never), 'crc32: expected a Uint8Array, got string'],
  // losses
  [
    "entropy(p, 'bits')",
    () => entropy([0.5, 0.5], 'bits' as never),
    'entropy: the options must be an object, got "bits"',
  ],
  [
    'entropy(p)',
    () => entropy([0.5, 0.5], undefined as never),
    'entropy: the options { classes, … } are required',
  ],
  [
    "entropy(p, { classes: '2' })",
    () => entropy([0.5, 0.5], { classes: '2' as never }),
    'entropy: "classes" must be an integer ≥ 1, got "2"',
  ],
  [
    "entropy(p, { tolerance: 'x' })",
    () => entropy([0.5, 0.4], { ...lossOptions, tolerance: 'x' as never }),
    'entropy: "tolerance" must be a number ≥ 0, got "x"',
  ],
  [
    "entropy(p, { kernels: 'wasm' })",
    () => entropy([0.5, 0.5], { classes: 2, kernels: 'wasm' as never }),
    'entropy: "kernels" must be a kernel set from loadKernels() or createReferenceKernels()',
  ],
  [
    'crossEntropy(p, null)',
    () => crossEntropy([0.5, 0.5], null as never, lossOptions),
    'crossEntropy: "q" must be an array of numbers',
  ],
  [
    'klDivergence(p, q, null)',
    () => klDivergence([0.5, 0.5], [0.5, 0.5], null as never),
    'klDivergence: the options must be an object, got null',
  ],
  [
    'softmaxCrossEntropy(logits, targets, null)',
    () => softmaxCrossEntropy([1, 2], { labels: [0] }, null as never),
    'softmaxCrossEntropy: the options must be an object, got null',
  ],
  [
    "softmaxCrossEntropy(logits, 'labels', options)",
    () => softmaxCrossEntropy([1, 2], 'labels' as never, lossOptions),
    'softmaxCrossEntropy: "targets" must be { labels } or { probabilities }, got string',
  ],
  [
    "softmaxCrossEntropy(…, { tolerance: 'x' })",
    () =>
      softmaxCrossEntropy(
        [1, 2],
        { probabilities: [0.5, 0.4] },
        { ...lossOptions, tolerance: 'x' as never },
      ),
    'softmaxCrossEntropy: "tolerance" must be a number ≥ 0, got "x"',
  ],
  [
    'softmaxCrossEntropy(…, { unit: 1 })',
    () => softmaxCrossEntropy([1, 2], { labels: [0] }, { ...lossOptions, unit: 1 as never }),
    `softmaxCrossEntropy: "unit" must be 'nats' or 'bits', got 1`,
  ],
  ["fromNats('1')", () => fromNats('1' as never), 'fromNats: "value" must be a number, got "1"'],
  // kernels and optimizer state
  [
    "resolveKernels('wasm')",
    () => resolveKernels('wasm' as never),
    'resolveKernels: "kernels" must be a kernel set',
  ],
  [
    'serializeOptimizerState(null)',
    () => serializeOptimizerState(null as never),
    'serializeOptimizerState: "state" must be an optimizer state from optimizer.init()',
  ],
  [
    'disposeOptimizerState({})',
    () => disposeOptimizerState({} as never),
    'disposeOptimizerState: "state" must be an optimizer state',
  ],
  [
    'processBalance(null)',
    () => processBalance(null as never),
    'processBalance: "terms" must be { gradientNormSquared, momentumNormSquared, dot }',
  ],
  [
    'glorotUniform(null, 2, 2)',
    () => glorotUniform(null as never, 2, 2),
    'glorotUniform: "random" must be a Random (Random.fromSeed(seed))',
  ],
  [
    "glorotUniform(random, '2', 2)",
    () => glorotUniform(Random.fromSeed(1), '2' as never, 2),
    'glorotUniform: "fanIn" must be a number, got "2"',
  ],
  [
    "smoothLabels([0], 2, '0.1')",
    () => smoothLabels([0], 2, '0.1' as never),
    'smoothLabels: "labelSmoothing" must be a number in [0, 1), got "0.1"',
  ],
  [
    'restoreOptimizerState(null, state)',
    () => restoreOptimizerState(null as never, { step: 0, slots: {} }),
    'restoreOptimizerState: "kernels" must be a kernel set',
  ],
];

describe('public functions refuse options of the wrong type with a TypeError naming the option', () => {
  it.each(cases)('%s', async (_, call, message) => {
    const error = await failure(call);
    expect(error).toBeInstanceOf(TypeError);
    if (typeof message === 'string') expect((error as Error).message).toContain(message);
    else expect((error as Error).message).toMatch(message);
  });

  it('still accepts the documented forms (undefined options, typed arrays, empty hidden layers)', async () => {
    expect(trainTestSplit(dataset).test.count).toBeGreaterThan(0);
    expect(subset(dataset, Uint32Array.of(0, 2)).count).toBe(2);
    expect(loadDigits().train.count).toBe(1438);
    expect(evaluate(model, dataset).accuracy).toBeGreaterThanOrEqual(0);
    const result = await train({ ...trainBase, hidden: [], optimizer: dualProcess() });
    expect(result.epochs).toHaveLength(1);
    result.model.dispose();
    await expect(resolveKernels(kernels)).resolves.toBe(kernels);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('unknown option names are a RangeError naming them (they were ignored without a word)', () => {
  it.each([
    [
      'loadDigits({ testFraction: 0.3 })',
      () => loadDigits({ testFraction: 0.3 } as never),
      'loadDigits: "testFraction" is not an option (allowed: scaling); the split is fixed (DIGITS_SPLIT): for another, use trainTestSplit(loadDigitsDataset(), options)',
    ],
    [
      'trainTestSplit(dataset, { fraction: 0.3 })',
      () => trainTestSplit(dataset, { fraction: 0.3 } as never),
      'trainTestSplit: "fraction" is not an option (allowed: testFraction, seed, stratified)',
    ],
    [
      'idxDataset(images, labels, { classes: 10 })',
      () => idxDataset(new Uint8Array(0), new Uint8Array(0), { classes: 10 } as never),
      'idxDataset: "classes" is not an option (allowed: classCount, classNames, scaling, name)',
    ],
    [
      'evaluate(model, dataset, { smoothing: 0.1 })',
      () => evaluate(model, dataset, { smoothing: 0.1 } as never),
      'evaluate: "smoothing" is not an option (allowed: batchSize, labelSmoothing)',
    ],
    [
      'entropy(p, { classes: 2, labelSmoothing: 0.1 })',
      () => entropy([0.5, 0.5], { ...lossOptions, labelSmoothing: 0.1 } as never),
      'entropy: "labelSmoothing" is not an option (allowed: classes, unit, tolerance, kernels)',
    ],
  ])('%s', async (_, call, message) => {
    const error = await failure(call);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toContain(message);
  });
});

describe('smoothing refuses what would land in the wrong row', () => {
  it('a label of `classes` or more, or probabilities that are not rows × classes', () => {
    // Label 3 of 3 classes used to add 1 − ε to the first entry of the next row.
    expect(() => smoothLabels([0, 3, 1], 3, 0.1)).toThrow(
      'smoothLabels: label of row 1 is 3; labels must be integers in [0, 3)',
    );
    expect(() => smoothProbabilities(null as never, 2, 0.1)).toThrow(
      'smoothProbabilities: "probabilities" must be an array of numbers',
    );
    expect(() => smoothProbabilities([0.5, 0.5, 1], 2, 0.1)).toThrow(
      'not a positive multiple of classes = 2',
    );
    expect(Array.from(smoothLabels([1], 2, 0.2))).toEqual([Math.fround(0.1), Math.fround(0.9)]);
  });
});

describe('trainTestSplit refuses a malformed data set before splitting it', () => {
  it('names a label outside [0, classCount) (it used to throw "Cannot read properties of undefined")', () => {
    const labels = dataset.labels.slice();
    labels[7] = 3;
    const call = () => trainTestSplit({ ...dataset, labels });
    expect(call).toThrow(RangeError);
    expect(call).toThrow('trainTestSplit: dataset.labels[7] is 3, not a class index in [0, 3)');
    labels[7] = -1;
    expect(() => trainTestSplit({ ...dataset, labels }, { stratified: false })).toThrow(
      'trainTestSplit: dataset.labels[7] is -1',
    );
  });

  it('names lengths that disagree with count', () => {
    expect(() => trainTestSplit({ ...dataset, count: 61 })).toThrow(
      'trainTestSplit: dataset.features has 240 values, but count × featureCount = 61 × 4 = 244',
    );
  });

  it('still splits a data set of one class (only training needs two)', () => {
    const one = { ...dataset, labels: new Int32Array(dataset.count), classCount: 1 };
    expect(trainTestSplit(one).test.count).toBe(12);
  });
});
