/**
 * Test helpers shared by the wasm kernel tests (not part of the build).
 */
import { expect } from 'vitest';
import type { WasmKernels } from './wasm-kernels.js';

/** The sizes the issue asks every kernel to be tested at, in every dimension. */
export const EDGE_SIZES = [1, 2, 3, 5, 7, 8, 9, 31, 33, 127] as const;

/**
 * Runs `call` `calls` times after a short warm-up (which may grow scratch and packing
 * buffers once) and checks that neither the bytes allocated through the kernel set nor the
 * size of the linear memory changed: the kernel neither leaks buffers nor grows memory per
 * call.
 */
export function expectBoundedMemory(kernels: WasmKernels, call: () => void, calls = 10_000): void {
  for (let i = 0; i < 10; i++) call();
  const allocated = kernels.allocatedBytes();
  const memory = kernels.memoryBytes();
  for (let i = 0; i < calls; i++) call();
  expect(kernels.allocatedBytes()).toBe(allocated);
  expect(kernels.memoryBytes()).toBe(memory);
}

/** Deterministic pseudo-random values in [-1, 1) (a 32-bit LCG), for reproducible inputs. */
export function randomValues(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}
