/**
 * Adam (Kingma & Ba, ICLR 2015, arXiv 1412.6980) and AdamW (Loshchilov & Hutter, ICLR 2019,
 * arXiv 1711.05101): baselines.
 */
import { defineOptimizer, type ValuesOf } from './define.js';
import { perTensor, type UpdateRule } from './engine.js';
import type { AdamOptions, AdamWOptions, Optimizer } from './types.js';
import { optionRules } from './validate.js';

const adamOptions = {
  learningRate: {
    rule: optionRules.positive,
    default: 0.001,
    symbol: 'η',
    description: 'step size η',
  },
  beta1: { rule: optionRules.unitInterval, default: 0.9, symbol: 'β₁', description: 'β₁' },
  beta2: { rule: optionRules.unitInterval, default: 0.999, symbol: 'β₂', description: 'β₂' },
  epsilon: { rule: optionRules.positive, default: 1e-8, symbol: 'ε', description: 'ε' },
} as const;

const adamwOptions = {
  ...adamOptions,
  weightDecay: {
    rule: optionRules.nonNegative,
    default: 0.01,
    symbol: 'λ',
    description: 'decoupled weight decay λ',
  },
} as const;

/**
 * Slots `firstMoment` (m) and `secondMoment` (v); the step count gives the bias corrections.
 * `weightDecay` is AdamW's λ (0 for Adam).
 */
function adamRule<
  H extends {
    readonly learningRate: number;
    readonly beta1: number;
    readonly beta2: number;
    readonly epsilon: number;
  },
>(weightDecay: (hyperParameters: H) => number): UpdateRule<H> {
  return {
    slotNames: ['firstMoment', 'secondMoment'],
    telemetry: () => false,
    update: perTensor<H>(
      (kernels, weights, gradient, [firstMoment, secondMoment], hyperParameters, step) => {
        kernels.adam(weights, firstMoment, secondMoment, gradient, weights.length, {
          learningRate: hyperParameters.learningRate,
          beta1: hyperParameters.beta1,
          beta2: hyperParameters.beta2,
          epsilon: hyperParameters.epsilon,
          weightDecay: weightDecay(hyperParameters),
          step,
        });
        return undefined;
      },
    ),
  };
}

/** The registry's entry for {@link adam}. */
export const adamModule = defineOptimizer({
  name: 'adam',
  title: 'Adam',
  kind: 'baseline',
  formula: 'm ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w − η·m̂/(√v̂ + ε)',
  source: 'Kingma & Ba, ICLR 2015, arXiv 1412.6980',
  options: adamOptions,
  rule: adamRule(() => 0),
  presets: [{ name: 'adam', options: {}, summary: 'η = 0.001, β₁ = 0.9, β₂ = 0.999' }],
});

/** The registry's entry for {@link adamw}. */
export const adamwModule = defineOptimizer({
  name: 'adamw',
  title: 'AdamW',
  kind: 'baseline',
  formula: 'Adam with w ← w − η·λ·w (decoupled weight decay)',
  source: 'Loshchilov & Hutter, ICLR 2019, arXiv 1711.05101',
  options: adamwOptions,
  rule: adamRule<ValuesOf<typeof adamwOptions>>((hyperParameters) => hyperParameters.weightDecay),
  presets: [{ name: 'adamw', options: {}, summary: 'as adam, with decoupled weight decay 0.01' }],
});

/**
 * Adam: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w − η·m̂/(√v̂ + ε) with
 * m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ). Defaults η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (as in
 * the paper and PyTorch; tfjs uses ε = 1e-7).
 *
 * @throws OptimizerOptionError for η or ε not finite and > 0, betas outside [0, 1).
 */
export function adam(options: AdamOptions = {}): Optimizer {
  return adamModule.create(options);
}

/**
 * AdamW: Adam with decoupled weight decay, w ← w − η·λ·w − η·m̂/(√v̂ + ε) (decay from the old
 * w, the PyTorch order). Defaults as {@link adam} plus λ = 0.01 (PyTorch's default).
 *
 * @throws OptimizerOptionError as {@link adam}, and for `weightDecay` not finite and ≥ 0.
 */
export function adamw(options: AdamWOptions = {}): Optimizer {
  return adamwModule.create(options);
}
