/**
 * The contract every kernel set fulfils: the SIMD WebAssembly kernels (`loadKernels()`)
 * and the plain TypeScript reference (`@dualphi/core-wasm/reference`) have exactly this
 * shape, so callers can swap one for the other and tests can hold the fast path to the
 * reference.
 *
 * Layout: every matrix is a row-major f32 array. Shapes are passed explicitly; a wrapper
 * validates sizes, buffer ownership and lengths and throws a `RangeError`/`TypeError`
 * naming the argument before any kernel runs.
 */

/**
 * A block of f32 values owned by one kernel set (for the wasm kernels: inside its linear
 * memory). `view` is re-created whenever the memory has grown, so reading it again is
 * always valid; do not keep a `view` across calls that may allocate.
 */
export interface F32Buffer {
  /** Number of f32 elements. */
  readonly length: number;
  /** A live view of the elements. */
  readonly view: Float32Array;
  /** True after `free()`; a freed buffer passed to any kernel is a `TypeError`. */
  readonly freed: boolean;
  /** Returns the memory to the owning kernel set. Idempotent. */
  free(): void;
}

/** Options of a general matrix product C = alpha · op(A) · op(B) + beta · C. */
export interface GemmOptions {
  /** Rows of op(A) and of C. */
  m: number;
  /** Columns of op(B) and of C. */
  n: number;
  /** Columns of op(A) = rows of op(B). */
  k: number;
  /** op(A) = Aᵀ: A is stored k × m. Default false (A is m × k). */
  transA?: boolean;
  /** op(B) = Bᵀ: B is stored n × k. Default false (B is k × n). */
  transB?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0; with beta = 0 the old contents of C are ignored (NaN in C does not leak). */
  beta?: number;
  /**
   * A dense layer's bias, n values, added to every row of C after the product: the same
   * arithmetic as `biasAdd(c, bias, m, n)` after the product, inside it (each thread adds it
   * to its own part of C while that part is in cache). It may not be C.
   */
  bias?: F32Buffer;
  /**
   * `'relu'`: C = max(0, C) after the product and the bias, as `relu(c, c, m·n)` would.
   * Default `'none'`.
   */
  activation?: 'none' | 'relu';
}

/** Targets of the fused softmax cross-entropy. */
export type SoftmaxTargets =
  | {
      /** One class index per row, each an integer in [0, classes). */
      labels: Int32Array | readonly number[];
    }
  | {
      /** A probability row per row (soft labels), rows × classes. */
      probabilities: F32Buffer;
    };

/**
 * Batch means (natural log, nats) from one fused pass over the logits.
 * crossEntropy = entropy + divergence, i.e. H(p, q) = H(p) + KL(p‖q).
 */
export interface SoftmaxCrossEntropyResult {
  /** Mean H(p, q) over the rows. */
  crossEntropy: number;
  /** Mean target entropy H(p) (0 for class-index labels). */
  entropy: number;
  /** Mean KL(p‖q). */
  divergence: number;
  /** Mean entropy of the prediction H(q). */
  predictionEntropy: number;
}

/** ‖G‖², ‖M‖² and G·M of the two terms of the delta-form heavy-ball step (apps/docs/theory.md#process-balance). */
export interface ProcessTerms {
  /** ‖G‖² with G = −η·g. */
  gradientNormSquared: number;
  /** ‖M‖² with M = α·Δw(t − 1). */
  momentumNormSquared: number;
  /** G · M. */
  dot: number;
}

/** Options of {@link Kernels.heavyBall}, the papers' delta form (apps/docs/theory.md#constants). */
export interface HeavyBallOptions {
  /** The learning rate η, finite and ≥ 0. */
  learningRate: number;
  /** The momentum α, in [0, 1). */
  momentum: number;
  /** Also return the process terms (one extra pass is not needed: they are fused). */
  telemetry?: boolean;
}

/** Options of {@link Kernels.momentumUpdate}, the tfjs / PyTorch momentum convention. */
export interface MomentumOptions {
  /** The learning rate η, finite and ≥ 0. */
  learningRate: number;
  /** The momentum μ, in [0, 1). */
  momentum: number;
  /** Take the Nesterov step w ← w − η·(g + μ·v) (default false). */
  nesterov?: boolean;
}

