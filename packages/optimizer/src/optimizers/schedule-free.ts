/**
 * Schedule-Free SGD and Schedule-Free AdamW (Defazio et al., "The Road Less Scheduled",
 * NeurIPS 2024, arXiv 2405.15682, Algorithm 1 and its AdamW form): tuning-free peers that
 * replace the learning-rate schedule by averaging. Three sequences: z (the base SGD/Adam
 * iterate), x (the average: the point to evaluate, checkpoint and save) and y (the point the
 * gradients are taken at, held by the parameters while training). One step, gradient g at y,
 * k the 0-based step:
 *
 *     η_k = η·min(1, (k + 1)/warm-up),   η_max = max over steps of η_k
 *     w_k = (k + 1)^r·η_max^p,   c = w_k / Σ w,                 (c = 1/(k + 1) by default)
 *     SGD:   z ← z − η_k·(g + λ·y)
 *     AdamW: z ← z − η_k·λ·y;  v ← β₂v + (1 − β₂)g²;  z ← z − η_k·g / (√(v/(1 − β₂^(k+1))) + ε)
 *     x ← (1 − c)·x + c·z,   y ← β·x + (1 − β)·z
 *
 * Defaults as the reference implementation: SGD η = 1, β = 0.9; AdamW η = 0.0025,
 * β₁ = 0.9, β₂ = 0.999, ε = 1e-8; weight decay 0, warm-up 0 steps, r = 0, p = 2. The slots
 * are `z` and `x` (copies of the initial weights), the scalars Σw (`weightSum`) and η_max
 * (`maxLearningRate`). The engine evaluates and saves the model at x (the `evaluationSlot`),
 * training continues at y. Each step is a fused kernel of `@dualphi/core-wasm`
 * (`scheduleFreeSgdUpdate`, `scheduleFreeAdamWUpdate`: in f64 from the f32 values, rounded once
 * when stored, bit-identical to their TypeScript reference loops, which are the f64 path and
 * the path of a kernel set without the kernels); η_k and c are computed here, once per step.
 */
import { defineOptimizer } from './define.js';
import type { TensorUpdate, UpdateContext, UpdateKernels } from './engine.js';
import type { Optimizer } from './types.js';
import { optionRules } from './validate.js';

/** Options both Schedule-Free variants share. */
interface ScheduleFreeCommon {
  /** Decoupled weight decay λ (taken at y); default 0. Finite, ≥ 0. */
  weightDecay?: number;
  /** Linear warm-up of η over this many steps; default 0 (none). An integer ≥ 0. */
  warmupSteps?: number;
  /** r, the power of (k + 1) in the averaging weights; default 0. Finite, ≥ 0. */
  averagingPower?: number;
  /** p, the power of η_max in the averaging weights; default 2. Finite, ≥ 0. */
  learningRatePower?: number;
}

/** Options of {@link scheduleFreeSgd}. */
export interface ScheduleFreeSgdOptions extends ScheduleFreeCommon {
  /** η; default 1 (the reference implementation's). Finite, > 0. */
  learningRate?: number;
  /** β, the interpolation between x and z that gives y; default 0.9. In [0, 1). */
  momentum?: number;
}

/** Options of {@link scheduleFreeAdamW}. */
export interface ScheduleFreeAdamWOptions extends ScheduleFreeCommon {
  /** η; default 0.0025. Finite, > 0. */
  learningRate?: number;
  /** β₁, the interpolation between x and z that gives y; default 0.9. In [0, 1). */
  beta1?: number;
  /** β₂; default 0.999. In [0, 1). */
  beta2?: number;
  /** ε; default 1e-8. Finite, > 0. */
  epsilon?: number;
}

const commonOptions = {
  weightDecay: {
    rule: optionRules.nonNegative,
    default: 0,
    symbol: 'λ',
    description: 'decoupled weight decay λ, taken at y',
  },
  warmupSteps: {
    rule: optionRules.count,
    default: 0,
    description: 'linear warm-up of η over this many steps',
  },
  averagingPower: {
    rule: optionRules.nonNegative,
    default: 0,
    description: 'r, the power of (k + 1) in the averaging weights',
  },
  learningRatePower: {
    rule: optionRules.nonNegative,
    default: 2,
    description: 'p, the power of η_max in the averaging weights',
  },
} as const;

/** What both variants read. */
interface CommonValues {
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly warmupSteps: number;
  readonly averagingPower: number;
  readonly learningRatePower: number;
}

/**
 * η_k and the averaging coefficient c of this step; updates Σw and η_max.
 *
 * @throws RangeError, before anything changes, when the averaging weight overflows so that c
 * is not a number (∞/∞): the step would turn every x and y into NaN.
 */
function schedule(
  optimizer: string,
  h: CommonValues,
  context: UpdateContext,
): { rate: number; c: number } {
  const k = context.step - 1;
  const rate =
    h.warmupSteps > 0 ? h.learningRate * Math.min(1, (k + 1) / h.warmupSteps) : h.learningRate;
  const scalars = context.scalars;
  const maxRate = Math.max(scalars.maxLearningRate, rate);
  const weight = (k + 1) ** h.averagingPower * maxRate ** h.learningRatePower;
  const weightSum = scalars.weightSum + weight;
  const c = weightSum > 0 ? weight / weightSum : 0;
  if (Number.isNaN(c)) {
    throw new RangeError(
      `${optimizer}: the averaging weight (k + 1)^r·η_max^p overflowed at step ${k + 1} (averagingPower r = ${h.averagingPower}, learningRatePower p = ${h.learningRatePower}, η_max = ${maxRate}); choose smaller powers`,
    );
  }
  scalars.maxLearningRate = maxRate;
  scalars.weightSum = weightSum;
  return { rate, c };
}

