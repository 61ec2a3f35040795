/**
 * The machinery every optimizer shares: hyper-parameters that are validated and read afresh
 * at each update, slots keyed by parameter name (never by position), shape checks before any
 * state changes, and the same rule run on the kernels or on f64 arrays. An optimizer is an
 * {@link UpdateRule} plus this engine (declared in one module, see define.ts and
 * registry.ts); a new optimizer is a new rule, not a copy.
 */
import type {
  AdamOptions,
  F32Buffer,
  HeavyBallOptions,
  Kernels,
  LionUpdateOptions,
  MomentumOptions,
  ProcessTerms,
  ProdigySums,
  ProdigySumsOptions,
  ProdigyUpdateOptions,
  ScheduleFreeAdamWUpdateOptions,
  ScheduleFreeSgdUpdateOptions,
} from '@dualphi/core-wasm';
import {
  adam,
  dot,
  heavyBall,
  lionUpdate,
  momentumUpdate,
  prodigySums,
  prodigyUpdate,
  scheduleFreeAdamWUpdate,
  scheduleFreeSgdUpdate,
  sumOfSquares,
} from '@dualphi/core-wasm/reference';
import { stepTelemetry } from './telemetry.js';
import type {
  ArrayOptimizerState,
  ArrayParameter,
  HyperParameterValue,
  Optimizer,
  OptimizerName,
  OptimizerState,
  ParameterTensor,
  StepTelemetry,
  TrainingRun,
} from './types.js';
import { OptimizerOptionError } from './validate.js';

/** Hyper-parameters as a rule sees them in one update (typed per optimizer, see define.ts). */
export type HyperParameters = Readonly<Record<string, HyperParameterValue>>;

/** Anything with a length: a buffer, an array, a typed array. */
type Sized = { length: number };

/** Writable numbers by index: a Float32Array (f32 path) or a Float64Array (f64 path). */
export interface Values {
  [index: number]: number;
  readonly length: number;
}

/**
 * The kernels a rule calls, over tensors `A` and gradients `G`: a {@link Kernels} set over its
 * F32Buffers, or the f64 functions of `@dualphi/core-wasm/reference` over Float64Arrays (the
 * same signatures with arrays in place of buffers). A rule without a fused kernel runs as
 * plain TypeScript over {@link values} / {@link read}: on the kernel path these are the
 * buffers' f32 views (each element computed in f64 and rounded once when stored), on the
 * f64 path the arrays themselves (the oracle the tests hold the kernel path to). The
 * kernels a {@link Kernels} set may lack (Lion's and Schedule-Free's) run on such a set as
 * their reference loops over the views, which the fused kernels match bit for bit.
 */
export interface UpdateKernels<A, G = A> {
  /** The delta-form heavy ball (arXiv 2104.13277; apps/docs/theory.md), see {@link Kernels.heavyBall}. */
  heavyBall(
    weights: A,
    delta: A,
    gradient: G,
    n: number,
    options: HeavyBallOptions,
  ): ProcessTerms | undefined;
  /** tfjs / PyTorch momentum, see {@link Kernels.momentumUpdate}. */
  momentumUpdate(weights: A, velocity: A, gradient: G, n: number, options: MomentumOptions): void;
  /** Adam / AdamW, see {@link Kernels.adam}. */
  adam(
    weights: A,
    firstMoment: A,
    secondMoment: A,
    gradient: G,
    n: number,
    options: AdamOptions,
  ): void;
  /** Prodigy's pass 1 over one tensor, see {@link Kernels.prodigySums}. */
  prodigySums(
    gradient: G,
    displacement: A,
    distance: A,
    n: number,
    options: ProdigySumsOptions,
  ): ProdigySums;
  /** Prodigy's pass 2 over one tensor, see {@link Kernels.prodigyUpdate}. */
  prodigyUpdate(
    weights: A,
    displacement: A,
    firstMoment: A,
    secondMoment: A,
    gradient: G,
    n: number,
    options: ProdigyUpdateOptions,
  ): void;
  /** Lion over one tensor, see {@link Kernels.lionUpdate}. */
  lionUpdate(weights: A, momentum: A, gradient: G, n: number, options: LionUpdateOptions): void;
  /** Schedule-Free SGD over one tensor, see {@link Kernels.scheduleFreeSgdUpdate}. */
  scheduleFreeSgdUpdate(
    weights: A,
    z: A,
    x: A,
    gradient: G,
    n: number,
    options: ScheduleFreeSgdUpdateOptions,
  ): void;
  /** Schedule-Free AdamW over one tensor, see {@link Kernels.scheduleFreeAdamWUpdate}. */
  scheduleFreeAdamWUpdate(
    weights: A,
    z: A,
    x: A,
    secondMoment: A,
    gradient: G,
    n: number,
    options: ScheduleFreeAdamWUpdateOptions,
  ): void;
  /** Σ a·b over n elements. */
  dot(a: A | G, b: A | G, n: number): number;
  /** Σ a² over n elements. */
  sumOfSquares(a: A | G, n: number): number;
  /** The elements of a tensor or slot, writable. */
  values(tensor: A): Values;
  /** The elements of a gradient, read-only. */
  read(gradient: G): ArrayLike<number>;
}