/** Options of {@link Kernels.adam}: Adam (Kingma & Ba 2015), AdamW with `weightDecay`. */
export interface AdamOptions {
  /** The learning rate η, finite and ≥ 0. */
  learningRate: number;
  /** β₁, the decay of the first-moment average, in [0, 1). */
  beta1: number;
  /** β₂, the decay of the second-moment average, in [0, 1). */
  beta2: number;
  /** ε > 0, added to √v̂ in the denominator. */
  epsilon: number;
  /** 1-based step count t for the bias corrections 1 − β^t. */
  step: number;
  /** Decoupled weight decay (AdamW): w ← w − η·λ·w. 0 (default) gives Adam. */
  weightDecay?: number;
}

/** Optional outputs of {@link Kernels.softmaxCrossEntropy}. */
export interface SoftmaxOutputs {
  /** Where to write the gradient (q − p) / rows; may be the logits buffer itself. */
  gradient?: F32Buffer;
  /** Where to write q = softmax(z); not the logits buffer. */
  probabilities?: F32Buffer;
  /**
   * Where to write each row's predicted class: the index of its first largest logit, exactly
   * as {@link Kernels.argmaxRows} (read before the gradient may overwrite the logits). Saves
   * a separate pass and call when training counts correct predictions.
   */
  predictions?: Int32Array;
}

/** Options of {@link Kernels.prodigySums}, pass 1 of a Prodigy step (arXiv 2306.06101). */
export interface ProdigySumsOptions {
  /** The factor of g in s ← β₃·s + scale·g: (d/d₀)·d·η. Finite, ≥ 0. */
  scale: number;
  /** β₃, the decay of s, in [0, 1). */
  beta3: number;
}

/** The sums pass 1 of a Prodigy step returns for one tensor (accumulated in f64). */
export interface ProdigySums {
  /** ⟨g, x₀ − x⟩ with the displacement x₀ − x before the step. */
  dot: number;
  /** ‖s‖₁ of the updated s. */
  distanceL1: number;
}

/** Options of {@link Kernels.prodigyUpdate}, pass 2 of a Prodigy step (arXiv 2306.06101). */
export interface ProdigyUpdateOptions {
  /** d, the step-size estimate the step started with (it scales g in m and v). Finite, > 0. */
  d: number;
  /** η, so that the step size is d·η. Finite, ≥ 0. */
  learningRate: number;
  /** β₁, in [0, 1). */
  beta1: number;
  /** β₂, in [0, 1). */
  beta2: number;
  /** ε > 0; the denominator is √v + nextD·ε. */
  epsilon: number;
  /**
   * The estimate after this step's sums (the ε term uses it). Omitted: only m and v are
   * updated and the weights stay (the step where ‖s‖₁ = 0). Finite, > 0.
   */
  nextD?: number;
  /** Decoupled weight decay λ: x ← x − λ·d·η·x. Default 0. Finite, ≥ 0. */
  weightDecay?: number;
}

/** Options of {@link Kernels.lionUpdate}: Lion (Chen et al., NeurIPS 2023, arXiv 2302.06675). */
export interface LionUpdateOptions {
  /** The learning rate η, finite and ≥ 0. */
  learningRate: number;
  /** β₁, the interpolation of the update's sign c = β₁m + (1 − β₁)g, in [0, 1). */
  beta1: number;
  /** β₂, the decay of the momentum, in [0, 1). */
  beta2: number;
  /** Decoupled weight decay λ, from the old w. Default 0. Finite, ≥ 0. */
  weightDecay?: number;
}

/** Options of {@link Kernels.scheduleFreeSgdUpdate} (Defazio et al., arXiv 2405.15682). */
export interface ScheduleFreeSgdUpdateOptions {
  /** η_k, this step's learning rate (after any warm-up), finite and ≥ 0. */
  learningRate: number;
  /** β, the interpolation y = β·x + (1 − β)·z, in [0, 1). */
  momentum: number;
  /** c, the averaging coefficient of x ← (1 − c)·x + c·z, in [0, 1]. */
  averaging: number;
  /** Weight decay λ taken at y: z ← z − η_k·(g + λ·y). Default 0. Finite, ≥ 0. */
  weightDecay?: number;
}

