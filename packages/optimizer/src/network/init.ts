/** Weight initialisation. */
import type { Random } from './random.js';

/**
 * Glorot (Xavier) uniform initialisation: U(−r, r) with r = √(6 / (fanIn + fanOut)), which
 * keeps the variance of activations and gradients roughly constant across layers (Glorot and
 * Bengio, AISTATS 2010). Returns fanIn × fanOut values, row-major.
 */
export function glorotUniform(random: Random, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < values.length; i++) values[i] = (2 * random.nextFloat() - 1) * limit;
  return values;
}
