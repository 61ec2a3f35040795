import { loadKernels } from '@dualphi/core-wasm';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoints/index.js';
import { loadDigits } from '../data/index.js';
import { train } from '../training/train.js';
import {
  adamw,
  dualProcess,
  goldenBatchHalfLife,
  momentum,
  optimizerFromConfig,
  type ScheduleConfig,
  scheduleFactor,
  sgd,
  withTransforms,
} from './index.js';

const factors = (schedule: ScheduleConfig, steps: number, totalSteps?: number) =>
  Array.from({ length: steps }, (_, t) =>
    scheduleFactor(schedule, t, totalSteps ? { totalSteps, batchSize: 32 } : undefined),
  );
const half = (u: number) => 0.5 * (1 + Math.cos(Math.PI * u));

describe('schedules (functions of the step)', () => {
  it('constant, warm-up, cosine to a floor, step decay, warm-up then cosine', () => {
    expect(factors({ kind: 'constant' }, 3)).toEqual([1, 1, 1]);
    expect(factors({ kind: 'warmup', warmupSteps: 4 }, 6)).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
    const cos = factors({ kind: 'cosine', floor: 0.2 }, 5, 4);
    [0, 0.25, 0.5, 0.75, 1].forEach((u, t) => {
      expect(cos[t]).toBeCloseTo(0.2 + 0.8 * half(u), 15);
    });
    expect(factors({ kind: 'step', decayEvery: 2, decayFactor: 0.5 }, 5)).toEqual([
      1, 1, 0.5, 0.5, 0.25,
    ]);
    // Default step: γ = 0.1 every third of the run.
    expect(factors({ kind: 'step' }, 7, 6)).toEqual([1, 1, 0.1, 0.1, 0.1 ** 2, 0.1 ** 2, 0.1 ** 3]);
    const wc = factors({ kind: 'warmup-cosine', warmupSteps: 2 }, 6, 6);
    expect(wc.slice(0, 2)).toEqual([0.5, 1]);
    [0, 0.25, 0.5, 0.75].forEach((u, i) => {
      expect(wc[2 + i]).toBeCloseTo(half(u), 15);
    });
  });

  it('a schedule that needs the run length says so', () => {
    expect(() => scheduleFactor({ kind: 'cosine' }, 0)).toThrow(
      "the cosine schedule needs the run's total steps",
    );
  });

  it('scales the step of the wrapped optimizer, f64 and kernels alike; set() changes the base', async () => {
    const schedule: ScheduleConfig = { kind: 'warmup', warmupSteps: 4 };
    const optimizer = withTransforms(sgd({ learningRate: 0.1 }), { schedule });
    const w = Float64Array.from([1]);
    const state = optimizer.initArrays([{ name: 'w', value: w }]);
    const expected = [1];
    for (let t = 0; t < 3; t++) {
      optimizer.updateArrays([{ name: 'w', value: w }], [[1]], state);
      expected.push(expected[t] - 0.1 * ((t + 1) / 4));
      expect(w[0]).toBeCloseTo(expected[t + 1], 15);
    }
    expect(optimizer.hyperParameters.learningRate).toBe(0.1);
    // set() changes the base rate the schedule scales (step 3 of the warm-up: factor 1).
    optimizer.set('learningRate', 0.2);
    optimizer.updateArrays([{ name: 'w', value: w }], [[1]], state);
    expect(w[0]).toBeCloseTo(expected[3] - 0.2, 15);
    optimizer.set('learningRate', 0.1);
    const kernels = await loadKernels();
    const buffer = kernels.allocFrom(Float32Array.from([1]));
    const g = kernels.allocFrom(Float32Array.from([1]));
    const kernelState = optimizer.init(kernels, [{ name: 'w', value: buffer }]);
    for (let t = 0; t < 3; t++)
      optimizer.update(kernels, [{ name: 'w', value: buffer }], [g], kernelState);
    expect(buffer.view[0]).toBeCloseTo(expected[3], 6);
    for (const b of [buffer, g, ...kernelState.slots.values()]) b.free();
  });
});