/** The f64 path's kernels: the reference functions, in f64 over Float64Arrays. */
const f64Kernels: UpdateKernels<Float64Array, ArrayLike<number>> = {
  heavyBall,
  momentumUpdate,
  adam,
  prodigySums,
  prodigyUpdate,
  lionUpdate,
  scheduleFreeSgdUpdate,
  scheduleFreeAdamWUpdate,
  dot,
  sumOfSquares,
  values: (tensor) => tensor,
  read: (gradient) => gradient,
};

/** The kernel path of one kernel set, made once per set. */
const kernelPaths = new WeakMap<Kernels, UpdateKernels<F32Buffer>>();

function kernelPath(kernels: Kernels): UpdateKernels<F32Buffer> {
  let path = kernelPaths.get(kernels);
  if (!path) {
    path = {
      heavyBall: (w, d, g, n, o) => kernels.heavyBall(w, d, g, n, o),
      momentumUpdate: (w, v, g, n, o) => kernels.momentumUpdate(w, v, g, n, o),
      adam: (w, m, v, g, n, o) => kernels.adam(w, m, v, g, n, o),
      prodigySums: (g, x, s, n, o) => kernels.prodigySums(g, x, s, n, o),
      prodigyUpdate: (w, x, m, v, g, n, o) => kernels.prodigyUpdate(w, x, m, v, g, n, o),
      // The fused kernels where the set has them, else their reference loops over the views
      // (the same bits).
      lionUpdate: kernels.lionUpdate
        ? (w, m, g, n, o) => kernels.lionUpdate?.(w, m, g, n, o)
        : (w, m, g, n, o) => lionUpdate(w.view, m.view, g.view, n, o),
      scheduleFreeSgdUpdate: kernels.scheduleFreeSgdUpdate
        ? (y, z, x, g, n, o) => kernels.scheduleFreeSgdUpdate?.(y, z, x, g, n, o)
        : (y, z, x, g, n, o) => scheduleFreeSgdUpdate(y.view, z.view, x.view, g.view, n, o),
      scheduleFreeAdamWUpdate: kernels.scheduleFreeAdamWUpdate
        ? (y, z, x, v, g, n, o) => kernels.scheduleFreeAdamWUpdate?.(y, z, x, v, g, n, o)
        : (y, z, x, v, g, n, o) =>
            scheduleFreeAdamWUpdate(y.view, z.view, x.view, v.view, g.view, n, o),
      dot: (a, b, n) => kernels.dot(a, b, n),
      sumOfSquares: (a, n) => kernels.sumOfSquares(a, n),
      values: (tensor) => tensor.view,
      read: (gradient) => gradient.view,
    };
    kernelPaths.set(kernels, path);
  }
  return path;
}

/** One parameter tensor as a rule sees it in an update. */
export interface TensorUpdate<A, G> {
  /** The parameter's name. */
  readonly name: string;
  /** Its values, updated in place. */
  readonly weights: A;
  /** Its gradient (read only). */
  readonly gradient: G;
  /** Its slots in the order of {@link UpdateRule.slotNames}. */
  readonly slots: readonly A[];
}

