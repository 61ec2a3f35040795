/**
 * Prodigy (Mishchenko & Defazio, "Prodigy: An Expeditiously Adaptive Parameter-Free
 * Learner", ICML 2024, arXiv 2306.06101, Algorithm 3 in its Adam form): a tuning-free peer.
 * Adam whose global step size d is estimated online from the distance travelled from the
 * initial weights x₀. One step with gradient g at x, d the estimate of the previous step:
 *
 *     dlr = d·η
 *     r ← β₃·r + (d/d₀)·dlr·⟨g, x₀ − x⟩,   s ← β₃·s + (d/d₀)·dlr·g   (summed over all tensors)
 *     m ← β₁·m + (1 − β₁)·d·g,   v ← β₂·v + (1 − β₂)·d²·g²
 *     d̂ = d_coef·r / ‖s‖₁,   d ← max(d, d̂)                         (skipped when ‖s‖₁ = 0)
 *     x ← x − λ·dlr·x − dlr·m / (√v + d·ε)                           (ε with the new d)
 *
 * Defaults as the reference implementation: η = 1, β₁ = 0.9, β₂ = 0.999, β₃ = √β₂,
 * ε = 1e-8, d₀ = 1e-6, d_coef = 1, λ = 0 (decoupled); no bias correction, no safeguard
 * warm-up, no growth limit (d is a running maximum). The (d/d₀) factors cancel in d̂; they
 * keep r and s in floating-point range. No fused kernel: plain TypeScript over the buffers,
 * the sums accumulated in f64. Instead of a copy of x₀ the state keeps the displacement
 * x₀ − x, summed from the steps taken: the same in exact arithmetic, but in f32 it keeps its
 * own relative precision, where x₀ − x from two nearby f32 weights loses most digits in the
 * first steps (when it is ~1e-6 of the weights) and skews d.
 */
import { defineOptimizer } from './define.js';
import type { TensorUpdate, UpdateKernels } from './engine.js';
import type { Optimizer } from './types.js';
import { optionRules } from './validate.js';

/** Options of {@link prodigy} (checked against the module's declared rules). */
export interface ProdigyOptions {
  /** η, a multiplier of the estimated step size d; default 1. Finite, > 0. */
  learningRate?: number;
  /** β₁; default 0.9. In [0, 1). */
  beta1?: number;
  /** β₂; default 0.999. In [0, 1). */
  beta2?: number;
  /** β₃, the decay of the distance sums r and s; default √β₂. In [0, 1). */
  beta3?: number;
  /** ε; default 1e-8. Finite, > 0. */
  epsilon?: number;
  /** d₀, the initial step-size estimate; default 1e-6. Finite, > 0. */
  d0?: number;
  /** d_coef, a multiplier of the estimate d̂; default 1. Finite, > 0. */
  dCoefficient?: number;
  /** Decoupled weight decay λ; default 0. Finite, ≥ 0. */
  weightDecay?: number;
}

const prodigyOptions = {
  learningRate: { rule: optionRules.positive, default: 1, symbol: 'η', description: 'η' },
  beta1: { rule: optionRules.unitInterval, default: 0.9, symbol: 'β₁', description: 'β₁' },
  beta2: { rule: optionRules.unitInterval, default: 0.999, symbol: 'β₂', description: 'β₂' },
  beta3: {
    rule: optionRules.unitInterval,
    symbol: 'β₃',
    description: 'decay of the distance sums; default √β₂',
  },
  epsilon: { rule: optionRules.positive, default: 1e-8, symbol: 'ε', description: 'ε' },
  d0: { rule: optionRules.positive, default: 1e-6, symbol: 'd₀', description: 'initial d' },
  dCoefficient: {
    rule: optionRules.positive,
    default: 1,
    symbol: 'd_coef',
    description: 'multiplier of the estimate d̂',
  },
  weightDecay: {
    rule: optionRules.nonNegative,
    default: 0,
    symbol: 'λ',
    description: 'decoupled weight decay λ',
  },
} as const;

