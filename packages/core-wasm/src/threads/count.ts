/**
 * The `threads` option shared by `loadKernels()` and (through it) `train()` and the CLI:
 * a whole number from 1 to 4 × the available parallelism, or `'auto'`.
 */

/**
 * Cores this process may use: `os.availableParallelism()` in Node, `hardwareConcurrency`
 * elsewhere, 1 when neither is known.
 */
export async function availableParallelism(node: boolean): Promise<number> {
  if (node) {
    // A computed specifier keeps bundlers from resolving a Node built-in for browser builds.
    const specifier = 'node:os';
    const os = (await import(/* @vite-ignore */ specifier)) as {
      availableParallelism?: () => number;
      cpus(): unknown[];
    };
    return os.availableParallelism?.() ?? Math.max(1, os.cpus().length);
  }
  const navigator = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const count = navigator?.hardwareConcurrency;
  return typeof count === 'number' && count >= 1 ? count : 1;
}

/**
 * The thread count `threads` asks for; a `RangeError` naming the allowed range otherwise.
 * `'auto'` is the available parallelism in Node and in a cross-origin-isolated browser page,
 * and 1 elsewhere; an explicit count above 1 where shared memory is unavailable is refused.
 */
export function resolveThreads(
  caller: string,
  threads: number | 'auto' | undefined,
  node: boolean,
  cores: number,
): number {
  if (threads === undefined) return 1;
  const most = cores * 4;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const canShare = node || (isolated && typeof Worker === 'function');
  if (threads === 'auto') return canShare ? cores : 1;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > most) {
    throw new RangeError(
      `${caller}: "threads" must be 'auto' or a whole number from 1 to ${most} (4 × the ${cores} available cores); got ${typeof threads === 'string' ? `'${threads}'` : String(threads)}`,
    );
  }
  if (threads > 1 && !canShare) {
    throw new RangeError(
      `${caller}: threads: ${threads} needs shared memory, which a browser gives only to a cross-origin-isolated page (served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp); use threads: 1 (or 'auto', which is 1 here)`,
    );
  }
  return threads;
}