/** Options of {@link Kernels.scheduleFreeAdamWUpdate} (Defazio et al., arXiv 2405.15682). */
export interface ScheduleFreeAdamWUpdateOptions {
  /** η_k, this step's learning rate (after any warm-up), finite and ≥ 0. */
  learningRate: number;
  /** β₁, the interpolation y = β₁·x + (1 − β₁)·z, in [0, 1). */
  beta1: number;
  /** β₂, the decay of the second moment, in [0, 1). */
  beta2: number;
  /** ε > 0, added to √v̂ in the denominator. */
  epsilon: number;
  /** The 1-based step k + 1 of the bias correction 1 − β₂^(k+1). */
  step: number;
  /** c, the averaging coefficient of x ← (1 − c)·x + c·z, in [0, 1]. */
  averaging: number;
  /** Decoupled weight decay λ taken at y: z ← z − η_k·λ·y. Default 0. Finite, ≥ 0. */
  weightDecay?: number;
}

/**
 * A kernel set: buffers it allocates and the kernels that work on them (the contract of this
 * module's header). `loadKernels()` gives the WebAssembly SIMD set,
 * `createReferenceKernels()` from `@dualphi/core-wasm/reference` the TypeScript oracle.
 */
export interface Kernels {
  /**
   * 'wasm-simd' or 'wasm-relaxed-simd' for the WebAssembly kernels (the SIMD128 or the
   * relaxed-SIMD build), 'reference' for the TypeScript oracle.
   */
  readonly name: string;

  /** A zero-filled buffer of `length` f32 values (length ≥ 1). */
  alloc(length: number): F32Buffer;
  /** A buffer holding a copy of `data`. */
  allocFrom(data: ArrayLike<number>): F32Buffer;
  /** Bytes currently allocated through this kernel set (for leak tests). */
  allocatedBytes(): number;

  /** C = alpha · op(A) · op(B) + beta · C. */
  gemm(a: F32Buffer, b: F32Buffer, c: F32Buffer, options: GemmOptions): void;

  /** x[r, c] += bias[c] for a rows × cols matrix x. */
  biasAdd(x: F32Buffer, bias: F32Buffer, rows: number, cols: number): void;
  /** out[c] = Σ_r x[r, c] (the bias gradient); with accumulate, out[c] += Σ_r x[r, c]. */
  columnSums(
    x: F32Buffer,
    out: F32Buffer,
    rows: number,
    cols: number,
    options?: { accumulate?: boolean },
  ): void;

  /** out = max(0, x) over n elements (out may be x). */
  relu(x: F32Buffer, out: F32Buffer, n: number): void;
  /** gradIn = gradOut where x > 0, else 0 (x is the pre-activation; gradIn may be gradOut). */
  reluBackward(x: F32Buffer, gradOut: F32Buffer, gradIn: F32Buffer, n: number): void;
  /** out = tanh(x) (out may be x). */
  tanh(x: F32Buffer, out: F32Buffer, n: number): void;
  /** gradIn = gradOut · (1 − y²) with y = tanh(x) the forward output (gradIn may be gradOut). */
  tanhBackward(y: F32Buffer, gradOut: F32Buffer, gradIn: F32Buffer, n: number): void;

  /**
   * Fused softmax cross-entropy over rows × classes logits: returns batch means of the loss
   * and its split; writes the gradient of the *mean* cross-entropy with respect to the
   * logits, (q − p) / rows, into `gradient` when given (it may be the logits buffer itself),
   * and the softmax probabilities q into `probabilities` when given. Stable for any finite
   * logits.
   */
  softmaxCrossEntropy(
    logits: F32Buffer,
    targets: SoftmaxTargets,
    rows: number,
    classes: number,
    outputs?: SoftmaxOutputs,
  ): SoftmaxCrossEntropyResult;

  /** Mean over rows of H(p) = −Σ p log p, accumulated in f64; per-row values into `out`. */
  entropy(p: F32Buffer, rows: number, cols: number, out?: F32Buffer): number;
  /** Mean over rows of H(p, q) = −Σ p log q (f64 accumulation); per-row values into `out`. */
  crossEntropy(p: F32Buffer, q: F32Buffer, rows: number, cols: number, out?: F32Buffer): number;
  /** Mean over rows of KL(p‖q) = Σ p log(p/q) (f64 accumulation, 0·log 0 = 0, +∞ where p > 0 = q). */
  klDivergence(p: F32Buffer, q: F32Buffer, rows: number, cols: number, out?: F32Buffer): number;

