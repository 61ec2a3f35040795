/**
 * What composes with any optimizer, in the manner of optax's transformations: a
 * learning-rate schedule (a pure function of the step, so its only state is the step count
 * the optimizer state already holds, and resuming is exact), gradient clipping by global norm
 * (Keras `clipnorm`, optax `clip_by_global_norm`), applied before the optimizer sees the
 * gradients, and decoupled weight decay (Loshchilov & Hutter, arXiv 1711.05101) for
 * optimizers without their own, such as the heavy-ball family. They are part of the
 * optimizer's config (`toConfig().transforms`), hence of every checkpoint.
 */
import type { F32Buffer, Kernels } from '@dualphi/core-wasm';
import { scaledUpdatesOf } from './engine.js';
import type {
  ArrayOptimizerState,
  ArrayParameter,
  Optimizer,
  OptimizerState,
  ParameterTensor,
  StepTelemetry,
  TrainingRun,
} from './types.js';
import { OptimizerOptionError, optionRules, validateHyperParameter } from './validate.js';

/** The schedules, by name. */
export const scheduleKinds = ['constant', 'warmup', 'cosine', 'step', 'warmup-cosine'] as const;

/** One of {@link scheduleKinds}. */
export type ScheduleKind = (typeof scheduleKinds)[number];

/**
 * A learning-rate schedule: the factor η_t/η of step t (0-based) of a run of T steps.
 *
 * - `constant`: 1.
 * - `warmup`: min(1, (t + 1)/W), a linear warm-up over W = `warmupSteps` steps.
 * - `cosine`: f + (1 − f)·½(1 + cos(π·min(t, T)/T)), to the floor f = `floor` over the run.
 * - `step`: γ^⌊t/S⌋ with γ = `decayFactor` (default 0.1) every S = `decayEvery` steps
 *   (default: a third of the run).
 * - `warmup-cosine`: the warm-up, then the cosine over the remaining T − W steps.
 */
export interface ScheduleConfig {
  /** Which schedule. */
  kind: ScheduleKind;
  /** W for `warmup` and `warmup-cosine`: an integer ≥ 1. */
  warmupSteps?: number;
  /** f for the cosine schedules: in [0, 1]; default 0. */
  floor?: number;
  /** S for `step`: an integer ≥ 1; default a third of the run (at least 1). */
  decayEvery?: number;
  /** γ for `step`: in (0, 1]; default 0.1. */
  decayFactor?: number;
  /** T; default the training run's total steps (as `train()` gives them). An integer ≥ 1. */
  totalSteps?: number;
}

/** What {@link withTransforms} adds to an optimizer (all optional). */
export interface OptimizerTransforms {
  /** A learning-rate schedule (the optimizer needs a `learningRate`). */
  schedule?: ScheduleConfig;
  /** Clip the gradients to this global L2 norm (over all tensors) before each update: > 0. */
  clipNorm?: number;
  /**
   * Decoupled weight decay λ ≥ 0 for optimizers without their own `weightDecay`: after each
   * update w ← w − η_t·λ·w with the step's (scheduled) learning rate η_t.
   */
  weightDecay?: number;
}

const CONTEXT = 'optimizer transforms';