/** What an update knows beyond the tensors: the step and the optimizer's global scalars. */
export interface UpdateContext {
  /** The step being taken, 1-based (Adam's bias corrections use it). */
  readonly step: number;
  /** Global scalars of the state (e.g. Prodigy's d), changed in place by the rule. */
  readonly scalars: Record<string, number>;
  /** The training run, when the caller (`train()`) gave it. */
  readonly run: TrainingRun | undefined;
}

/** How one optimizer updates its parameters, written once for the kernels and for f64. */
export interface UpdateRule<H = HyperParameters> {
  /** The per-parameter slots, e.g. `['delta']` or `['firstMoment', 'secondMoment']`. */
  readonly slotNames: readonly string[];
  /** Slots that start as a copy of the parameter (e.g. Prodigy's x₀); the others start at 0. */
  readonly copiedSlots?: readonly string[];
  /** Global scalars with their initial values (kept in the state and in checkpoints). */
  readonly scalars?: (hyperParameters: H) => Record<string, number>;
  /**
   * The slot holding the point to evaluate, checkpoint and save when it is not the point
   * the gradients are taken at (Schedule-Free's x, arXiv 2405.15682); undefined otherwise.
   */
  readonly evaluationSlot?: string;
  /** True when this rule with these hyper-parameters returns process terms. */
  telemetry(hyperParameters: H): boolean;
  /**
   * One update of every tensor, in place, on `kernels` (a kernel set, or the f64 reference
   * functions). Returns process terms by tensor name when {@link telemetry} is true.
   */
  update<A extends Sized, G extends Sized>(
    kernels: UpdateKernels<A, G>,
    tensors: readonly TensorUpdate<A, G>[],
    hyperParameters: H,
    context: UpdateContext,
  ): ReadonlyMap<string, ProcessTerms> | undefined;
}

/** One tensor's update of a rule whose tensors are independent of each other. */
export type TensorStep<H> = <A extends Sized, G extends Sized>(
  kernels: UpdateKernels<A, G>,
  weights: A,
  gradient: G,
  slots: readonly A[],
  hyperParameters: H,
  step: number,
) => ProcessTerms | undefined;

/** {@link UpdateRule.update} from a per-tensor step: each tensor in turn, terms by name. */
export function perTensor<H>(step: TensorStep<H>): UpdateRule<H>['update'] {
  return (kernels, tensors, hyperParameters, context) => {
    const terms = new Map<string, ProcessTerms>();
    for (const tensor of tensors) {
      const tensorTerms = step(
        kernels,
        tensor.weights,
        tensor.gradient,
        tensor.slots,
        hyperParameters,
        context.step,
      );
      if (tensorTerms) terms.set(tensor.name, tensorTerms);
    }
    return terms;
  };
}

/** Everything the engine needs to build one optimizer. */
export interface OptimizerDefinition<H extends HyperParameters> {
  /** Its name. */
  readonly name: string;
  /** The rule. */
  readonly rule: UpdateRule<H>;
  /** All hyper-parameters with their initial (already validated) values. */
  readonly hyperParameters: H;
  /** Validates one hyper-parameter for `set()` (the module's declared rule). */
  readonly validate: (option: string, value: unknown) => HyperParameterValue | undefined;
  /** Checks across hyper-parameters (e.g. Nesterov needs momentum > 0); throws OptimizerOptionError. */
  readonly checkCombination?: (hyperParameters: H) => void;
}

/** The slot key of one parameter's slot: `${parameterName}/${slotName}`. */
export function slotKey(parameterName: string, slotName: string): string {
  return `${parameterName}/${slotName}`;
}

function checkUniqueNames(optimizer: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(
        `${optimizer}: parameter names must be non-empty strings, got ${String(name)}`,
      );
    }
    if (seen.has(name))
      throw new RangeError(`${optimizer}: parameter name "${name}" appears twice`);
    seen.add(name);
  }
}

function isFreed(buffer: object): boolean {
  return (buffer as { freed?: boolean }).freed === true;
}

/**
 * Checks gradients and slots against the parameters before anything is changed, so a bad
 * call leaves parameters and state as they were.
 */