  /**
   * The papers' delta-form heavy ball over n parameters (apps/docs/theory.md#constants):
   * Δw ← α·Δw − η·g; w ← w + Δw. With telemetry, also returns the process terms
   * G = −η·g and M = α·Δw(t − 1) of this step.
   */
  heavyBall(
    weights: F32Buffer,
    delta: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: HeavyBallOptions,
  ): ProcessTerms | undefined;

  /** tfjs/PyTorch momentum: v ← μ·v + g; w ← w − η·v (Nesterov: w ← w − η·(g + μ·v)). */
  momentumUpdate(
    weights: F32Buffer,
    velocity: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: MomentumOptions,
  ): void;

  /** Adam (weightDecay 0) or AdamW (decoupled weight decay). */
  adam(
    weights: F32Buffer,
    firstMoment: F32Buffer,
    secondMoment: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: AdamOptions,
  ): void;

  /**
   * Pass 1 of a Prodigy step over one tensor (arXiv 2306.06101): s ← β₃·s + scale·g, and
   * the sums ⟨g, x₀ − x⟩ (with `displacement` = x₀ − x) and ‖s‖₁ of the new s, in f64.
   */
  prodigySums(
    gradient: F32Buffer,
    displacement: F32Buffer,
    distance: F32Buffer,
    n: number,
    options: ProdigySumsOptions,
  ): ProdigySums;

  /**
   * Pass 2 of a Prodigy step over one tensor, once the sums over all tensors gave the new
   * estimate: m ← β₁m + (1 − β₁)·d·g, v ← β₂v + (1 − β₂)·d²·g², then
   * step = λ·d·η·x + d·η·m / (√v + nextD·ε), x ← x − step, displacement ← displacement + step.
   */
  prodigyUpdate(
    weights: F32Buffer,
    displacement: F32Buffer,
    firstMoment: F32Buffer,
    secondMoment: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: ProdigyUpdateOptions,
  ): void;

  /**
   * Lion over n parameters (arXiv 2302.06675, Algorithm 2): c = β₁m + (1 − β₁)g,
   * w ← w − η·(sign(c) + λ·w), m ← β₂m + (1 − β₂)g, in f64 from the f32 values, rounded
   * once when stored (bit-identical across kernel sets). Optional: a kernel set without it
   * leaves the rule to run as plain TypeScript over the buffers' views (the same results).
   */
  lionUpdate?(
    weights: F32Buffer,
    momentum: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: LionUpdateOptions,
  ): void;

  /**
   * Schedule-Free SGD over n parameters (arXiv 2405.15682), `weights` holding y:
   * z ← z − η_k·(g + λ·y), x ← (1 − c)·x + c·z, y ← β·x + (1 − β)·z (each from the stored
   * values), in f64 rounded once when stored. Optional, as {@link Kernels.lionUpdate}.
   */
  scheduleFreeSgdUpdate?(
    weights: F32Buffer,
    z: F32Buffer,
    x: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: ScheduleFreeSgdUpdateOptions,
  ): void;

  /**
   * Schedule-Free AdamW over n parameters (arXiv 2405.15682), `weights` holding y:
   * z ← z − η_k·λ·y (λ > 0), v ← β₂v + (1 − β₂)g², z ← z − η_k·g / (√(v/(1 − β₂^step)) + ε),
   * then x and y as {@link Kernels.scheduleFreeSgdUpdate}; in f64 rounded once when stored.
   * Optional, as {@link Kernels.lionUpdate}.
   */
  scheduleFreeAdamWUpdate?(
    weights: F32Buffer,
    z: F32Buffer,
    x: F32Buffer,
    secondMoment: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: ScheduleFreeAdamWUpdateOptions,
  ): void;

  /** Σ a·b over n elements, accumulated in f64. */
  dot(a: F32Buffer, b: F32Buffer, n: number): number;
  /** Σ a² over n elements, accumulated in f64. */
  sumOfSquares(a: F32Buffer, n: number): number;
  /**
   * True when all n values are finite (no NaN, no ±∞): a bit test per element, cheaper than
   * a reduction whose result would tell the same (training checks its gradients with it).
   */
  allFinite(a: F32Buffer, n: number): boolean;
  /** out[r] = index of the first largest value of row r. */
  argmaxRows(x: F32Buffer, rows: number, cols: number, out: Int32Array): void;
}
