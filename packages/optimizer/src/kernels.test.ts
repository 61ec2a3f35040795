import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { describe, expect, it } from 'vitest';
import { getDefaultKernels, resolveKernels } from './kernels.js';

describe('getDefaultKernels', () => {
  it('loads the wasm SIMD kernels once and shares them', async () => {
    const [a, b] = await Promise.all([getDefaultKernels(), getDefaultKernels()]);
    expect(a.name).toBe('wasm-simd');
    expect(b).toBe(a);
    expect(await getDefaultKernels()).toBe(a);
  });

  it('resolveKernels prefers the kernels given', async () => {
    const reference = createReferenceKernels();
    expect(await resolveKernels(reference)).toBe(reference);
    expect(await resolveKernels()).toBe(await getDefaultKernels());
  });
});