/** The hyper-parameters as the rule reads them. */
interface ProdigyValues {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly beta3: number;
  readonly epsilon: number;
  readonly d0: number;
  readonly dCoefficient: number;
  readonly weightDecay: number;
}

/** The whole step: the sums over all tensors decide d before any parameter moves. */
function prodigyUpdate<A extends { length: number }, G extends { length: number }>(
  kernels: UpdateKernels<A, G>,
  tensors: readonly TensorUpdate<A, G>[],
  h: ProdigyValues,
  scalars: Record<string, number>,
): void {
  const d = scalars.d;
  const dlr = d * h.learningRate;
  const scale = (d / h.d0) * dlr;
  let numerator = h.beta3 * scalars.numerator;
  let denominator = 0;
  for (const { weights, gradient, slots } of tensors) {
    const x = kernels.values(weights);
    const g = kernels.read(gradient);
    const [displacement, s, m, v] = slots.map((slot) => kernels.values(slot));
    let dot = 0;
    let l1 = 0;
    for (let i = 0; i < x.length; i++) {
      const gi = g[i];
      dot += gi * displacement[i];
      m[i] = h.beta1 * m[i] + (1 - h.beta1) * d * gi;
      v[i] = h.beta2 * v[i] + (1 - h.beta2) * d * d * gi * gi;
      s[i] = h.beta3 * s[i] + scale * gi;
      l1 += Math.abs(s[i]);
    }
    numerator += scale * dot;
    denominator += l1;
  }
  scalars.numerator = numerator;
  if (denominator === 0) return;
  const estimate = (h.dCoefficient * numerator) / denominator;
  const dMax = Math.max(scalars.dMax, estimate);
  scalars.dMax = dMax;
  // With no growth limit d is the running maximum of its estimates (never below d₀).
  const next = Math.max(d, dMax);
  scalars.d = next;
  for (const { weights, slots } of tensors) {
    const x = kernels.values(weights);
    const displacement = kernels.values(slots[0]);
    const m = kernels.values(slots[2]);
    const v = kernels.values(slots[3]);
    for (let i = 0; i < x.length; i++) {
      const decay = h.weightDecay > 0 ? h.weightDecay * dlr * x[i] : 0;
      const step = decay + (dlr * m[i]) / (Math.sqrt(v[i]) + next * h.epsilon);
      x[i] = x[i] - step;
      displacement[i] += step;
    }
  }
}

/** The registry's entry for {@link prodigy}. */
export const prodigyModule = defineOptimizer({
  name: 'prodigy',
  title: 'Prodigy',
  kind: 'tuning-free peer',
  formula:
    'Adam on d·g with d ← max(d, r/‖s‖₁), r = Σ β₃-decayed d·η·⟨g, x₀ − x⟩; x ← x − d·η·m/(√v + d·ε)',
  source: 'Mishchenko & Defazio, ICML 2024, arXiv 2306.06101',
  options: prodigyOptions,
  resolve: (given) => ({ beta3: Math.sqrt(given.beta2 ?? prodigyOptions.beta2.default) }),
  rule: {
    slotNames: ['displacement', 'distance', 'firstMoment', 'secondMoment'],
    scalars: (values) => ({ d: values.d0, dMax: values.d0, numerator: 0 }),
    telemetry: () => false,
    update(kernels, tensors, hyperParameters, context) {
      prodigyUpdate(kernels, tensors, hyperParameters, context.scalars);
      return undefined;
    },
  },
  presets: [
    {
      name: 'prodigy',
      options: {},
      summary: 'Adam with an online step-size estimate d, η = 1, d₀ = 1e-6',
    },
  ],
});

/**
 * Prodigy (arXiv 2306.06101): Adam with its global step size d learnt from the distance to the
 * initial weights; tuning-free at η = 1. The state keeps x₀ − x (`displacement`), s
 * (`distance`), m and v per tensor and the scalars d, d_max and r (`numerator`).
 *
 * @throws OptimizerOptionError for an option out of its range.
 */
export function prodigy(options: ProdigyOptions = {}): Optimizer {
  return prodigyModule.create(options);
}
