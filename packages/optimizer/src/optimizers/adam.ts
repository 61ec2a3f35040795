/**
 * Adam (Kingma & Ba, ICLR 2015) and AdamW (Loshchilov & Hutter, ICLR 2019): baselines.
 */
import { createOptimizer, type UpdateRule } from './engine.js';
import { numberOf, readOptions } from './options.js';
import type { AdamOptions, AdamWOptions, Optimizer } from './types.js';

/** Slots `firstMoment` (m) and `secondMoment` (v); the step count gives the bias corrections. */
const adamRule: UpdateRule = {
  slotNames: ['firstMoment', 'secondMoment'],
  telemetry: () => false,
  step(kernels, weights, gradient, [firstMoment, secondMoment], hyperParameters, step) {
    kernels.adam(weights, firstMoment, secondMoment, gradient, weights.length, {
      ...adamSettings(hyperParameters),
      step,
    });
    return undefined;
  },
};

function adamSettings(hyperParameters: Readonly<Record<string, number | boolean>>) {
  return {
    learningRate: numberOf(hyperParameters, 'learningRate'),
    beta1: numberOf(hyperParameters, 'beta1'),
    beta2: numberOf(hyperParameters, 'beta2'),
    epsilon: numberOf(hyperParameters, 'epsilon'),
    weightDecay: (hyperParameters.weightDecay as number | undefined) ?? 0,
  };
}

const adamDefaults = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * Adam: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w − η·m̂/(√v̂ + ε) with
 * m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ). Defaults η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (as in
 * the paper and PyTorch; tfjs uses ε = 1e-7).
 *
 * @throws OptimizerOptionError for η or ε not finite and > 0, betas outside [0, 1).
 */
export function adam(options: AdamOptions = {}): Optimizer {
  const hyperParameters = readOptions(
    'adam',
    options,
    ['learningRate', 'beta1', 'beta2', 'epsilon'],
    adamDefaults,
  );
  return createOptimizer({ name: 'adam', rule: adamRule, hyperParameters });
}

/**
 * AdamW: Adam with decoupled weight decay, w ← w − η·λ·w − η·m̂/(√v̂ + ε) (decay from the old
 * w, the PyTorch order). Defaults as {@link adam} plus λ = 0.01 (PyTorch's default).
 *
 * @throws OptimizerOptionError as {@link adam}, and for `weightDecay` not finite and ≥ 0.
 */
export function adamw(options: AdamWOptions = {}): Optimizer {
  const hyperParameters = readOptions(
    'adamw',
    options,
    ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay'],
    { ...adamDefaults, weightDecay: 0.01 },
  );
  return createOptimizer({ name: 'adamw', rule: adamRule, hyperParameters });
}