function checkUpdate<S extends { length: number }>(
  optimizer: string,
  slotNames: readonly string[],
  parameters: readonly { name: string; value: { length: number } }[],
  gradients: readonly { length: number }[],
  slots: ReadonlyMap<string, S>,
): S[][] {
  if (gradients.length !== parameters.length) {
    throw new RangeError(
      `${optimizer}: got ${gradients.length} gradients for ${parameters.length} parameters; they must match one to one`,
    );
  }
  return parameters.map((parameter, index) => {
    const gradient = gradients[index];
    if (isFreed(parameter.value) || isFreed(gradient)) {
      throw new TypeError(
        `${optimizer}: the ${isFreed(parameter.value) ? 'value' : 'gradient'} of parameter "${parameter.name}" has been freed`,
      );
    }
    if (gradient.length !== parameter.value.length) {
      throw new RangeError(
        `${optimizer}: gradient ${index} has ${gradient.length} values but parameter "${parameter.name}" has ${parameter.value.length}`,
      );
    }
    return slotNames.map((slotName) => {
      const key = slotKey(parameter.name, slotName);
      const slot = slots.get(key);
      if (!slot || isFreed(slot)) {
        throw new RangeError(
          `${optimizer}: the state has no${slot ? ' live' : ''} slot "${key}"; was it created by init() for these parameters (and not disposed)?`,
        );
      }
      if (slot.length !== parameter.value.length) {
        throw new RangeError(
          `${optimizer}: slot "${key}" has ${slot.length} values but parameter "${parameter.name}" has ${parameter.value.length}`,
        );
      }
      return slot;
    });
  });
}

/**
 * Slots from `allocate` (zeroed, or a copy of the parameter for the rule's copied slots) for
 * every parameter and slot name of the rule, the rule's scalars at their initial values;
 * step 0. When an allocation throws, the slots already allocated are freed first.
 */
function initSlots<P extends Sized, S>(
  optimizer: string,
  rule: UpdateRule<never>,
  scalars: Record<string, number> | undefined,
  parameters: readonly { name: string; value: P }[],
  allocate: (parameter: P, copy: boolean) => S,
): { step: number; slots: Map<string, S>; scalars?: Record<string, number> } {
  checkUniqueNames(
    optimizer,
    parameters.map((p) => p.name),
  );
  const slots = new Map<string, S>();
  try {
    for (const parameter of parameters) {
      for (const slotName of rule.slotNames) {
        const copy = rule.copiedSlots?.includes(slotName) === true;
        slots.set(slotKey(parameter.name, slotName), allocate(parameter.value, copy));
      }
    }
  } catch (error) {
    // An allocation failed (kernel memory full): free the kernel buffers already made.
    for (const slot of slots.values()) (slot as { free?: () => void }).free?.();
    throw error;
  }
  return scalars ? { step: 0, slots, scalars } : { step: 0, slots };
}

/** The state's scalars the rule needs, checked before anything changes. */
function checkScalars(
  optimizer: string,
  names: readonly string[],
  scalars: Record<string, number> | undefined,
): Record<string, number> {
  const result = scalars ?? {};
  for (const scalar of names) {
    if (typeof result[scalar] !== 'number') {
      throw new RangeError(
        `${optimizer}: the state has no scalar "${scalar}"; was it created by init() for this optimizer?`,
      );
    }
  }
  return result;
}

