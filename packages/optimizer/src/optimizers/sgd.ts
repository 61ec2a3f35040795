/**
 * Plain stochastic gradient descent, w ← w − η·g: a baseline.
 */
import { createOptimizer, type UpdateRule } from './engine.js';
import { numberOf, readOptions } from './options.js';
import { sgdReference } from './reference.js';
import type { Optimizer, SgdOptions } from './types.js';

/** w ← w − η·g; no slots. One pass over the views (the kernels have no axpy; this is O(n)). */
const sgdRule: UpdateRule = {
  slotNames: [],
  telemetry: () => false,
  kernelStep(_kernels, weights, gradient, _slots, hyperParameters) {
    const learningRate = numberOf(hyperParameters, 'learningRate');
    const w = weights.view;
    const g = gradient.view;
    for (let i = 0; i < weights.length; i++) w[i] -= learningRate * g[i];
    return undefined;
  },
  referenceStep(weights, gradient, _slots, hyperParameters) {
    sgdReference(weights, gradient, numberOf(hyperParameters, 'learningRate'));
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