const initialScalars = () => ({ weightSum: 0, maxLearningRate: -1 });

/** The registry's entry for {@link scheduleFreeSgd}. */
export const scheduleFreeSgdModule = defineOptimizer({
  name: 'scheduleFreeSgd',
  title: 'Schedule-Free SGD',
  kind: 'tuning-free peer',
  formula: 'z ← z − η·g(y), x ← (1 − c)x + c·z, y ← βx + (1 − β)z; evaluate at x',
  source: 'Defazio et al., NeurIPS 2024, arXiv 2405.15682',
  options: {
    learningRate: { rule: optionRules.positive, default: 1, symbol: 'η', description: 'η' },
    momentum: {
      rule: optionRules.unitInterval,
      default: 0.9,
      symbol: 'β',
      description: 'β, the interpolation that gives y',
    },
    ...commonOptions,
  },
  rule: {
    slotNames: ['z', 'x'],
    copiedSlots: ['z', 'x'],
    evaluationSlot: 'x',
    scalars: initialScalars,
    telemetry: () => false,
    update<A extends { length: number }, G extends { length: number }>(
      kernels: UpdateKernels<A, G>,
      tensors: readonly TensorUpdate<A, G>[],
      h: CommonValues & { readonly momentum: number },
      context: UpdateContext,
    ) {
      const { rate, c } = schedule('scheduleFreeSgd', h, context);
      const options = {
        learningRate: rate,
        momentum: h.momentum,
        averaging: c,
        weightDecay: h.weightDecay,
      };
      for (const { weights, gradient, slots } of tensors) {
        kernels.scheduleFreeSgdUpdate(
          weights,
          slots[0],
          slots[1],
          gradient,
          weights.length,
          options,
        );
      }
      return undefined;
    },
  },
  presets: [
    {
      name: 'schedule-free-sgd',
      // The reference implementation's default η = 1. Its README advises 10–50× a classical
      // SGD rate (0.1–0.5 here, against momentum's 0.01); on the embedded digits (64-128-10,
      // batch 32, seed 0) η = 1 trained fastest of 0.1, 0.3, 0.5 and 1 (test accuracy 0.955
      // after 3 epochs, 0.975 after 20; 0.942 after 20 at η = 0.1), so the default stands.
      options: {},
      summary: 'Schedule-Free SGD, η = 1 (the reference default), β = 0.9',
    },
  ],
});

/** The registry's entry for {@link scheduleFreeAdamW}. */
export const scheduleFreeAdamWModule = defineOptimizer({
  name: 'scheduleFreeAdamW',
  title: 'Schedule-Free AdamW',
  kind: 'tuning-free peer',
  formula: 'z ← z − η·g(y)/(√v̂ + ε), x ← (1 − c)x + c·z, y ← β₁x + (1 − β₁)z; evaluate at x',
  source: 'Defazio et al., NeurIPS 2024, arXiv 2405.15682',
  options: {
    learningRate: { rule: optionRules.positive, default: 0.0025, symbol: 'η', description: 'η' },
    beta1: {
      rule: optionRules.unitInterval,
      default: 0.9,
      symbol: 'β₁',
      description: 'β₁, the interpolation that gives y',
    },
    beta2: { rule: optionRules.unitInterval, default: 0.999, symbol: 'β₂', description: 'β₂' },
    epsilon: { rule: optionRules.positive, default: 1e-8, symbol: 'ε', description: 'ε' },
    ...commonOptions,
  },
  rule: {
    slotNames: ['z', 'x', 'secondMoment'],
    copiedSlots: ['z', 'x'],
    evaluationSlot: 'x',
    scalars: initialScalars,
    telemetry: () => false,
    update<A extends { length: number }, G extends { length: number }>(
      kernels: UpdateKernels<A, G>,
      tensors: readonly TensorUpdate<A, G>[],
      h: CommonValues & {
        readonly beta1: number;
        readonly beta2: number;
        readonly epsilon: number;
      },
      context: UpdateContext,
    ) {
      const { rate, c } = schedule('scheduleFreeAdamW', h, context);
      // The kernel takes the bias correction 1 − β₂^(k+1) from the step.
      const options = {
        learningRate: rate,
        beta1: h.beta1,
        beta2: h.beta2,
        epsilon: h.epsilon,
        step: context.step,
        averaging: c,
        weightDecay: h.weightDecay,
      };
      for (const { weights, gradient, slots } of tensors) {
        const [z, x, v] = slots;
        kernels.scheduleFreeAdamWUpdate(weights, z, x, v, gradient, weights.length, options);
      }
      return undefined;
    },
  },
  presets: [
    {
      name: 'schedule-free-adamw',
      options: {},
      summary: 'Schedule-Free AdamW, η = 0.0025, β₁ = 0.9, β₂ = 0.999',
    },
  ],
});

/**
 * Schedule-Free SGD (arXiv 2405.15682): SGD with averaging in place of a schedule. The
 * parameters hold y while training; `evaluationSlot` is `'x'`, the point `train()` evaluates,
 * checkpoints and returns.
 *
 * @throws OptimizerOptionError for an option out of its range.
 */
export function scheduleFreeSgd(options: ScheduleFreeSgdOptions = {}): Optimizer {
  return scheduleFreeSgdModule.create(options);
}

/**
 * Schedule-Free AdamW (arXiv 2405.15682): Adam's preconditioning with averaging in place of a
 * schedule; evaluated at x as {@link scheduleFreeSgd}.
 *
 * @throws OptimizerOptionError for an option out of its range.
 */
export function scheduleFreeAdamW(options: ScheduleFreeAdamWOptions = {}): Optimizer {
  return scheduleFreeAdamWModule.create(options);
}
