/**
 * The optional fused update: the delta-form step of apps/docs/theory.md#constants in one pass of
 * `@dualphi/core-wasm`'s SIMD `heavyBall` kernel instead of four tfjs ops. The kernel has its
 * own WebAssembly memory, so every step copies the weights, the gradient and the delta in and
 * the new weights and delta out; it pays only where the kernel saves more than the copies
 * cost. Measured per backend (BENCHMARKS.md): on tfjs-backend-cpu it is 10–14× faster than
 * the tfjs ops (whose scalar-broadcast `mul` is a slow generic loop, and where reading a
 * tensor costs no copy); on tfjs-backend-wasm it is several times slower (every read and
 * write copies across two wasm heaps, and tfjs's own SIMD ops are fast). Hence `'auto'`
 * fuses only on the backends in {@link FUSED_BACKENDS}.
 *
 * The kernel evaluates Δw = (−η)·g + α·Δw and w + Δw in f32 without fused multiply-add, the
 * same roundings as the tfjs ops α·Δw − η·g, so both paths give the same numbers bit for bit
 * (tested), and switching between them mid-training changes nothing but the speed.
 */
import { getDefaultKernels } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import type { ProcessTerms } from './telemetry.js';

/** The kernels `getDefaultKernels()` resolves to (the `Kernels` of `@dualphi/core-wasm`). */
type Kernels = Awaited<ReturnType<typeof getDefaultKernels>>;
type F32Buffer = ReturnType<Kernels['alloc']>;

/**
 * `false`: tfjs ops on every backend. `true`: the fused kernel on every backend (call
 * `await optimizer.ready()` before the first step). `'auto'`: the fused kernel on the
 * backends in {@link FUSED_BACKENDS} once the kernels have loaded (loading starts in the
 * background at the first step there; until it finishes, and if it fails, tfjs ops run).
 */
export type FusedMode = 'auto' | boolean;

/**
 * The tfjs backends on which the fused update measured faster than tfjs ops, copies included
 * (BENCHMARKS.md: cpu 10–14× faster; wasm 2–4× slower; webgl/webgpu not measured).
 */
export const FUSED_BACKENDS: ReadonlySet<string> = new Set(['cpu']);

/**
 * Checks the `fused` option with a message in the style of `@dualphi/optimizer`: a
 * `RangeError` for another string, a `TypeError` for a value that is neither string nor
 * boolean.
 */
export function validateFusedMode(optimizer: string, value: unknown): FusedMode {
  if (value === 'auto' || value === true || value === false) return value;
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  const message = `${optimizer}: "fused" must be 'auto', true or false, got ${shown}`;
  // Another string is a value out of range; anything else has the wrong type.
  throw typeof value === 'string' ? new RangeError(message) : new TypeError(message);
}

/** One variable's step: the variable, its gradient and its delta slot. */
export interface FusedStepInput {
  variable: tf.Variable;
  gradient: tf.Tensor;
  delta: tf.Variable;
}

/** Runs the fused update; owns its wasm scratch buffers. */
export class FusedUpdater {
  readonly mode: FusedMode;
  private kernels: Kernels | null = null;
  private loading: Promise<void> | null = null;
  private loadError: unknown = null;
  /** Scratch for weights, delta and gradient, grown to the largest variable. */
  private scratch: { weights: F32Buffer; delta: F32Buffer; gradient: F32Buffer } | null = null;

  constructor(mode: FusedMode) {
    this.mode = mode;
  }

  /** Loads the kernels (no-op when `mode` is false). Rejects when they cannot be loaded. */
  ready(): Promise<void> {
    if (this.mode === false || this.kernels !== null) return Promise.resolve();
    if (this.loading === null) {
      this.loading = getDefaultKernels().then(
        (kernels) => {
          this.kernels = kernels;
        },
        (error: unknown) => {
          this.loadError = error;
          this.loading = null;
          throw error;
        },
      );
    }
    return this.loading;
  }

  /**
   * Whether the next step on the current backend runs fused. With `'auto'` on a winning
   * backend this starts loading the kernels (and answers false until they are there).
   *
   * @throws Error with `fused: true` when {@link ready} has not completed.
   */
  active(): boolean {
    if (this.mode === false) return false;
    if (this.mode === true) {
      if (this.kernels === null) {
        const reason =
          this.loadError === null ? '' : ` (loading failed: ${String(this.loadError)})`;
        throw new Error(
          `DualProcessOptimizer: fused: true needs the wasm kernels; await optimizer.ready() before the first step${reason}`,
        );
      }
      return true;
    }
    if (!FUSED_BACKENDS.has(tf.getBackend())) return false;
    if (this.kernels === null && this.loading === null && this.loadError === null) {
      // Failure is remembered: 'auto' then keeps to tfjs ops rather than retrying every step.
      this.ready().catch(() => undefined);
    }
    return this.kernels !== null;
  }

  /**
   * One fused step per variable: copy w, Δw, g in; Δw ← α·Δw − η·g, w ← w + Δw in one pass;
   * copy w and Δw out. Returns the process terms when `telemetry` is set.
   */
  step(
    inputs: readonly FusedStepInput[],
    learningRate: number,
    momentum: number,
    telemetry: boolean,
  ): ProcessTerms[] | undefined {
    const kernels = this.kernels as Kernels;
    const terms: ProcessTerms[] = [];
    for (const { variable, gradient, delta } of inputs) {
      const n = variable.size;
      const scratch = this.scratchFor(kernels, n);
      scratch.weights.view.set(variable.dataSync() as Float32Array);
      scratch.delta.view.set(delta.dataSync() as Float32Array);
      scratch.gradient.view.set(gradient.dataSync() as Float32Array);
      const result = kernels.heavyBall(scratch.weights, scratch.delta, scratch.gradient, n, {
        learningRate,
        momentum,
        telemetry,
      });
      if (result !== undefined) terms.push(result);
      // Views may be re-created by heavyBall's allocations: read them after the call.
      const newDelta = tf.tensor(scratch.delta.view.slice(0, n), delta.shape, 'float32');
      const newWeights = tf.tensor(scratch.weights.view.slice(0, n), variable.shape, 'float32');
      delta.assign(newDelta);
      variable.assign(newWeights);
      tf.dispose([newDelta, newWeights]);
    }
    return telemetry ? terms : undefined;
  }

  /** Frees the wasm scratch buffers (the shared kernels stay loaded for others). */
  dispose(): void {
    if (this.scratch !== null) {
      this.scratch.weights.free();
      this.scratch.delta.free();
      this.scratch.gradient.free();
      this.scratch = null;
    }
  }

  private scratchFor(kernels: Kernels, n: number) {
    if (this.scratch === null || this.scratch.weights.length < n) {
      this.dispose();
      this.scratch = {
        weights: kernels.alloc(n),
        delta: kernels.alloc(n),
        gradient: kernels.alloc(n),
      };
    }
    return this.scratch;
  }
}
