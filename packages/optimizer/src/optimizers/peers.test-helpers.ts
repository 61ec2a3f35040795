/**
 * The toy problem of the peers' test vectors: f(x) = ½ Σ aᵢxᵢ² with a = [1, 2, 3] and
 * x₀ = [1, 2, 3], so g = a ⊙ x; and a check against printed values.
 */
import { type F32Buffer, loadKernels } from '@dualphi/core-wasm';
import { expect } from 'vitest';
import type { Optimizer, OptimizerState } from './types.js';

/** g = a ⊙ x with a = [1, 2, 3]. */
export const toyGradient = (x: ArrayLike<number>): number[] => Array.from(x, (v, i) => (i + 1) * v);

/**
 * `actual` equals a value printed as `printed` to its last printed digit (half a unit of it:
 * for the 9-significant-digit vectors that is ≤ 5e-9 absolute, ≤ 5e-10 for values below 1),
 * and within `tolerance` relative when that is larger (the f32 path).
 */
export function expectPrinted(actual: number, printed: string, tolerance = 0): void {
  const expected = Number(printed);
  const mantissa = printed.replace(/^-/, '').split(/e/i)[0];
  const exponent = Number(printed.split(/e/i)[1] ?? 0);
  const decimals = (mantissa.split('.')[1] ?? '').length;
  const halfUnit = 0.5 * 10 ** (exponent - decimals) * (1 + 1e-9);
  const allowed = Math.max(halfUnit, tolerance * Math.abs(expected));
  expect(Math.abs(actual - expected), `${actual} vs ${printed}`).toBeLessThanOrEqual(allowed);
}

/** Runs `steps` steps of `optimizer` on the toy problem in f64; calls `check` after each. */
export function runArrays(
  optimizer: Optimizer,
  steps: number,
  check: (step: number, x: Float64Array, state: ReturnType<Optimizer['initArrays']>) => void,
): void {
  const x = Float64Array.from([1, 2, 3]);
  const parameters = [{ name: 'x', value: x }];
  const state = optimizer.initArrays(parameters);
  for (let step = 0; step < steps; step++) {
    optimizer.updateArrays(parameters, [toyGradient(x)], state);
    check(step, x, state);
  }
}

const wasm = await loadKernels();

/** The same on the wasm kernels' f32 buffers (the plain-TypeScript rule over their views). */
export function runKernels(
  optimizer: Optimizer,
  steps: number,
  check: (step: number, x: Float32Array, state: OptimizerState) => void,
): void {
  const x: F32Buffer = wasm.allocFrom(Float32Array.from([1, 2, 3]));
  const g = wasm.alloc(3);
  const parameters = [{ name: 'x', value: x }];
  const state = optimizer.init(wasm, parameters);
  for (let step = 0; step < steps; step++) {
    g.view.set(toyGradient(x.view));
    optimizer.update(wasm, parameters, [g], state);
    check(step, x.view, state);
  }
  for (const slot of state.slots.values()) slot.free();
  x.free();
  g.free();
}
