/**
 * Plain stochastic gradient descent, w ← w − η·g: a baseline. It is the delta form of
 * theory.md §4 with α = 0, and runs on the same fused heavy-ball kernel (the kernels have no
 * separate axpy), so its one slot `delta` holds the last step Δw = −η·g.
 */
import { createOptimizer, type UpdateRule } from './engine.js';
import { numberOf, readOptions } from './options.js';
import type { Optimizer, SgdOptions } from './types.js';

/** w ← w − η·g, as the delta form with α = 0; one slot `delta` (the last step). */
const sgdRule: UpdateRule = {
  slotNames: ['delta'],
  telemetry: () => false,
  step(kernels, weights, gradient, [delta], hyperParameters) {
    kernels.heavyBall(weights, delta, gradient, weights.length, {
      learningRate: numberOf(hyperParameters, 'learningRate'),
      momentum: 0,
    });
    return undefined;
  },
};

/**
 * Stochastic gradient descent without momentum: w ← w − η·g.
 *
 * @throws OptimizerOptionError when `learningRate` is missing, not finite or ≤ 0.
 */
export function sgd(options: SgdOptions): Optimizer {
  const hyperParameters = readOptions('sgd', options, ['learningRate'], {}, ['learningRate']);
  return createOptimizer({ name: 'sgd', rule: sgdRule, hyperParameters });
}
