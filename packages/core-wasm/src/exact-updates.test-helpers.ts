/**
 * Helpers of the tests that hold the fused Lion and Schedule-Free kernels bit for bit to their
 * reference loops (exact-updates.test.ts, and exact-updates.relaxed.test.ts for the
 * relaxed-SIMD build); not part of the build. Every buffer (weights and every slot, and the
 * gradient that is only read) is compared element by element with Object.is after each of
 * several steps: the same f32 bits, −0 apart from 0; NaN equals NaN (WebAssembly leaves the
 * bits of a NaN result to the engine, as JavaScript does).
 */
import {
  contents,
  expectGuardIntact,
  expectIdentical,
  guarded,
  type KernelSets,
  uniform,
} from './kernels.test-helpers.js';
import type {
  F32Buffer,
  Kernels,
  LionUpdateOptions,
  ScheduleFreeAdamWUpdateOptions,
  ScheduleFreeSgdUpdateOptions,
} from './types.js';

/** 1..70 (every tail of the 4-element vectors), around 4096, and a long odd size. */
export const SIZES = [...Array.from({ length: 70 }, (_, i) => i + 1), 4095, 4096, 4097, 100_003];

/**
 * `n` values from a seed: mostly ordinary ones of size `scale`, with exact zeros and −0,
 * values near 0, subnormal f32 values, huge ones and, with `special`, NaN and ±∞.
 */
export function mixed(n: number, seed: number, scale: number, special = false): Float32Array {
  const kind = uniform(n, seed, 0, 1);
  const value = uniform(n, seed + 101, -1, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = kind[i];
    const v = value[i];
    if (k < 0.06) out[i] = 0;
    else if (k < 0.1) out[i] = -0;
    else if (k < 0.16) out[i] = v * 1e-7 * scale;
    else if (k < 0.2) out[i] = v * 1e-40;
    else if (k < 0.24) out[i] = v * 3e38;
    else if (k < 0.27) out[i] = v * 1e-30;
    else if (special && k < 0.29) out[i] = Number.NaN;
    else if (special && k < 0.31) out[i] = Number.POSITIVE_INFINITY;
    else if (special && k < 0.33) out[i] = Number.NEGATIVE_INFINITY;
    else out[i] = v * scale;
  }
  return out;
}

/** The same buffers on both kernel sets, with guard tails. */
interface Pair {
  wasm: F32Buffer[];
  reference: F32Buffer[];
}

export function allocPair(sets: KernelSets, inputs: Float32Array[]): Pair {
  return {
    wasm: inputs.map((data) => guarded(sets.wasm, data)),
    reference: inputs.map((data) => guarded(sets.reference, data)),
  };
}

/** Every buffer of the pair is identical (and its guard intact); `names` label them. */
export function expectSame(pair: Pair, n: number, names: readonly string[], what: string): void {
  pair.wasm.forEach((buffer, i) => {
    expectGuardIntact(buffer, n, `wasm ${names[i]}`);
    expectGuardIntact(pair.reference[i], n, `reference ${names[i]}`);
    expectIdentical(contents(buffer, n), contents(pair.reference[i], n), `${what}: ${names[i]}`);
  });
}

export function freePair(pair: Pair): void {
  for (const buffer of [...pair.wasm, ...pair.reference]) buffer.free();
}

/**
 * `steps` steps of `call` on both sets from the same state, a fresh gradient (the last
 * buffer) before each, all buffers compared after each step.
 */
function runSteps(
  sets: KernelSets,
  n: number,
  state: Float32Array[],
  gradients: (step: number) => Float32Array,
  names: readonly string[],
  steps: number,
  call: (kernels: Kernels, buffers: F32Buffer[], step: number) => void,
  what: string,
): void {
  const pair = allocPair(sets, [...state, gradients(1)]);
  try {
    for (let step = 1; step <= steps; step++) {
      if (step > 1) {
        const g = gradients(step);
        pair.wasm[state.length].view.set(g);
        pair.reference[state.length].view.set(g);
      }
      call(sets.wasm, pair.wasm, step);
      call(sets.reference, pair.reference, step);
      expectSame(pair, n, names, `${what}, n = ${n}, step ${step}`);
    }
  } finally {
    freePair(pair);
  }
}

