/**
 * The machinery every optimizer shares: hyper-parameters that are validated and read afresh
 * at each update, slots keyed by parameter name (never by position), shape checks before any
 * state changes, and the same rule run on the kernels or on f64 arrays. An optimizer is an
 * {@link UpdateRule} plus this engine; a new optimizer is a new rule, not a copy.
 */
import type {
  AdamOptions,
  HeavyBallOptions,
  Kernels,
  MomentumOptions,
  ProcessTerms,
} from '@dualphi/core-wasm';
import { adam, dot, heavyBall, momentumUpdate, sumOfSquares } from '@dualphi/core-wasm/reference';
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
} from './types.js';
import { OptimizerOptionError, validateHyperParameter } from './validate.js';

/** Hyper-parameters as the rule sees them in one update. */
export type HyperParameters = Readonly<Record<string, HyperParameterValue>>;

/** Anything with a length: a buffer, an array, a typed array. */
type Sized = { length: number };

/**
 * The kernels a rule calls, over tensors `A` and gradients `G`: a {@link Kernels} set over its
 * F32Buffers, or the f64 functions of `@dualphi/core-wasm/reference` over Float64Arrays (the
 * same signatures with arrays in place of buffers).
 */
export interface UpdateKernels<A, G = A> {
  /** The delta-form heavy ball of theory.md §4, see {@link Kernels.heavyBall}. */
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
  /** Σ a·b over n elements. */
  dot(a: A | G, b: A | G, n: number): number;
  /** Σ a² over n elements. */
  sumOfSquares(a: A | G, n: number): number;
}

/** The f64 path's kernels: the reference functions, in f64 over Float64Arrays. */
const f64Kernels: UpdateKernels<Float64Array, ArrayLike<number>> = {
  heavyBall,
  momentumUpdate,
  adam,
  dot,
  sumOfSquares,
};

/** How one optimizer updates one tensor, written once for the kernels and for f64. */
export interface UpdateRule {
  /** The per-parameter slots, e.g. `['delta']` or `['firstMoment', 'secondMoment']`. */
  readonly slotNames: readonly string[];
  /** True when this rule with these hyper-parameters returns process terms. */
  telemetry(hyperParameters: HyperParameters): boolean;
  /**
   * One tensor's update, in place, on `kernels` (a kernel set, or the f64 reference functions).
   * `step` is 1-based. The terms it returns are kept only when {@link telemetry} is true.
   */
  step<A extends Sized, G>(
    kernels: UpdateKernels<A, G>,
    weights: A,
    gradient: G,
    slots: readonly A[],
    hyperParameters: HyperParameters,
    step: number,
  ): ProcessTerms | undefined;
}

/** Everything that defines one optimizer. */
export interface OptimizerDefinition {
  /** Its name. */
  readonly name: OptimizerName;
  /** The rule. */
  readonly rule: UpdateRule;
  /** All hyper-parameters with their initial (already validated) values. */
  readonly hyperParameters: Record<string, HyperParameterValue>;
  /** Checks across hyper-parameters (e.g. Nesterov needs momentum > 0); throws OptimizerOptionError. */
  readonly checkCombination?: (hyperParameters: HyperParameters) => void;
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
 * Zeroed slots from `allocate` for every parameter and slot name of the rule; step 0. When an
 * allocation throws, the slots already allocated are freed first.
 */
function initSlots<S>(
  optimizer: string,
  slotNames: readonly string[],
  parameters: readonly { name: string; value: Sized }[],
  allocate: (length: number) => S,
): { step: number; slots: Map<string, S> } {
  checkUniqueNames(
    optimizer,
    parameters.map((p) => p.name),
  );
  const slots = new Map<string, S>();
  try {
    for (const parameter of parameters) {
      for (const slotName of slotNames) {
        slots.set(slotKey(parameter.name, slotName), allocate(parameter.value.length));
      }
    }
  } catch (error) {
    // An allocation failed (kernel memory full): free the kernel buffers already made.
    for (const slot of slots.values()) (slot as { free?: () => void }).free?.();
    throw error;
  }
  return { step: 0, slots };
}

/** Builds an {@link Optimizer} from a definition. */
export function createOptimizer(definition: OptimizerDefinition): Optimizer {
  const { name, rule } = definition;
  definition.checkCombination?.(definition.hyperParameters);
  let current: HyperParameters = Object.freeze({ ...definition.hyperParameters });

  /**
   * One update of every tensor by the rule on `kernels` with the current hyper-parameters,
   * after {@link checkUpdate}; the step count advances once all tensors are done.
   */
  function updateTensors<W extends Sized, G extends Sized>(
    kernels: UpdateKernels<W, G>,
    parameters: readonly { name: string; value: W }[],
    gradients: readonly G[],
    state: { step: number; slots: ReadonlyMap<string, W> },
  ): StepTelemetry | undefined {
    const slots = checkUpdate(name, rule.slotNames, parameters, gradients, state.slots);
    const hyperParameters = current;
    const step = state.step + 1;
    const terms = new Map<string, ProcessTerms>();
    parameters.forEach((parameter, index) => {
      const tensorTerms = rule.step(
        kernels,
        parameter.value,
        gradients[index],
        slots[index],
        hyperParameters,
        step,
      );
      if (tensorTerms) terms.set(parameter.name, tensorTerms);
    });
    state.step = step;
    return rule.telemetry(hyperParameters) ? stepTelemetry(terms) : undefined;
  }

  return {
    name,
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
      const next = { ...current, [option]: validateHyperParameter(name, option, value) };
      definition.checkCombination?.(next);
      current = Object.freeze(next);
    },

    init(kernels: Kernels, parameters: readonly ParameterTensor[]): OptimizerState {
      return initSlots(name, rule.slotNames, parameters, (length) => kernels.alloc(length));
    },

    update(kernels, parameters, gradients, state): StepTelemetry | undefined {
      return updateTensors(kernels, parameters, gradients, state);
    },

    initArrays(parameters: readonly ArrayParameter[]): ArrayOptimizerState {
      return initSlots(name, rule.slotNames, parameters, (length) => new Float64Array(length));
    },

    updateArrays(parameters, gradients, state): StepTelemetry | undefined {
      return updateTensors(f64Kernels, parameters, gradients, state);
    },

    toConfig() {
      return { name, hyperParameters: { ...current } };
    },
  };
}
