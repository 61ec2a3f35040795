/**
 * Extensions of the golden pair: THIS PROJECT'S, not the papers'. Each keeps the theory's
 * constants α* = √2/φ and η* = (1 − α*)² (arXiv 2410.12984, Eq. 33–34) and the delta form
 * (Eq. 32), and adds one thing the papers do not have. Which of them, if any, helps is for
 * measurements to show; nothing here recommends one.
 *
 * - `goldenCosine`: η decayed by a cosine over the run, α fixed:
 *   η_t = η*·(f + (1 − f)·½(1 + cos(π·min(t, T)/T))), t the 0-based step, T the decay steps
 *   (the run's total steps by default), f the final fraction (default 0).
 * - `goldenBatchLinear`: linear scaling of η with the batch size B (Goyal et al., arXiv
 *   1706.02677, for SGD): η(B) = η*·B/B₀, α fixed.
 * - `goldenBatchHalfLife`: the momentum's half-life fixed in samples (to first order the
 *   fixed noise scale η/(B(1 − α)) of Smith & Le, arXiv 1710.06451, with η = (1 − α)²):
 *   α(B) = α*^(B/B₀), η(B) = (1 − α(B))². At B = 2B₀: α ≈ 0.764, η ≈ 0.056.
 *
 * B₀, the batch size the theory's constants are taken to hold for, is an assumption of this
 * project (no value comes from the papers): by default 32, dualphi's default batch size and
 * that of the digits measurements in apps/docs/theory.md, so that at batch 32 both batch
 * rules are exactly the golden pair. Neither rule stops at a critical batch size (McCandlish
 * et al., arXiv 1812.06162); at very large B they leave the range the sweep has covered.
 */
import { defineOptimizer, type ValuesOf } from './define.js';
import { goldenDefaults, heavyBallOptions } from './dual-process.js';
import { perTensor, type UpdateContext, type UpdateRule } from './engine.js';
import type { Optimizer } from './types.js';
import { optionRules } from './validate.js';

/** The option of the batch rules that names the batch size, and B₀. */
const batchOptions = {
  referenceBatchSize: {
    rule: optionRules.positiveInteger,
    default: 32,
    symbol: 'B₀',
    description:
      "B₀, the batch size the golden constants are taken to hold for (this project's assumption)",
  },
  batchSize: {
    rule: optionRules.count,
    default: 0,
    description: 'B; 0 takes the batch size of the training run',
  },
} as const;

/** The batch size B of this step: the option, else the run's. */
function batchSizeOf(optimizer: string, configured: number, context: UpdateContext): number {
  if (configured > 0) return configured;
  if (context.run) return context.run.batchSize;
  throw new RangeError(
    `${optimizer}: "batchSize" is 0 (the training run's) but no training run was given; pass batchSize or train with train()`,
  );
}

/** The heavy-ball rule with η and α computed per step by `constants`. */
function scaledHeavyBall<H extends { readonly telemetry: boolean }>(
  constants: (h: H, context: UpdateContext) => { learningRate: number; momentum: number },
): UpdateRule<H> {
  return {
    slotNames: ['delta'],
    telemetry: (h) => h.telemetry,
    update(kernels, tensors, h, context) {
      const { learningRate, momentum } = constants(h, context);
      const step = perTensor<H>((k, weights, gradient, [delta], values) =>
        k.heavyBall(weights, delta, gradient, weights.length, {
          learningRate,
          momentum,
          telemetry: values.telemetry,
        }),
      );
      return step(kernels, tensors, h, context);
    },
  };
}

const cosineOptions = {
  ...heavyBallOptions,
  decaySteps: {
    rule: optionRules.count,
    default: 0,
    symbol: 'T',
    description: 'steps of the cosine decay; 0 takes the training run’s total steps',
  },
  finalFraction: {
    rule: optionRules.unitIntervalClosed,
    default: 0,
    symbol: 'f',
    description: 'η at the end of the decay, as a fraction of η*',
  },
} as const;

/** The registry's entry for {@link goldenCosine} (this project's extension). */
export const goldenCosineModule = defineOptimizer({
  name: 'goldenCosine',
  title: 'golden pair with cosine-decayed η',
  kind: 'extension',
  formula: 'delta form with η_t = η*·(f + (1 − f)·½(1 + cos(π·t/T))), α = α*',
  source: "this project's extension of arXiv 2410.12984 Eq. 32–34",
  options: cosineOptions,
  resolve: goldenDefaults,
  rule: scaledHeavyBall<ValuesOf<typeof cosineOptions>>((h, context) => {
    let steps = h.decaySteps;
    if (steps === 0) {
      if (!context.run) {
        throw new RangeError(
          'goldenCosine: "decaySteps" is 0 (the training run\'s total steps) but no training run was given; pass decaySteps or train with train()',
        );
      }
      steps = context.run.totalSteps;
    }
    const t = Math.min(context.step - 1, steps);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * t) / steps));
    return {
      learningRate: h.learningRate * (h.finalFraction + (1 - h.finalFraction) * cosine),
      momentum: h.momentum,
    };
  }),
  presets: [
    {
      name: 'golden-cosine',
      options: {},
      summary:
        "golden pair, η* decayed by a cosine over the run, α* fixed (this project's extension)",
    },
  ],
});

