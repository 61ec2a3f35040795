/**
 * The shared default kernel set: a lazily loaded `loadKernels()` instance from
 * `@dualphi/core-wasm` (SIMD WebAssembly), used by functions whose `kernels` option is absent.
 */
import type { Kernels } from '@dualphi/core-wasm';

let shared: Promise<Kernels> | undefined;

/**
 * The shared wasm kernels, loaded on the first call (later calls return the same instance).
 * A failed load is not cached, so a later call tries again.
 */
export function getDefaultKernels(): Promise<Kernels> {
  if (!shared) {
    const loading = import('@dualphi/core-wasm').then((module) => module.loadKernels());
    shared = loading;
    loading.catch(() => {
      if (shared === loading) shared = undefined;
    });
  }
  return shared;
}

/** `kernels` when given, else {@link getDefaultKernels}. */
export function resolveKernels(kernels?: Kernels): Promise<Kernels> {
  return kernels ? Promise.resolve(kernels) : getDefaultKernels();
}
