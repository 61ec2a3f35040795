/**
 * The dual-process optimizer: the papers' delta-form heavy ball with the golden-ratio
 * constants (Jaeger, "Double-Bayesian Learning", arXiv 2410.12984, Eqs. 32–34;
 * apps/docs/theory.md#constants):
 *
 *     Δw(t) = −η·∂L/∂w(t) + α·Δw(t − 1),   w(t + 1) = w(t) + Δw(t),   Δw(0) = 0
 *
 * (Δw(0) = 0 is this project's choice; the papers do not state the initial step)
 * with α = √2/φ ≈ 0.874032 and η = (1 − α)² ≈ 0.015868 by default, and the process-balance
 * telemetry (an interpretation of this project, apps/docs/guides/telemetry.md) after every step.
 */
import { golden } from '../theory/golden.js';
import { defineOptimizer } from './define.js';
import { perTensor, type UpdateRule } from './engine.js';
import type { DualProcessOptions, Optimizer } from './types.js';
import { optionRules } from './validate.js';

/** The options of the delta-form heavy ball (shared by the golden extensions). */
export const heavyBallOptions = {
  learningRate: {
    rule: optionRules.positive,
    symbol: 'η',
    description: 'step size η; default (1 − α)² (0.016 with rounded)',
  },
  momentum: {
    rule: optionRules.unitInterval,
    symbol: 'α',
    description: 'momentum α; default √2/φ (0.874 with rounded)',
  },
  rounded: {
    rule: optionRules.flag,
    transient: true,
    default: false,
    description: "use the papers' rounded constants 0.874 / 0.016 as defaults",
  },
  telemetry: {
    rule: optionRules.flag,
    default: true,
    description: 'return the process balance after each update',
  },
} as const;

/** The delta-form heavy-ball rule; one slot `delta` holding Δw(t − 1). */
export const heavyBallRule: UpdateRule<{
  readonly learningRate: number;
  readonly momentum: number;
  readonly telemetry: boolean;
}> = {
  slotNames: ['delta'],
  telemetry: (hyperParameters) => hyperParameters.telemetry,
  update: perTensor((kernels, weights, gradient, [delta], hyperParameters) =>
    kernels.heavyBall(weights, delta, gradient, weights.length, {
      learningRate: hyperParameters.learningRate,
      momentum: hyperParameters.momentum,
      telemetry: hyperParameters.telemetry,
    }),
  ),
};

/** The golden constants as defaults, the papers' rounded ones with `rounded`. */
export function goldenDefaults(given: { readonly rounded?: boolean }): {
  learningRate: number;
  momentum: number;
} {
  return given.rounded === true
    ? { learningRate: golden.roundedLearningRate, momentum: golden.roundedMomentum }
    : { learningRate: golden.learningRate, momentum: golden.momentum };
}

/** The registry's entry for {@link dualProcess}. */
export const dualProcessModule = defineOptimizer({
  name: 'dualProcess',
  title: 'golden pair (dual process)',
  kind: 'paper',
  formula: 'Δw ← α·Δw − η·g, w ← w + Δw',
  source: 'Jaeger, "Double-Bayesian Learning", arXiv 2410.12984, Eqs. 32–34',
  options: heavyBallOptions,
  rule: heavyBallRule,
  resolve: goldenDefaults,
  presets: [
    {
      name: 'golden',
      options: {},
      summary: 'dual-process update, α = √2/φ ≈ 0.874032, η = (1 − α)² ≈ 0.015868',
    },
    {
      name: 'golden-rounded',
      options: { rounded: true },
      summary: "the same with the papers' rounded 0.874 and 0.016",
    },
  ],
});

/**
 * The papers' optimizer (arXiv 2410.12984, Eqs. 32–34; apps/docs/theory.md#constants):
 * delta-form momentum with α = √2/φ and η = (1 − α)² from {@link golden}, fixed (no schedule,
 * Nesterov, dampening or weight decay: this project's reading; the papers present fixed values
 * and are silent on these). `rounded: true` uses J24's rounded 0.874 / 0.016; `learningRate`
 * and `momentum` override either.
 *
 * Convention: this is the delta form, Δw = α·Δw − η·g. With a constant η it follows exactly
 * the trajectory of tfjs `tf.train.momentum` / PyTorch `SGD` (v ← μ·v + g, w ← w − η·v,
 * Δw = −η·v); when η changes between steps (after `set('learningRate', …)`) the delta form
 * keeps the old step's scale in its momentum term, the other convention rescales it.
 *
 * `update` returns the process balance (telemetry, not from the papers; see
 * apps/docs/guides/telemetry.md) unless `telemetry: false`; it comes from the same fused
 * pass as the update.
 *
 * @example
 * ```ts
 * const optimizer = dualProcess();               // α ≈ 0.874032, η ≈ 0.015868
 * const papers = dualProcess({ rounded: true }); // α = 0.874, η = 0.016
 * ```
 * @throws OptimizerOptionError for η not finite and > 0, α outside [0, 1), unknown options.
 */
export function dualProcess(options: DualProcessOptions = {}): Optimizer {
  return dualProcessModule.create(options);
}
