/**
 * The optimizer updates split across the pool's threads by element ranges (they are
 * elementwise: each element is updated by one thread with the arithmetic of one call over all
 * of them). The heavy ball's process terms are sums: each thread writes the sums of its
 * chunks (of HEAVY_BALL_CHUNK elements), and the main thread adds them in chunk order, as the
 * single-threaded kernel adds its chunks' sums, so the terms are bit-identical too.
 */
import { HEAVY_BALL_CHUNK, type KernelExports } from '../kernel-exports.js';
import type { ProcessTerms } from '../types.js';
import type { GemmPool, JobName } from './pool.js';
import * as slot from './protocol.js';

/**
 * Elements below which an update runs on the main thread alone: about 10 µs of work, against
 * a hand-off and join of a few µs.
 */
const MIN_SPLIT_ELEMENTS = 16384;
/**
 * Part bounds of an update without sums fall on multiples of 16 elements, so every part but
 * the last runs only the kernels' four-lane path, as one call does there.
 */
const GRANULE = 16;

/** The update exports the main thread runs its part with. */
export type UpdateExports = Pick<
  KernelExports,
  | 'heavyBall'
  | 'heavyBallChunks'
  | 'momentumUpdate'
  | 'adam'
  | 'lionUpdate'
  | 'scheduleFreeSgdUpdate'
  | 'scheduleFreeAdamWUpdate'
>;

const job = (caller: string): JobName => ({ caller, noun: 'update' });
const HEAVY_BALL = job('heavyBall');
const MOMENTUM = job('momentumUpdate');
const ADAM = job('adam');
const LION = job('lionUpdate');
const SCHEDULE_FREE_SGD = job('scheduleFreeSgdUpdate');
const SCHEDULE_FREE_ADAMW = job('scheduleFreeAdamWUpdate');

/**
 * An elementwise update split by element ranges: the kernel's buffers (in the slots X0, X1, …),
 * its integer arguments after them, its f64 hyper-parameters (in the order the worker passes
 * them, worker-source.ts), and the main thread's call over its range.
 */
interface ElementwiseJob {
  readonly kind: number;
  readonly name: JobName;
  /** Element operations per element, for the deadline. */
  readonly work: number;
  readonly buffers: readonly number[];
  readonly ints?: readonly number[];
  readonly scalars: readonly number[];
  /** The kernel over `length` elements of the buffers moved to a range's first element. */
  run(buffers: readonly number[], length: number): void;
}

/** Runs `job` over n elements, split into parts on multiples of {@link GRANULE}. */
function splitElementwise(pool: GemmPool, n: number, job: ElementwiseJob): void {
  const ints = job.ints ?? [];
  pool.split(
    n,
    GRANULE,
    MIN_SPLIT_ELEMENTS,
    job.work * n,
    job.name,
    (ctrl, f64, base) => {
      ctrl[base + slot.KIND] = job.kind;
      job.buffers.forEach((address, i) => {
        ctrl[base + slot.X0 + i] = address;
      });
      ints.forEach((value, i) => {
        ctrl[base + slot.X0 + job.buffers.length + i] = value;
      });
      const f = (base + slot.F64) / 2;
      job.scalars.forEach((value, i) => {
        f64[f + i] = value;
      });
    },
    (lo, hi) =>
      job.run(
        job.buffers.map((address) => address + 4 * lo),
        hi - lo,
      ),
  );
}

/** The delta-form heavy ball over n elements, split; the process terms with telemetry. */
export function splitHeavyBall(
  pool: GemmPool,
  raw: UpdateExports,
  weights: number,
  delta: number,
  gradient: number,
  n: number,
  learningRate: number,
  momentum: number,
  telemetry: boolean,
): ProcessTerms | undefined {
  if (!telemetry) {
    splitElementwise(pool, n, {
      kind: slot.JOB_HEAVY_BALL,
      name: HEAVY_BALL,
      work: 1,
      buffers: [weights, delta, gradient],
      scalars: [learningRate, momentum],
      run: ([w, d, g], length) =>
        raw.heavyBall(w as number, d as number, g as number, length, learningRate, momentum, 0),
    });
    return undefined;
  }
  const chunks = Math.ceil(n / HEAVY_BALL_CHUNK);
  const sums = pool.scratch(chunks * 24);
  pool.split(
    chunks,
    1,
    Math.ceil(MIN_SPLIT_ELEMENTS / HEAVY_BALL_CHUNK),
    n,
    HEAVY_BALL,
    (ctrl, f64, base) => {
      ctrl[base + slot.KIND] = slot.JOB_HEAVY_BALL_CHUNKS;
      ctrl[base + slot.X0] = weights;
      ctrl[base + slot.X1] = delta;
      ctrl[base + slot.X2] = gradient;
      ctrl[base + slot.X3] = n;
      // The list of every chunk's sums; each thread writes its chunks' where they stand in it.
      ctrl[base + slot.X4] = sums;
      const f = (base + slot.F64) / 2;
      f64[f] = learningRate;
      f64[f + 1] = momentum;
    },
    (lo, hi) =>
      raw.heavyBallChunks(
        weights,
        delta,
        gradient,
        n,
        learningRate,
        momentum,
        lo,
        hi,
        sums + 24 * lo,
      ),
  );
  return addChunkSums(pool, sums, chunks);
}

