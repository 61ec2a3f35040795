/**
 * `Kernels` over one instance of `dualphi-core.wasm`: thin wrappers that validate their
 * arguments (src/validate.ts), then call the pointer-and-length exports of assembly/.
 */
import { gemmArguments } from './arguments.js';
import { type HeapExports, WasmF32Buffer, WasmHeap } from './memory.js';
import type {
  AdamOptions,
  F32Buffer,
  GemmOptions,
  HeavyBallOptions,
  Kernels,
  MomentumOptions,
  ProcessTerms,
  SoftmaxCrossEntropyResult,
  SoftmaxTargets,
} from './types.js';
import { positiveInteger } from './validate.js';

/**
 * The raw exports of `dualphi-core.wasm` (assembly/index.ts). Addresses are byte offsets
 * into `memory`; sizes are element counts; booleans are 0/1.
 */
export interface CoreExports extends HeapExports {
  /** Linear memory size in 64 KiB pages. */
  memoryPages(): number;
  /** C = alpha·op(A)·op(B) + beta·C (assembly/gemm.ts). */
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
  ): void;
}

/** Names of the exports `WasmKernels` needs; the loader checks they are all functions. */
export const REQUIRED_EXPORTS: readonly (keyof CoreExports)[] = [
  'alloc',
  'free',
  'memoryPages',
  'gemm',
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The SIMD WebAssembly kernel set: one instance, one linear memory. */
export class WasmKernels implements Kernels {
  /** Always 'wasm-simd'. */
  readonly name = 'wasm-simd';
  readonly #raw: CoreExports;
  readonly #heap: WasmHeap;

  /** Wraps an instantiated `dualphi-core.wasm`; use `loadKernels()` rather than this. */
  constructor(exports: CoreExports) {
    this.#raw = exports;
    this.#heap = new WasmHeap(exports);
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
    const { m, n, k, transA, transB, alpha, beta } = gemmArguments(this.owns, a, b, c, options);
    this.#raw.gemm(
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
    );
  }

  biasAdd(_x: F32Buffer, _bias: F32Buffer, _rows: number, _cols: number): void {
    throw new Error('biasAdd: not implemented yet');
  }

  columnSums(
    _x: F32Buffer,
    _out: F32Buffer,
    _rows: number,
    _cols: number,
    _options?: { accumulate?: boolean },
  ): void {
    throw new Error('columnSums: not implemented yet');
  }

  relu(_x: F32Buffer, _out: F32Buffer, _n: number): void {
    throw new Error('relu: not implemented yet');
  }

  reluBackward(_x: F32Buffer, _gradOut: F32Buffer, _gradIn: F32Buffer, _n: number): void {
    throw new Error('reluBackward: not implemented yet');
  }

  tanh(_x: F32Buffer, _out: F32Buffer, _n: number): void {
    throw new Error('tanh: not implemented yet');
  }

  tanhBackward(_y: F32Buffer, _gradOut: F32Buffer, _gradIn: F32Buffer, _n: number): void {
    throw new Error('tanhBackward: not implemented yet');
  }

  softmaxCrossEntropy(
    _logits: F32Buffer,
    _targets: SoftmaxTargets,
    _rows: number,
    _classes: number,
    _outputs?: { gradient?: F32Buffer; probabilities?: F32Buffer },
  ): SoftmaxCrossEntropyResult {
    throw new Error('softmaxCrossEntropy: not implemented yet');
  }

  entropy(_p: F32Buffer, _rows: number, _cols: number, _out?: F32Buffer): number {
    throw new Error('entropy: not implemented yet');
  }

  crossEntropy(
    _p: F32Buffer,
    _q: F32Buffer,
    _rows: number,
    _cols: number,
    _out?: F32Buffer,
  ): number {
    throw new Error('crossEntropy: not implemented yet');
  }

  klDivergence(
    _p: F32Buffer,
    _q: F32Buffer,
    _rows: number,
    _cols: number,
    _out?: F32Buffer,
  ): number {
    throw new Error('klDivergence: not implemented yet');
  }

  heavyBall(
    _weights: F32Buffer,
    _delta: F32Buffer,
    _gradient: F32Buffer,
    _n: number,
    _options: HeavyBallOptions,
  ): ProcessTerms | undefined {
    throw new Error('heavyBall: not implemented yet');
  }

  momentumUpdate(
    _weights: F32Buffer,
    _velocity: F32Buffer,
    _gradient: F32Buffer,
    _n: number,
    _options: MomentumOptions,
  ): void {
    throw new Error('momentumUpdate: not implemented yet');
  }

  adam(
    _weights: F32Buffer,
    _firstMoment: F32Buffer,
    _secondMoment: F32Buffer,
    _gradient: F32Buffer,
    _n: number,
    _options: AdamOptions,
  ): void {
    throw new Error('adam: not implemented yet');
  }

  dot(_a: F32Buffer, _b: F32Buffer, _n: number): number {
    throw new Error('dot: not implemented yet');
  }

  sumOfSquares(_a: F32Buffer, _n: number): number {
    throw new Error('sumOfSquares: not implemented yet');
  }

  argmaxRows(_x: F32Buffer, _rows: number, _cols: number, _out: Int32Array): void {
    throw new Error('argmaxRows: not implemented yet');
  }
}
