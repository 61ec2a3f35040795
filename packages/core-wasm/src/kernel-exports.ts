/**
 * The raw pointer-and-length exports of the non-GEMM kernels of `dualphi-core.wasm`
 * (assembly/activations.ts, bias.ts, softmax.ts, entropy.ts, updates.ts, prodigy.ts, lion.ts,
 * schedule-free.ts, reductions.ts, math.ts, results.ts). Addresses are byte offsets into the instance's memory, sizes are
 * element counts, flags are 0/1 and an optional output address of 0 means "not wanted".
 */
export interface KernelExports {
  /** Address of the f64 result area kernels with several results write to. */
  resultsPointer(): number;
  /** out = max(0, x) (assembly/activations.ts). */
  relu(x: number, out: number, n: number): void;
  /** gradIn = gradOut where x > 0, else 0. */
  reluBackward(x: number, gradOut: number, gradIn: number, n: number): void;
  /** out = tanh(x). */
  tanh(x: number, out: number, n: number): void;
  /** gradIn = gradOut · (1 − y²). */
  tanhBackward(y: number, gradOut: number, gradIn: number, n: number): void;
  /** x[r, c] += bias[c] (assembly/bias.ts). */
  biasAdd(x: number, bias: number, rows: number, cols: number): void;
  /** out[c] (+)= Σ_r x[r, c]. */
  columnSums(x: number, out: number, rows: number, cols: number, accumulate: number): void;
  /**
   * Fused softmax cross-entropy (assembly/softmax.ts): writes the mean cross-entropy,
   * entropy, divergence and prediction entropy to result slots 0–3, and each row's first
   * largest index to the i32 block `predictions` unless it is 0.
   */
  softmaxCrossEntropy(
    logits: number,
    labels: number,
    targets: number,
    rows: number,
    classes: number,
    gradient: number,
    probabilities: number,
    predictions: number,
  ): void;
  /** Mean H(p) over rows (assembly/entropy.ts); per-row values into `out` unless 0. */
  entropy(p: number, rows: number, cols: number, out: number): number;
  /** Mean H(p, q) over rows. */
  crossEntropy(p: number, q: number, rows: number, cols: number, out: number): number;
  /** Mean KL(p‖q) over rows. */
  klDivergence(p: number, q: number, rows: number, cols: number, out: number): number;
  /** Delta-form heavy ball; with telemetry, writes ‖G‖², ‖M‖², G·M to result slots 0–2. */
  heavyBall(
    weights: number,
    delta: number,
    gradient: number,
    n: number,
    learningRate: number,
    momentum: number,
    telemetry: number,
  ): void;
  /**
   * Chunks [c0, c1) of a heavy ball with telemetry (chunks of {@link HEAVY_BALL_CHUNK}
   * elements): each chunk's ‖G‖², ‖M‖², G·M to out + 24·(c − c0) bytes (a thread's share).
   */
  heavyBallChunks(
    weights: number,
    delta: number,
    gradient: number,
    n: number,
    learningRate: number,
    momentum: number,
    c0: number,
    c1: number,
    out: number,
  ): void;
  /** v ← μv + g; w ← w − ηv (Nesterov: w ← w − η(g + μv)) (assembly/updates.ts). */
  momentumUpdate(
    weights: number,
    velocity: number,
    gradient: number,
    n: number,
    learningRate: number,
    momentum: number,
    nesterov: number,
  ): void;
  /** Adam / AdamW with bias correction. */
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
  /**
   * Prodigy pass 1 (assembly/prodigy.ts): s ← β₃s + scale·g; writes ⟨g, displacement⟩ and
   * ‖s‖₁ to result slots 0 and 1.
   */
  prodigySums(
    gradient: number,
    displacement: number,
    distance: number,
    n: number,
    scale: number,
    beta3: number,
  ): void;
  /** Prodigy pass 2: m, v with d; with move = 1 also x and the displacement with nextD. */
  prodigyUpdate(
    weights: number,
    displacement: number,
    firstMoment: number,
    secondMoment: number,
    gradient: number,
    n: number,
    d: number,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    nextD: number,
    weightDecay: number,
    move: number,
  ): void;
  /**
   * Lion (assembly/lion.ts): c = β₁m + (1 − β₁)g, w ← w − η(sign(c) + λw),
   * m ← β₂m + (1 − β₂)g, in f64 rounded to f32 when stored.
   */
  lionUpdate(
    weights: number,
    momentum: number,
    gradient: number,
    n: number,
    learningRate: number,
    beta1: number,
    beta2: number,
    weightDecay: number,
  ): void;
  /**
   * Schedule-Free SGD (assembly/schedule-free.ts): z ← z − η(g + λy), x ← (1 − c)x + cz,
   * y ← βx + (1 − β)z, in f64 rounded to f32 when stored.
   */
  scheduleFreeSgdUpdate(
    weights: number,
    z: number,
    x: number,
    gradient: number,
    n: number,
    learningRate: number,
    weightDecay: number,
    averaging: number,
    momentum: number,
  ): void;
  /**
   * Schedule-Free AdamW: z ← z − ηλy (λ > 0), v ← β₂v + (1 − β₂)g², z ← z − ηg/(√(v /
   * correction) + ε), then x and y as Schedule-Free SGD; correction = 1 − β₂^step.
   */
  scheduleFreeAdamWUpdate(
    weights: number,
    z: number,
    x: number,
    secondMoment: number,
    gradient: number,
    n: number,
    learningRate: number,
    weightDecay: number,
    averaging: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    correction: number,
  ): void;
  /** Σ a·b in f64 (assembly/reductions.ts). */
  dot(a: number, b: number, n: number): number;
  /** Σ a² in f64. */
  sumOfSquares(a: number, n: number): number;
  /**
   * Chunks [c0, c1) of `dot` (chunks of {@link REDUCTION_CHUNK} elements): chunk c's sum to
   * out + 8·(c − c0) bytes (a thread's share).
   */
  dotChunks(a: number, b: number, n: number, c0: number, c1: number, out: number): void;
  /** Chunks [c0, c1) of `sumOfSquares`, as `dotChunks`. */
  sumOfSquaresChunks(a: number, n: number, c0: number, c1: number, out: number): void;
  /** 1 when all n values are finite (no NaN, no ±∞), else 0. */
  allFinite(a: number, n: number): number;
  /** `out` is the address of an i32 block of ≥ rows elements. */
  argmaxRows(x: number, rows: number, cols: number, out: number): void;
  /** e^x over n values (for the accuracy tests of math.ts). */
  expArray(x: number, out: number, n: number): void;
  /** log x over n values (for the accuracy tests of math.ts). */
  logArray(x: number, out: number, n: number): void;
}

/**
 * Elements per telemetry chunk of the heavy ball (assembly/updates.ts HEAVY_BALL_CHUNK): its
 * sums are taken per chunk and added in chunk order, so a split by chunks sums as one call.
 */
export const HEAVY_BALL_CHUNK = 4096;

/**
 * Elements per chunk of `dot` and `sumOfSquares` (assembly/reductions.ts REDUCTION_CHUNK):
 * each chunk is summed on its own and the chunks' sums added in order.
 */
export const REDUCTION_CHUNK = 4096;

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
  'heavyBallChunks',
  'momentumUpdate',
  'adam',
  'prodigySums',
  'prodigyUpdate',
  'lionUpdate',
  'scheduleFreeSgdUpdate',
  'scheduleFreeAdamWUpdate',
  'dot',
  'sumOfSquares',
  'dotChunks',
  'sumOfSquaresChunks',
  'allFinite',
  'argmaxRows',
  'expArray',
  'logArray',
];
