/**
 * The shared default kernel set: a lazily loaded `loadKernels()` instance from
 * `@dualphi/core-wasm` (SIMD WebAssembly), used by functions whose `kernels` option is absent.
 */
import type { KernelBuildOption, Kernels } from '@dualphi/core-wasm';

let shared: Promise<Kernels> | undefined;
/** The shared multi-threaded kernel sets, one per thread count (each with its worker pool). */
const threaded = new Map<number, Promise<Kernels>>();
/** The shared kernel sets of an explicitly named build, one per thread count and build. */
const ofBuild = new Map<string, Promise<Kernels>>();

/**
 * The shared wasm kernels, loaded on the first call (later calls return the same instance).
 * A failed load is not cached, so a later call tries again. With `threads` > 1, the shared
 * kernel set of that many threads (`loadKernels({ threads })`, one per count and process,
 * whose idle workers never keep the process alive). `build` (`'simd128'` or `'relaxed-simd'`)
 * names the kernel build, for an exact resume of a run trained on it; absent or `'auto'`, the
 * build `loadKernels()` picks (relaxed SIMD where the engine has it).
 */
export function getDefaultKernels(threads = 1, build?: KernelBuildOption): Promise<Kernels> {
  if (build !== undefined && build !== 'auto') {
    const key = `${threads}/${String(build)}`;
    let loading = ofBuild.get(key);
    if (loading === undefined) {
      const started = import('@dualphi/core-wasm').then((module) =>
        module.loadKernels({ threads, build }),
      );
      loading = started;
      ofBuild.set(key, started);
      started.catch(() => {
        if (ofBuild.get(key) === started) ofBuild.delete(key);
      });
    }
    return loading;
  }
  if (threads !== 1) {
    let loading = threaded.get(threads);
    if (loading === undefined) {
      const started = import('@dualphi/core-wasm').then((module) =>
        module.loadKernels({ threads }),
      );
      loading = started;
      threaded.set(threads, started);
      started.catch(() => {
        if (threaded.get(threads) === started) threaded.delete(threads);
      });
    }
    return loading;
  }
  if (!shared) {
    const loading = import('@dualphi/core-wasm').then((module) => module.loadKernels());
    shared = loading;
    loading.catch(() => {
      if (shared === loading) shared = undefined;
    });
  }
  return shared;
}

/**
 * Makes `kernels` the shared default that {@link getDefaultKernels} returns from now on — for
 * bundlers, workers and CDNs where the `.wasm` file is not beside the module (load it yourself
 * with `loadKernels({ url | bytes | module })`). `@dualphi/tfjs-adapter`'s fused update uses the
 * same default, so one call serves both.
 *
 * @throws TypeError when `kernels` is neither a kernel set nor a promise of one.
 */
export function setDefaultKernels(kernels: Kernels | Promise<Kernels>): void {
  const candidate = kernels as unknown as { then?: unknown; gemm?: unknown } | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    (typeof candidate.then !== 'function' && typeof candidate.gemm !== 'function')
  ) {
    throw new TypeError(
      'setDefaultKernels: expected a Kernels instance (from loadKernels() or createReferenceKernels()) or a promise of one',
    );
  }
  shared = Promise.resolve(kernels);
}

/**
 * `kernels` when given, else {@link getDefaultKernels}.
 *
 * @throws TypeError (a rejected promise) when `kernels` is given but is not a kernel set.
 */
export function resolveKernels(kernels?: Kernels): Promise<Kernels> {
  if (kernels === undefined) return getDefaultKernels();
  const candidate = kernels as unknown as { allocFrom?: unknown } | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.allocFrom !== 'function'
  ) {
    return Promise.reject(
      new TypeError(
        'resolveKernels: "kernels" must be a kernel set from loadKernels() or createReferenceKernels()',
      ),
    );
  }
  return Promise.resolve(kernels);
}
