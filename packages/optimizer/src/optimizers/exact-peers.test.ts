/**
 * Lion and Schedule-Free SGD and AdamW on their fused kernels give, bit for bit, what the
 * plain TypeScript loops they replaced gave (the loops every recorded run and checkpoint was
 * made with, so these resume exactly). Four paths of `optimizer.update` over the same
 * tensors, steps and gradients: the wasm kernels (fused), the reference kernel set, the wasm
 * kernels with the fused kernels hidden (a `Kernels` without them: the loops over the views),
 * and a frozen copy of the loops as they stood in the optimizer before the kernels (with
 * their own schedule). Weights, every slot and the scalars are compared after every step with
 * Object.is (−0 apart from 0, NaN equal to NaN).
 */
import { type F32Buffer, type Kernels, loadKernels } from '@dualphi/core-wasm';
import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { describe, expect, it } from 'vitest';
import { lion, scheduleFreeAdamW, scheduleFreeSgd } from './index.js';
import type { Optimizer, OptimizerState } from './types.js';

const wasm = await loadKernels();
const reference = createReferenceKernels();

const FUSED = ['lionUpdate', 'scheduleFreeSgdUpdate', 'scheduleFreeAdamWUpdate'];

/** The wasm kernels without the fused Lion and Schedule-Free kernels. */
const withoutFused = new Proxy(wasm, {
  get(target, key) {
    if (typeof key === 'string' && FUSED.includes(key)) return undefined;
    const value = Reflect.get(target, key, target);
    return typeof value === 'function' ? value.bind(target) : value;
  },
}) as Kernels;

/** Tensor sizes: a scalar, vector tails, around 4096, and one of 100 003. */
const SIZES = [1, 3, 16, 17, 49, 4097, 100_003];

/** Deterministic values in [−1, 1) (32-bit LCG), some exact zeros. */
function values(n: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const u = state / 2 ** 32;
    out[i] = u < 0.05 ? 0 : u < 0.08 ? -0 : (2 * u - 1) * scale;
  }
  return out;
}

/** The gradient at step s: a ⊙ w plus noise, from the current weights (so paths feed back). */
function gradientOf(w: Float32Array, t: number, step: number, out: Float32Array): void {
  const noise = values(w.length, 7919 * step + t, 0.05);
  for (let i = 0; i < w.length; i++) out[i] = (0.5 + (i % 3)) * w[i] + noise[i];
}

/** A frozen loop: one step over every tensor's f32 arrays, with its own scalars. */
type FrozenStep = (
  tensors: { w: Float32Array; g: Float32Array; slots: Float32Array[] }[],
  step: number,
  scalars: Record<string, number>,
) => void;

/** Lion's loop as it stood in lion.ts before the fused kernel. */
const frozenLion =
  (h: { learningRate: number; beta1: number; beta2: number; weightDecay: number }): FrozenStep =>
  (tensors) => {
    const { learningRate, beta1, beta2, weightDecay } = h;
    for (const { w, g, slots } of tensors) {
      const m = slots[0];
      for (let i = 0; i < w.length; i++) {
        const c = beta1 * m[i] + (1 - beta1) * g[i];
        w[i] = w[i] - learningRate * (Math.sign(c) + weightDecay * w[i]);
        m[i] = beta2 * m[i] + (1 - beta2) * g[i];
      }
    }
  };

interface Schedule {
  learningRate: number;
  weightDecay: number;
  warmupSteps: number;
  averagingPower: number;
  learningRatePower: number;
}

/** schedule() of schedule-free.ts before the fused kernels. */
function frozenSchedule(h: Schedule, step: number, scalars: Record<string, number>) {
  const k = step - 1;
  const rate =
    h.warmupSteps > 0 ? h.learningRate * Math.min(1, (k + 1) / h.warmupSteps) : h.learningRate;
  const maxRate = Math.max(scalars.maxLearningRate, rate);
  const weight = (k + 1) ** h.averagingPower * maxRate ** h.learningRatePower;
  const weightSum = scalars.weightSum + weight;
  scalars.maxLearningRate = maxRate;
  scalars.weightSum = weightSum;
  return { rate, c: weightSum > 0 ? weight / weightSum : 0 };
}