/** The three sums over all chunks, added in chunk order in f64 (as assembly/updates.ts does). */
function addChunkSums(pool: GemmPool, sums: number, chunks: number): ProcessTerms {
  const values = new Float64Array(pool.memoryBuffer(), sums, chunks * 3);
  let gg = 0;
  let mm = 0;
  let gm = 0;
  for (let c = 0; c < chunks; c++) {
    gg += values[3 * c] as number;
    mm += values[3 * c + 1] as number;
    gm += values[3 * c + 2] as number;
  }
  return { gradientNormSquared: gg, momentumNormSquared: mm, dot: gm };
}

/** Momentum (tfjs / PyTorch convention) over n elements, split. */
export function splitMomentum(
  pool: GemmPool,
  raw: UpdateExports,
  weights: number,
  velocity: number,
  gradient: number,
  n: number,
  learningRate: number,
  momentum: number,
  nesterov: boolean,
): void {
  const flag = nesterov ? 1 : 0;
  splitElementwise(pool, n, {
    kind: slot.JOB_MOMENTUM,
    name: MOMENTUM,
    work: 1,
    buffers: [weights, velocity, gradient],
    ints: [flag],
    scalars: [learningRate, momentum],
    run: ([w, v, g], length) =>
      raw.momentumUpdate(
        w as number,
        v as number,
        g as number,
        length,
        learningRate,
        momentum,
        flag,
      ),
  });
}

/** Adam's hyper-parameters as the kernel takes them. */
export interface AdamArguments {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  step: number;
  weightDecay: number;
}

/** Adam / AdamW over n elements, split. */
export function splitAdam(
  pool: GemmPool,
  raw: UpdateExports,
  weights: number,
  firstMoment: number,
  secondMoment: number,
  gradient: number,
  n: number,
  o: AdamArguments,
): void {
  splitElementwise(pool, n, {
    kind: slot.JOB_ADAM,
    name: ADAM,
    work: 2,
    buffers: [weights, firstMoment, secondMoment, gradient],
    ints: [o.step],
    scalars: [o.learningRate, o.beta1, o.beta2, o.epsilon, o.weightDecay],
    run: ([w, m, v, g], length) =>
      raw.adam(
        w as number,
        m as number,
        v as number,
        g as number,
        length,
        o.learningRate,
        o.beta1,
        o.beta2,
        o.epsilon,
        o.step,
        o.weightDecay,
      ),
  });
}

/** Lion's hyper-parameters as the kernel takes them. */
export interface LionArguments {
  learningRate: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
}

/** Lion over n elements, split (computed in f64 per element: any split gives the same bits). */
export function splitLion(
  pool: GemmPool,
  raw: UpdateExports,
  weights: number,
  momentum: number,
  gradient: number,
  n: number,
  o: LionArguments,
): void {
  splitElementwise(pool, n, {
    kind: slot.JOB_LION,
    name: LION,
    work: 2,
    buffers: [weights, momentum, gradient],
    scalars: [o.learningRate, o.beta1, o.beta2, o.weightDecay],
    run: ([w, m, g], length) =>
      raw.lionUpdate(
        w as number,
        m as number,
        g as number,
        length,
        o.learningRate,
        o.beta1,
        o.beta2,
        o.weightDecay,
      ),
  });
}

/** Schedule-Free SGD's hyper-parameters as the kernel takes them. */
export interface ScheduleFreeSgdArguments {
  learningRate: number;
  weightDecay: number;
  averaging: number;
  momentum: number;
}

/** Schedule-Free SGD over n elements (the weights hold y), split. */
export function splitScheduleFreeSgd(
  pool: GemmPool,
  raw: UpdateExports,
  weights: number,
  z: number,
  x: number,
  gradient: number,
  n: number,
  o: ScheduleFreeSgdArguments,
): void {
  splitElementwise(pool, n, {
    kind: slot.JOB_SCHEDULE_FREE_SGD,
    name: SCHEDULE_FREE_SGD,
    work: 2,
    buffers: [weights, z, x, gradient],
    scalars: [o.learningRate, o.weightDecay, o.averaging, o.momentum],
    run: ([y, zz, xx, g], length) =>
      raw.scheduleFreeSgdUpdate(
        y as number,
        zz as number,
        xx as number,
        g as number,
        length,
        o.learningRate,
        o.weightDecay,
        o.averaging,
        o.momentum,
      ),
  });
}

/** Schedule-Free AdamW's hyper-parameters as the kernel takes them (correction = 1 − β₂^step). */
export interface ScheduleFreeAdamWArguments {
  learningRate: number;
  weightDecay: number;
  averaging: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  correction: number;
}

/** Schedule-Free AdamW over n elements (the weights hold y), split. */
export function splitScheduleFreeAdamW(
  pool: GemmPool,
  raw: UpdateExports,
  weights: number,
  z: number,
  x: number,
  secondMoment: number,
  gradient: number,
  n: number,
  o: ScheduleFreeAdamWArguments,
): void {
  splitElementwise(pool, n, {
    kind: slot.JOB_SCHEDULE_FREE_ADAMW,
    name: SCHEDULE_FREE_ADAMW,
    work: 4,
    buffers: [weights, z, x, secondMoment, gradient],
    scalars: [
      o.learningRate,
      o.weightDecay,
      o.averaging,
      o.beta1,
      o.beta2,
      o.epsilon,
      o.correction,
    ],
    run: ([y, zz, xx, v, g], length) =>
      raw.scheduleFreeAdamWUpdate(
        y as number,
        zz as number,
        xx as number,
        v as number,
        g as number,
        length,
        o.learningRate,
        o.weightDecay,
        o.averaging,
        o.beta1,
        o.beta2,
        o.epsilon,
        o.correction,
      ),
  });
}