function checkSchedule(schedule: ScheduleConfig): ScheduleConfig {
  if (schedule === null || typeof schedule !== 'object') {
    throw new OptimizerOptionError(
      CONTEXT,
      'schedule',
      'must be an object with a "kind"',
      schedule,
    );
  }
  if (!scheduleKinds.includes(schedule.kind)) {
    throw new OptimizerOptionError(
      CONTEXT,
      'schedule.kind',
      `must be one of ${scheduleKinds.join(', ')}`,
      schedule.kind,
    );
  }
  const result: ScheduleConfig = { kind: schedule.kind };
  const warm = schedule.kind === 'warmup' || schedule.kind === 'warmup-cosine';
  if (warm || schedule.warmupSteps !== undefined) {
    if (!warm) {
      throw new OptimizerOptionError(
        CONTEXT,
        'schedule.warmupSteps',
        'applies only to the warmup and warmup-cosine schedules',
        schedule.warmupSteps,
      );
    }
    result.warmupSteps = validateHyperParameter(
      CONTEXT,
      'schedule.warmupSteps',
      schedule.warmupSteps,
      optionRules.positiveInteger,
    ) as number;
  }
  if (schedule.floor !== undefined) {
    result.floor = validateHyperParameter(
      CONTEXT,
      'schedule.floor',
      schedule.floor,
      optionRules.unitIntervalClosed,
    ) as number;
  }
  if (schedule.decayEvery !== undefined) {
    result.decayEvery = validateHyperParameter(
      CONTEXT,
      'schedule.decayEvery',
      schedule.decayEvery,
      optionRules.positiveInteger,
    ) as number;
  }
  if (schedule.decayFactor !== undefined) {
    const factor = validateHyperParameter(
      CONTEXT,
      'schedule.decayFactor',
      schedule.decayFactor,
      optionRules.unitIntervalClosed,
    ) as number;
    if (factor === 0) {
      throw new OptimizerOptionError(CONTEXT, 'schedule.decayFactor', 'must be in (0, 1]', factor);
    }
    result.decayFactor = factor;
  }
  if (schedule.totalSteps !== undefined) {
    result.totalSteps = validateHyperParameter(
      CONTEXT,
      'schedule.totalSteps',
      schedule.totalSteps,
      optionRules.positiveInteger,
    ) as number;
  }
  return result;
}

/** ½(1 + cos(π·min(t, T)/T)) scaled to [f, 1]. */
function cosine(t: number, steps: number, floor: number): number {
  const u = Math.min(t, steps) / steps;
  return floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * u));
}

/**
 * The factor η_t/η of a schedule at step t (0-based).
 *
 * @throws RangeError when the schedule needs the run's length and neither `totalSteps` nor
 *   `run` gives it.
 */
export function scheduleFactor(schedule: ScheduleConfig, t: number, run?: TrainingRun): number {
  const total = (): number => {
    const steps = schedule.totalSteps ?? run?.totalSteps;
    if (steps === undefined || steps < 1) {
      throw new RangeError(
        `the ${schedule.kind} schedule needs the run's total steps: give "totalSteps" or train with train()`,
      );
    }
    return steps;
  };
  const floor = schedule.floor ?? 0;
  switch (schedule.kind) {
    case 'constant':
      return 1;
    case 'warmup':
      return Math.min(1, (t + 1) / (schedule.warmupSteps as number));
    case 'cosine':
      return cosine(t, total(), floor);
    case 'step': {
      const every = schedule.decayEvery ?? Math.max(1, Math.floor(total() / 3));
      return (schedule.decayFactor ?? 0.1) ** Math.floor(t / every);
    }
    case 'warmup-cosine': {
      const warmup = schedule.warmupSteps as number;
      if (t < warmup) return (t + 1) / warmup;
      return cosine(t - warmup, Math.max(1, total() - warmup), floor);
    }
  }
}

/** Numbers by index, writable: a buffer's view or an f64 array. */
type Writable = { [index: number]: number; readonly length: number };

/** Scales all gradients to global norm `clipNorm` when their norm is larger. */
function clip(gradients: readonly Writable[], clipNorm: number): void {
  let squares = 0;
  for (const g of gradients) for (let i = 0; i < g.length; i++) squares += g[i] * g[i];
  const norm = Math.sqrt(squares);
  if (!(norm > clipNorm)) return;
  const factor = clipNorm / norm;
  for (const g of gradients) for (let i = 0; i < g.length; i++) g[i] *= factor;
}

/**
 * The kernel path of {@link clip}: the norm from the wasm reduction (`sumOfSquares`, 16-element
 * f32 partial sums flushed to f64, split across threads bit-identically), the scaling over the
 * views. A plain loop for the norm ran at about a tenth of the heavy ball's own update speed.
 */
function clipBuffers(kernels: Kernels, gradients: readonly F32Buffer[], clipNorm: number): void {
  let squares = 0;
  for (const g of gradients) squares += kernels.sumOfSquares(g, g.length);
  const norm = Math.sqrt(squares);
  if (!(norm > clipNorm)) return;
  const factor = clipNorm / norm;
  for (const g of gradients) {
    const view = g.view;
    for (let i = 0; i < g.length; i++) view[i] *= factor;
  }
}

/** w ← w − rate·w for every parameter. */
function decay(parameters: readonly Writable[], rate: number): void {
  for (const w of parameters) for (let i = 0; i < w.length; i++) w[i] -= rate * w[i];
}

