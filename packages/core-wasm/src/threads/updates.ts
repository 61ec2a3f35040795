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
    pool.split(
      n,
      GRANULE,
      MIN_SPLIT_ELEMENTS,
      n,
      HEAVY_BALL,
      (ctrl, f64, base) => {
        ctrl[base + slot.KIND] = slot.JOB_HEAVY_BALL;
        ctrl[base + slot.X0] = weights;
        ctrl[base + slot.X1] = delta;
        ctrl[base + slot.X2] = gradient;
        const f = (base + slot.F64) / 2;
        f64[f] = learningRate;
        f64[f + 1] = momentum;
      },
      (lo, hi) =>
        raw.heavyBall(
          weights + 4 * lo,
          delta + 4 * lo,
          gradient + 4 * lo,
          hi - lo,
          learningRate,
          momentum,
          0,
        ),
    );
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
  pool.split(
    n,
    GRANULE,
    MIN_SPLIT_ELEMENTS,
    n,
    MOMENTUM,
    (ctrl, f64, base) => {
      ctrl[base + slot.KIND] = slot.JOB_MOMENTUM;
      ctrl[base + slot.X0] = weights;
      ctrl[base + slot.X1] = velocity;
      ctrl[base + slot.X2] = gradient;
      ctrl[base + slot.X3] = flag;
      const f = (base + slot.F64) / 2;
      f64[f] = learningRate;
      f64[f + 1] = momentum;
    },
    (lo, hi) =>
      raw.momentumUpdate(
        weights + 4 * lo,
        velocity + 4 * lo,
        gradient + 4 * lo,
        hi - lo,
        learningRate,
        momentum,
        flag,
      ),
  );
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
  pool.split(
    n,
    GRANULE,
    MIN_SPLIT_ELEMENTS,
    2 * n,
    ADAM,
    (ctrl, f64, base) => {
      ctrl[base + slot.KIND] = slot.JOB_ADAM;
      ctrl[base + slot.X0] = weights;
      ctrl[base + slot.X1] = firstMoment;
      ctrl[base + slot.X2] = secondMoment;
      ctrl[base + slot.X3] = gradient;
      ctrl[base + slot.X4] = o.step;
      const f = (base + slot.F64) / 2;
      f64[f] = o.learningRate;
      f64[f + 1] = o.beta1;
      f64[f + 2] = o.beta2;
      f64[f + 3] = o.epsilon;
      f64[f + 4] = o.weightDecay;
    },
    (lo, hi) =>
      raw.adam(
        weights + 4 * lo,
        firstMoment + 4 * lo,
        secondMoment + 4 * lo,
        gradient + 4 * lo,
        hi - lo,
        o.learningRate,
        o.beta1,
        o.beta2,
        o.epsilon,
        o.step,
        o.weightDecay,
      ),
  );
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
  pool.split(
    n,
    GRANULE,
    MIN_SPLIT_ELEMENTS,
    2 * n,
    LION,
    (ctrl, f64, base) => {
      ctrl[base + slot.KIND] = slot.JOB_LION;
      ctrl[base + slot.X0] = weights;
      ctrl[base + slot.X1] = momentum;
      ctrl[base + slot.X2] = gradient;
      const f = (base + slot.F64) / 2;
      f64[f] = o.learningRate;
      f64[f + 1] = o.beta1;
      f64[f + 2] = o.beta2;
      f64[f + 3] = o.weightDecay;
    },
    (lo, hi) =>
      raw.lionUpdate(
        weights + 4 * lo,
        momentum + 4 * lo,
        gradient + 4 * lo,
        hi - lo,
        o.learningRate,
        o.beta1,
        o.beta2,
        o.weightDecay,
      ),
  );
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
  pool.split(
    n,
    GRANULE,
    MIN_SPLIT_ELEMENTS,
    2 * n,
    SCHEDULE_FREE_SGD,
    (ctrl, f64, base) => {
      ctrl[base + slot.KIND] = slot.JOB_SCHEDULE_FREE_SGD;
      ctrl[base + slot.X0] = weights;
      ctrl[base + slot.X1] = z;
      ctrl[base + slot.X2] = x;
      ctrl[base + slot.X3] = gradient;
      const f = (base + slot.F64) / 2;
      f64[f] = o.learningRate;
      f64[f + 1] = o.weightDecay;
      f64[f + 2] = o.averaging;
      f64[f + 3] = o.momentum;
    },
    (lo, hi) =>
      raw.scheduleFreeSgdUpdate(
        weights + 4 * lo,
        z + 4 * lo,
        x + 4 * lo,
        gradient + 4 * lo,
        hi - lo,
        o.learningRate,
        o.weightDecay,
        o.averaging,
        o.momentum,
      ),
  );
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
  pool.split(
    n,
    GRANULE,
    MIN_SPLIT_ELEMENTS,
    4 * n,
    SCHEDULE_FREE_ADAMW,
    (ctrl, f64, base) => {
      ctrl[base + slot.KIND] = slot.JOB_SCHEDULE_FREE_ADAMW;
      ctrl[base + slot.X0] = weights;
      ctrl[base + slot.X1] = z;
      ctrl[base + slot.X2] = x;
      ctrl[base + slot.X3] = secondMoment;
      ctrl[base + slot.X4] = gradient;
      const f = (base + slot.F64) / 2;
      f64[f] = o.learningRate;
      f64[f + 1] = o.weightDecay;
      f64[f + 2] = o.averaging;
      f64[f + 3] = o.beta1;
      f64[f + 4] = o.beta2;
      f64[f + 5] = o.epsilon;
      f64[f + 6] = o.correction;
    },
    (lo, hi) =>
      raw.scheduleFreeAdamWUpdate(
        weights + 4 * lo,
        z + 4 * lo,
        x + 4 * lo,
        secondMoment + 4 * lo,
        gradient + 4 * lo,
        hi - lo,
        o.learningRate,
        o.weightDecay,
        o.averaging,
        o.beta1,
        o.beta2,
        o.epsilon,
        o.correction,
      ),
  );
}
