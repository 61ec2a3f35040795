/**
 * The hand-off protocol between the main thread and the GEMM workers: one block of i32 slots
 * per worker in the shared linear memory. The main thread writes a job's arguments, then
 * bumps `SEQ` (and notifies it if the worker said it sleeps); the worker claims the job
 * (`CLAIM`), runs its region of C and stores the same number in `DONE`. Both sides spin
 * briefly before blocking, because a blocking hand-off costs tens of microseconds, as much as
 * a small product.
 *
 * A part nobody has claimed yet is taken by whichever thread gets to it first: the main
 * thread, once its own part is done, claims a worker's part that the worker has not started
 * (it was descheduled, asleep, or its core is busy with another process) and computes it
 * itself, rather than wait for it. Both claim by compare-and-exchange of the job number, so
 * exactly one thread computes each part, with the same arithmetic whichever it is.
 */

/**
 * i32 slots per worker (a 256-byte stride keeps workers' slots on separate cache lines): 32
 * i32 slots, then 16 f64 slots from i32 index {@link F64}.
 */
export const SLOTS = 64;
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
/**
 * The GEMM's epilogue: the address of the bias (0: none) and 1 for ReLU after it (i32 index
 * 48, past the f64 slots any job uses).
 */
export const BIAS = 31;
export const RELU = 48;
/** The slots of a GEMM job, in the order of `gemmRegion`'s arguments (worker-source.ts). */
export const GEMM_ARGUMENTS = [
  TRANS_A,
  TRANS_B,
  M,
  N,
  K,
  ALPHA,
  A,
  B,
  BETA,
  C,
  I0,
  I1,
  J0,
  J1,
  PACK,
  EDGE,
  BIAS,
  RELU,
] as const;
/** Set by a worker whose job threw (the message goes to the main thread by postMessage). */
export const FAILED = 19;
/**
 * 1 while the worker blocks (or is about to block) in `Atomics.wait`: only then does the main
 * thread call `Atomics.notify`. A notify that wakes a thread costs the caller tens to hundreds
 * of microseconds on a virtual machine, and if every hand-off paid it, the worker fell asleep
 * again while the main thread was still inside the notify: a slow state that fed itself.
 */
export const SLEEPING = 20;
/**
 * 1 while the main thread blocks in `Atomics.wait` on `DONE` (it found its core contended);
 * the worker then notifies `DONE` after storing it.
 */
export const MAIN_WAITING = 29;
/**
 * The number of the last job claimed, by the worker or by the main thread (compare-and-
 * exchange from the value read to the job's number; job numbers only grow, so a stale claim
 * cannot succeed).
 */
export const CLAIM = 30;
/** What the job is: one of the JOB_* numbers below. */
export const KIND = 21;
/** Job kinds: a region of a GEMM (the slots TRANS_A … EDGE), or a range of an update. */
export const JOB_GEMM = 0;
/** Heavy ball without telemetry over elements [LO, HI) of X0 = w, X1 = Δw, X2 = g. */
export const JOB_HEAVY_BALL = 1;
/**
 * Heavy ball with telemetry over chunks [LO, HI) of X3 elements; chunk c's three sums to
 * X4 + 24·c bytes.
 */
export const JOB_HEAVY_BALL_CHUNKS = 2;
/** Momentum over elements [LO, HI) of X0 = w, X1 = v, X2 = g; X3 = nesterov. */
export const JOB_MOMENTUM = 3;
/** Adam over elements [LO, HI) of X0 = w, X1 = m, X2 = v, X3 = g; X4 = step. */
export const JOB_ADAM = 4;
/** Σ a² over chunks [LO, HI) of X1 elements of X0 = a; chunk c's sum to X2 + 8·c bytes. */
export const JOB_SUM_OF_SQUARES = 5;
/** Σ a·b over chunks [LO, HI) of X2 elements of X0 = a, X1 = b; chunk c's sum to X3 + 8·c. */
export const JOB_DOT = 6;
/** Lion over elements [LO, HI) of X0 = w, X1 = m, X2 = g. */
export const JOB_LION = 7;
/** Schedule-Free SGD over elements [LO, HI) of X0 = y, X1 = z, X2 = x, X3 = g. */
export const JOB_SCHEDULE_FREE_SGD = 8;
/** Schedule-Free AdamW over elements [LO, HI) of X0 = y, X1 = z, X2 = x, X3 = v, X4 = g. */
export const JOB_SCHEDULE_FREE_ADAMW = 9;
/** Addresses and integers of an update or reduction job. */
export const X0 = 22;
export const X1 = 23;
export const X2 = 24;
export const X3 = 25;
export const X4 = 26;
/** The range [LO, HI) of an update job (elements, or chunks). */
export const LO = 27;
export const HI = 28;
/**
 * First i32 index of the f64 slots (the update's hyper-parameters, in the order of the
 * kernel's arguments): f64 slot i is at byte 4·F64 + 8·i of the worker's block.
 */
export const F64 = 32;
/**
 * Test hook: while 1, the worker waits before claiming a job, so the main thread takes every
 * part itself (tests of the claim path set it through `GemmPool.holdWorkers`). In the f64
 * area's last cache line, which no job uses.
 */
export const HOLD = 62;
/**
 * Bumped by the worker in its idle loop (spinning, and each time a bounded wait ends): a
 * worker whose count stands still while its parts go unclaimed for the pool's timeout has
 * died or been terminated. Apart from the slots the main thread writes, so the bumps do not
 * contend with publishing a job.
 */
export const HEARTBEAT = 63;
