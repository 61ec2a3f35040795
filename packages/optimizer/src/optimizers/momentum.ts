/**
 * Momentum in the tfjs `tf.train.momentum` / PyTorch `torch.optim.SGD` convention: a baseline
 * and the comparison point for the papers' delta form (arXiv 2410.12984, Eq. 32).
 */
import type { ProcessTerms } from '@dualphi/core-wasm';
import { defineOptimizer, type ValuesOf } from './define.js';
import { perTensor, type UpdateKernels } from './engine.js';
import type { MomentumOptions, Optimizer } from './types.js';
import { OptimizerOptionError, optionRules } from './validate.js';

const momentumOptions = {
  learningRate: {
    rule: optionRules.positive,
    required: true,
    symbol: 'η',
    description: 'step size η (required)',
  },
  momentum: {
    rule: optionRules.unitInterval,
    required: true,
    symbol: 'μ',
    description: 'momentum μ (required)',
  },
  nesterov: { rule: optionRules.flag, default: false, description: 'Nesterov momentum' },
  telemetry: {
    rule: optionRules.flag,
    default: false,
    description: 'return the process balance in the delta-form reading',
  },
} as const;

type MomentumValues = ValuesOf<typeof momentumOptions>;

/**
 * The two terms of this convention's step written in the delta form, from ‖g‖², ‖v(t − 1)‖²
 * and g·v(t − 1) (read before the update): Δw = −η·v(t) = G + M with G = −η·g,
 * M = −η·μ·v(t − 1); with Nesterov Δw = −η(1 + μ)·g − η·μ²·v(t − 1). With a constant η, M
 * equals dualProcess's α·Δw(t − 1), so the process balance (this project's interpretation,
 * apps/docs/guides/telemetry.md) is comparable between the two. Undefined when telemetry is
 * off: the three extra reductions are taken only when asked for.
 */
function momentumTerms<A, G>(
  kernels: UpdateKernels<A, G>,
  gradient: G,
  velocity: A,
  n: number,
  hyperParameters: MomentumValues,
): ProcessTerms | undefined {
  if (!hyperParameters.telemetry) return undefined;
  const { learningRate: eta, momentum: mu, nesterov } = hyperParameters;
  const gradientScale = nesterov ? eta * (1 + mu) : eta;
  const velocityScale = nesterov ? eta * mu * mu : eta * mu;
  return {
    gradientNormSquared: gradientScale * gradientScale * kernels.sumOfSquares(gradient, n),
    momentumNormSquared: velocityScale * velocityScale * kernels.sumOfSquares(velocity, n),
    dot: gradientScale * velocityScale * kernels.dot(gradient, velocity, n),
  };
}

/** The registry's entry for {@link momentum}. */
export const momentumModule = defineOptimizer({
  name: 'momentum',
  title: 'momentum (tfjs / PyTorch convention)',
  kind: 'baseline',
  formula: 'v ← μ·v + g, w ← w − η·v (Nesterov: w ← w − η·(g + μ·v))',
  source: 'Polyak 1964; Sutskever et al., ICML 2013',
  options: momentumOptions,
  rule: {
    slotNames: ['velocity'],
    telemetry: (hyperParameters) => hyperParameters.telemetry,
    // v ← μ·v + g; w ← w − η·v (Nesterov: w ← w − η·(g + μ·v)); one slot `velocity`.
    update: perTensor((kernels, weights, gradient, [velocity], hyperParameters) => {
      const n = weights.length;
      const terms = momentumTerms(kernels, gradient, velocity, n, hyperParameters);
      kernels.momentumUpdate(weights, velocity, gradient, n, {
        learningRate: hyperParameters.learningRate,
        momentum: hyperParameters.momentum,
        nesterov: hyperParameters.nesterov,
      });
      return terms;
    }),
  },
  checkCombination(values) {
    if (values.nesterov && values.momentum === 0) {
      throw new OptimizerOptionError(
        'momentum',
        'nesterov',
        'needs "momentum" > 0 (Nesterov with momentum 0 is plain SGD)',
        true,
      );
    }
  },
  // The customary pair the issue and the papers compare against, with the process-balance
  // telemetry on: its step written in the delta form has the same two terms G and M, so
  // the balance columns of `compare` can be read side by side.
  presets: [
    {
      name: 'momentum',
      options: { learningRate: 0.01, momentum: 0.9, telemetry: true },
      summary: 'heavy ball as in tfjs/PyTorch, η = 0.01, μ = 0.9',
    },
    {
      name: 'nesterov',
      options: { learningRate: 0.01, momentum: 0.9, nesterov: true, telemetry: true },
      summary: 'Nesterov momentum, η = 0.01, μ = 0.9',
    },
  ],
});

/**
 * Heavy-ball momentum as tfjs and PyTorch keep it: v ← μ·v + g, w ← w − η·v; with
 * `nesterov: true`, w ← w − η·(g + μ·v). With a constant η it is the same trajectory as
 * `dualProcess` with α = μ (Δw = −η·v).
 *
 * With `telemetry: true` (default false, so the baseline costs what it costs elsewhere)
 * `update` also returns the process balance with the terms written in the delta form (three
 * extra reductions per tensor).
 *
 * @throws OptimizerOptionError when `learningRate` or `momentum` is missing or out of range,
 *   or when `nesterov` is set with momentum 0.
 */
export function momentum(options: MomentumOptions): Optimizer {
  return momentumModule.create(options);
}
