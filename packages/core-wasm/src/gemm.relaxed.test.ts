/**
 * The relaxed-SIMD build (f32x4.relaxed_madd in the GEMM micro-kernel) against the TypeScript
 * reference. Runs in the vitest project "relaxed-simd" (vitest.config.ts), which starts Node
 * 20 with --experimental-wasm-relaxed-simd; Node ≥ 21 runs relaxed SIMD without it.
 * relaxed_madd rounds once (fused) or twice at the engine's choice; the reference tolerance
 * covers both, and results must still be deterministic and identical across thread counts.
 */
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relaxedSimdSupported } from './builds.js';
import { checkAgainstReference, scalar, size } from './gemm.test-helpers.js';
import { loadKernels, wasmUrl } from './loader.js';
import { EDGE_SIZES, randomValues } from './memory.test-helpers.js';
import type { GemmOptions } from './types.js';
import type { WasmKernels } from './wasm-kernels.js';

/** C of one product on `kernels`, as bits (so equality is bit for bit). */
function productBits(kernels: WasmKernels, options: Required<GemmOptions>, seed: number) {
  const a = kernels.allocFrom(randomValues(options.m * options.k, seed));
  const b = kernels.allocFrom(randomValues(options.k * options.n, seed + 1));
  const c = kernels.allocFrom(randomValues(options.m * options.n, seed + 2));
  kernels.gemm(a, b, c, options);
  const bits = new Uint32Array(Float32Array.from(c.view).buffer);
  a.free();
  b.free();
  c.free();
  return bits;
}

describe('wasm gemm (the relaxed-SIMD build)', () => {
  let kernels: WasmKernels;
  let threaded: WasmKernels;
  beforeAll(async () => {
    expect(
      relaxedSimdSupported(),
      'this project needs relaxed SIMD: Node 20 with --experimental-wasm-relaxed-simd (vitest.config.ts) or Node ≥ 21',
    ).toBe(true);
    kernels = await loadKernels({ build: 'relaxed-simd' });
    threaded = await loadKernels({ build: 'relaxed-simd', threads: 2 });
  });
  afterAll(async () => {
    await threaded?.close();
  });

  it("is what 'auto' picks where relaxed SIMD is available, on 1 and 2 threads", async () => {
    expect([kernels.name, kernels.build]).toEqual(['wasm-relaxed-simd', 'relaxed-simd']);
    expect([threaded.name, threaded.build]).toEqual(['wasm-relaxed-simd', 'relaxed-simd']);
    const auto = await loadKernels();
    expect(auto.name).toBe('wasm-relaxed-simd');
    const autoThreads = await loadKernels({ threads: 2, build: 'auto' });
    expect(autoThreads.name).toBe('wasm-relaxed-simd');
    await autoThreads.close();
  });

  it('matches a hand-computed 2×3 · 3×2 product exactly (small integers round nowhere)', () => {
    const a = kernels.allocFrom([1, 2, 3, 4, 5, 6]);
    const b = kernels.allocFrom([7, 8, 9, 10, 11, 12]);
    const c = kernels.alloc(4);
    kernels.gemm(a, b, c, { m: 2, n: 2, k: 3 });
    expect(Array.from(c.view)).toEqual([58, 64, 139, 154]);
  });

  it('matches the reference over random shapes, transposes, alpha and beta (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.record({
          m: size,
          n: size,
          k: size,
          transA: fc.boolean(),
          transB: fc.boolean(),
          alpha: scalar,
          beta: scalar,
        }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (shape, seed) => checkAgainstReference(kernels, shape, seed),
      ),
      { numRuns: 150 },
    );
  });

  it('covers every edge size in every dimension with all four transpose combinations', () => {
    let seed = 1;
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const edge of EDGE_SIZES) {
          const base = { transA, transB };
          checkAgainstReference(
            kernels,
            { ...base, m: edge, n: 9, k: 7, alpha: 1, beta: 0 },
            seed++,
          );
          checkAgainstReference(
            kernels,
            { ...base, m: 5, n: edge, k: 3, alpha: -0.5, beta: 1 },
            seed++,
          );
          checkAgainstReference(
            kernels,
            { ...base, m: 3, n: 33, k: edge, alpha: 2, beta: 0.25 },
            seed++,
          );
        }
      }
    }
  });

  it('is correct across cache blocks (m > 128, n > 512, k > 512) in all four transpose combinations', () => {
    let seed = 100;
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const shape = { m: 131, n: 517, k: 519, transA, transB, alpha: 0.75, beta: -1.5 };
        checkAgainstReference(kernels, shape, seed);
        // The split across two threads, also against the reference.
        checkAgainstReference(threaded, shape, seed++);
      }
    }
  });

  it('is deterministic and bit-identical on 1 and 2 threads (large enough to be split)', () => {
    const shapes: Required<GemmOptions>[] = [
      { m: 128, n: 256, k: 784, transA: false, transB: false, alpha: 1, beta: 0 },
      { m: 784, n: 256, k: 128, transA: true, transB: false, alpha: 1, beta: 1 },
      { m: 127, n: 785, k: 255, transA: false, transB: true, alpha: 0.75, beta: 0.5 },
    ];
    for (const [i, shape] of shapes.entries()) {
      const once = productBits(kernels, shape, 10 * i + 1);
      expect(productBits(kernels, shape, 10 * i + 1)).toEqual(once);
      expect(productBits(threaded, shape, 10 * i + 1)).toEqual(once);
    }
  });

  it('refuses a module of the other build when a build is named, and takes it for auto', async () => {
    const simd128 = new Uint8Array(await readFile(wasmUrl));
    await expect(loadKernels({ bytes: simd128, build: 'relaxed-simd' })).rejects.toThrow(
      new TypeError(
        "loadKernels: build 'relaxed-simd' was asked for, but the module given is the 'simd128' build (wasm-simd); give dualphi-core-relaxed.wasm, or build: 'auto' to take the module's own build",
      ),
    );
    expect((await loadKernels({ bytes: simd128 })).name).toBe('wasm-simd');
    expect((await loadKernels({ url: wasmUrl, build: 'simd128' })).name).toBe('wasm-simd');
  });
});
