/**
 * What each non-GEMM kernel (and gemm, for the reference) accepts, in one place: every
 * kernel set — the wasm wrappers and the reference — passes its arguments through these
 * functions, which validate them with the checks of `validate.ts` and return them
 * normalised (defaults filled in). The kernel sets therefore reject exactly the same
 * inputs with the same messages.
 */
import type {
  AdamOptions,
  F32Buffer,
  GemmOptions,
  HeavyBallOptions,
  Kernels,
  LionUpdateOptions,
  MomentumOptions,
  ProdigySumsOptions,
  ProdigyUpdateOptions,
  ScheduleFreeAdamWUpdateOptions,
  ScheduleFreeSgdUpdateOptions,
} from './types.js';
import {
  checkBuffer,
  checkIndices,
  elementCount,
  finiteNumber,
  optionalBoolean,
  positiveInteger,
} from './validate.js';

/** A kernel set's ownership test: true for a buffer it allocated (freed or not). */
export type Owns = (buffer: F32Buffer) => buffer is F32Buffer;

/** A named buffer argument. */
type Named = [name: string, buffer: F32Buffer];

/** `TypeError` when an output would overwrite an input that is still to be read. */
export function checkDistinct(kernel: string, first: Named, second: Named): void {
  if (first[1] === second[1]) {
    throw new TypeError(
      `${kernel}: arguments "${first[0]}" and "${second[0]}" must be different buffers`,
    );
  }
}

function checkAllDistinct(kernel: string, buffers: Named[]): void {
  for (let i = 0; i < buffers.length; i++) {
    for (let j = i + 1; j < buffers.length; j++) checkDistinct(kernel, buffers[i], buffers[j]);
  }
}

