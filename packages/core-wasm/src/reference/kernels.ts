/**
 * The reference kernel set: the whole {@link Kernels} contract over plain Float32Arrays,
 * with the same argument validation as the wasm kernels (`../arguments.ts`). It is the
 * oracle the fast kernels are tested against, and a fallback where WebAssembly SIMD is
 * missing.
 */
import * as checked from '../arguments.js';
import type { F32Buffer, Kernels, ProcessTerms } from '../types.js';
import { positiveInteger } from '../validate.js';
import { relu, reluBackward, tanh, tanhBackward } from './activations.js';
import { biasAdd, columnSums } from './bias.js';
import { crossEntropy, entropy, klDivergence } from './entropy.js';
import { gemm } from './gemm.js';
import { lionUpdate } from './lion.js';
import { prodigySums, prodigyUpdate } from './prodigy.js';
import { allFinite, argmaxRows, dot, sumOfSquares } from './reductions.js';
import { scheduleFreeAdamWUpdate, scheduleFreeSgdUpdate } from './schedule-free.js';
import { softmaxCrossEntropy } from './softmax.js';
import { adam, heavyBall, momentumUpdate } from './updates.js';

/** An F32Buffer backed by its own Float32Array. */
class ReferenceBuffer implements F32Buffer {
  #data: Float32Array | undefined;
  readonly length: number;
  readonly #onFree: (buffer: ReferenceBuffer) => void;

  constructor(length: number, onFree: (buffer: ReferenceBuffer) => void) {
    this.length = length;
    this.#data = new Float32Array(length);
    this.#onFree = onFree;
  }

