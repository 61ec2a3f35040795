import { beforeAll, describe, expect, it } from 'vitest';
import { loadKernels } from './loader.js';
import { WasmHeap } from './memory.js';
import { createReferenceKernels } from './reference/kernels.js';
import type { WasmKernels } from './wasm-kernels.js';

describe('wasm buffers', () => {
  let kernels: WasmKernels;
  beforeAll(async () => {
    kernels = await loadKernels();
  });

  it('allocates zero-filled, 16-byte aligned buffers and accounts for their bytes', () => {
    const before = kernels.allocatedBytes();
    const buffer = kernels.alloc(5);
    expect(buffer.length).toBe(5);
    expect(Array.from(buffer.view)).toEqual([0, 0, 0, 0, 0]);
    expect(buffer.view.byteOffset % 16).toBe(0);
    expect(kernels.allocatedBytes()).toBe(before + 20);
    const copy = kernels.allocFrom([1.5, -2, 3]);
    expect(Array.from(copy.view)).toEqual([1.5, -2, 3]);
    buffer.free();
    copy.free();
    expect(kernels.allocatedBytes()).toBe(before);
  });

  it('keeps views valid after the memory grows', () => {
    const small = kernels.allocFrom([1, 2, 3, 4]);
    const oldView = small.view;
    const pages = kernels.memoryBytes();
    const big = kernels.alloc(16 * 1024 * 1024); // 64 MiB forces growth
    expect(kernels.memoryBytes()).toBeGreaterThan(pages);
    expect(oldView.length).toBe(0); // growth detached the old view...
    expect(Array.from(small.view)).toEqual([1, 2, 3, 4]); // ...the getter made a new one
    big.view[big.length - 1] = 9;
    expect(big.view[big.length - 1]).toBe(9);
    big.free();
    small.free();
  });

  it('frees idempotently and rejects freed buffers before any kernel runs', () => {
    const a = kernels.alloc(4);
    const b = kernels.alloc(4);
    const c = kernels.alloc(4);
    const before = kernels.allocatedBytes();
    a.free();
    a.free();
    expect(a.freed).toBe(true);
    expect(kernels.allocatedBytes()).toBe(before - 16);
    expect(() => a.view).toThrow(TypeError);
    expect(() => kernels.gemm(a, b, c, { m: 2, n: 2, k: 2 })).toThrow(
      new TypeError('gemm: argument "a" has been freed'),
    );
    b.free();
    c.free();
  });

  it('rejects buffers of another kernel set and things that are not buffers', () => {
    const reference = createReferenceKernels();
    const foreign = reference.alloc(4);
    const b = kernels.alloc(4);
    const c = kernels.alloc(4);
    expect(() => kernels.gemm(b, foreign, c, { m: 2, n: 2, k: 2 })).toThrow(
      /argument "b" belongs to another kernel set/,
    );
    expect(() => kernels.gemm(new Float32Array(4) as never, b, c, { m: 2, n: 2, k: 2 })).toThrow(
      /argument "a" must be an F32Buffer/,
    );
    b.free();
    c.free();
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => kernels.alloc(0)).toThrow(
      new RangeError('alloc: "length" must be a positive integer (at most 1073741824), got 0'),
    );
    expect(() => kernels.alloc(2.5)).toThrow(RangeError);
    expect(() => kernels.alloc(Number.NaN)).toThrow(/got NaN/);
    expect(() => kernels.allocFrom([])).toThrow(RangeError);
    // Larger than one TLSF block (2³⁰ bytes); 2³⁰ values would wrap to 0 bytes as an i32.
    expect(() => kernels.alloc(2 ** 28)).toThrow(/at most 268435455 f32 values per buffer/);
    expect(() => kernels.alloc(2 ** 30)).toThrow(RangeError);
    expect(() => kernels.allocFrom(3 as never)).toThrow(TypeError);
  });

  it('reuses and grows the i32 scratch block', () => {
    const heap = kernels.heap;
    const first = heap.scratchI32(10);
    expect(heap.scratchI32(8)).toBe(first);
    const grown = heap.scratchI32(first.length + 1);
    expect(grown).not.toBe(first);
    expect(first.freed).toBe(true);
    expect(grown.length).toBeGreaterThan(first.length);
  });

  it('returns freed memory to the allocator: alloc/free cycles do not grow memory', () => {
    kernels.alloc(1000).free();
    const memory = kernels.memoryBytes();
    const allocated = kernels.allocatedBytes();
    for (let i = 0; i < 10_000; i++) kernels.alloc(1 + (i % 1000)).free();
    expect(kernels.memoryBytes()).toBe(memory);
    expect(kernels.allocatedBytes()).toBe(allocated);
  });

  it('turns a failed allocation (memory cannot grow: the allocator traps) into a RangeError', () => {
    const heap = new WasmHeap({
      memory: new WebAssembly.Memory({ initial: 1 }),
      alloc: () => {
        throw new WebAssembly.RuntimeError('unreachable');
      },
      free: () => {},
    });
    expect(() => heap.f32(1000)).toThrow(/alloc: cannot allocate 4000 bytes/);
    expect(heap.allocatedBytes()).toBe(0);
  });
});
