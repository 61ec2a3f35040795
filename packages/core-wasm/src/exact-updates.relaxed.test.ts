/**
 * The fused Lion and Schedule-Free kernels of the relaxed-SIMD build against their reference
 * loops, bit for bit (as exact-updates.test.ts for the SIMD128 build): they use no relaxed
 * instruction, so the build must not change a bit. Runs in the vitest project
 * "relaxed-simd" (vitest.config.ts).
 */
import { describe, expect, it } from 'vitest';
import { relaxedSimdSupported } from './builds.js';
import { adamWRun, lionCases, lionRun, sgdRun } from './exact-updates.test-helpers.js';
import { loadKernels } from './loader.js';
import { createReferenceKernels } from './reference/index.js';

describe('fused Lion and Schedule-Free kernels (the relaxed-SIMD build)', () => {
  it('are bit-identical to the reference loops', async () => {
    expect(relaxedSimdSupported()).toBe(true);
    const sets = {
      wasm: await loadKernels({ build: 'relaxed-simd' }),
      reference: createReferenceKernels(),
    };
    expect(sets.wasm.build).toBe('relaxed-simd');
    [1, 3, 4, 5, 15, 16, 17, 47, 48, 49, 4097].forEach((n, i) => {
      lionRun(sets, n, 100 + i, lionCases[i % lionCases.length], i % 3 === 2);
      sgdRun(sets, n, 200 + i, i, i % 3 === 2);
      adamWRun(sets, n, 300 + i, i, i % 3 === 2);
    });
  });
});