const linearOptions = { ...heavyBallOptions, ...batchOptions } as const;

/** The registry's entry for {@link goldenBatchLinear} (this project's extension). */
export const goldenBatchLinearModule = defineOptimizer({
  name: 'goldenBatchLinear',
  title: 'golden pair with η scaled linearly in the batch size',
  kind: 'extension',
  formula: 'delta form with η = η*·B/B₀, α = α*',
  source: "this project's extension; linear scaling of Goyal et al., arXiv 1706.02677",
  options: linearOptions,
  resolve: goldenDefaults,
  rule: scaledHeavyBall<ValuesOf<typeof linearOptions>>((h, context) => ({
    learningRate:
      (h.learningRate * batchSizeOf('goldenBatchLinear', h.batchSize, context)) /
      h.referenceBatchSize,
    momentum: h.momentum,
  })),
  presets: [
    {
      name: 'golden-batch-linear',
      options: {},
      summary: "golden pair, η = η*·B/B₀ (B₀ = 32), α* fixed (this project's extension)",
    },
  ],
});

const { learningRate: _unused, ...halfLifeHeavyBall } = heavyBallOptions;
const halfLifeOptions = { ...halfLifeHeavyBall, ...batchOptions } as const;

/** The registry's entry for {@link goldenBatchHalfLife} (this project's extension). */
export const goldenBatchHalfLifeModule = defineOptimizer({
  name: 'goldenBatchHalfLife',
  title: 'golden pair with the momentum half-life fixed in samples',
  kind: 'extension',
  formula: 'delta form with α = α*^(B/B₀), η = (1 − α)²',
  source: "this project's extension; noise scale of Smith & Le, arXiv 1710.06451",
  options: halfLifeOptions,
  resolve: (given) => ({ momentum: goldenDefaults(given).momentum }),
  rule: scaledHeavyBall<ValuesOf<typeof halfLifeOptions>>((h, context) => {
    const momentum =
      h.momentum **
      (batchSizeOf('goldenBatchHalfLife', h.batchSize, context) / h.referenceBatchSize);
    return { learningRate: (1 - momentum) ** 2, momentum };
  }),
  presets: [
    {
      name: 'golden-batch-halflife',
      options: {},
      summary: "golden pair, α = α*^(B/B₀), η = (1 − α)² (B₀ = 32) (this project's extension)",
    },
  ],
});

/**
 * This project's extension (not the papers'): the golden pair with η* decayed by a cosine
 * over the run (`decaySteps`, by default the run's total steps as `train()` gives them) to
 * `finalFraction`·η*, α* fixed.
 *
 * @throws OptimizerOptionError for an option out of its range.
 */
export function goldenCosine(options: GoldenCosineOptions = {}): Optimizer {
  return goldenCosineModule.create(options);
}

/**
 * This project's extension (not the papers'): the golden pair with η = η*·B/B₀, α* fixed;
 * B is the run's batch size (or `batchSize`), B₀ = `referenceBatchSize` (default 32, an
 * assumption).
 *
 * @throws OptimizerOptionError for an option out of its range.
 */
export function goldenBatchLinear(options: GoldenBatchOptions = {}): Optimizer {
  return goldenBatchLinearModule.create(options);
}

/**
 * This project's extension (not the papers'): the golden pair with α = α*^(B/B₀) and
 * η = (1 − α)², keeping the momentum's half-life fixed in samples; B₀ as
 * {@link goldenBatchLinear}.
 *
 * @throws OptimizerOptionError for an option out of its range.
 */
export function goldenBatchHalfLife(
  options: Omit<GoldenBatchOptions, 'learningRate'> = {},
): Optimizer {
  return goldenBatchHalfLifeModule.create(options);
}

/** Options of {@link goldenCosine}. */
export interface GoldenCosineOptions {
  /** η*; default (1 − α)² (0.016 with `rounded`). Finite, > 0. */
  learningRate?: number;
  /** α*; default √2/φ (0.874 with `rounded`). In [0, 1). */
  momentum?: number;
  /** Use the papers' rounded constants as defaults. Default false. */
  rounded?: boolean;
  /** Return the process balance after each update. Default true. */
  telemetry?: boolean;
  /** T, the steps of the decay; default 0 = the training run's total steps. An integer ≥ 0. */
  decaySteps?: number;
  /** f, η at the end as a fraction of η*; default 0. In [0, 1]. */
  finalFraction?: number;
}

/** Options of {@link goldenBatchLinear} and (without `learningRate`) {@link goldenBatchHalfLife}. */
export interface GoldenBatchOptions {
  /** η*; default (1 − α)² (0.016 with `rounded`). Finite, > 0. */
  learningRate?: number;
  /** α*; default √2/φ (0.874 with `rounded`). In [0, 1). */
  momentum?: number;
  /** Use the papers' rounded constants as defaults. Default false. */
  rounded?: boolean;
  /** Return the process balance after each update. Default true. */
  telemetry?: boolean;
  /** B₀; default 32 (this project's assumption). An integer ≥ 1. */
  referenceBatchSize?: number;
  /** B; default 0 = the training run's batch size. An integer ≥ 0. */
  batchSize?: number;
}
