/**
 * `Kernels` over one instance of `dualphi-core.wasm`: thin wrappers that validate their
 * arguments (src/validate.ts), then call the pointer-and-length exports of assembly/.
 */
import * as checked from './arguments.js';
import { type KernelBuild, kernelBuildNames } from './builds.js';
import { KERNEL_EXPORTS, type KernelExports } from './kernel-exports.js';
import { type HeapExports, WasmF32Buffer, WasmHeap, type WasmI32Buffer } from './memory.js';
import type { GemmPool, RegionExports } from './threads/pool.js';
import { splitDot, splitSumOfSquares } from './threads/reductions.js';
import {
  splitAdam,
  splitHeavyBall,
  splitLion,
  splitMomentum,
  splitScheduleFreeAdamW,
  splitScheduleFreeSgd,
} from './threads/updates.js';
import type {
  AdamOptions,
  F32Buffer,
  GemmOptions,
  HeavyBallOptions,
  Kernels,
  LionUpdateOptions,
  MomentumOptions,
  ProcessTerms,
  ProdigySums,
  ProdigySumsOptions,
  ProdigyUpdateOptions,
  ScheduleFreeAdamWUpdateOptions,
  ScheduleFreeSgdUpdateOptions,
  SoftmaxCrossEntropyResult,
  SoftmaxOutputs,
  SoftmaxTargets,
} from './types.js';
import { positiveInteger } from './validate.js';

/**
 * The raw exports of `dualphi-core.wasm` (assembly/index.ts). Addresses are byte offsets
 * into `memory`; sizes are element counts; booleans are 0/1.
 */
export interface CoreExports extends HeapExports, KernelExports, RegionExports {
  /** Linear memory size in 64 KiB pages. */
  memoryPages(): number;
  /** 1 for a relaxed-SIMD build (fused micro-kernel), 0 for SIMD128 (assembly/gemm.ts). */
  gemmRelaxedSimd(): number;
  /** C = alpha·op(A)·op(B) + beta·C, then + bias (≠ 0) and ReLU (1) (assembly/gemm.ts). */
  gemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    b: number,
    beta: number,
    c: number,
    bias: number,
    relu: number,
  ): void;
}