  get view(): Float32Array {
    if (this.#data === undefined) throw new TypeError('buffer: view of a buffer after free()');
    return this.#data;
  }

  get freed(): boolean {
    return this.#data === undefined;
  }

  free(): void {
    if (this.#data === undefined) return;
    this.#data = undefined;
    this.#onFree(this);
  }
}

/**
 * Creates a reference kernel set (name 'reference'): plain TypeScript, f64 accumulation,
 * exact `Math.exp`/`Math.log`/`Math.tanh`. Buffers belong to the set that allocated them.
 */
export function createReferenceKernels(): Kernels {
  const owned = new WeakSet<F32Buffer>();
  let allocatedBytes = 0;
  const owns = (buffer: F32Buffer): buffer is F32Buffer => owned.has(buffer);
  // Called once per buffer: free() is idempotent.
  const onFree = (buffer: ReferenceBuffer) => {
    allocatedBytes -= buffer.length * Float32Array.BYTES_PER_ELEMENT;
  };

  function alloc(length: number): F32Buffer {
    positiveInteger('alloc', 'length', length);
    const buffer = new ReferenceBuffer(length, onFree);
    owned.add(buffer);
    allocatedBytes += length * Float32Array.BYTES_PER_ELEMENT;
    return buffer;
  }

  return {
    name: 'reference',
    alloc,
    allocFrom(data) {
      if (typeof data !== 'object' || data === null || typeof data.length !== 'number') {
        throw new TypeError('allocFrom: argument "data" must be an array-like of numbers');
      }
      const buffer = alloc(positiveInteger('allocFrom', 'data.length', data.length));
      buffer.view.set(data);
      return buffer;
    },
    allocatedBytes: () => allocatedBytes,

    gemm(a, b, c, options) {
      const g = checked.gemmArguments(owns, a, b, c, options);
      gemm(a.view, b.view, c.view, g.m, g.n, g.k, g.transA, g.transB, g.alpha, g.beta);
      // The epilogue: the arithmetic of biasAdd and relu after the product.
      if (g.bias !== undefined) biasAdd(c.view, g.bias.view, g.m, g.n);
      if (g.relu) relu(c.view, c.view, g.m * g.n);
    },

    biasAdd(x, bias, rows, cols) {
      checked.biasAddArguments(owns, x, bias, rows, cols);
      biasAdd(x.view, bias.view, rows, cols);
    },
    columnSums(x, out, rows, cols, options) {
      const accumulate = checked.columnSumsArguments(owns, x, out, rows, cols, options);
      columnSums(x.view, out.view, rows, cols, accumulate);
    },

    relu(x, out, n) {
      checked.elementwiseArguments('relu', owns, n, ['x', x], ['out', out]);
      relu(x.view, out.view, n);
    },
    reluBackward(x, gradOut, gradIn, n) {
      checked.elementwiseArguments(
        'reluBackward',
        owns,
        n,
        ['x', x],
        ['gradOut', gradOut],
        ['gradIn', gradIn],
      );
      reluBackward(x.view, gradOut.view, gradIn.view, n);
    },
    tanh(x, out, n) {
      checked.elementwiseArguments('tanh', owns, n, ['x', x], ['out', out]);
      tanh(x.view, out.view, n);
    },
    tanhBackward(y, gradOut, gradIn, n) {
      checked.elementwiseArguments(
        'tanhBackward',
        owns,
        n,
        ['y', y],
        ['gradOut', gradOut],
        ['gradIn', gradIn],
      );
      tanhBackward(y.view, gradOut.view, gradIn.view, n);
    },

    softmaxCrossEntropy(logits, targets, rows, classes, outputs) {
      const s = checked.softmaxArguments(owns, logits, targets, rows, classes, outputs);
      // Predictions first: the gradient may overwrite the logits.
      if (s.predictions !== undefined) argmaxRows(logits.view, rows, classes, s.predictions);
      const referenceTargets =
        s.labels !== undefined
          ? { labels: s.labels }
          : { probabilities: (s.targetProbabilities as F32Buffer).view };
      return softmaxCrossEntropy(
        logits.view,
        referenceTargets,
        rows,
        classes,
        s.gradient?.view,
        s.probabilities?.view,
      );
    },

    entropy(p, rows, cols, out) {
      checked.distributionArguments('entropy', owns, rows, cols, out, ['p', p]);
      return entropy(p.view, rows, cols, out?.view);
    },
    crossEntropy(p, q, rows, cols, out) {
      checked.distributionArguments('crossEntropy', owns, rows, cols, out, ['p', p], ['q', q]);
      return crossEntropy(p.view, q.view, rows, cols, out?.view);
    },
    klDivergence(p, q, rows, cols, out) {
      checked.distributionArguments('klDivergence', owns, rows, cols, out, ['p', p], ['q', q]);
      return klDivergence(p.view, q.view, rows, cols, out?.view);
    },

    heavyBall(weights, delta, gradient, n, options): ProcessTerms | undefined {
      const h = checked.heavyBallArguments(owns, weights, delta, gradient, n, options);
      const terms = heavyBall(weights.view, delta.view, gradient.view, n, h);
      return h.telemetry ? terms : undefined;
    },
    momentumUpdate(weights, velocity, gradient, n, options) {
      const o = checked.momentumArguments(owns, weights, velocity, gradient, n, options);
      momentumUpdate(weights.view, velocity.view, gradient.view, n, o);
    },
    adam(weights, firstMoment, secondMoment, gradient, n, options) {
      const o = checked.adamArguments(
        owns,
        weights,
        firstMoment,
        secondMoment,
        gradient,
        n,
        options,
      );
      adam(weights.view, firstMoment.view, secondMoment.view, gradient.view, n, o);
    },

    prodigySums(gradient, displacement, distance, n, options) {
      const o = checked.prodigySumsArguments(owns, gradient, displacement, distance, n, options);
      return prodigySums(gradient.view, displacement.view, distance.view, n, o);
    },
    prodigyUpdate(weights, displacement, firstMoment, secondMoment, gradient, n, options) {
      const o = checked.prodigyUpdateArguments(
        owns,
        weights,
        displacement,
        firstMoment,
        secondMoment,
        gradient,
        n,
        options,
      );
      prodigyUpdate(
        weights.view,
        displacement.view,
        firstMoment.view,
        secondMoment.view,
        gradient.view,
        n,
        o,
      );
    },

    lionUpdate(weights, momentum, gradient, n, options) {
      const o = checked.lionUpdateArguments(owns, weights, momentum, gradient, n, options);
      lionUpdate(weights.view, momentum.view, gradient.view, n, o);
    },
    scheduleFreeSgdUpdate(weights, z, x, gradient, n, options) {
      const o = checked.scheduleFreeSgdUpdateArguments(owns, weights, z, x, gradient, n, options);
      scheduleFreeSgdUpdate(weights.view, z.view, x.view, gradient.view, n, o);
    },
    scheduleFreeAdamWUpdate(weights, z, x, secondMoment, gradient, n, options) {
      const o = checked.scheduleFreeAdamWUpdateArguments(
        owns,
        weights,
        z,
        x,
        secondMoment,
        gradient,
        n,
        options,
      );
      scheduleFreeAdamWUpdate(weights.view, z.view, x.view, secondMoment.view, gradient.view, n, o);
    },

    dot(a, b, n) {
      checked.elementwiseArguments('dot', owns, n, ['a', a], ['b', b]);
      return dot(a.view, b.view, n);
    },
    sumOfSquares(a, n) {
      checked.elementwiseArguments('sumOfSquares', owns, n, ['a', a]);
      return sumOfSquares(a.view, n);
    },
    allFinite(a, n) {
      checked.elementwiseArguments('allFinite', owns, n, ['a', a]);
      return allFinite(a.view, n);
    },
    argmaxRows(x, rows, cols, out) {
      checked.argmaxArguments(owns, x, rows, cols, out);
      argmaxRows(x.view, rows, cols, out);
    },
  };
}
