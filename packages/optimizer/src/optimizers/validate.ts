/**
 * Validation of optimizer hyper-parameters, shared by every optimizer of this package and
 * by `@dualphi/tfjs-adapter`. Messages name the optimizer, the option, the allowed range and
 * the value received, e.g. `dualProcess: "momentum" must be in [0, 1), got 1.2`. A value of
 * the wrong type is an {@link OptimizerOptionTypeError} (a `TypeError`), a value out of range
 * (also one that only f32 rounding puts out of range, see {@link checkFloat32}) an
 * {@link OptimizerOptionError} (a `RangeError`).
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

/**
 * A hyper-parameter (or the options object) of the wrong type: a string where a number is
 * expected, a number where a boolean is, `null` or a string where the options object is.
 */
export class OptimizerOptionTypeError extends TypeError {
  /** The optimizer (or other context) the option belongs to, e.g. `'dualProcess'`. */
  readonly optimizer: string;
  /** The option's name, e.g. `'learningRate'`, or `'options'` for the object itself. */
  readonly option: string;
  /** The value received. */
  readonly value: unknown;

  constructor(optimizer: string, option: string, requirement: string, value: unknown) {
    super(`${optimizer}: "${option}" ${requirement}, got ${describe(value)}`);
    this.name = 'OptimizerOptionTypeError';
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
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** The smallest positive f32 (a subnormal, 2⁻¹⁴⁹): anything smaller rounds to 0 in f32. */
const F32_MIN_POSITIVE = 2 ** -149;
/** The largest finite f32, (2 − 2⁻²³)·2¹²⁷: anything larger rounds to ±Infinity in f32. */
const F32_MAX = 3.4028234663852886e38;

/**
 * Checks that a numeric hyper-parameter keeps its meaning in f32, the precision the kernels
 * of `@dualphi/core-wasm` (and tfjs tensors) receive it in: a positive value must not round
 * to 0 (a learning rate of 1e-46 would train nothing), a finite one not to ±Infinity, and the
 * rounded value must still satisfy the rule (a momentum of 0.99999999999 becomes 1 in f32,
 * outside [0, 1)). `Math.fround` is exactly the f64 → f32 conversion of the kernels.
 *
 * @param requirement - The rule's requirement, named in the message (e.g. `'must be a finite number > 0'`).
 * @param test - The rule, applied to the f32 value too (default: none).
 * @throws OptimizerOptionError naming the option, its value, the f32 value and the range.
 */
export function checkFloat32(
  optimizer: string,
  option: string,
  value: number,
  requirement: string,
  test: (value: number) => boolean = () => true,
): void {
  const rounded = Math.fround(value);
  const vanishes = value !== 0 && rounded === 0;
  const overflows = Number.isFinite(value) && !Number.isFinite(rounded);
  if (vanishes || overflows || !test(rounded)) {
    throw new OptimizerOptionError(
      optimizer,
      option,
      `${requirement} in f32 as well, the precision the kernels compute in (magnitudes from ${F32_MIN_POSITIVE.toPrecision(4)} to ${F32_MAX.toPrecision(4)}; it becomes ${String(rounded)} there)`,
      value,
    );
  }
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
 * delta form of apps/docs/theory.md#constants no longer converges); `beta1`, `beta2` ∈ [0, 1); `epsilon` > 0;
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
 * Numbers are also checked in f32 ({@link checkFloat32}): every numeric option of this
 * package's optimizers reaches the f32 kernels.
 *
 * @param optimizer - Named in the message (any context string, e.g. `'momentum'` or `'tfjs DualProcessOptimizer'`).
 * @returns The value, typed.
 * @throws OptimizerOptionTypeError for a value of the wrong type.
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
      throw new OptimizerOptionTypeError(optimizer, option, rule.requirement, value);
    return value;
  }
  if (typeof value !== 'number') {
    throw new OptimizerOptionTypeError(optimizer, option, rule.requirement, value);
  }
  if (!rule.test(value)) throw new OptimizerOptionError(optimizer, option, rule.requirement, value);
  checkFloat32(optimizer, option, value, rule.requirement, rule.test);
  return value;
}

/**
 * Checks a set of hyper-parameters: each against {@link hyperParameterRules}, and only the
 * names in `allowed` (when given) may appear.
 *
 * @returns The values, typed (a new object; `undefined` entries are dropped).
 * @throws OptimizerOptionTypeError when `hyperParameters` is not an object or an option has
 *   the wrong type.
 * @throws OptimizerOptionError for the first unknown or out-of-range option.
 */
export function validateHyperParameters(
  optimizer: string,
  hyperParameters: Readonly<Record<string, unknown>>,
  allowed?: readonly string[],
): Record<string, HyperParameterValue> {
  if (
    hyperParameters === null ||
    typeof hyperParameters !== 'object' ||
    Array.isArray(hyperParameters)
  ) {
    throw new OptimizerOptionTypeError(optimizer, 'options', 'must be an object', hyperParameters);
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

/**
 * Checks the shape of an optimizer configuration before it is rebuilt: an object with a
 * string `name` and a `hyperParameters` object (or none). The name itself and the values are
 * checked by `optimizerFromConfig` and the optimizer's factory.
 *
 * @throws OptimizerOptionTypeError naming the field of the wrong type.
 */
export function checkOptimizerConfigShape(context: string, config: unknown): void {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new OptimizerOptionTypeError(
      context,
      'config',
      'must be an object { name, hyperParameters } (from optimizer.toConfig())',
      config,
    );
  }
  const { name, hyperParameters } = config as { name?: unknown; hyperParameters?: unknown };
  if (typeof name !== 'string') {
    throw new OptimizerOptionTypeError(context, 'name', 'must be a string', name);
  }
  if (
    hyperParameters !== undefined &&
    (hyperParameters === null ||
      typeof hyperParameters !== 'object' ||
      Array.isArray(hyperParameters))
  ) {
    throw new OptimizerOptionTypeError(
      context,
      'hyperParameters',
      'must be an object of option values',
      hyperParameters,
    );
  }
}