export const lionCases: LionUpdateOptions[] = [
  { learningRate: 1e-4, beta1: 0.9, beta2: 0.99 },
  { learningRate: 3e-4, beta1: 0.9, beta2: 0.99, weightDecay: 0.01 },
  { learningRate: 0.37, beta1: 0.5, beta2: 0, weightDecay: 1.5 },
  { learningRate: 0, beta1: 0, beta2: 0.999, weightDecay: 0 },
];

export function lionRun(
  sets: KernelSets,
  n: number,
  seed: number,
  options: LionUpdateOptions,
  special = false,
): void {
  const g1 = mixed(n, seed + 10, 1, special);
  const m0 = mixed(n, seed + 1, 0.1, special);
  // Some m close to −(1 − β₁)·g/β₁, so that c nearly cancels and its sign hangs on every
  // rounding of c = β₁m + (1 − β₁)g.
  const near = uniform(n, seed + 2, 0, 1);
  for (let i = 0; i < n; i++) {
    if (near[i] < 0.3 && options.beta1 > 0) m0[i] = (-(1 - options.beta1) * g1[i]) / options.beta1;
  }
  runSteps(
    sets,
    n,
    [mixed(n, seed, 2, special), m0],
    (step) => (step === 1 ? g1 : mixed(n, seed + 10 * step, 1, special)),
    ['weights', 'momentum', 'gradient'],
    4,
    (k, [w, m, g]) => k.lionUpdate?.(w, m, g, n, options),
    `lion ${JSON.stringify(options)}`,
  );
}

/** c as Schedule-Free's default weights give it (1/step), or fixed. */
const averagingOf = (kind: number, step: number) => (kind === 0 ? 1 / step : [1, 0, 0.3][kind - 1]);

const sgdCases: Omit<ScheduleFreeSgdUpdateOptions, 'averaging'>[] = [
  { learningRate: 1, momentum: 0.9 },
  { learningRate: 0.05, momentum: 0.9, weightDecay: 0.01 },
  { learningRate: 0.3, momentum: 0, weightDecay: 2 },
  { learningRate: 0, momentum: 0.5 },
];

export function sgdRun(
  sets: KernelSets,
  n: number,
  seed: number,
  index: number,
  special = false,
): void {
  const options = sgdCases[index % sgdCases.length];
  const averaging = index % 4;
  runSteps(
    sets,
    n,
    [mixed(n, seed, 2, special), mixed(n, seed + 1, 2, special), mixed(n, seed + 2, 2, special)],
    (step) => mixed(n, seed + 10 * step, 1, special),
    ['weights (y)', 'z', 'x', 'gradient'],
    4,
    (k, [y, z, x, g], step) =>
      k.scheduleFreeSgdUpdate?.(y, z, x, g, n, {
        ...options,
        averaging: averagingOf(averaging, step),
      }),
    `scheduleFreeSgd ${JSON.stringify(options)} averaging ${averaging}`,
  );
}

const adamWCases: Omit<ScheduleFreeAdamWUpdateOptions, 'averaging' | 'step'>[] = [
  { learningRate: 0.0025, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  { learningRate: 0.0025, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
  { learningRate: 1, beta1: 0, beta2: 0.5, epsilon: 1e-3, weightDecay: 3 },
  { learningRate: 0, beta1: 0.5, beta2: 0, epsilon: 1e-8, weightDecay: 1e-300 },
];

export function adamWRun(
  sets: KernelSets,
  n: number,
  seed: number,
  index: number,
  special = false,
): void {
  const options = adamWCases[index % adamWCases.length];
  const averaging = index % 4;
  const firstStep = [1, 1, 7, 1000][(index >> 2) % 4];
  const secondMoment = mixed(n, seed + 3, 0.01, special).map(Math.abs);
  runSteps(
    sets,
    n,
    [
      mixed(n, seed, 2, special),
      mixed(n, seed + 1, 2, special),
      mixed(n, seed + 2, 2, special),
      secondMoment,
    ],
    (step) => mixed(n, seed + 10 * step, 1, special),
    ['weights (y)', 'z', 'x', 'secondMoment', 'gradient'],
    4,
    (k, [y, z, x, v, g], step) =>
      k.scheduleFreeAdamWUpdate?.(y, z, x, v, g, n, {
        ...options,
        step: firstStep + step - 1,
        averaging: averagingOf(averaging, step),
      }),
    `scheduleFreeAdamW ${JSON.stringify(options)} from step ${firstStep}, averaging ${averaging}`,
  );
}
