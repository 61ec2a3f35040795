/**
 * Reading a factory's options against the module's declaration: only declared names, each
 * value checked by its declared rule, required ones present.
 */
import type { OptionSpecs } from './define.js';
import type { HyperParameterValue } from './types.js';
import {
  OptimizerOptionError,
  OptimizerOptionTypeError,
  validateHyperParameter,
} from './validate.js';

/**
 * The options given, validated (undefined entries dropped; defaults are not filled in here).
 *
 * @throws OptimizerOptionTypeError when `options` is not an object or an option has the
 *   wrong type.
 * @throws OptimizerOptionError naming the first unknown, out-of-range or missing option.
 */
export function readOptions(
  optimizer: string,
  specs: OptionSpecs,
  options: object | undefined,
): Record<string, HyperParameterValue> {
  if (options === undefined) options = {};
  // Only a missing object means "all defaults": null, arrays and the rest are refused.
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptimizerOptionTypeError(optimizer, 'options', 'must be an object', options);
  }
  const allowed = Object.keys(specs);
  const given: Record<string, HyperParameterValue> = {};
  for (const [option, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(specs, option)) {
      throw new OptimizerOptionError(
        optimizer,
        option,
        `is not an option of ${optimizer} (allowed: ${allowed.join(', ')})`,
        value,
      );
    }
    given[option] = validateHyperParameter(optimizer, option, value, specs[option].rule);
  }
  for (const [option, spec] of Object.entries(specs)) {
    if (spec.required === true && given[option] === undefined) {
      throw new OptimizerOptionError(
        optimizer,
        option,
        `is required and ${spec.rule.requirement}`,
        undefined,
      );
    }
  }
  return given;
}
