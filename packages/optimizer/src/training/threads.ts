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
 * `options.kernels`, else the shared kernels of `options.threads` threads (1 when absent).
 *
 * @throws TypeError when both `threads` and `kernels` are given; RangeError for a thread count
 *   outside 1 … 4 × the available parallelism.
 */
export async function trainingKernels(
  options: Pick<TrainOptions, 'kernels' | 'threads'>,
): Promise<Kernels> {
  if (options.threads === undefined) return resolveKernels(options.kernels);
  if (options.kernels !== undefined) {
    throw new TypeError(
      'train: give "threads" or "kernels", not both (kernels from loadKernels({ threads }) carry their own thread count)',
    );
  }
  const node = isNode();
  const threads = resolveThreads('train', options.threads, node, await availableParallelism(node));
  return getDefaultKernels(threads);
}
