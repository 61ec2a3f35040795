/**
 * Momentum in the tfjs `tf.train.momentum` / PyTorch `torch.optim.SGD` convention: a baseline
 * and the comparison point for the delta form of theory.md §4.
 */
import { createOptimizer, type UpdateRule } from './engine.js';
import { numberOf, readOptions } from './options.js';
import { momentumReference } from './reference.js';
import type { MomentumOptions, Optimizer } from './types.js';
import { OptimizerOptionError } from './validate.js';

/** v ← μ·v + g; w ← w − η·v (Nesterov: w ← w − η·(g + μ·v)); one slot `velocity`. */
const momentumRule: UpdateRule = {
  slotNames: ['velocity'],
  telemetry: () => false,
  kernelStep(kernels, weights, gradient, [velocity], hyperParameters) {
    kernels.momentumUpdate(weights, velocity, gradient, weights.length, {
      learningRate: numberOf(hyperParameters, 'learningRate'),
      momentum: numberOf(hyperParameters, 'momentum'),
      nesterov: hyperParameters.nesterov === true,
    });
    return undefined;
  },
  referenceStep(weights, gradient, [velocity], hyperParameters) {
    momentumReference(
      weights,
      velocity,
      gradient,
      numberOf(hyperParameters, 'learningRate'),
      numberOf(hyperParameters, 'momentum'),
      hyperParameters.nesterov === true,
    );
    return undefined;
  },
};

/**
 * Heavy-ball momentum as tfjs and PyTorch keep it: v ← μ·v + g, w ← w − η·v; with
 * `nesterov: true`, w ← w − η·(g + μ·v). With a constant η it is the same trajectory as
 * `dualProcess` with α = μ (Δw = −η·v, theory.md §4).
 *
 * @throws OptimizerOptionError when `learningRate` or `momentum` is missing or out of range,
 *   or when `nesterov` is set with momentum 0.
 */
export function momentum(options: MomentumOptions): Optimizer {
  const hyperParameters = readOptions(
    'momentum',
    options,
    ['learningRate', 'momentum', 'nesterov'],
    { nesterov: false },
    ['learningRate', 'momentum'],
  );
  return createOptimizer({
    name: 'momentum',
    rule: momentumRule,
    hyperParameters,
    checkCombination(values) {
      if (values.nesterov === true && values.momentum === 0) {
        throw new OptimizerOptionError(
          'momentum',
          'nesterov',
          'needs "momentum" > 0 (Nesterov with momentum 0 is plain SGD)',
          true,
        );
      }
    },
  });
}
