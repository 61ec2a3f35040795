/**
 * The hand-off protocol between the main thread and the GEMM workers: one block of i32 slots
 * per worker in the shared linear memory. The main thread writes a job's arguments, then
 * bumps `SEQ` (and notifies); the worker runs its region of C and stores the same number in
 * `DONE`. Both sides spin briefly before blocking, because a blocking hand-off costs tens of
 * microseconds, as much as a small product.
 */

/** i32 slots per worker (a 128-byte stride keeps workers' slots on separate cache lines). */
export const SLOTS = 32;
/** Job number the main thread publishes (the worker waits for it to change). */
export const SEQ = 0;
/** Job number the worker has finished. */
export const DONE = 1;
/** 1 asks the worker to exit. */
export const STOP = 2;
/** transA, transB, m, n, k. */
export const TRANS_A = 3;
export const TRANS_B = 4;
export const M = 5;
export const N = 6;
export const K = 7;
/** α and β as f32 bit patterns. */
export const ALPHA = 8;
export const BETA = 9;
/** Addresses of A, B, C. */
export const A = 10;
export const B = 11;
export const C = 12;
/** The region of C: rows [I0, I1), columns [J0, J1). */
export const I0 = 13;
export const I1 = 14;
export const J0 = 15;
export const J1 = 16;
/** The worker's packing space and edge tile. */
export const PACK = 17;
export const EDGE = 18;
/** Set by a worker whose job threw (the message goes to the main thread by postMessage). */
export const FAILED = 19;
