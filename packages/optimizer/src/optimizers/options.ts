/**
 * Reading factory options: validated against the rules and restricted to the names the
 * optimizer has, with defaults filled in.
 */
import type { HyperParameters } from './engine.js';
import { requireHyperParameter, validateHyperParameters } from './validate.js';

/**
 * Validates `options` (only `allowed` names, `required` ones present) and fills `defaults`.
 *
 * @throws OptimizerOptionError naming the first bad option.
 */
export function readOptions(
  optimizer: string,
  options: object | undefined,
  allowed: readonly string[],
  defaults: Readonly<Record<string, number | boolean>>,
  required: readonly string[] = [],
): Record<string, number | boolean> {
  const given = validateHyperParameters(
    optimizer,
    // Only a missing object means "all defaults": null is refused like any other non-object.
    (options === undefined ? {} : options) as Readonly<Record<string, unknown>>,
    allowed,
  );
  for (const option of required) requireHyperParameter(optimizer, given, option);
  return { ...defaults, ...given };
}

/** A numeric hyper-parameter (validated at construction and in `set`). */
export function numberOf(hyperParameters: HyperParameters, option: string): number {
  return hyperParameters[option] as number;
}