function checkOptions(kernel: string, options: unknown, needs: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${kernel}: "options" must be an object with ${needs}`);
  }
}

/**
 * Normalised arguments of `gemm`: transA, transB false, alpha 1 and beta 0 by default; the
 * bias when given, and whether ReLU follows.
 */
export type GemmArguments = Required<Omit<GemmOptions, 'bias' | 'activation'>> & {
  bias: F32Buffer | undefined;
  relu: boolean;
};

/** Validates `gemm(a, b, c, options)`: A is m×k (k×m when transA), B is k×n (n×k when transB). */
export function gemmArguments(
  owns: Owns,
  ...[a, b, c, options]: Parameters<Kernels['gemm']>
): GemmArguments {
  const kernel = 'gemm';
  checkOptions(kernel, options, 'm, n and k');
  const m = positiveInteger(kernel, 'm', options.m);
  const n = positiveInteger(kernel, 'n', options.n);
  const k = positiveInteger(kernel, 'k', options.k);
  const transA = optionalBoolean(kernel, 'transA', options.transA, false);
  const transB = optionalBoolean(kernel, 'transB', options.transB, false);
  const alpha = options.alpha === undefined ? 1 : finiteNumber(kernel, 'alpha', options.alpha);
  const beta = options.beta === undefined ? 0 : finiteNumber(kernel, 'beta', options.beta);
  checkBuffer(kernel, 'a', a, owns, elementCount(kernel, 'm·k', m, k), 'm·k');
  checkBuffer(kernel, 'b', b, owns, elementCount(kernel, 'k·n', k, n), 'k·n');
  checkBuffer(kernel, 'c', c, owns, elementCount(kernel, 'm·n', m, n), 'm·n');
  checkDistinct(kernel, ['a', a], ['c', c]);
  checkDistinct(kernel, ['b', b], ['c', c]);
  const { bias, activation } = options;
  if (bias !== undefined) {
    checkBuffer(kernel, 'bias', bias, owns, n, 'n');
    checkDistinct(kernel, ['bias', bias], ['c', c]);
  }
  if (activation !== undefined && activation !== 'none' && activation !== 'relu') {
    throw new TypeError(
      `${kernel}: "activation" must be 'none' or 'relu', got ${typeof activation === 'string' ? `'${activation}'` : String(activation)}`,
    );
  }
  return { m, n, k, transA, transB, alpha, beta, bias, relu: activation === 'relu' };
}

/** Validates `rows`, `cols` and rows·cols buffers; returns rows·cols. */
export function matrixArguments(
  kernel: string,
  owns: Owns,
  rows: number,
  cols: number,
  colsName: string,
  ...buffers: Named[]
): number {
  positiveInteger(kernel, 'rows', rows);
  positiveInteger(kernel, colsName, cols);
  const text = `rows·${colsName}`;
  const count = elementCount(kernel, text, rows, cols);
  for (const [name, buffer] of buffers) checkBuffer(kernel, name, buffer, owns, count, text);
  return count;
}

/** Validates an element-wise kernel over the first n elements of every buffer given. */
export function elementwiseArguments(
  kernel: string,
  owns: Owns,
  n: number,
  ...buffers: Named[]
): number {
  positiveInteger(kernel, 'n', n);
  for (const [name, buffer] of buffers) checkBuffer(kernel, name, buffer, owns, n, 'n');
  return n;
}

/** Validates `biasAdd(x, bias, rows, cols)`. */
export function biasAddArguments(
  owns: Owns,
  ...[x, bias, rows, cols]: Parameters<Kernels['biasAdd']>
): void {
  const kernel = 'biasAdd';
  matrixArguments(kernel, owns, rows, cols, 'cols', ['x', x]);
  checkBuffer(kernel, 'bias', bias, owns, cols, 'cols');
  checkDistinct(kernel, ['x', x], ['bias', bias]);
}

/** Validates `columnSums(x, out, rows, cols, options)`; returns `accumulate`. */
export function columnSumsArguments(
  owns: Owns,
  ...[x, out, rows, cols, options]: Parameters<Kernels['columnSums']>
): boolean {
  const kernel = 'columnSums';
  matrixArguments(kernel, owns, rows, cols, 'cols', ['x', x]);
  checkBuffer(kernel, 'out', out, owns, cols, 'cols');
  checkDistinct(kernel, ['x', x], ['out', out]);
  if (options !== undefined) checkOptions(kernel, options, 'an optional accumulate flag');
  return optionalBoolean(kernel, 'accumulate', options?.accumulate, false);
}

/** Normalised targets and outputs of `softmaxCrossEntropy`: exactly one of labels and targetProbabilities. */
export interface SoftmaxArguments {
  /** Class indices, or undefined when the targets are probability rows. */
  labels?: ArrayLike<number>;
  /** Probability rows, or undefined when the targets are class indices. */
  targetProbabilities?: F32Buffer;
  /** Where to write (q − p) / rows. */
  gradient?: F32Buffer;
  /** Where to write q. */
  probabilities?: F32Buffer;
  /** Where to write each row's first largest index. */
  predictions?: Int32Array;
}

/**
 * Validates `softmaxCrossEntropy(logits, targets, rows, classes, outputs)`. The gradient
 * may be the logits buffer; the probability output may not (the gradient pass reads the
 * logits after it), and neither output may be the target probabilities.
 */
export function softmaxArguments(
  owns: Owns,
  ...[logits, targets, rows, classes, outputs]: Parameters<Kernels['softmaxCrossEntropy']>
): SoftmaxArguments {
  const kernel = 'softmaxCrossEntropy';
  const count = matrixArguments(kernel, owns, rows, classes, 'classes', ['logits', logits]);
  if (typeof targets !== 'object' || targets === null) {
    throw new TypeError(`${kernel}: "targets" must be { labels } or { probabilities }`);
  }
  const hasLabels = 'labels' in targets && targets.labels !== undefined;
  const hasProbabilities = 'probabilities' in targets && targets.probabilities !== undefined;
  if (hasLabels === hasProbabilities) {
    throw new TypeError(`${kernel}: "targets" must hold exactly one of labels and probabilities`);
  }
  const result: SoftmaxArguments = {};
  if (hasLabels) {
    const labels = (targets as { labels: unknown }).labels;
    result.labels = checkIndices(kernel, 'labels', labels, rows, 'rows', classes);
  } else {
    const p = (targets as { probabilities: unknown }).probabilities;
    result.targetProbabilities = checkBuffer(
      kernel,
      'probabilities',
      p,
      owns,
      count,
      'rows·classes',
    );
  }
  if (outputs !== undefined) {
    checkOptions(kernel, outputs, 'optional gradient, probabilities and predictions');
  }
  if (outputs?.predictions !== undefined) {
    const predictions: unknown = outputs.predictions;
    if (!(predictions instanceof Int32Array)) {
      throw new TypeError(`${kernel}: "outputs.predictions" must be an Int32Array`);
    }
    if (predictions.length < rows) {
      throw new RangeError(
        `${kernel}: "outputs.predictions" holds ${predictions.length} values but rows = ${rows} are needed`,
      );
    }
    result.predictions = predictions;
  }
  if (outputs?.gradient !== undefined) {
    const gradient = outputs.gradient;
    result.gradient = checkBuffer(kernel, 'gradient', gradient, owns, count, 'rows·classes');
  }
  if (outputs?.probabilities !== undefined) {
    const q = outputs.probabilities;
    result.probabilities = checkBuffer(
      kernel,
      'outputs.probabilities',
      q,
      owns,
      count,
      'rows·classes',
    );
    checkDistinct(kernel, ['logits', logits], ['outputs.probabilities', q]);
    if (result.gradient !== undefined) {
      checkDistinct(kernel, ['gradient', result.gradient], ['outputs.probabilities', q]);
    }
  }
  if (result.targetProbabilities !== undefined) {
    const p: Named = ['probabilities', result.targetProbabilities];
    if (result.gradient !== undefined) checkDistinct(kernel, p, ['gradient', result.gradient]);
    if (result.probabilities !== undefined) {
      checkDistinct(kernel, p, ['outputs.probabilities', result.probabilities]);
    }
  }
  return result;
}

/** Validates `entropy` / `crossEntropy` / `klDivergence` over rows × cols distributions. */
export function distributionArguments(
  kernel: string,
  owns: Owns,
  rows: number,
  cols: number,
  out: F32Buffer | undefined,
  ...inputs: Named[]
): void {
  matrixArguments(kernel, owns, rows, cols, 'cols', ...inputs);
  if (out !== undefined) {
    checkBuffer(kernel, 'out', out, owns, rows, 'rows');
    for (const input of inputs) checkDistinct(kernel, input, ['out', out]);
  }
}

/** Learning rate η ≥ 0 and momentum α ∈ [0, 1). */
function learningRateAndMomentum(
  kernel: string,
  options: { learningRate: number; momentum: number },
): { learningRate: number; momentum: number } {
  checkOptions(kernel, options, 'learningRate and momentum');
  return {
    learningRate: finiteNumber(kernel, 'learningRate', options.learningRate, { min: 0 }),
    momentum: finiteNumber(kernel, 'momentum', options.momentum, {
      min: 0,
      max: 1,
      maxInclusive: false,
    }),
  };
}

/**
 * Validates `n` and the buffers of a parameter update: all n long and all distinct, since
 * each is read after another is written.
 */
function updateBuffers(kernel: string, owns: Owns, n: number, buffers: Named[]): void {
  elementwiseArguments(kernel, owns, n, ...buffers);
  checkAllDistinct(kernel, buffers);
}

/** Normalised options of `heavyBall`: telemetry defaults to false. */
export type HeavyBallArguments = Required<HeavyBallOptions>;

/** Validates `heavyBall(weights, delta, gradient, n, options)`. */
export function heavyBallArguments(
  owns: Owns,
  ...[weights, delta, gradient, n, options]: Parameters<Kernels['heavyBall']>
): HeavyBallArguments {
  const kernel = 'heavyBall';
  const rates = learningRateAndMomentum(kernel, options);
  updateBuffers(kernel, owns, n, [
    ['weights', weights],
    ['delta', delta],
    ['gradient', gradient],
  ]);
  return { ...rates, telemetry: optionalBoolean(kernel, 'telemetry', options.telemetry, false) };
}

/** Normalised options of `momentumUpdate`: nesterov defaults to false. */
export type MomentumArguments = Required<MomentumOptions>;

/** Validates `momentumUpdate(weights, velocity, gradient, n, options)`. */
export function momentumArguments(
  owns: Owns,
  ...[weights, velocity, gradient, n, options]: Parameters<Kernels['momentumUpdate']>
): MomentumArguments {
  const kernel = 'momentumUpdate';
  const rates = learningRateAndMomentum(kernel, options);
  updateBuffers(kernel, owns, n, [
    ['weights', weights],
    ['velocity', velocity],
    ['gradient', gradient],
  ]);
  return { ...rates, nesterov: optionalBoolean(kernel, 'nesterov', options.nesterov, false) };
}

/** Normalised options of `adam`: weightDecay defaults to 0 (Adam). */
export type AdamArguments = Required<AdamOptions>;

/** Validates `adam(weights, firstMoment, secondMoment, gradient, n, options)`. */
export function adamArguments(
  owns: Owns,
  ...[weights, firstMoment, secondMoment, gradient, n, options]: Parameters<Kernels['adam']>
): AdamArguments {
  const kernel = 'adam';
  checkOptions(kernel, options, 'learningRate, beta1, beta2, epsilon and step');
  const unit = { min: 0, max: 1, maxInclusive: false };
  const result: AdamArguments = {
    learningRate: finiteNumber(kernel, 'learningRate', options.learningRate, { min: 0 }),
    beta1: finiteNumber(kernel, 'beta1', options.beta1, unit),
    beta2: finiteNumber(kernel, 'beta2', options.beta2, unit),
    epsilon: finiteNumber(kernel, 'epsilon', options.epsilon, { min: 0, minInclusive: false }),
    step: positiveInteger(kernel, 'step', options.step),
    weightDecay:
      options.weightDecay === undefined
        ? 0
        : finiteNumber(kernel, 'weightDecay', options.weightDecay, { min: 0 }),
  };
  updateBuffers(kernel, owns, n, [
    ['weights', weights],
    ['firstMoment', firstMoment],
    ['secondMoment', secondMoment],
    ['gradient', gradient],
  ]);
  return result;
}

/** Validates `prodigySums(gradient, displacement, distance, n, options)`. */
export function prodigySumsArguments(
  owns: Owns,
  ...[gradient, displacement, distance, n, options]: Parameters<Kernels['prodigySums']>
): Required<ProdigySumsOptions> {
  const kernel = 'prodigySums';
  checkOptions(kernel, options, 'scale and beta3');
  const result = {
    scale: finiteNumber(kernel, 'scale', options.scale, { min: 0 }),
    beta3: finiteNumber(kernel, 'beta3', options.beta3, { min: 0, max: 1, maxInclusive: false }),
  };
  updateBuffers(kernel, owns, n, [
    ['gradient', gradient],
    ['displacement', displacement],
    ['distance', distance],
  ]);
  return result;
}

/** Normalised options of `prodigyUpdate`: weightDecay defaults to 0, nextD stays optional. */
export type ProdigyUpdateArguments = Required<Omit<ProdigyUpdateOptions, 'nextD'>> &
  Pick<ProdigyUpdateOptions, 'nextD'>;

/** Validates `prodigyUpdate(weights, displacement, firstMoment, secondMoment, gradient, n, options)`. */
export function prodigyUpdateArguments(
  owns: Owns,
  ...[weights, displacement, firstMoment, secondMoment, gradient, n, options]: Parameters<
    Kernels['prodigyUpdate']
  >
): ProdigyUpdateArguments {
  const kernel = 'prodigyUpdate';
  checkOptions(kernel, options, 'd, learningRate, beta1, beta2 and epsilon');
  const unit = { min: 0, max: 1, maxInclusive: false };
  const positive = { min: 0, minInclusive: false };
  const result: ProdigyUpdateArguments = {
    d: finiteNumber(kernel, 'd', options.d, positive),
    learningRate: finiteNumber(kernel, 'learningRate', options.learningRate, { min: 0 }),
    beta1: finiteNumber(kernel, 'beta1', options.beta1, unit),
    beta2: finiteNumber(kernel, 'beta2', options.beta2, unit),
    epsilon: finiteNumber(kernel, 'epsilon', options.epsilon, positive),
    weightDecay:
      options.weightDecay === undefined
        ? 0
        : finiteNumber(kernel, 'weightDecay', options.weightDecay, { min: 0 }),
  };
  if (options.nextD !== undefined) {
    result.nextD = finiteNumber(kernel, 'nextD', options.nextD, positive);
  }
  updateBuffers(kernel, owns, n, [
    ['weights', weights],
    ['displacement', displacement],
    ['firstMoment', firstMoment],
    ['secondMoment', secondMoment],
    ['gradient', gradient],
  ]);
  return result;
}

/** The unit interval [0, 1) of the betas and momenta. */
const UNIT = { min: 0, max: 1, maxInclusive: false };

/** An optional decoupled weight decay: 0 when undefined, else finite and ≥ 0. */
function weightDecayOption(kernel: string, weightDecay: number | undefined): number {
  return weightDecay === undefined
    ? 0
    : finiteNumber(kernel, 'weightDecay', weightDecay, { min: 0 });
}

/** Normalised options of `lionUpdate`: weightDecay defaults to 0. */
export type LionUpdateArguments = Required<LionUpdateOptions>;

/** Validates `lionUpdate(weights, momentum, gradient, n, options)`. */
export function lionUpdateArguments(
  owns: Owns,
  ...[weights, momentum, gradient, n, options]: Parameters<NonNullable<Kernels['lionUpdate']>>
): LionUpdateArguments {
  const kernel = 'lionUpdate';
  checkOptions(kernel, options, 'learningRate, beta1 and beta2');
  const result: LionUpdateArguments = {
    learningRate: finiteNumber(kernel, 'learningRate', options.learningRate, { min: 0 }),
    beta1: finiteNumber(kernel, 'beta1', options.beta1, UNIT),
    beta2: finiteNumber(kernel, 'beta2', options.beta2, UNIT),
    weightDecay: weightDecayOption(kernel, options.weightDecay),
  };
  updateBuffers(kernel, owns, n, [
    ['weights', weights],
    ['momentum', momentum],
    ['gradient', gradient],
  ]);
  return result;
}

/** Normalised options of `scheduleFreeSgdUpdate`: weightDecay defaults to 0. */
export type ScheduleFreeSgdUpdateArguments = Required<ScheduleFreeSgdUpdateOptions>;

/** Validates `scheduleFreeSgdUpdate(weights, z, x, gradient, n, options)`. */
export function scheduleFreeSgdUpdateArguments(
  owns: Owns,
  ...[weights, z, x, gradient, n, options]: Parameters<
    NonNullable<Kernels['scheduleFreeSgdUpdate']>
  >
): ScheduleFreeSgdUpdateArguments {
  const kernel = 'scheduleFreeSgdUpdate';
  checkOptions(kernel, options, 'learningRate, momentum and averaging');
  const result: ScheduleFreeSgdUpdateArguments = {
    learningRate: finiteNumber(kernel, 'learningRate', options.learningRate, { min: 0 }),
    momentum: finiteNumber(kernel, 'momentum', options.momentum, UNIT),
    averaging: finiteNumber(kernel, 'averaging', options.averaging, { min: 0, max: 1 }),
    weightDecay: weightDecayOption(kernel, options.weightDecay),
  };
  updateBuffers(kernel, owns, n, [
    ['weights', weights],
    ['z', z],
    ['x', x],
    ['gradient', gradient],
  ]);
  return result;
}

/** Normalised options of `scheduleFreeAdamWUpdate`: weightDecay defaults to 0. */
export type ScheduleFreeAdamWUpdateArguments = Required<ScheduleFreeAdamWUpdateOptions>;

/** Validates `scheduleFreeAdamWUpdate(weights, z, x, secondMoment, gradient, n, options)`. */
export function scheduleFreeAdamWUpdateArguments(
  owns: Owns,
  ...[weights, z, x, secondMoment, gradient, n, options]: Parameters<
    NonNullable<Kernels['scheduleFreeAdamWUpdate']>
  >
): ScheduleFreeAdamWUpdateArguments {
  const kernel = 'scheduleFreeAdamWUpdate';
  checkOptions(kernel, options, 'learningRate, beta1, beta2, epsilon, step and averaging');
  const result: ScheduleFreeAdamWUpdateArguments = {
    learningRate: finiteNumber(kernel, 'learningRate', options.learningRate, { min: 0 }),
    beta1: finiteNumber(kernel, 'beta1', options.beta1, UNIT),
    beta2: finiteNumber(kernel, 'beta2', options.beta2, UNIT),
    epsilon: finiteNumber(kernel, 'epsilon', options.epsilon, { min: 0, minInclusive: false }),
    step: positiveInteger(kernel, 'step', options.step),
    averaging: finiteNumber(kernel, 'averaging', options.averaging, { min: 0, max: 1 }),
    weightDecay: weightDecayOption(kernel, options.weightDecay),
  };
  updateBuffers(kernel, owns, n, [
    ['weights', weights],
    ['z', z],
    ['x', x],
    ['secondMoment', secondMoment],
    ['gradient', gradient],
  ]);
  return result;
}

/** Validates `argmaxRows(x, rows, cols, out)`. */
export function argmaxArguments(
  owns: Owns,
  ...[x, rows, cols, out]: Parameters<Kernels['argmaxRows']>
): void {
  const kernel = 'argmaxRows';
  matrixArguments(kernel, owns, rows, cols, 'cols', ['x', x]);
  if (!(out instanceof Int32Array)) {
    throw new TypeError(`${kernel}: argument "out" must be an Int32Array`);
  }
  if (out.length < rows) {
    throw new RangeError(
      `${kernel}: argument "out" holds ${out.length} values but rows = ${rows} are needed`,
    );
  }
}
