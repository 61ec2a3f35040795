/**
 * Momentum in the tfjs `tf.train.momentum` / PyTorch `torch.optim.SGD` convention: a baseline
 * and the comparison point for the delta form of theory.md §4.
 */
import type { ProcessTerms } from '@dualphi/core-wasm';
import { createOptimizer, type HyperParameters, type UpdateRule } from './engine.js';
import { numberOf, readOptions } from './options.js';
import { momentumReference } from './reference.js';
import type { MomentumOptions, Optimizer } from './types.js';
import { OptimizerOptionError } from './validate.js';

/**
 * The two terms of this convention's step written in the delta form of theory.md §4, from
 * ‖g‖², ‖v(t − 1)‖² and g·v(t − 1) (read before the update): Δw = −η·v(t) = G + M with
 * G = −η·g, M = −η·μ·v(t − 1); with Nesterov Δw = −η(1 + μ)·g − η·μ²·v(t − 1). With a constant
 * η, M equals dualProcess's α·Δw(t − 1), so the process balance of theory.md §5 (this
 * project's interpretation) is comparable between the two.
 */
function momentumTerms(
  gradientSquared: number,
  velocitySquared: number,
  dot: number,
  hyperParameters: HyperParameters,
): ProcessTerms {
  const eta = numberOf(hyperParameters, 'learningRate');
  const mu = numberOf(hyperParameters, 'momentum');
  const nesterov = hyperParameters.nesterov === true;
  const gradientScale = nesterov ? eta * (1 + mu) : eta;
  const velocityScale = nesterov ? eta * mu * mu : eta * mu;
  return {
    gradientNormSquared: gradientScale * gradientScale * gradientSquared,
    momentumNormSquared: velocityScale * velocityScale * velocitySquared,
    dot: gradientScale * velocityScale * dot,
  };
}

/** v ← μ·v + g; w ← w − η·v (Nesterov: w ← w − η·(g + μ·v)); one slot `velocity`. */
const momentumRule: UpdateRule = {
  slotNames: ['velocity'],
  telemetry: (hyperParameters) => hyperParameters.telemetry === true,
  kernelStep(kernels, weights, gradient, [velocity], hyperParameters) {
    const n = weights.length;
    // Three extra reductions over g and v(t − 1), only when telemetry is on.
    const terms =
      hyperParameters.telemetry === true
        ? momentumTerms(
            kernels.sumOfSquares(gradient, n),
            kernels.sumOfSquares(velocity, n),
            kernels.dot(gradient, velocity, n),
            hyperParameters,
          )
        : undefined;
    kernels.momentumUpdate(weights, velocity, gradient, weights.length, {
      learningRate: numberOf(hyperParameters, 'learningRate'),
      momentum: numberOf(hyperParameters, 'momentum'),
      nesterov: hyperParameters.nesterov === true,
    });
    return terms;
  },
  referenceStep(weights, gradient, [velocity], hyperParameters) {
    let terms: ProcessTerms | undefined;
    if (hyperParameters.telemetry === true) {
      let gradientSquared = 0;
      let velocitySquared = 0;
      let dot = 0;
      for (let i = 0; i < weights.length; i++) {
        gradientSquared += gradient[i] * gradient[i];
        velocitySquared += velocity[i] * velocity[i];
        dot += gradient[i] * velocity[i];
      }
      terms = momentumTerms(gradientSquared, velocitySquared, dot, hyperParameters);
    }
    momentumReference(
      weights,
      velocity,
      gradient,
      numberOf(hyperParameters, 'learningRate'),
      numberOf(hyperParameters, 'momentum'),
      hyperParameters.nesterov === true,
    );
    return terms;
  },
};

/**
 * Heavy-ball momentum as tfjs and PyTorch keep it: v ← μ·v + g, w ← w − η·v; with
 * `nesterov: true`, w ← w − η·(g + μ·v). With a constant η it is the same trajectory as
 * `dualProcess` with α = μ (Δw = −η·v, theory.md §4).
 *
 * With `telemetry: true` (default false, so the baseline costs what it costs elsewhere)
 * `update` also returns the process balance of theory.md §5 with the terms written in the
 * delta form (three extra reductions per tensor).
 *
 * @throws OptimizerOptionError when `learningRate` or `momentum` is missing or out of range,
 *   or when `nesterov` is set with momentum 0.
 */
export function momentum(options: MomentumOptions): Optimizer {
  const hyperParameters = readOptions(
    'momentum',
    options,
    ['learningRate', 'momentum', 'nesterov', 'telemetry'],
    { nesterov: false, telemetry: false },
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