/** Builds an {@link Optimizer} from a definition. */
export function createOptimizer<H extends HyperParameters>(
  definition: OptimizerDefinition<H>,
): Optimizer {
  const { name, rule } = definition;
  definition.checkCombination?.(definition.hyperParameters);
  let current: H = Object.freeze({ ...definition.hyperParameters });
  const scalarNames = Object.keys(rule.scalars?.(current) ?? {});

  /**
   * One update of every tensor by the rule on `kernels` with the current hyper-parameters,
   * after {@link checkUpdate}; the step count advances once all tensors are done.
   */
  function updateTensors<W extends Sized, G extends Sized>(
    kernels: UpdateKernels<W, G>,
    parameters: readonly { name: string; value: W }[],
    gradients: readonly G[],
    state: { step: number; slots: ReadonlyMap<string, W>; scalars?: Record<string, number> },
    run: TrainingRun | undefined,
    learningRateScale = 1,
  ): StepTelemetry | undefined {
    const slots = checkUpdate(name, rule.slotNames, parameters, gradients, state.slots);
    const scalars = checkScalars(name, scalarNames, state.scalars);
    // A schedule's factor for this step only (see transforms.ts); the set value is unchanged.
    const hyperParameters =
      learningRateScale === 1
        ? current
        : ({ ...current, learningRate: (current.learningRate as number) * learningRateScale } as H);
    const step = state.step + 1;
    const tensors = parameters.map((parameter, index) => ({
      name: parameter.name,
      weights: parameter.value,
      gradient: gradients[index],
      slots: slots[index],
    }));
    const terms = rule.update(kernels, tensors, hyperParameters, { step, scalars, run });
    state.step = step;
    return rule.telemetry(hyperParameters) ? stepTelemetry(terms ?? new Map()) : undefined;
  }

  const optimizer: Optimizer = {
    name: name as OptimizerName,
    evaluationSlot: rule.evaluationSlot,
    get hyperParameters() {
      return current;
    },

    set(option: string, value: HyperParameterValue): void {
      if (!Object.hasOwn(current, option)) {
        throw new OptimizerOptionError(
          name,
          option,
          `is not a hyper-parameter of ${name} (it has: ${Object.keys(current).join(', ')})`,
          value,
        );
      }
      const next = { ...current, [option]: definition.validate(option, value) } as H;
      definition.checkCombination?.(next);
      current = Object.freeze(next);
    },

    init(kernels: Kernels, parameters: readonly ParameterTensor[]): OptimizerState {
      return initSlots(
        name,
        rule as UpdateRule<never>,
        rule.scalars?.(current),
        parameters,
        (value, copy) =>
          copy ? kernels.allocFrom(value.view.slice(0, value.length)) : kernels.alloc(value.length),
      );
    },

    update(kernels, parameters, gradients, state, run): StepTelemetry | undefined {
      return updateTensors(kernelPath(kernels), parameters, gradients, state, run);
    },

    initArrays(parameters: readonly ArrayParameter[]): ArrayOptimizerState {
      return initSlots(
        name,
        rule as UpdateRule<never>,
        rule.scalars?.(current),
        parameters,
        (value, copy) => (copy ? Float64Array.from(value) : new Float64Array(value.length)),
      );
    },

    updateArrays(parameters, gradients, state, run): StepTelemetry | undefined {
      return updateTensors(f64Kernels, parameters, gradients, state, run);
    },

    toConfig() {
      return { name: name as OptimizerName, hyperParameters: { ...current } };
    },
  };
  scaledUpdates.set(optimizer, {
    update: (kernels, parameters, gradients, state, run, scale) =>
      updateTensors(kernelPath(kernels), parameters, gradients, state, run, scale),
    updateArrays: (parameters, gradients, state, run, scale) =>
      updateTensors(f64Kernels, parameters, gradients, state, run, scale),
  });
  return optimizer;
}

/** Updates with the learning rate scaled for one step (a schedule's factor). */
export interface ScaledUpdates {
  /** {@link Optimizer.update} with η·scale in place of η. */
  update(
    kernels: Kernels,
    parameters: readonly ParameterTensor[],
    gradients: readonly F32Buffer[],
    state: OptimizerState,
    run: TrainingRun | undefined,
    scale: number,
  ): StepTelemetry | undefined;
  /** {@link Optimizer.updateArrays} with η·scale in place of η. */
  updateArrays(
    parameters: readonly ArrayParameter[],
    gradients: readonly (Float64Array | readonly number[])[],
    state: ArrayOptimizerState,
    run: TrainingRun | undefined,
    scale: number,
  ): StepTelemetry | undefined;
}

const scaledUpdates = new WeakMap<Optimizer, ScaledUpdates>();

/** The scaled updates of an optimizer made by {@link createOptimizer}, or undefined. */
export function scaledUpdatesOf(optimizer: Optimizer): ScaledUpdates | undefined {
  return scaledUpdates.get(optimizer);
}