function frozenAverage(
  x: Float32Array,
  z: Float32Array,
  y: Float32Array,
  i: number,
  c: number,
  beta: number,
) {
  x[i] = (1 - c) * x[i] + c * z[i];
  y[i] = beta * x[i] + (1 - beta) * z[i];
}

/** Schedule-Free SGD's loop before the fused kernel. */
const frozenSgd =
  (h: Schedule & { momentum: number }): FrozenStep =>
  (tensors, step, scalars) => {
    const { rate, c } = frozenSchedule(h, step, scalars);
    for (const { w: y, g, slots } of tensors) {
      const [z, x] = slots;
      for (let i = 0; i < y.length; i++) {
        z[i] = z[i] - rate * (g[i] + h.weightDecay * y[i]);
        frozenAverage(x, z, y, i, c, h.momentum);
      }
    }
  };

/** Schedule-Free AdamW's loop before the fused kernel. */
const frozenAdamW =
  (h: Schedule & { beta1: number; beta2: number; epsilon: number }): FrozenStep =>
  (tensors, step, scalars) => {
    const { rate, c } = frozenSchedule(h, step, scalars);
    const correction = 1 - h.beta2 ** step;
    for (const { w: y, g, slots } of tensors) {
      const [z, x, v] = slots;
      for (let i = 0; i < y.length; i++) {
        const gi = g[i];
        const decayed = h.weightDecay > 0 ? z[i] - rate * h.weightDecay * y[i] : z[i];
        v[i] = h.beta2 * v[i] + (1 - h.beta2) * gi * gi;
        z[i] = decayed - (rate * gi) / (Math.sqrt(v[i] / correction) + h.epsilon);
        frozenAverage(x, z, y, i, c, h.beta1);
      }
    }
  };

/** What one path holds after a step: weights, then slots in the rule's order, by tensor. */
type Snapshot = { arrays: Float32Array[]; scalars: Record<string, number> };

function expectSnapshots(actual: Snapshot, expected: Snapshot, what: string): void {
  expect(actual.scalars, `${what}: scalars`).toEqual(expected.scalars);
  actual.arrays.forEach((array, a) => {
    const other = expected.arrays[a];
    for (let i = 0; i < array.length; i++) {
      if (!Object.is(array[i], other[i])) {
        expect.fail(`${what}: array ${a}[${i}] is ${array[i]}, expected ${other[i]}`);
      }
    }
  });
}

/** `steps` steps of `optimizer` on `kernels`, a snapshot after each. */
function onKernels(kernels: Kernels, optimizer: Optimizer, steps: number): Snapshot[] {
  const parameters = SIZES.map((n, t) => ({
    name: `p${t}`,
    value: kernels.allocFrom(values(n, 100 + t, 1.5)),
  }));
  const gradients: F32Buffer[] = SIZES.map((n) => kernels.alloc(n));
  const state: OptimizerState = optimizer.init(kernels, parameters);
  const slotNames = [...state.slots.keys()];
  const out: Snapshot[] = [];
  for (let step = 1; step <= steps; step++) {
    parameters.forEach((p, t) => {
      gradientOf(p.value.view, t, step, gradients[t].view);
    });
    optimizer.update(kernels, parameters, gradients, state);
    out.push({
      arrays: [
        ...parameters.map((p) => p.value.view.slice()),
        ...slotNames.map((key) => (state.slots.get(key) as F32Buffer).view.slice()),
      ],
      scalars: { ...state.scalars },
    });
  }
  for (const buffer of [...parameters.map((p) => p.value), ...gradients, ...state.slots.values()])
    buffer.free();
  return out;
}

