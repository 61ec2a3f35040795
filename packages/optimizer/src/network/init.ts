/** Weight initialisation. */
import { describeValue } from '../validate.js';
import type { Random } from './random.js';

/**
 * Glorot (Xavier) uniform initialisation: U(−r, r) with r = √(6 / (fanIn + fanOut)), which
 * keeps the variance of activations and gradients roughly constant across layers (Glorot and
 * Bengio, AISTATS 2010). Returns fanIn × fanOut values, row-major.
 *
 * @throws TypeError when `random` is not a generator or a fan is not a number; RangeError
 *   when a fan is not a positive integer.
 */
export function glorotUniform(random: Random, fanIn: number, fanOut: number): Float32Array {
  if (random === null || typeof random !== 'object' || typeof random.nextFloat !== 'function') {
    throw new TypeError('glorotUniform: "random" must be a Random (Random.fromSeed(seed))');
  }
  for (const [name, value] of [
    ['fanIn', fanIn],
    ['fanOut', fanOut],
  ] as const) {
    if (typeof value !== 'number') {
      throw new TypeError(`glorotUniform: "${name}" must be a number, got ${describeValue(value)}`);
    }
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`glorotUniform: "${name}" must be a positive integer, got ${value}`);
    }
  }
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < values.length; i++) values[i] = (2 * random.nextFloat() - 1) * limit;
  return values;
}
