/**
 * Helpers for the tests that hold the wasm kernels to the reference (not part of the build).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { loadKernels } from './loader.js';
import { EDGE_SIZES } from './memory.test-helpers.js';
import { createReferenceKernels } from './reference/index.js';
import type { F32Buffer, Kernels } from './types.js';
import type { WasmKernels } from './wasm-kernels.js';

/** The unit roundoff of f32, 2⁻²⁴: the tolerances count roundings in multiples of it. */
export const u = 2 ** -24;

/** The two kernel sets a comparison test holds against each other. */
export interface KernelSets {
  /** The WebAssembly SIMD kernels under test. */
  wasm: WasmKernels;
  /** The TypeScript reference they are held to. */
  reference: Kernels;
}

/** Loads the wasm kernels and creates a reference set (awaited at the top of a test file). */
export async function loadKernelSets(): Promise<KernelSets> {
  return { wasm: await loadKernels(), reference: createReferenceKernels() };
}

/** What {@link runOnBoth} returns: each set's buffers after the call, and the call's results. */
export interface BothOutcomes<R> {
  /** The wasm set's buffer contents (the stated lengths), argument by argument. */
  wasm: Float32Array[];
  /** The reference set's buffer contents. */
  reference: Float32Array[];
  /** What the call returned on [wasm, reference]. */
  results: [R, R];
}

/**
 * Runs `call` on both sets, each with guarded copies of `inputs`; checks every guard tail,
 * frees the buffers and returns their contents and the call's results.
 */
export function runOnBoth<R>(
  sets: KernelSets,
  inputs: Float32Array[],
  call: (kernels: Kernels, buffers: F32Buffer[]) => R,
): BothOutcomes<R> {
  const contentsOf: Float32Array[][] = [];
  const results: R[] = [];
  for (const kernels of [sets.wasm, sets.reference] as Kernels[]) {
    const buffers = inputs.map((data) => guarded(kernels, data));
    results.push(call(kernels, buffers));
    buffers.forEach((buffer, i) => {
      expectGuardIntact(buffer, inputs[i].length, `${kernels.name} argument ${i}`);
    });
    contentsOf.push(buffers.map((buffer, i) => contents(buffer, inputs[i].length)));
    for (const buffer of buffers) buffer.free();
  }
  return { wasm: contentsOf[0], reference: contentsOf[1], results: [results[0], results[1]] };
}

/** Elements after each buffer's stated length, filled with a sentinel no kernel may change. */
export const GUARD = 11;
const SENTINEL = -12345.5;

/** A buffer of `data.length + GUARD` elements: `data`, then the sentinel. */
export function guarded(kernels: Kernels, data: ArrayLike<number>): F32Buffer {
  const buffer = kernels.alloc(data.length + GUARD);
  buffer.view.set(data);
  buffer.view.fill(SENTINEL, data.length);
  return buffer;
}

/** The guard elements after `length` are untouched. */
export function expectGuardIntact(buffer: F32Buffer, length: number, name: string): void {
  const tail = Array.from(buffer.view.subarray(length, length + GUARD));
  expect(tail, `${name}: written past its ${length} elements`).toEqual(tail.map(() => SENTINEL));
}

/** The first `length` elements of a buffer, copied. */
export function contents(buffer: F32Buffer, length: number): Float32Array {
  return buffer.view.slice(0, length);
}

/** A size for one dimension: one of the edge sizes of the issue, or any size up to `max`. */
export function dimension(max = 300): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(...EDGE_SIZES), fc.integer({ min: 1, max }));
}

/** Deterministic values in [lo, hi) from a seed (32-bit LCG). */
export function uniform(length: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * state) / 2 ** 32;
  }
  return out;
}

/** Rows of probability distributions (each sums to 1 up to f32 rounding), with some exact zeros. */
export function distributions(rows: number, cols: number, seed: number, zeros = 0.2): Float32Array {
  const raw = uniform(rows * cols, seed, 0, 1);
  const drop = uniform(rows * cols, seed + 7, 0, 1);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const value = drop[i] < zeros && c > 0 ? 0 : raw[i] ** 3 + 1e-6;
      out[i] = value;
      sum += value;
    }
    for (let c = 0; c < cols; c++) out[r * cols + c] /= sum;
  }
  return out;
}

/** Asserts |actual[i] − expected[i]| ≤ tolerance(i) for the first `length` elements. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  length: number,
  tolerance: (i: number) => number,
  what: string,
): void {
  for (let i = 0; i < length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= tolerance(i))) {
      expect.fail(
        `${what}[${i}]: got ${actual[i]}, reference ${expected[i]}, |error| ${error} > ${tolerance(i)}`,
      );
    }
  }
}

/** Distance in units in the last place between two f32 values (adjacent floats are 1 apart). */
export function ulpDistance(a: number, b: number): number {
  const order = (x: number) => {
    scratch[0] = x;
    const bits = scratchBits[0];
    return bits < 0 ? -(bits & 0x7fffffff) : bits;
  };
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  return Math.abs(order(a) - order(b));
}
const scratch = new Float32Array(1);
const scratchBits = new Int32Array(scratch.buffer);

/** Every (rows, cols) pair of edge sizes: run as explicit fast-check examples before the random runs. */
export function edgePairs(): [number, number][] {
  return EDGE_SIZES.flatMap((rows) => EDGE_SIZES.map((cols): [number, number] => [rows, cols]));
}

/** Cycles through `values` by index (to vary flags across explicit examples). */
export function cycle<T>(values: readonly T[], index: number): T {
  return values[index % values.length];
}

/**
 * fast-check parameters that run every one of `examples` and then `randomRuns` random cases
 * (fast-check counts examples within numRuns).
 */
export function withExamples<T>(
  examples: T[],
  randomRuns: number,
): { numRuns: number; examples: T[] } {
  return { numRuns: examples.length + randomRuns, examples };
}

/** Asserts two arrays hold identical values (Object.is, so −0 ≠ 0), fast on long arrays. */
export function expectIdentical(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
): void {
  if (actual.length !== expected.length) {
    expect.fail(`${what}: length ${actual.length}, expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      expect.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}
