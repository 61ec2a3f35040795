import { beforeAll, describe, expect, it } from 'vitest';
import { referenceCases } from './gemm.test-helpers.js';
import { loadKernels } from './loader.js';
import { expectBoundedMemory, randomValues } from './memory.test-helpers.js';
import type { WasmKernels } from './wasm-kernels.js';

describe('wasm gemm (the SIMD128 build)', () => {
  let kernels: WasmKernels;
  beforeAll(async () => {
    kernels = await loadKernels({ build: 'simd128' });
    expect(kernels.name).toBe('wasm-simd');
  });

  referenceCases(() => [kernels]);

  it('ignores NaN in C when beta = 0 and scales C when alpha = 0', () => {
    const a = kernels.allocFrom(randomValues(6, 3));
    const b = kernels.allocFrom(randomValues(6, 4));
    const c = kernels.allocFrom([Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    kernels.gemm(a, b, c, { m: 2, n: 2, k: 3 });
    expect(c.view.every(Number.isFinite)).toBe(true);
    c.view.set([1, 2, 3, 4]);
    kernels.gemm(a, b, c, { m: 2, n: 2, k: 3, alpha: 0, beta: 3 });
    expect(Array.from(c.view)).toEqual([3, 6, 9, 12]);
    kernels.gemm(a, b, c, { m: 2, n: 2, k: 3, alpha: 0, beta: 0 });
    expect(Array.from(c.view)).toEqual([0, 0, 0, 0]);
  });

  it('rejects bad arguments before running, naming them', () => {
    const a = kernels.alloc(15);
    const b = kernels.alloc(15);
    const c = kernels.alloc(12);
    c.view.fill(7);
    expect(() => kernels.gemm(a, b, c, { m: 3, n: 5, k: 3 })).toThrow(
      new RangeError('gemm: argument "c" holds 12 values but m·n = 15 are needed'),
    );
    expect(c.view.every((x) => x === 7)).toBe(true);
    expect(() => kernels.gemm(a, b, c, { m: 0, n: 1, k: 1 })).toThrow(RangeError);
    expect(() => kernels.gemm(a, b, c, { m: 1.5, n: 1, k: 1 })).toThrow(
      /"m" must be a positive integer/,
    );
    expect(() => kernels.gemm(a, b, c, { m: 1, n: 1, k: 1, alpha: Number.NaN })).toThrow(
      /"alpha" must be a finite number, got NaN/,
    );
    expect(() => kernels.gemm(a, b, a, { m: 1, n: 1, k: 1 })).toThrow(/different buffers/);
    expect(() => kernels.gemm(a, b, c, { m: 3, n: 4, k: 3, bias: kernels.alloc(3) })).toThrow(
      new RangeError('gemm: argument "bias" holds 3 values but n = 4 are needed'),
    );
    expect(() =>
      kernels.gemm(a, b, c, { m: 3, n: 4, k: 3, activation: 'sigmoid' as never }),
    ).toThrow(new TypeError(`gemm: "activation" must be 'none' or 'relu', got 'sigmoid'`));
    expect(c.view.every((x) => x === 7)).toBe(true);
    expect(() => kernels.gemm(a, b, c, undefined as never)).toThrow(TypeError);
  });

  it('keeps memory bounded over 10,000 calls', () => {
    const a = kernels.allocFrom(randomValues(33 * 31, 5));
    const b = kernels.allocFrom(randomValues(31 * 9, 6));
    const c = kernels.alloc(33 * 9);
    let call = 0;
    expectBoundedMemory(kernels, () => {
      const transA = (call & 1) === 1;
      const transB = (call & 2) === 2;
      call++;
      kernels.gemm(a, b, c, { m: 33, n: 9, k: 31, transA, transB, beta: 0.5 });
    });
  });
});
