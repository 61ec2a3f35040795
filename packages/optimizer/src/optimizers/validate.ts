/**
 * Validation of optimizer hyper-parameters, shared by every optimizer of this package and
 * by `@dualphi/tfjs-adapter`. Messages name the optimizer, the option, the allowed range and
 * the value received, e.g. `dualProcess: "momentum" must be in [0, 1), got 1.2`.
 */
import type { HyperParameterValue } from './types.js';

/** A hyper-parameter out of range, of the wrong type, missing or unknown. */
export class OptimizerOptionError extends RangeError {
  /** The optimizer (or other context) the option belongs to, e.g. `'dualProcess'`. */
  readonly optimizer: string;
  /** The option's name, e.g. `'momentum'`. */
  readonly option: string;
  /** The value received. */
  readonly value: unknown;

  constructor(optimizer: string, option: string, requirement: string, value: unknown) {
    super(`${optimizer}: "${option}" ${requirement}, got ${describe(value)}`);
    this.name = 'OptimizerOptionError';
    this.optimizer = optimizer;
    this.option = option;
    this.value = value;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) {
    return String(value);
  }
  return typeof value;
}

/**
 * The rule one hyper-parameter must satisfy. `T` is its type's name, so that an option
 * declared with a `'number'` rule is typed `number` (see `OptionSpec` in define.ts).
 */
export interface HyperParameterRule<T extends 'number' | 'boolean' = 'number' | 'boolean'> {
  /** `'number'` or `'boolean'`. */
  readonly type: T;
  /** Human-readable requirement, e.g. `'must be in [0, 1)'`. */
  readonly requirement: string;
  /** True when a value of the right type is allowed. */
  readonly test: (value: number) => boolean;
}

const positive: HyperParameterRule<'number'> = {
  type: 'number',
  requirement: 'must be a finite number > 0',
  test: (x) => Number.isFinite(x) && x > 0,
};
const unitInterval: HyperParameterRule<'number'> = {
  type: 'number',
  requirement: 'must be in [0, 1)',
  test: (x) => Number.isFinite(x) && x >= 0 && x < 1,
};
const nonNegative: HyperParameterRule<'number'> = {
  type: 'number',
  requirement: 'must be a finite number ≥ 0',
  test: (x) => Number.isFinite(x) && x >= 0,
};
const flag: HyperParameterRule<'boolean'> = {
  type: 'boolean',
  requirement: 'must be a boolean',
  test: () => true,
};

const positiveInteger: HyperParameterRule<'number'> = {
  type: 'number',
  requirement: 'must be an integer ≥ 1',
  test: (x) => Number.isSafeInteger(x) && x >= 1,
};
const count: HyperParameterRule<'number'> = {
  type: 'number',
  requirement: 'must be an integer ≥ 0',
  test: (x) => Number.isSafeInteger(x) && x >= 0,
};
const unitIntervalClosed: HyperParameterRule<'number'> = {
  type: 'number',
  requirement: 'must be in [0, 1]',
  test: (x) => Number.isFinite(x) && x >= 0 && x <= 1,
};

/** The type of {@link optionRules}. */
export interface OptionRules {
  /** Finite, > 0. */
  readonly positive: HyperParameterRule<'number'>;
  /** In [0, 1). */
  readonly unitInterval: HyperParameterRule<'number'>;
  /** In [0, 1]. */
  readonly unitIntervalClosed: HyperParameterRule<'number'>;
  /** Finite, ≥ 0. */
  readonly nonNegative: HyperParameterRule<'number'>;
  /** An integer ≥ 1. */
  readonly positiveInteger: HyperParameterRule<'number'>;
  /** An integer ≥ 0. */
  readonly count: HyperParameterRule<'number'>;
  /** A boolean. */
  readonly flag: HyperParameterRule<'boolean'>;
}

/**
 * The shapes of rule an optimizer module picks from for each of its options (so the same
 * range reads the same everywhere): `positive` (finite, > 0), `unitInterval` ([0, 1)),
 * `unitIntervalClosed` ([0, 1]), `nonNegative` (finite, ≥ 0), `positiveInteger` (≥ 1),
 * `count` (integer ≥ 0) and `flag` (boolean).
 */
