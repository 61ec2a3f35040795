/**
 * `dot` and `sumOfSquares` split across the pool's threads by whole chunks of
 * REDUCTION_CHUNK elements: each thread writes its chunks' f64 sums, and the main thread adds
 * them in chunk order, as the single-threaded kernels add their chunks' sums, so the results
 * are bit-identical whatever the thread count.
 */
import { type KernelExports, REDUCTION_CHUNK } from '../kernel-exports.js';
import type { GemmPool, JobName } from './pool.js';
import * as slot from './protocol.js';

/** Chunks below which a reduction runs on the main thread alone (32 768 elements). */
const MIN_SPLIT_CHUNKS = 8;

/** The reduction exports the main thread runs its part with. */
export type ReductionExports = Pick<KernelExports, 'dotChunks' | 'sumOfSquaresChunks'>;

const SUM_OF_SQUARES: JobName = { caller: 'sumOfSquares', noun: 'reduction' };
const DOT: JobName = { caller: 'dot', noun: 'reduction' };

/** The chunks' sums, added in chunk order in f64 (as assembly/reductions.ts does). */
function addChunkSums(pool: GemmPool, sums: number, chunks: number): number {
  const values = new Float64Array(pool.memoryBuffer(), sums, chunks);
  let sum = 0;
  for (let c = 0; c < chunks; c++) sum += values[c] as number;
  return sum;
}

/** Σ a² over n elements of `a` (an address in the shared memory), split. */
export function splitSumOfSquares(
  pool: GemmPool,
  raw: ReductionExports,
  a: number,
  n: number,
): number {
  const chunks = Math.ceil(n / REDUCTION_CHUNK);
  const sums = pool.scratch(chunks * 8);
  pool.split(
    chunks,
    1,
    MIN_SPLIT_CHUNKS,
    n,
    SUM_OF_SQUARES,
    (ctrl, _f64, base) => {
      ctrl[base + slot.KIND] = slot.JOB_SUM_OF_SQUARES;
      ctrl[base + slot.X0] = a;
      ctrl[base + slot.X1] = n;
      // The list of every chunk's sum; each thread writes its chunks' where they stand in it.
      ctrl[base + slot.X2] = sums;
    },
    (lo, hi) => raw.sumOfSquaresChunks(a, n, lo, hi, sums + 8 * lo),
  );
  return addChunkSums(pool, sums, chunks);
}

/** Σ a·b over n elements, split. */
export function splitDot(
  pool: GemmPool,
  raw: ReductionExports,
  a: number,
  b: number,
  n: number,
): number {
  const chunks = Math.ceil(n / REDUCTION_CHUNK);
  const sums = pool.scratch(chunks * 8);
  pool.split(
    chunks,
    1,
    MIN_SPLIT_CHUNKS,
    n,
    DOT,
    (ctrl, _f64, base) => {
      ctrl[base + slot.KIND] = slot.JOB_DOT;
      ctrl[base + slot.X0] = a;
      ctrl[base + slot.X1] = b;
      ctrl[base + slot.X2] = n;
      ctrl[base + slot.X3] = sums;
    },
    (lo, hi) => raw.dotChunks(a, b, n, lo, hi, sums + 8 * lo),
  );
  return addChunkSums(pool, sums, chunks);
}
