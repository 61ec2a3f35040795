/**
 * Plain stochastic gradient descent, w ← w − η·g: a baseline. It is the delta form of the
 * papers' update (arXiv 2410.12984, Eq. 32) with α = 0, and runs on the same fused heavy-ball
 * kernel (the kernels have no separate axpy), so its one slot `delta` holds the last step
 * Δw = −η·g.
 */
import { defineOptimizer } from './define.js';
import { perTensor } from './engine.js';
import type { Optimizer, SgdOptions } from './types.js';
import { optionRules } from './validate.js';

/** The registry's entry for {@link sgd}. */
export const sgdModule = defineOptimizer({
  name: 'sgd',
  title: 'SGD',
  kind: 'baseline',
  formula: 'w ← w − η·g',
  source: 'Robbins & Monro 1951',
  options: {
    learningRate: {
      rule: optionRules.positive,
      required: true,
      symbol: 'η',
      description: 'step size η (required)',
    },
  },
  rule: {
    slotNames: ['delta'],
    telemetry: () => false,
    update: perTensor((kernels, weights, gradient, [delta], hyperParameters) => {
      kernels.heavyBall(weights, delta, gradient, weights.length, {
        learningRate: hyperParameters.learningRate,
        momentum: 0,
      });
      return undefined;
    }),
  },
  presets: [
    {
      name: 'sgd',
      options: { learningRate: 0.1 },
      // The effective step η/(1 − μ) of momentum 0.01/0.9, so that plain SGD is not
      // handicapped by a step ten times smaller (a choice of this project).
      summary: 'plain SGD, η = 0.1',
    },
  ],
});

/**
 * Stochastic gradient descent without momentum: w ← w − η·g.
 *
 * @throws OptimizerOptionError when `learningRate` is missing, not finite or ≤ 0.
 */
export function sgd(options: SgdOptions): Optimizer {
  return sgdModule.create(options);
}
