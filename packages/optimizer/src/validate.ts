/**
 * Type checks of options at the public boundary, shared by the validation modules of the
 * data, training and loss functions: a value of the wrong type (a string where a number is
 * expected, an object where a function is, `null` where an options object is) is a
 * `TypeError` naming the function and the option, before any work. Range checks stay with
 * each function (they are `RangeError`s).
 */

/** A value as a message shows it: strings quoted, objects by kind (not their contents). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return 'an array';
  return `an object (${value.constructor?.name ?? 'Object'})`;
}

/** The JavaScript types an option may be required to have. */
export type OptionType = 'number' | 'boolean' | 'string' | 'function' | 'object';

const articles: Record<OptionType, string> = {
  number: 'a number',
  boolean: 'a boolean',
  string: 'a string',
  function: 'a function',
  object: 'an object',
};

function hasType(value: unknown, type: OptionType): boolean {
  if (type === 'object') return value !== null && typeof value === 'object';
  return typeof value === type;
}

/**
 * Checks the type of one option when it is given (`undefined` means "not given" and passes).
 *
 * @param expected - What to name in the message when more precise than the type, e.g.
 *   `'a positive integer'`.
 * @throws TypeError `` `${context}: "${option}" must be ${expected}, got …` ``.
 */
export function checkOptionType(
  context: string,
  option: string,
  value: unknown,
  type: OptionType,
  expected: string = articles[type],
): void {
  if (value !== undefined && !hasType(value, type)) {
    throw new TypeError(`${context}: "${option}" must be ${expected}, got ${describeValue(value)}`);
  }
}

/**
 * Refuses option names the function does not have: a misspelt or misplaced option (say
 * `testFraction` for `loadDigits`, whose split is fixed) would otherwise be ignored without a
 * word.
 *
 * @throws RangeError `` `${context}: "${key}" is not an option (allowed: …)` ``.
 */
export function checkKnownOptions(
  context: string,
  options: object,
  allowed: readonly string[],
  hint = '',
): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new RangeError(
        `${context}: "${key}" is not an option (allowed: ${allowed.join(', ')})${hint}`,
      );
    }
  }
}

/**
 * The options argument of a public function: `undefined` gives `{}`, anything but a plain
 * object (`null`, a string, a number, an array) is refused.
 *
 * @throws TypeError `` `${context}: the options must be an object, got …` ``.
 */
export function optionsObject<T extends object>(context: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${context}: the options must be an object, got ${describeValue(options)}`);
  }
  return options;
}