/**
 * `optimizer` with a schedule, gradient clipping and/or decoupled weight decay. The result
 * shares `optimizer`'s name, hyper-parameters (`set` changes the base learning rate) and state;
 * `toConfig()` adds `transforms`, so `optimizerFromConfig` rebuilds it. With `clipNorm`, the
 * gradients passed to `update` are scaled in place (they are the caller's scratch, as in
 * `train()`).
 *
 * @throws OptimizerOptionError for a transform out of its range, a schedule for an optimizer
 *   without a learning rate, or `weightDecay` for one that has its own.
 */
export function withTransforms(optimizer: Optimizer, transforms: OptimizerTransforms): Optimizer {
  const scaled = scaledUpdatesOf(optimizer);
  if (!scaled) {
    throw new TypeError(`${CONTEXT}: the optimizer must come from this package's factories`);
  }
  const config: OptimizerTransforms = {};
  const hyperParameters = optimizer.hyperParameters;
  if (transforms.schedule !== undefined) {
    if (typeof hyperParameters.learningRate !== 'number') {
      throw new OptimizerOptionError(
        optimizer.name,
        'schedule',
        'needs an optimizer with a "learningRate"',
        transforms.schedule.kind,
      );
    }
    config.schedule = checkSchedule(transforms.schedule);
  }
  if (transforms.clipNorm !== undefined) {
    config.clipNorm = validateHyperParameter(
      CONTEXT,
      'clipNorm',
      transforms.clipNorm,
      optionRules.positive,
    ) as number;
  }
  if (transforms.weightDecay !== undefined) {
    if (Object.hasOwn(hyperParameters, 'weightDecay')) {
      throw new OptimizerOptionError(
        optimizer.name,
        'weightDecay',
        `is an option of ${optimizer.name} itself; set it there`,
        transforms.weightDecay,
      );
    }
    config.weightDecay = validateHyperParameter(
      CONTEXT,
      'weightDecay',
      transforms.weightDecay,
      optionRules.nonNegative,
    ) as number;
  }

  const factor = (step: number, run: TrainingRun | undefined) =>
    config.schedule ? scheduleFactor(config.schedule, step, run) : 1;
  const rateOf = (scale: number) =>
    ((optimizer.hyperParameters.learningRate as number) ?? 1) * scale;

  return {
    name: optimizer.name,
    evaluationSlot: optimizer.evaluationSlot,
    get hyperParameters() {
      return optimizer.hyperParameters;
    },
    set: (option, value) => optimizer.set(option, value),
    init: (kernels: Kernels, parameters: readonly ParameterTensor[]) =>
      optimizer.init(kernels, parameters),
    initArrays: (parameters: readonly ArrayParameter[]) => optimizer.initArrays(parameters),
    update(
      kernels: Kernels,
      parameters: readonly ParameterTensor[],
      gradients: readonly F32Buffer[],
      state: OptimizerState,
      run?: TrainingRun,
    ): StepTelemetry | undefined {
      const scale = factor(state.step, run);
      if (config.clipNorm !== undefined && gradients.length === parameters.length) {
        clipBuffers(kernels, gradients, config.clipNorm);
      }
      const telemetry = scaled.update(kernels, parameters, gradients, state, run, scale);
      if (config.weightDecay) {
        decay(
          parameters.map((p) => p.value.view.subarray(0, p.value.length)),
          rateOf(scale) * config.weightDecay,
        );
      }
      return telemetry;
    },
    updateArrays(
      parameters: readonly ArrayParameter[],
      gradients: readonly (Float64Array | readonly number[])[],
      state: ArrayOptimizerState,
      run?: TrainingRun,
    ): StepTelemetry | undefined {
      const scale = factor(state.step, run);
      let used = gradients;
      if (config.clipNorm !== undefined) {
        const copies = gradients.map((g) => Float64Array.from(g));
        clip(copies, config.clipNorm);
        used = copies;
      }
      const telemetry = scaled.updateArrays(parameters, used, state, run, scale);
      if (config.weightDecay) {
        decay(
          parameters.map((p) => p.value),
          rateOf(scale) * config.weightDecay,
        );
      }
      return telemetry;
    },
    toConfig() {
      return { ...optimizer.toConfig(), transforms: structuredClone(config) };
    },
  };
}