describe('clipping by global norm and decoupled weight decay', () => {
  it('clips the gradients over all tensors to the norm, before the optimizer', () => {
    const optimizer = withTransforms(sgd({ learningRate: 1 }), { clipNorm: 1 });
    const a = Float64Array.from([0]);
    const b = Float64Array.from([0]);
    const parameters = [
      { name: 'a', value: a },
      { name: 'b', value: b },
    ];
    const state = optimizer.initArrays(parameters);
    optimizer.updateArrays(parameters, [[3], [4]], state); // ‖g‖ = 5 → g·(1/5)
    expect(a[0]).toBeCloseTo(-0.6, 15);
    expect(b[0]).toBeCloseTo(-0.8, 15);
    optimizer.updateArrays(parameters, [[0.3], [0.4]], state); // ‖g‖ = 0.5 ≤ 1: unchanged
    expect(a[0]).toBeCloseTo(-0.9, 15);
    expect(b[0]).toBeCloseTo(-1.2, 15);
  });

  it('clips on the wasm kernels as in f64 (the norm from their reduction), across the SIMD blocks and tails', async () => {
    const kernels = await loadKernels();
    // Three tensors past a 16-element block and with tails; one step far above the norm, one below.
    const sizes = [37, 300, 5];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5;
    };
    for (const scale of [10, 1e-3]) {
      const gradients = sizes.map((n) => Float32Array.from({ length: n }, () => scale * random()));
      const f64 = withTransforms(sgd({ learningRate: 1 }), { clipNorm: 1 });
      const arrays = sizes.map((n, i) => ({ name: `p${i}`, value: new Float64Array(n) }));
      f64.updateArrays(
        arrays,
        gradients.map((g) => Float64Array.from(g)),
        f64.initArrays(arrays),
      );
      const f32 = withTransforms(sgd({ learningRate: 1 }), { clipNorm: 1 });
      const buffers = sizes.map((n, i) => ({ name: `p${i}`, value: kernels.alloc(n) }));
      const gradientBuffers = gradients.map((g) => kernels.allocFrom(g));
      const state = f32.init(kernels, buffers);
      f32.update(kernels, buffers, gradientBuffers, state);
      let norm = 0;
      for (const [i, p] of buffers.entries()) {
        for (let j = 0; j < sizes[i]; j++) {
          expect(p.value.view[j]).toBeCloseTo(arrays[i].value[j], scale > 1 ? 6 : 9);
          norm += p.value.view[j] ** 2;
        }
      }
      // Above the norm the step (η = 1) is the clipped gradient: its norm is clipNorm.
      if (scale > 1) expect(Math.sqrt(norm)).toBeCloseTo(1, 5);
      for (const b of [...buffers.map((p) => p.value), ...gradientBuffers]) b.free();
      for (const slot of state.slots.values()) slot.free();
    }
  });

  it('decays the heavy ball decoupled: w ← (w + Δw)(1 − ηλ), the delta untouched', () => {
    const inner = dualProcess();
    const eta = inner.hyperParameters.learningRate as number;
    const optimizer = withTransforms(inner, { weightDecay: 0.1 });
    const w = Float64Array.from([2]);
    const state = optimizer.initArrays([{ name: 'w', value: w }]);
    optimizer.updateArrays([{ name: 'w', value: w }], [[1]], state);
    expect(w[0]).toBeCloseTo((2 - eta) * (1 - eta * 0.1), 15);
    expect((state.slots.get('w/delta') as Float64Array)[0]).toBe(-eta);
  });

  it('refuses what does not apply, naming it', () => {
    expect(() => withTransforms(goldenBatchHalfLife(), { schedule: { kind: 'constant' } })).toThrow(
      'goldenBatchHalfLife: "schedule" needs an optimizer with a "learningRate"',
    );
    expect(() => withTransforms(adamw(), { weightDecay: 0.1 })).toThrow(
      'adamw: "weightDecay" is an option of adamw itself; set it there',
    );
    expect(() =>
      withTransforms(sgd({ learningRate: 1 }), { schedule: { kind: 'warmup' } }),
    ).toThrow('optimizer transforms: "schedule.warmupSteps" must be an integer ≥ 1, got undefined');
    expect(() => withTransforms(sgd({ learningRate: 1 }), { clipNorm: 0 })).toThrow(
      /"clipNorm" must be a finite number > 0/,
    );
    expect(() =>
      withTransforms(sgd({ learningRate: 1 }), { schedule: { kind: 'linear' as never } }),
    ).toThrow(/"schedule.kind" must be one of constant, warmup, cosine, step, warmup-cosine/);
  });
});

describe('transforms in training', () => {
  it('are in the config and the checkpoint; an abort and a resume give the same run, bit for bit', async () => {
    const data = loadDigits();
    const make = () =>
      withTransforms(momentum({ learningRate: 0.05, momentum: 0.9 }), {
        schedule: { kind: 'warmup-cosine', warmupSteps: 10, floor: 0.1 },
        clipNorm: 1,
        weightDecay: 1e-3,
      });
    const base = { data, hidden: [16], batchSize: 64, seed: 1, epochs: 3 } as const;
    const full = await train({ ...base, optimizer: make() });
    expect(full.config.optimizer.transforms?.schedule?.kind).toBe('warmup-cosine');
    const controller = new AbortController();
    const partial = await train({
      ...base,
      optimizer: make(),
      signal: controller.signal,
      onBatch: (e) => {
        if (e.epoch === 2 && e.batch === 7) controller.abort();
      },
    });
    const checkpoint = decodeCheckpoint(encodeCheckpoint(partial.checkpoint()));
    expect(checkpoint.config.optimizer).toEqual(make().toConfig());
    const resumed = await train({ data, resume: checkpoint });
    expect(resumed.model.getWeights()).toEqual(full.model.getWeights());
    expect(optimizerFromConfig(full.config.optimizer).toConfig()).toEqual(full.config.optimizer);
    // The transforms change the run: without them the weights differ.
    const plain = await train({
      ...base,
      optimizer: momentum({ learningRate: 0.05, momentum: 0.9 }),
    });
    expect(plain.model.getWeights()).not.toEqual(full.model.getWeights());
    for (const r of [full, partial, resumed, plain]) r.model.dispose();
  });
});
