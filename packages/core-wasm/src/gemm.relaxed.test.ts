/**
 * The relaxed-SIMD build (f32x4.relaxed_madd in the GEMM micro-kernel) against the TypeScript
 * reference. Runs in the vitest project "relaxed-simd" (vitest.config.ts), which starts Node
 * 20 with --experimental-wasm-relaxed-simd; Node ≥ 21 runs relaxed SIMD without it.
 * relaxed_madd rounds once (fused) or twice at the engine's choice; the reference tolerance
 * covers both, and results must still be deterministic and identical across thread counts.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relaxedSimdSupported } from './builds.js';
import { referenceCases } from './gemm.test-helpers.js';
import { loadKernels, wasmUrl } from './loader.js';
import { randomValues } from './memory.test-helpers.js';
import type { GemmOptions } from './types.js';
import type { WasmKernels } from './wasm-kernels.js';

/** C of one product on `kernels`, as bits (so equality is bit for bit). */
function productBits(
  kernels: WasmKernels,
  options: Required<Omit<GemmOptions, 'bias' | 'activation'>>,
  seed: number,
) {
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

  // The cache-block products also on two threads (split), against the reference.
  referenceCases(() => [kernels, threaded]);

  it('is deterministic and bit-identical on 1 and 2 threads (large enough to be split)', () => {
    const shapes: Required<Omit<GemmOptions, 'bias' | 'activation'>>[] = [
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
