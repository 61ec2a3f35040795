import { kernelBuildNames, relaxedSimdSupported } from '@dualphi/core-wasm';
import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { describe, expect, it } from 'vitest';
import { getDefaultKernels, resolveKernels, setDefaultKernels } from './kernels.js';

describe('getDefaultKernels', () => {
  it('loads the wasm SIMD kernels once and shares them', async () => {
    const [a, b] = await Promise.all([getDefaultKernels(), getDefaultKernels()]);
    // The default build: SIMD128 on Node 20 without --experimental-wasm-relaxed-simd.
    expect(a.name).toBe(kernelBuildNames[relaxedSimdSupported() ? 'relaxed-simd' : 'simd128']);
    expect(b).toBe(a);
    expect(await getDefaultKernels()).toBe(a);
  });

  it('resolveKernels prefers the kernels given', async () => {
    const reference = createReferenceKernels();
    expect(await resolveKernels(reference)).toBe(reference);
    expect(await resolveKernels()).toBe(await getDefaultKernels());
  });
});

describe('setDefaultKernels', () => {
  it('makes the given kernels (or a promise of them) the shared default', async () => {
    const wasm = await getDefaultKernels();
    const reference = createReferenceKernels();
    try {
      setDefaultKernels(reference);
      expect(await getDefaultKernels()).toBe(reference);
      expect(await resolveKernels()).toBe(reference);
      setDefaultKernels(Promise.resolve(wasm));
      expect(await getDefaultKernels()).toBe(wasm);
    } finally {
      setDefaultKernels(wasm);
    }
  });

  it('refuses what is not a kernel set', () => {
    expect(() => setDefaultKernels({} as never)).toThrow(
      /setDefaultKernels: expected a Kernels instance/,
    );
    expect(() => setDefaultKernels(null as never)).toThrow(TypeError);
  });
});