/** The frozen loop over plain Float32Arrays, slots laid out as `init` lays them out. */
function onFrozen(
  loop: FrozenStep,
  slotNames: readonly string[],
  copied: readonly string[],
  scalars: Record<string, number>,
  steps: number,
): Snapshot[] {
  const tensors = SIZES.map((n, t) => {
    const w = values(n, 100 + t, 1.5);
    return {
      w,
      g: new Float32Array(n),
      slots: slotNames.map((s) => (copied.includes(s) ? w.slice() : new Float32Array(n))),
    };
  });
  const out: Snapshot[] = [];
  for (let step = 1; step <= steps; step++) {
    tensors.forEach((tensor, t) => {
      gradientOf(tensor.w, t, step, tensor.g);
    });
    loop(tensors, step, scalars);
    out.push({
      arrays: [
        ...tensors.map((tensor) => tensor.w.slice()),
        // The state's slot keys run parameter by parameter, slot by slot.
        ...tensors.flatMap((tensor) => tensor.slots.map((s) => s.slice())),
      ],
      scalars: { ...scalars },
    });
  }
  return out;
}

function expectAllPaths(
  make: () => Optimizer,
  frozen: () => Snapshot[],
  steps: number,
  what: string,
): void {
  const fused = onKernels(wasm, make(), steps);
  const paths: [string, Snapshot[]][] = [
    ['reference kernels', onKernels(reference, make(), steps)],
    ['kernels without the fused kernels', onKernels(withoutFused, make(), steps)],
    ['the loops before the fused kernels', frozen()],
  ];
  for (const [name, snapshots] of paths) {
    snapshots.forEach((snapshot, s) => {
      expectSnapshots(fused[s], snapshot, `${what}, fused against ${name}, step ${s + 1}`);
    });
  }
}

const STEPS = 6;

describe('the fused Lion and Schedule-Free kernels change no bit of a run', () => {
  it('the paths differ where they should: fused on wasm, loops without the kernels', () => {
    expect(typeof wasm.lionUpdate).toBe('function');
    expect(withoutFused.lionUpdate).toBeUndefined();
    expect(withoutFused.scheduleFreeAdamWUpdate).toBeUndefined();
  });

  it('lion, with and without weight decay', () => {
    for (const options of [
      { learningRate: 1e-4, beta1: 0.9, beta2: 0.99, weightDecay: 0 },
      { learningRate: 0.01, beta1: 0.5, beta2: 0.9, weightDecay: 0.3 },
    ]) {
      expectAllPaths(
        () => lion(options),
        () => onFrozen(frozenLion(options), ['momentum'], [], {}, STEPS),
        STEPS,
        `lion ${JSON.stringify(options)}`,
      );
    }
  });

  it('schedule-free SGD: defaults, weight decay, warm-up, averaging powers', () => {
    const defaults = { learningRate: 1, momentum: 0.9, weightDecay: 0, warmupSteps: 0 };
    for (const options of [
      { ...defaults, averagingPower: 0, learningRatePower: 2 },
      { ...defaults, weightDecay: 0.05, warmupSteps: 4, averagingPower: 0, learningRatePower: 2 },
      { ...defaults, learningRate: 0.1, warmupSteps: 3, averagingPower: 1, learningRatePower: 1 },
    ]) {
      expectAllPaths(
        () => scheduleFreeSgd(options),
        () =>
          onFrozen(
            frozenSgd(options),
            ['z', 'x'],
            ['z', 'x'],
            { weightSum: 0, maxLearningRate: -1 },
            STEPS,
          ),
        STEPS,
        `scheduleFreeSgd ${JSON.stringify(options)}`,
      );
    }
  });

  it('schedule-free AdamW: defaults, weight decay, warm-up, averaging powers', () => {
    const defaults = {
      learningRate: 0.0025,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: 0,
      warmupSteps: 0,
      averagingPower: 0,
      learningRatePower: 2,
    };
    for (const options of [
      defaults,
      { ...defaults, weightDecay: 0.01, warmupSteps: 4 },
      { ...defaults, learningRate: 0.3, warmupSteps: 2, averagingPower: 2, learningRatePower: 0 },
    ]) {
      expectAllPaths(
        () => scheduleFreeAdamW(options),
        () =>
          onFrozen(
            frozenAdamW(options),
            ['z', 'x', 'secondMoment'],
            ['z', 'x'],
            { weightSum: 0, maxLearningRate: -1 },
            STEPS,
          ),
        STEPS,
        `scheduleFreeAdamW ${JSON.stringify(options)}`,
      );
    }
  });
});
