/**
 * The machinery every optimizer shares: hyper-parameters that are validated and read afresh
 * at each update, slots keyed by parameter name (never by position), shape checks before any
 * state changes, and the same rule run on the kernels or on f64 arrays. An optimizer is an
 * {@link UpdateRule} plus this engine; a new optimizer is a new rule, not a copy.
 */
import type { F32Buffer, Kernels, ProcessTerms } from '@dualphi/core-wasm';
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

/** How one optimizer updates one tensor, on the kernels and in f64. */
export interface UpdateRule {
  /** The per-parameter slots, e.g. `['delta']` or `['firstMoment', 'secondMoment']`. */
  readonly slotNames: readonly string[];
  /** True when this rule with these hyper-parameters returns process terms. */
  telemetry(hyperParameters: HyperParameters): boolean;
  /** One tensor's update on the kernels, in place. `step` is 1-based. */
  kernelStep(
    kernels: Kernels,
    weights: F32Buffer,
    gradient: F32Buffer,
    slots: readonly F32Buffer[],
    hyperParameters: HyperParameters,
    step: number,
  ): ProcessTerms | undefined;
  /** The same update in f64, in place. `step` is 1-based. */
  referenceStep(
    weights: Float64Array,
    gradient: ArrayLike<number>,
    slots: readonly Float64Array[],
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

/** Anything with a length: a buffer, an array, a typed array. */
type Sized = { length: number };

/** Zeroed slots from `allocate` for every parameter and slot name of the rule; step 0. */
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
  for (const parameter of parameters) {
    for (const slotName of slotNames) {
      slots.set(slotKey(parameter.name, slotName), allocate(parameter.value.length));
    }
  }
  return { step: 0, slots };
}

/** Builds an {@link Optimizer} from a definition. */
export function createOptimizer(definition: OptimizerDefinition): Optimizer {
  const { name, rule } = definition;
  definition.checkCombination?.(definition.hyperParameters);
  let current: HyperParameters = Object.freeze({ ...definition.hyperParameters });

  /**
   * One update of every tensor by `tensorStep` (the rule on the kernels or in f64) with the
   * current hyper-parameters, after {@link checkUpdate}; the step count advances once all
   * tensors are done.
   */
  function updateTensors<W extends Sized, G extends Sized, S extends Sized>(
    parameters: readonly { name: string; value: W }[],
    gradients: readonly G[],
    state: { step: number; slots: ReadonlyMap<string, S> },
    tensorStep: (
      weights: W,
      gradient: G,
      slots: readonly S[],
      hyperParameters: HyperParameters,
      step: number,
    ) => ProcessTerms | undefined,
  ): StepTelemetry | undefined {
    const slots = checkUpdate(name, rule.slotNames, parameters, gradients, state.slots);
    const hyperParameters = current;
    const step = state.step + 1;
    const terms = new Map<string, ProcessTerms>();
    parameters.forEach((parameter, index) => {
      const tensorTerms = tensorStep(
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
      return updateTensors(parameters, gradients, state, (...step) =>
        rule.kernelStep(kernels, ...step),
      );
    },

    initArrays(parameters: readonly ArrayParameter[]): ArrayOptimizerState {
      return initSlots(name, rule.slotNames, parameters, (length) => new Float64Array(length));
    },

    updateArrays(parameters, gradients, state): StepTelemetry | undefined {
      return updateTensors(parameters, gradients, state, (...step) => rule.referenceStep(...step));
    },

    toConfig() {
      return { name, hyperParameters: { ...current } };
    },
  };
}