export const optionRules: OptionRules = Object.freeze({
  positive,
  unitInterval,
  unitIntervalClosed,
  nonNegative,
  positiveInteger,
  count,
  flag,
});

/**
 * The rules by option name: `learningRate` η > 0 and finite; `momentum` α ∈ [0, 1) (at 1 the
 * delta form of theory.md §4 no longer converges); `beta1`, `beta2` ∈ [0, 1); `epsilon` > 0;
 * `weightDecay` ≥ 0; `nesterov`, `rounded`, `telemetry` booleans.
 */
export const hyperParameterRules: Readonly<Record<string, HyperParameterRule>> = Object.freeze({
  learningRate: positive,
  momentum: unitInterval,
  beta1: unitInterval,
  beta2: unitInterval,
  epsilon: positive,
  weightDecay: nonNegative,
  nesterov: flag,
  rounded: flag,
  telemetry: flag,
});

/**
 * Checks one hyper-parameter against its rule: `rule` when given (an optimizer module's own
 * declaration of the option, see `OptionSpec`), else {@link hyperParameterRules} by name.
 * Every optimizer option of this package passes through here, at construction, in `set()`
 * and when a config is rebuilt: the one place for checks that apply to all options.
 *
 * @param optimizer - Named in the message (any context string, e.g. `'momentum'` or `'tfjs DualProcessOptimizer'`).
 * @returns The value, typed.
 * @throws OptimizerOptionError naming the option and the allowed range.
 */
export function validateHyperParameter(
  optimizer: string,
  option: string,
  value: unknown,
  rule: HyperParameterRule | undefined = hyperParameterRules[option],
): HyperParameterValue {
  if (!rule) {
    throw new OptimizerOptionError(
      optimizer,
      option,
      `is not a known option (known: ${Object.keys(hyperParameterRules).join(', ')})`,
      value,
    );
  }
  if (rule.type === 'boolean') {
    if (typeof value !== 'boolean')
      throw new OptimizerOptionError(optimizer, option, rule.requirement, value);
    return value;
  }
  if (typeof value !== 'number' || !rule.test(value)) {
    throw new OptimizerOptionError(optimizer, option, rule.requirement, value);
  }
  return value;
}

/**
 * Checks a set of hyper-parameters: each against {@link hyperParameterRules}, and only the
 * names in `allowed` (when given) may appear.
 *
 * @returns The values, typed (a new object; `undefined` entries are dropped).
 * @throws OptimizerOptionError for the first unknown or out-of-range option.
 */
export function validateHyperParameters(
  optimizer: string,
  hyperParameters: Readonly<Record<string, unknown>>,
  allowed?: readonly string[],
): Record<string, HyperParameterValue> {
  if (hyperParameters === null || typeof hyperParameters !== 'object') {
    throw new OptimizerOptionError(optimizer, 'options', 'must be an object', hyperParameters);
  }
  const result: Record<string, HyperParameterValue> = {};
  for (const [option, value] of Object.entries(hyperParameters)) {
    if (value === undefined) continue;
    if (allowed && !allowed.includes(option)) {
      throw new OptimizerOptionError(
        optimizer,
        option,
        `is not an option of ${optimizer} (allowed: ${allowed.join(', ')})`,
        value,
      );
    }
    result[option] = validateHyperParameter(optimizer, option, value);
  }
  return result;
}

/**
 * Asserts that a required option is present.
 *
 * @throws OptimizerOptionError `"<option>" is required` with the rule's requirement.
 */
export function requireHyperParameter(
  optimizer: string,
  options: Readonly<Record<string, unknown>> | undefined,
  option: string,
): void {
  if (options?.[option] === undefined) {
    const rule = hyperParameterRules[option];
    throw new OptimizerOptionError(
      optimizer,
      option,
      `is required and ${rule ? rule.requirement : 'must be given'}`,
      undefined,
    );
  }
}
