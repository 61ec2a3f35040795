/**
 * The raw pointer-and-length exports of the non-GEMM kernels of `dualphi-core.wasm`
 * (assembly/activations.ts, bias.ts, softmax.ts, entropy.ts, updates.ts, reductions.ts,
 * math.ts, results.ts). Addresses are byte offsets into the instance's memory, sizes are
 * element counts, flags are 0/1 and an optional output address of 0 means "not wanted".
 */
export interface KernelExports {
  /** Address of the f64 result area kernels with several results write to. */
  resultsPointer(): number;
  relu(x: number, out: number, n: number): void;
  reluBackward(x: number, gradOut: number, gradIn: number, n: number): void;
  tanh(x: number, out: number, n: number): void;
  tanhBackward(y: number, gradOut: number, gradIn: number, n: number): void;
  biasAdd(x: number, bias: number, rows: number, cols: number): void;
  columnSums(x: number, out: number, rows: number, cols: number, accumulate: number): void;
  /** Writes cross-entropy, entropy, divergence, prediction entropy to result slots 0–3. */
  softmaxCrossEntropy(
    logits: number,
    labels: number,
    targets: number,
    rows: number,
    classes: number,
    gradient: number,
    probabilities: number,
  ): void;
  entropy(p: number, rows: number, cols: number, out: number): number;
  crossEntropy(p: number, q: number, rows: number, cols: number, out: number): number;
  klDivergence(p: number, q: number, rows: number, cols: number, out: number): number;
  /** With telemetry, writes ‖G‖², ‖M‖², G·M to result slots 0–2. */
  heavyBall(
    weights: number,
    delta: number,
    gradient: number,
    n: number,
    learningRate: number,
    momentum: number,
    telemetry: number,
  ): void;
  momentumUpdate(
    weights: number,
    velocity: number,
    gradient: number,
    n: number,
    learningRate: number,
    momentum: number,
    nesterov: number,
  ): void;
  adam(
    weights: number,
    firstMoment: number,
    secondMoment: number,
    gradient: number,
    n: number,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    step: number,
    weightDecay: number,
  ): void;
  dot(a: number, b: number, n: number): number;
  sumOfSquares(a: number, n: number): number;
  /** `out` is the address of an i32 block of ≥ rows elements. */
  argmaxRows(x: number, rows: number, cols: number, out: number): void;
  /** e^x over n values (for the accuracy tests of math.ts). */
  expArray(x: number, out: number, n: number): void;
  /** log x over n values (for the accuracy tests of math.ts). */
  logArray(x: number, out: number, n: number): void;
}

/** Names of {@link KernelExports}, for the loader's check that every export is a function. */
export const KERNEL_EXPORTS: readonly (keyof KernelExports)[] = [
  'resultsPointer',
  'relu',
  'reluBackward',
  'tanh',
  'tanhBackward',
  'biasAdd',
  'columnSums',
  'softmaxCrossEntropy',
  'entropy',
  'crossEntropy',
  'klDivergence',
  'heavyBall',
  'momentumUpdate',
  'adam',
  'dot',
  'sumOfSquares',
  'argmaxRows',
  'expArray',
  'logArray',
];
