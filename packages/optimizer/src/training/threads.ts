/**
 * The kernel set a training run computes with: the `kernels` option, or the shared kernels of
 * `threads` threads. Products are bit-identical whatever the thread count, so a checkpoint
 * written on one count resumes exactly on another.
 */
import { availableParallelism, type Kernels, resolveThreads } from '@dualphi/core-wasm';
import { getDefaultKernels, resolveKernels } from '../kernels.js';
import type { TrainOptions } from './types.js';

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

/**
 * `options.kernels`, else the shared kernels of `options.threads` threads (1 when absent) and
 * of `options.build` (the default build when absent).
 *
 * @throws TypeError when `threads` or `build` is given with `kernels`; RangeError for a thread
 *   count outside 1 … 4 × the available parallelism.
 */
export async function trainingKernels(
  options: Pick<TrainOptions, 'kernels' | 'threads' | 'build'>,
): Promise<Kernels> {
  if (options.threads === undefined && options.build === undefined) {
    return resolveKernels(options.kernels);
  }
  if (options.kernels !== undefined) {
    const given = options.threads === undefined ? 'build' : 'threads';
    throw new TypeError(
      `train: give "${given}" or "kernels", not both (kernels from loadKernels({ threads, build }) carry their own thread count and build)`,
    );
  }
  const node = isNode();
  const threads =
    options.threads === undefined
      ? 1
      : resolveThreads('train', options.threads, node, await availableParallelism(node));
  return getDefaultKernels(threads, options.build);
}
