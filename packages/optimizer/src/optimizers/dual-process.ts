/**
 * The dual-process optimizer: the papers' delta-form heavy ball with the golden-ratio
 * constants (Jaeger, "Double-Bayesian Learning", arXiv 2410.12984, Eqs. 32–34;
 * apps/docs/theory.md#constants):
 *
 *     Δw(t) = −η·∂L/∂w(t) + α·Δw(t − 1),   w(t + 1) = w(t) + Δw(t),   Δw(0) = 0
 *
 * (Δw(0) = 0 is this project's choice; the papers do not state the initial step)
 * with α = √2/φ ≈ 0.874032 and η = (1 − α)² ≈ 0.015868 by default, and the process-balance
 * telemetry of theory.md §5 (an interpretation of this project) after every step.
 */
import { golden } from '../theory/golden.js';
import { createOptimizer, type UpdateRule } from './engine.js';
import { numberOf, readOptions } from './options.js';
import type { DualProcessOptions, Optimizer } from './types.js';

/** The delta-form heavy-ball rule; one slot `delta` holding Δw(t − 1). */
export const heavyBallRule: UpdateRule = {
  slotNames: ['delta'],
  telemetry: (hyperParameters) => hyperParameters.telemetry === true,
  step(kernels, weights, gradient, [delta], hyperParameters) {
    return kernels.heavyBall(weights, delta, gradient, weights.length, {
      learningRate: numberOf(hyperParameters, 'learningRate'),
      momentum: numberOf(hyperParameters, 'momentum'),
      telemetry: hyperParameters.telemetry === true,
    });
  },
};

/**
 * The papers' optimizer (theory.md §4): delta-form momentum with α = √2/φ and η = (1 − α)²
 * from {@link golden}, fixed (no schedule, Nesterov, dampening or weight decay: this
 * project's reading; the papers present fixed values and are silent on these).
 * `rounded: true` uses J24's rounded 0.874 / 0.016; `learningRate` and `momentum` override
 * either.
 *
 * Convention: this is the delta form, Δw = α·Δw − η·g. With a constant η it follows exactly
 * the trajectory of tfjs `tf.train.momentum` / PyTorch `SGD` (v ← μ·v + g, w ← w − η·v,
 * Δw = −η·v); when η changes between steps (after `set('learningRate', …)`) the delta form
 * keeps the old step's scale in its momentum term, the other convention rescales it.
 *
 * `update` returns the process balance of theory.md §5 (telemetry, not from the papers)
 * unless `telemetry: false`; it comes from the same fused pass as the update.
 *
 * @example
 * ```ts
 * const optimizer = dualProcess();               // α ≈ 0.874032, η ≈ 0.015868
 * const papers = dualProcess({ rounded: true }); // α = 0.874, η = 0.016
 * ```
 * @throws OptimizerOptionError for η not finite and > 0, α outside [0, 1), unknown options.
 */
export function dualProcess(options: DualProcessOptions = {}): Optimizer {
  const { rounded, ...given } = readOptions(
    'dualProcess',
    options,
    ['learningRate', 'momentum', 'rounded', 'telemetry'],
    { rounded: false, telemetry: true },
  );
  const hyperParameters = {
    learningRate:
      given.learningRate ?? (rounded ? golden.roundedLearningRate : golden.learningRate),
    momentum: given.momentum ?? (rounded ? golden.roundedMomentum : golden.momentum),
    telemetry: given.telemetry,
  };
  return createOptimizer({ name: 'dualProcess', rule: heavyBallRule, hyperParameters });
}
