/**
 * Lion, "EvoLved Sign Momentum" (Chen et al., "Symbolic Discovery of Optimization
 * Algorithms", NeurIPS 2023, arXiv 2302.06675, Algorithm 2): a baseline. Every coordinate
 * moves by exactly ±η (or 0) per step, the sign of an interpolation between the momentum and
 * the gradient:
 *
 *     c = β₁·m + (1 − β₁)·g,   w ← w − η·(sign(c) + λ·w),   m ← β₂·m + (1 − β₂)·g
 *
 * with sign(0) = 0 and the decoupled weight decay taken from the old w. Defaults from the
 * paper: η = 1e-4, β₁ = 0.9, β₂ = 0.99, λ = 0 (its η is 3–10× smaller than AdamW's, its λ
 * larger). The step is the fused kernel `lionUpdate` of `@dualphi/core-wasm` (in f64 from the
 * f32 values, rounded once when stored: bit-identical to its TypeScript reference loop, which
 * is the f64 path and the path of a kernel set without the kernel).
 */
import { defineOptimizer, type OptionsOf } from './define.js';
import { perTensor } from './engine.js';
import type { Optimizer } from './types.js';
import { optionRules } from './validate.js';

const lionOptions = {
  learningRate: { rule: optionRules.positive, default: 1e-4, symbol: 'η', description: 'η' },
  beta1: { rule: optionRules.unitInterval, default: 0.9, symbol: 'β₁', description: 'β₁' },
  beta2: { rule: optionRules.unitInterval, default: 0.99, symbol: 'β₂', description: 'β₂' },
  weightDecay: {
    rule: optionRules.nonNegative,
    default: 0,
    symbol: 'λ',
    description: 'decoupled weight decay λ',
  },
} as const;

/** Options of {@link lion} (checked against the module's declared rules). */
export interface LionOptions {
  /** η; default 1e-4. Finite, > 0. */
  learningRate?: number;
  /** β₁ (the interpolation of the update's sign); default 0.9. In [0, 1). */
  beta1?: number;
  /** β₂ (the momentum's decay); default 0.99. In [0, 1). */
  beta2?: number;
  /** Decoupled weight decay λ; default 0. Finite, ≥ 0. */
  weightDecay?: number;
}

// The interface and the declared options agree (a compile-time check).
const _typed: OptionsOf<typeof lionOptions> = {} as LionOptions;
void _typed;

/** The registry's entry for {@link lion}. */
export const lionModule = defineOptimizer({
  name: 'lion',
  title: 'Lion',
  kind: 'baseline',
  formula: 'c = β₁m + (1 − β₁)g, w ← w − η·(sign(c) + λw), m ← β₂m + (1 − β₂)g',
  source: 'Chen et al., NeurIPS 2023, arXiv 2302.06675, Algorithm 2',
  options: lionOptions,
  rule: {
    slotNames: ['momentum'],
    telemetry: () => false,
    update: perTensor((kernels, weights, gradient, [momentum], hyperParameters) => {
      const { learningRate, beta1, beta2, weightDecay } = hyperParameters;
      kernels.lionUpdate(weights, momentum, gradient, weights.length, {
        learningRate,
        beta1,
        beta2,
        weightDecay,
      });
      return undefined;
    }),
  },
  presets: [{ name: 'lion', options: {}, summary: 'sign momentum, η = 1e-4, β₁ = 0.9, β₂ = 0.99' }],
});

/**
 * Lion (arXiv 2302.06675): w ← w − η·(sign(β₁m + (1 − β₁)g) + λw), m ← β₂m + (1 − β₂)g.
 * Defaults η = 1e-4, β₁ = 0.9, β₂ = 0.99, λ = 0.
 *
 * @throws OptimizerOptionError for η not finite and > 0, betas outside [0, 1), λ < 0.
 */
export function lion(options: LionOptions = {}): Optimizer {
  return lionModule.create(options);
}