/** Names of the exports `WasmKernels` needs; the loader checks they are all functions. */
export const REQUIRED_EXPORTS: readonly (keyof CoreExports)[] = [
  'alloc',
  'free',
  'memoryPages',
  'gemm',
  'gemmRegion',
  'gemmPackBytes',
  'gemmRelaxedSimd',
  ...KERNEL_EXPORTS,
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The SIMD WebAssembly kernel set: one instance, one linear memory. */
export class WasmKernels implements Kernels {
  /**
   * `'wasm-simd'` for the SIMD128 build, `'wasm-relaxed-simd'` for the relaxed-SIMD build
   * (what run records store: exact resume needs the same build).
   */
  readonly name: 'wasm-simd' | 'wasm-relaxed-simd';
  /** The build of the module: `'simd128'` or `'relaxed-simd'` (as the module reports it). */
  readonly build: KernelBuild;
  readonly #raw: CoreExports;
  readonly #heap: WasmHeap;
  #pool: GemmPool | undefined;

  /**
   * Wraps an instantiated `dualphi-core.wasm` (with a GEMM worker pool over its shared
   * memory, for the shared build); use `loadKernels()` rather than this.
   */
  constructor(exports: CoreExports, heap: WasmHeap = new WasmHeap(exports)) {
    this.#raw = exports;
    this.#heap = heap;
    this.build = exports.gemmRelaxedSimd() === 1 ? 'relaxed-simd' : 'simd128';
    this.name = kernelBuildNames[this.build];
  }

  /**
   * Attaches the worker pool of a shared-memory instance (done once by the loader).
   * @internal
   */
  attachPool(pool: GemmPool): void {
    this.#pool = pool;
  }

  /**
   * Threads each GEMM is split across (1 for the single-threaded build). Results are
   * bit-identical whatever the count.
   */
  get threads(): number {
    return this.#pool?.threads ?? 1;
  }

  /**
   * Why these kernels cannot be used any more (a worker thread died or they were closed),
   * or undefined while they can.
   */
  get unusable(): string | undefined {
    return this.#pool?.broken;
  }

  /**
   * The worker pool (tests terminate a worker through it); undefined on one thread.
   * @internal
   */
  get pool(): GemmPool | undefined {
    return this.#pool;
  }

  /**
   * Stops the worker threads (no-op on one thread). The kernels cannot run products
   * afterwards. Idle workers never keep a Node process alive, so this is optional.
   */
  async close(): Promise<void> {
    await this.#pool?.close();
  }

  /** The allocator of this instance (for i32 scratch blocks and tests). */
  get heap(): WasmHeap {
    return this.#heap;
  }

  /** Current size of the linear memory in bytes (it only grows). */
  memoryBytes(): number {
    return this.#raw.memory.buffer.byteLength;
  }

  alloc(length: number): F32Buffer {
    return this.#heap.f32(positiveInteger('alloc', 'length', length));
  }

  allocFrom(data: ArrayLike<number>): F32Buffer {
    if (!isObject(data) || typeof data.length !== 'number') {
      throw new TypeError('allocFrom: argument "data" must be an array-like of numbers');
    }
    const buffer = this.#heap.f32(positiveInteger('allocFrom', 'data.length', data.length));
    buffer.view.set(data);
    return buffer;
  }

  allocatedBytes(): number {
    return this.#heap.allocatedBytes();
  }

  /**
   * The ownership test every argument check uses: a buffer allocated by this instance
   * (freed or not; `checkBuffer` reports freed ones separately).
   */
  readonly owns = (buffer: F32Buffer): buffer is WasmF32Buffer =>
    buffer instanceof WasmF32Buffer && buffer.heap === this.#heap;

  /** The address of a buffer that an `…Arguments` check has accepted. */
  #ptr(buffer: F32Buffer): number {
    return (buffer as WasmF32Buffer).ptr;
  }

  gemm(a: F32Buffer, b: F32Buffer, c: F32Buffer, options: GemmOptions): void {
    // C is written block by block while A and B are still being read, so gemmArguments
    // also rejects c aliasing a or b (that would silently give a wrong product).
    const { m, n, k, transA, transB, alpha, beta, bias, relu } = checked.gemmArguments(
      this.owns,
      a,
      b,
      c,
      options,
    );
    const gemm = this.#pool ?? this.#raw;
    gemm.gemm(
      transA ? 1 : 0,
      transB ? 1 : 0,
      m,
      n,
      k,
      alpha,
      this.#ptr(a),
      this.#ptr(b),
      beta,
      this.#ptr(c),
      bias === undefined ? 0 : this.#ptr(bias),
      relu ? 1 : 0,
    );
  }

  biasAdd(x: F32Buffer, bias: F32Buffer, rows: number, cols: number): void {
    checked.biasAddArguments(this.owns, x, bias, rows, cols);
    this.#raw.biasAdd(this.#ptr(x), this.#ptr(bias), rows, cols);
  }

  columnSums(
    x: F32Buffer,
    out: F32Buffer,
    rows: number,
    cols: number,
    options?: { accumulate?: boolean },
  ): void {
    const accumulate = checked.columnSumsArguments(this.owns, x, out, rows, cols, options);
    this.#raw.columnSums(this.#ptr(x), this.#ptr(out), rows, cols, accumulate ? 1 : 0);
  }

  relu(x: F32Buffer, out: F32Buffer, n: number): void {
    checked.elementwiseArguments('relu', this.owns, n, ['x', x], ['out', out]);
    this.#raw.relu(this.#ptr(x), this.#ptr(out), n);
  }

  reluBackward(x: F32Buffer, gradOut: F32Buffer, gradIn: F32Buffer, n: number): void {
    checked.elementwiseArguments(
      'reluBackward',
      this.owns,
      n,
      ['x', x],
      ['gradOut', gradOut],
      ['gradIn', gradIn],
    );
    this.#raw.reluBackward(this.#ptr(x), this.#ptr(gradOut), this.#ptr(gradIn), n);
  }

  tanh(x: F32Buffer, out: F32Buffer, n: number): void {
    checked.elementwiseArguments('tanh', this.owns, n, ['x', x], ['out', out]);
    this.#raw.tanh(this.#ptr(x), this.#ptr(out), n);
  }

  tanhBackward(y: F32Buffer, gradOut: F32Buffer, gradIn: F32Buffer, n: number): void {
    checked.elementwiseArguments(
      'tanhBackward',
      this.owns,
      n,
      ['y', y],
      ['gradOut', gradOut],
      ['gradIn', gradIn],
    );
    this.#raw.tanhBackward(this.#ptr(y), this.#ptr(gradOut), this.#ptr(gradIn), n);
  }

  softmaxCrossEntropy(
    logits: F32Buffer,
    targets: SoftmaxTargets,
    rows: number,
    classes: number,
    outputs?: SoftmaxOutputs,
  ): SoftmaxCrossEntropyResult {
    const s = checked.softmaxArguments(this.owns, logits, targets, rows, classes, outputs);
    let labels = 0;
    if (s.labels !== undefined) {
      // Class indices are copied into the instance's reusable i32 scratch block.
      const scratch = this.#heap.scratchI32(rows);
      const view = scratch.view;
      for (let r = 0; r < rows; r++) view[r] = s.labels[r];
      labels = scratch.ptr;
    }
    const optional = (buffer: F32Buffer | undefined) =>
      buffer === undefined ? 0 : this.#ptr(buffer);
    const predictions = s.predictions === undefined ? undefined : this.#predictionBlock(rows);
    this.#raw.softmaxCrossEntropy(
      this.#ptr(logits),
      labels,
      optional(s.targetProbabilities),
      rows,
      classes,
      optional(s.gradient),
      optional(s.probabilities),
      predictions === undefined ? 0 : predictions.ptr,
    );
    if (predictions !== undefined && s.predictions !== undefined) {
      s.predictions.set(predictions.view.subarray(0, rows));
    }
    const results = this.#results();
    return {
      crossEntropy: results[0],
      entropy: results[1],
      divergence: results[2],
      predictionEntropy: results[3],
    };
  }

  entropy(p: F32Buffer, rows: number, cols: number, out?: F32Buffer): number {
    checked.distributionArguments('entropy', this.owns, rows, cols, out, ['p', p]);
    return this.#raw.entropy(this.#ptr(p), rows, cols, out === undefined ? 0 : this.#ptr(out));
  }

  crossEntropy(p: F32Buffer, q: F32Buffer, rows: number, cols: number, out?: F32Buffer): number {
    checked.distributionArguments('crossEntropy', this.owns, rows, cols, out, ['p', p], ['q', q]);
    const outPtr = out === undefined ? 0 : this.#ptr(out);
    return this.#raw.crossEntropy(this.#ptr(p), this.#ptr(q), rows, cols, outPtr);
  }

  klDivergence(p: F32Buffer, q: F32Buffer, rows: number, cols: number, out?: F32Buffer): number {
    checked.distributionArguments('klDivergence', this.owns, rows, cols, out, ['p', p], ['q', q]);
    const outPtr = out === undefined ? 0 : this.#ptr(out);
    return this.#raw.klDivergence(this.#ptr(p), this.#ptr(q), rows, cols, outPtr);
  }

  heavyBall(
    weights: F32Buffer,
    delta: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: HeavyBallOptions,
  ): ProcessTerms | undefined {
    const o = checked.heavyBallArguments(this.owns, weights, delta, gradient, n, options);
    if (this.#pool !== undefined) {
      return splitHeavyBall(
        this.#pool,
        this.#raw,
        this.#ptr(weights),
        this.#ptr(delta),
        this.#ptr(gradient),
        n,
        o.learningRate,
        o.momentum,
        o.telemetry,
      );
    }
    this.#raw.heavyBall(
      this.#ptr(weights),
      this.#ptr(delta),
      this.#ptr(gradient),
      n,
      o.learningRate,
      o.momentum,
      o.telemetry ? 1 : 0,
    );
    if (!o.telemetry) return undefined;
    const results = this.#results();
    return { gradientNormSquared: results[0], momentumNormSquared: results[1], dot: results[2] };
  }

  momentumUpdate(
    weights: F32Buffer,
    velocity: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: MomentumOptions,
  ): void {
    const o = checked.momentumArguments(this.owns, weights, velocity, gradient, n, options);
    if (this.#pool !== undefined) {
      splitMomentum(
        this.#pool,
        this.#raw,
        this.#ptr(weights),
        this.#ptr(velocity),
        this.#ptr(gradient),
        n,
        o.learningRate,
        o.momentum,
        o.nesterov,
      );
      return;
    }
    this.#raw.momentumUpdate(
      this.#ptr(weights),
      this.#ptr(velocity),
      this.#ptr(gradient),
      n,
      o.learningRate,
      o.momentum,
      o.nesterov ? 1 : 0,
    );
  }

  adam(
    weights: F32Buffer,
    firstMoment: F32Buffer,
    secondMoment: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: AdamOptions,
  ): void {
    const o = checked.adamArguments(
      this.owns,
      weights,
      firstMoment,
      secondMoment,
      gradient,
      n,
      options,
    );
    if (this.#pool !== undefined) {
      splitAdam(
        this.#pool,
        this.#raw,
        this.#ptr(weights),
        this.#ptr(firstMoment),
        this.#ptr(secondMoment),
        this.#ptr(gradient),
        n,
        o,
      );
      return;
    }
    this.#raw.adam(
      this.#ptr(weights),
      this.#ptr(firstMoment),
      this.#ptr(secondMoment),
      this.#ptr(gradient),
      n,
      o.learningRate,
      o.beta1,
      o.beta2,
      o.epsilon,
      o.step,
      o.weightDecay,
    );
  }

  prodigySums(
    gradient: F32Buffer,
    displacement: F32Buffer,
    distance: F32Buffer,
    n: number,
    options: ProdigySumsOptions,
  ): ProdigySums {
    const o = checked.prodigySumsArguments(this.owns, gradient, displacement, distance, n, options);
    this.#raw.prodigySums(
      this.#ptr(gradient),
      this.#ptr(displacement),
      this.#ptr(distance),
      n,
      o.scale,
      o.beta3,
    );
    const results = this.#results();
    return { dot: results[0], distanceL1: results[1] };
  }

  prodigyUpdate(
    weights: F32Buffer,
    displacement: F32Buffer,
    firstMoment: F32Buffer,
    secondMoment: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: ProdigyUpdateOptions,
  ): void {
    const o = checked.prodigyUpdateArguments(
      this.owns,
      weights,
      displacement,
      firstMoment,
      secondMoment,
      gradient,
      n,
      options,
    );
    this.#raw.prodigyUpdate(
      this.#ptr(weights),
      this.#ptr(displacement),
      this.#ptr(firstMoment),
      this.#ptr(secondMoment),
      this.#ptr(gradient),
      n,
      o.d,
      o.learningRate,
      o.beta1,
      o.beta2,
      o.epsilon,
      o.nextD ?? o.d,
      o.weightDecay,
      o.nextD === undefined ? 0 : 1,
    );
  }

  lionUpdate(
    weights: F32Buffer,
    momentum: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: LionUpdateOptions,
  ): void {
    const o = checked.lionUpdateArguments(this.owns, weights, momentum, gradient, n, options);
    const [w, m, g] = [this.#ptr(weights), this.#ptr(momentum), this.#ptr(gradient)];
    if (this.#pool !== undefined) {
      splitLion(this.#pool, this.#raw, w, m, g, n, o);
      return;
    }
    this.#raw.lionUpdate(w, m, g, n, o.learningRate, o.beta1, o.beta2, o.weightDecay);
  }

  scheduleFreeSgdUpdate(
    weights: F32Buffer,
    z: F32Buffer,
    x: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: ScheduleFreeSgdUpdateOptions,
  ): void {
    const o = checked.scheduleFreeSgdUpdateArguments(
      this.owns,
      weights,
      z,
      x,
      gradient,
      n,
      options,
    );
    const y = this.#ptr(weights);
    const [zp, xp, g] = [this.#ptr(z), this.#ptr(x), this.#ptr(gradient)];
    if (this.#pool !== undefined) {
      splitScheduleFreeSgd(this.#pool, this.#raw, y, zp, xp, g, n, o);
      return;
    }
    this.#raw.scheduleFreeSgdUpdate(
      y,
      zp,
      xp,
      g,
      n,
      o.learningRate,
      o.weightDecay,
      o.averaging,
      o.momentum,
    );
  }

  scheduleFreeAdamWUpdate(
    weights: F32Buffer,
    z: F32Buffer,
    x: F32Buffer,
    secondMoment: F32Buffer,
    gradient: F32Buffer,
    n: number,
    options: ScheduleFreeAdamWUpdateOptions,
  ): void {
    const o = checked.scheduleFreeAdamWUpdateArguments(
      this.owns,
      weights,
      z,
      x,
      secondMoment,
      gradient,
      n,
      options,
    );
    // In JavaScript as the reference loop has it: `**` here and in wasm may round differently.
    const correction = 1 - o.beta2 ** o.step;
    const args = { ...o, correction };
    const y = this.#ptr(weights);
    const [zp, xp, v, g] = [
      this.#ptr(z),
      this.#ptr(x),
      this.#ptr(secondMoment),
      this.#ptr(gradient),
    ];
    if (this.#pool !== undefined) {
      splitScheduleFreeAdamW(this.#pool, this.#raw, y, zp, xp, v, g, n, args);
      return;
    }
    this.#raw.scheduleFreeAdamWUpdate(
      y,
      zp,
      xp,
      v,
      g,
      n,
      o.learningRate,
      o.weightDecay,
      o.averaging,
      o.beta1,
      o.beta2,
      o.epsilon,
      correction,
    );
  }

  dot(a: F32Buffer, b: F32Buffer, n: number): number {
    checked.elementwiseArguments('dot', this.owns, n, ['a', a], ['b', b]);
    if (this.#pool !== undefined) {
      return splitDot(this.#pool, this.#raw, this.#ptr(a), this.#ptr(b), n);
    }
    return this.#raw.dot(this.#ptr(a), this.#ptr(b), n);
  }

  sumOfSquares(a: F32Buffer, n: number): number {
    checked.elementwiseArguments('sumOfSquares', this.owns, n, ['a', a]);
    if (this.#pool !== undefined) return splitSumOfSquares(this.#pool, this.#raw, this.#ptr(a), n);
    return this.#raw.sumOfSquares(this.#ptr(a), n);
  }

  allFinite(a: F32Buffer, n: number): boolean {
    checked.elementwiseArguments('allFinite', this.owns, n, ['a', a]);
    return this.#raw.allFinite(this.#ptr(a), n) !== 0;
  }

  argmaxRows(x: F32Buffer, rows: number, cols: number, out: Int32Array): void {
    checked.argmaxArguments(this.owns, x, rows, cols, out);
    const scratch = this.#heap.scratchI32(rows);
    this.#raw.argmaxRows(this.#ptr(x), rows, cols, scratch.ptr);
    out.set(scratch.view.subarray(0, rows));
  }

  /**
   * The i32 block the softmax writes predictions to (the heap's scratch block holds the
   * labels during that call), grown as needed and kept for the instance's life.
   */
  #predictionBlock(rows: number): WasmI32Buffer {
    const current = this.#predictions;
    if (current !== undefined && current.length >= rows) return current;
    current?.free();
    this.#predictions = this.#heap.i32(Math.max(rows, 2 * (current?.length ?? 0), 64));
    return this.#predictions;
  }

  /** See {@link WasmKernels.#predictionBlock}. */
  #predictions: WasmI32Buffer | undefined;

  /** The module's f64 result area (viewed anew only after memory growth detached the old view). */
  #results(): Float64Array {
    const buffer = this.#raw.memory.buffer;
    if (this.#resultsView?.buffer !== buffer) {
      this.#resultsView = new Float64Array(buffer, this.#raw.resultsPointer(), 8);
    }
    return this.#resultsView;
  }

  /** Cached view of the result area, re-created when memory growth replaced the buffer. */
  #resultsView: Float64Array | undefined;
}
