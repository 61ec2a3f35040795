/**
 * Momentum in the tfjs `tf.train.momentum` / PyTorch `torch.optim.SGD` convention: a baseline
 * and the comparison point for the delta form of theory.md §4.
 */
import type { ProcessTerms } from '@dualphi/core-wasm';
import {
  createOptimizer,
  type HyperParameters,
  type UpdateKernels,
  type UpdateRule,
} from './engine.js';
import { numberOf, readOptions } from './options.js';
import type { MomentumOptions, Optimizer } from './types.js';
import { OptimizerOptionError } from './validate.js';

/**
 * The two terms of this convention's step written in the delta form of theory.md §4, from
 * ‖g‖², ‖v(t − 1)‖² and g·v(t − 1) (read before the update): Δw = −η·v(t) = G + M with
 * G = −η·g, M = −η·μ·v(t − 1); with Nesterov Δw = −η(1 + μ)·g − η·μ²·v(t − 1). With a constant
 * η, M equals dualProcess's α·Δw(t − 1), so the process balance of theory.md §5 (this
 * project's interpretation) is comparable between the two. Undefined when telemetry is off:
 * the three extra reductions are taken only when asked for.
 */
function momentumTerms<A, G>(
  kernels: UpdateKernels<A, G>,
  gradient: G,
  velocity: A,
  n: number,
  hyperParameters: HyperParameters,
): ProcessTerms | undefined {
  if (hyperParameters.telemetry !== true) return undefined;
  const { learningRate: eta, momentum: mu, nesterov } = momentumSettings(hyperParameters);
  const gradientScale = nesterov ? eta * (1 + mu) : eta;
  const velocityScale = nesterov ? eta * mu * mu : eta * mu;
  return {
    gradientNormSquared: gradientScale * gradientScale * kernels.sumOfSquares(gradient, n),
    momentumNormSquared: velocityScale * velocityScale * kernels.sumOfSquares(velocity, n),
    dot: gradientScale * velocityScale * kernels.dot(gradient, velocity, n),
  };
}

/** η, μ and Nesterov from the hyper-parameters of one update. */
function momentumSettings(hyperParameters: HyperParameters) {
  return {
    learningRate: numberOf(hyperParameters, 'learningRate'),
    momentum: numberOf(hyperParameters, 'momentum'),
    nesterov: hyperParameters.nesterov === true,
  };
}

/** v ← μ·v + g; w ← w − η·v (Nesterov: w ← w − η·(g + μ·v)); one slot `velocity`. */
const momentumRule: UpdateRule = {
  slotNames: ['velocity'],
  telemetry: (hyperParameters) => hyperParameters.telemetry === true,
  step(kernels, weights, gradient, [velocity], hyperParameters) {
    const n = weights.length;
    const terms = momentumTerms(kernels, gradient, velocity, n, hyperParameters);
    kernels.momentumUpdate(weights, velocity, gradient, n, momentumSettings(hyperParameters));
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
