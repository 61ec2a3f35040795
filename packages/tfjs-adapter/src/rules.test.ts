/**
 * The tf-ops rules held to the optimizer package's f64 reference path, on the cpu and wasm
 * backends: the same slots (names, order, initial values), the same trajectory over several
 * steps on random variables within f32 tolerance (weights and every slot and scalar of
 * `getWeights`), with the transforms (schedule, clipping, weight decay), without leaking a
 * tensor; the published vectors (apps/docs: Prodigy, Schedule-Free SGD) through the tfjs
 * optimizer; and a state saved from one path continues on the other.
 */
import {
  type ArrayOptimizerState,
  type Optimizer,
  optimizerFromPreset,
  optimizerRegistry,
  withTransforms,
} from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BACKENDS, useBackend } from './backends.test-helpers.js';
import {
  type NamedTensor,
  RegistryOptimizer,
  type RegistryOptimizerOptions,
  registryOptimizer,
  registryOptimizerNames,
} from './index.js';
import { OWN_GROUP_SIZE } from './registry-ops.js';
import { tfRuleFor, tfRules } from './rules/index.js';

/** Options the golden extensions need in tfjs (no training run). */
function extraOptions(name: string): Record<string, number> {
  if (name === 'golden-batch-linear' || name === 'golden-batch-halflife') return { batchSize: 64 };
  if (name === 'golden-cosine') return { decaySteps: 6 };
  // Schedule-Free SGD's default η = 1 oscillates on this problem; a tenth keeps it tame.
  if (name === 'schedule-free-sgd') return { learningRate: 0.1 };
  return {};
}

/** A deterministic generator (mulberry32), so every run sees the same "random" problem. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The problem: f(w) = ½ Σ aᵢ (wᵢ − cᵢ)² over three variables (a matrix, a bias, and one
 * large enough to be updated on its own), gradient a ⊙ (w − c), with a ∈ [0.2, 1).
 */
interface Problem {
  shapes: number[][];
  start: Float32Array[];
  curvature: Float64Array[];
  centre: Float64Array[];
}

function problem(seed: number, large = false): Problem {
  const next = random(seed);
  const shapes = large ? [[3, 4], [5], [OWN_GROUP_SIZE + 3]] : [[3, 4], [5]];
  const sized = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  return {
    shapes,
    start: shapes.map((s) => Float32Array.from({ length: sized(s) }, () => 2 * next() - 1)),
    curvature: shapes.map((s) => Float64Array.from({ length: sized(s) }, () => 0.2 + 0.8 * next())),
    centre: shapes.map((s) => Float64Array.from({ length: sized(s) }, () => 0.5 * next())),
  };
}

function gradientOf(p: Problem, i: number, w: ArrayLike<number>): Float64Array {
  return Float64Array.from(p.curvature[i], (a, j) => a * (w[j] - p.centre[i][j]));
}

/** Runs `optimizer` for `steps` on fresh variables named `${prefix}${i}`; returns the variables. */
function runTfjs(
  optimizer: RegistryOptimizer,
  p: Problem,
  prefix: string,
  steps: number,
  variables?: tf.Variable[],
): tf.Variable[] {
  const vars =
    variables ??
    p.shapes.map((shape, i) =>
      tf.tidy(() => tf.variable(tf.tensor(p.start[i], shape), true, `${prefix}${i}`)),
    );
  for (let s = 0; s < steps; s++) {
    const gradients = vars.map((v, i) =>
      tf.tensor(Float32Array.from(gradientOf(p, i, v.dataSync())), v.shape),
    );
    optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: gradients[i] })));
    tf.dispose(gradients);
  }
  return vars;
}

/** The reference: the same steps in f64, the weights rounded to f32 after each (as tfjs holds them). */
function runReference(
  optimizer: Optimizer,
  p: Problem,
  prefix: string,
  steps: number,
): { weights: Float64Array[]; state: ArrayOptimizerState } {
  const weights = p.start.map((w) => Float64Array.from(w));
  const parameters = weights.map((value, i) => ({ name: `${prefix}${i}`, value }));
  const state = optimizer.initArrays(parameters);
  for (let s = 0; s < steps; s++) {
    optimizer.updateArrays(
      parameters,
      weights.map((w, i) => gradientOf(p, i, w)),
      state,
    );
    for (const w of weights) for (let j = 0; j < w.length; j++) w[j] = Math.fround(w[j]);
  }
  return { weights, state };
}

/** |got − want| ≤ tolerance·max(1e-3, max|want|) elementwise (f32 tolerance on the array's scale). */
function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tolerance: number,
  what: string,
) {
  expect(got.length, what).toBe(want.length);
  let scale = 1e-3;
  for (let j = 0; j < want.length; j++) scale = Math.max(scale, Math.abs(want[j]));
  let worst = 0;
  for (let j = 0; j < want.length; j++) worst = Math.max(worst, Math.abs(got[j] - want[j]));
  expect(worst / scale, what).toBeLessThan(tolerance);
}

/** The named state in a map of plain arrays. */
async function named(weights: NamedTensor[]): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const { name, tensor } of weights) out.set(name, (await tensor.data()) as Float32Array);
  return out;
}

describe('tf-ops rules: the registry rules’ slots', () => {
  it('every registry optimizer has a tf-ops rule with its slots, copied slots and scalars', () => {
    for (const module of optimizerRegistry) {
      const rule = tfRuleFor(module.name);
      expect(rule, module.name).toBeDefined();
      const preset = module.presets[0];
      const reference = optimizerFromPreset(preset.name, extraOptions(preset.name));
      const state = reference.initArrays([{ name: 'p', value: Float64Array.from([2]) }]);
      expect([...state.slots.keys()], module.name).toEqual(
        rule?.slotNames.map((slot) => `p/${slot}`),
      );
      for (const slot of rule?.slotNames ?? []) {
        const copied = rule?.copiedSlots?.includes(slot) === true;
        expect(state.slots.get(`p/${slot}`)?.[0], `${module.name} ${slot}`).toBe(copied ? 2 : 0);
      }
      for (const scalar of rule?.deviceScalars ?? []) {
        expect(Object.keys(state.scalars ?? {}), module.name).toContain(scalar);
      }
    }
    expect(Object.keys(tfRules).sort()).toEqual(optimizerRegistry.map((m) => m.name).sort());
    expect(tfRuleFor('toString')).toBeUndefined();
  });
});

describe.each(BACKENDS)('tf-ops rules on the %s backend', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('auto takes the download path on cpu and the tf-ops path on wasm', () => {
    const optimizer = registryOptimizer('adam');
    expect(optimizer.updatePath).toBe(backend === 'cpu' ? 'download' : 'ops');
    expect(registryOptimizer('adam', { path: 'ops' }).updatePath).toBe('ops');
    expect(registryOptimizer('adam', { path: 'download' }).updatePath).toBe('download');
    expect(() => registryOptimizer('adam', { path: 'gpu' as never })).toThrow(
      `"path" must be 'auto', 'ops' or 'download', got "gpu"`,
    );
  });

  it('an optimizer without a tf-ops rule runs on the download path (and refuses path ops)', () => {
    // A registry optimizer under a name no rule has: what a new rule is until its tf-ops form.
    const sgd = optimizerFromPreset('sgd', { learningRate: 0.5 });
    const custom: Optimizer = {
      ...sgd,
      name: 'custom' as Optimizer['name'],
      hyperParameters: sgd.hyperParameters,
    };
    const optimizer = new RegistryOptimizer(custom);
    expect(optimizer.updatePath).toBe('download');
    expect(() => new RegistryOptimizer(custom, { path: 'ops' })).toThrow(
      "custom has no tf-ops rule; use path 'auto' or 'download'",
    );
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2]), true, `custom_${backend}`));
    const g = tf.ones([2]);
    optimizer.applyGradients([{ name: w.name, tensor: g }]);
    expect(Array.from(w.dataSync())).toEqual([0.5, 1.5]);
    optimizer.dispose();
    tf.dispose([w, g]);
  });

  it.each(registryOptimizerNames.map((name) => [name]))(
    '%s follows the f64 path for 6 steps (weights, slots, scalars) and leaks no tensor',
    async (name) => {
      const before = tf.memory().numTensors;
      const p = problem(name.length * 7 + 1, name === 'adamw' || name === 'prodigy');
      const prefix = `ops_${backend}_${name}_`;
      const optimizer = registryOptimizer(name, { options: extraOptions(name), path: 'ops' });
      expect(optimizer.updatePath).toBe('ops');
      const vars = runTfjs(optimizer, p, prefix, 1);
      const afterFirst = tf.memory().numTensors;
      runTfjs(optimizer, p, prefix, 5, vars);
      expect(tf.memory().numTensors, 'tensors after 5 more steps').toBe(afterFirst);
      const reference = runReference(optimizerFromPreset(name, extraOptions(name)), p, prefix, 6);
      vars.forEach((v, i) => {
        expectClose(v.dataSync(), reference.weights[i], 2e-5, `${name} weights ${i}`);
      });
      const state = await named(await optimizer.getWeights());
      const slotKeys = [...reference.state.slots.keys()];
      const scalarKeys = Object.keys(reference.state.scalars ?? {});
      expect([...state.keys()]).toEqual([
        'iter',
        ...slotKeys,
        ...scalarKeys.map((k) => `optimizer/scalars/${k}`),
      ]);
      for (const key of slotKeys) {
        expectClose(
          state.get(key) as Float32Array,
          reference.state.slots.get(key) as Float64Array,
          1e-4,
          `${name} slot ${key}`,
        );
      }
      for (const key of scalarKeys) {
        const want = (reference.state.scalars as Record<string, number>)[key];
        const got = (state.get(`optimizer/scalars/${key}`) as Float32Array)[0];
        expect(Math.abs(got - want), `${name} scalar ${key}`).toBeLessThanOrEqual(
          1e-4 * Math.abs(want) + 1e-12,
        );
      }
      expect(optimizer.iterations).toBe(6);
      optimizer.dispose();
      tf.dispose(vars);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it.each([
    [
      'adam',
      {
        learningRateSchedule: { kind: 'warmup-cosine', warmupSteps: 2, totalSteps: 6 },
        clipNorm: 0.5,
      },
    ],
    [
      'golden',
      { learningRateSchedule: { kind: 'step', decayEvery: 2, decayFactor: 0.5 }, weightDecay: 0.1 },
    ],
    ['momentum', { clipNorm: 0.2, weightDecay: 0.05 }],
    ['prodigy', { clipNorm: 0.3 }],
    ['schedule-free-adamw', { learningRateSchedule: { kind: 'warmup', warmupSteps: 3 } }],
  ] as [string, RegistryOptimizerOptions][])(
    '%s with transforms %j follows withTransforms’ f64 path',
    (name, options) => {
      const p = problem(31);
      const prefix = `transforms_${backend}_${name}_`;
      const optimizer = registryOptimizer(name, { ...options, path: 'ops' });
      const vars = runTfjs(optimizer, p, prefix, 6);
      const reference = runReference(
        withTransforms(optimizerFromPreset(name), {
          ...(options.learningRateSchedule ? { schedule: options.learningRateSchedule } : {}),
          ...(options.clipNorm ? { clipNorm: options.clipNorm } : {}),
          ...(options.weightDecay ? { weightDecay: options.weightDecay } : {}),
        }),
        p,
        prefix,
        6,
      );
      vars.forEach((v, i) => {
        expectClose(v.dataSync(), reference.weights[i], 2e-5, `${name} weights ${i}`);
      });
      optimizer.dispose();
      tf.dispose(vars);
    },
  );

  it.each(registryOptimizerNames.map((name) => [name]))(
    '%s on the tf-ops path reads nothing back from the backend in a step',
    (name) => {
      const p = problem(3);
      const prefix = `noread_${backend}_${name}_`;
      const optimizer = registryOptimizer(name, {
        options: extraOptions(name),
        clipNorm: 1,
        path: 'ops',
      });
      const vars = p.shapes.map((shape, i) =>
        tf.tidy(() => tf.variable(tf.tensor(p.start[i], shape), true, `${prefix}${i}`)),
      );
      const gradients = vars.map((v) => tf.onesLike(v));
      const step = () =>
        optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: gradients[i] })));
      step(); // The first step makes the slots.
      // Every read of a tensor's data (dataSync, data, array…) goes through the engine; the
      // backends' own kernels may view their memory directly (wasm's slice does), which is
      // no transfer.
      const engine = tf.engine();
      const readSync = vi.spyOn(engine, 'readSync');
      const read = vi.spyOn(engine, 'read');
      try {
        for (let s = 0; s < 3; s++) step();
        expect(readSync).not.toHaveBeenCalled();
        expect(read).not.toHaveBeenCalled();
      } finally {
        readSync.mockRestore();
        read.mockRestore();
      }
      optimizer.dispose();
      tf.dispose([...vars, ...gradients]);
    },
  );

  it.each([
    ['schedule-free-sgd', 'ops'],
    ['schedule-free-adamw', 'ops'],
    ['schedule-free-adamw', 'download'],
  ] as const)(
    '%s (%s path): useEvaluationPoint puts x into the variables, useTrainingPoint puts y back',
    async (name, path) => {
      const p = problem(17);
      const prefix = `eval_${backend}_${name}_${path}_`;
      const swapped = registryOptimizer(name, { options: extraOptions(name), path });
      const plain = registryOptimizer(name, { options: extraOptions(name), path });
      const vars = runTfjs(swapped, p, prefix, 3);
      const y = vars.map((v) => Float32Array.from(v.dataSync()));
      const state = await named(await swapped.getWeights());
      const before = tf.memory().numTensors;
      swapped.useEvaluationPoint();
      swapped.useEvaluationPoint(); // a second call changes nothing
      expect(swapped.atEvaluationPoint).toBe(true);
      vars.forEach((v, i) => {
        expect(Array.from(v.dataSync())).toEqual(Array.from(state.get(`${prefix}${i}/x`) ?? []));
        expect(Array.from(v.dataSync())).not.toEqual(Array.from(y[i]));
      });
      const g = vars.map((v) => tf.onesLike(v));
      expect(() =>
        swapped.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: g[i] }))),
      ).toThrow('call useTrainingPoint() before training on');
      tf.dispose(g);
      swapped.useTrainingPoint();
      expect(swapped.atEvaluationPoint).toBe(false);
      vars.forEach((v, i) => {
        expect(Array.from(v.dataSync())).toEqual(Array.from(y[i]));
      });
      expect(tf.memory().numTensors).toBe(before);
      // Training goes on exactly as without the excursion to x.
      runTfjs(swapped, p, prefix, 2, vars);
      const other = runTfjs(plain, p, `${prefix}plain_`, 5);
      vars.forEach((v, i) => {
        expect(Array.from(v.dataSync())).toEqual(Array.from(other[i].dataSync()));
      });
      swapped.dispose();
      plain.dispose();
      tf.dispose([...vars, ...other]);
      expect(() => registryOptimizer('adam').useEvaluationPoint()).toThrow(
        'adam evaluates where it trains',
      );
    },
  );

  it('weightDecay is refused for an optimizer with its own, naming it', () => {
    expect(() => registryOptimizer('adamw', { weightDecay: 0.1 })).toThrow(
      /weightDecay.*is an option of adamw itself/,
    );
  });

  it('clipping leaves gradients below the norm untouched: the same steps as without it', () => {
    const p = problem(5);
    const clipped = runTfjs(
      registryOptimizer('adam', { clipNorm: 1e6, path: 'ops' }),
      p,
      `c_${backend}_a`,
      3,
    );
    const plain = runTfjs(registryOptimizer('adam', { path: 'ops' }), p, `c_${backend}_b`, 3);
    clipped.forEach((v, i) => {
      expect(Array.from(v.dataSync())).toEqual(Array.from(plain[i].dataSync()));
    });
    tf.dispose([...clipped, ...plain]);
  });

  /** The toy problem of the published vectors: f(x) = ½ Σ aᵢxᵢ², a = x₀ = [1, 2, 3]. */
  function toySteps(optimizer: RegistryOptimizer, steps: number, name: string): tf.Variable {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3]), true, name));
    for (let s = 0; s < steps; s++) {
      const g = tf.tidy(() => tf.mul(w, tf.tensor1d([1, 2, 3])));
      optimizer.applyGradients([{ name: w.name, tensor: g }]);
      g.dispose();
    }
    return w;
  }

  it('Prodigy at its defaults gives the published d and x (f32 tolerance)', async () => {
    const optimizer = registryOptimizer('prodigy', { path: 'ops' });
    const w = toySteps(optimizer, 1, `prodigy_vector_${backend}`);
    expectClose(w.dataSync(), [0.999996838, 1.99999684, 2.99999684], 1e-7, 'x after step 0');
    const d = async () =>
      (await named(await optimizer.getWeights())).get('optimizer/scalars/d')?.[0] as number;
    expect(await d()).toBeCloseTo(1e-6, 12);
    const grad = () => tf.tidy(() => tf.mul(w, tf.tensor1d([1, 2, 3])));
    const want = [1.58153313e-6, 4.82240281e-6, 1.34960839e-5, 3.45096716e-5];
    for (const dAfter of want) {
      const g = grad();
      optimizer.applyGradients([{ name: w.name, tensor: g }]);
      g.dispose();
      expect(Math.abs((await d()) - dAfter) / dAfter).toBeLessThan(1e-4);
    }
    expect(Math.abs(w.dataSync()[0] - 0.999901889)).toBeLessThan(2e-7);
    optimizer.dispose();
    w.dispose();
  });

  it('Schedule-Free SGD gives the published y and x (lr 0.1; lr 0.3, warm-up 5, wd 0.5)', async () => {
    const slotX = async (optimizer: RegistryOptimizer, name: string) =>
      (await named(await optimizer.getWeights())).get(`${name}/x`) as Float32Array;
    const plain = registryOptimizer('schedule-free-sgd', {
      options: { learningRate: 0.1 },
      path: 'ops',
    });
    const name = `sf_vector_${backend}`;
    const w = toySteps(plain, 1, name);
    expectClose(w.dataSync(), [0.9, 1.6, 2.1], 1e-6, 'y after step 0');
    expectClose(await slotX(plain, name), [0.9, 1.6, 2.1], 1e-6, 'x after step 0');
    const more = (steps: number) => {
      for (let s = 0; s < steps; s++) {
        const g = tf.tidy(() => tf.mul(w, tf.tensor1d([1, 2, 3])));
        plain.applyGradients([{ name: w.name, tensor: g }]);
        g.dispose();
      }
    };
    more(1);
    expectClose(w.dataSync(), [0.8505, 1.424, 1.7535], 1e-6, 'y after step 1');
    expectClose(await slotX(plain, name), [0.855, 1.44, 1.785], 1e-6, 'x after step 1');
    more(3);
    expectClose(w.dataSync(), [0.713624402, 0.976870451, 0.94760434], 1e-6, 'y after step 4');
    expectClose(
      await slotX(plain, name),
      [0.729703287, 1.02762061, 1.03566924],
      1e-6,
      'x after step 4',
    );
    plain.dispose();
    w.dispose();
    const warm = registryOptimizer('schedule-free-sgd', {
      options: { learningRate: 0.3, warmupSteps: 5, weightDecay: 0.5 },
      path: 'ops',
    });
    const warmName = `sf_warm_${backend}`;
    const v = toySteps(warm, 6, warmName);
    expectClose(v.dataSync(), [0.182637439, -0.0151864254, -0.176279633], 1e-6, 'y after step 5');
    expectClose(
      await slotX(warm, warmName),
      [0.204318501, 0.0160303407, -0.158055017],
      1e-6,
      'x after step 5',
    );
    warm.dispose();
    v.dispose();
  });

  it.each(['adam', 'prodigy', 'schedule-free-adamw', 'golden'])(
    '%s: a state saved by the download path continues on the tf-ops path (and back)',
    async (name) => {
      for (const [from, to] of [
        ['download', 'ops'],
        ['ops', 'download'],
      ] as const) {
        const p = problem(11, true);
        const prefix = `resume_${backend}_${name}_${from}_`;
        const original = registryOptimizer(name, { path: from });
        const vars = runTfjs(original, p, prefix, 3);
        const saved = await original.getWeights();
        const restored = registryOptimizer(name, { path: to });
        await restored.setWeights(saved);
        const snapshot = vars.map((v) => v.clone());
        runTfjs(original, p, prefix, 3, vars);
        const a = vars.map((v) => Float32Array.from(v.dataSync()));
        vars.forEach((v, i) => {
          v.assign(snapshot[i]);
        });
        runTfjs(restored, p, prefix, 3, vars);
        expect(restored.updatePath).toBe(to);
        expect(restored.iterations).toBe(6);
        vars.forEach((v, i) => {
          expectClose(v.dataSync(), a[i], 2e-5, `${name} ${from}→${to} ${i}`);
        });
        // Both paths give the same named state after the same steps.
        const left = await named(await original.getWeights());
        const right = await named(await restored.getWeights());
        expect([...right.keys()]).toEqual([...left.keys()]);
        for (const [key, values] of left) {
          if (key !== 'iter') expectClose(right.get(key) as Float32Array, values, 1e-4, key);
        }
        original.dispose();
        restored.dispose();
        tf.dispose([...vars, ...snapshot]);
      }
    },
  );

  it('a restored slot of the wrong size is refused before anything changes', async () => {
    const optimizer = registryOptimizer('adam', { path: 'ops' });
    await optimizer.setWeights([
      { name: 'iter', tensor: tf.scalar(2, 'int32') },
      { name: `short_${backend}/firstMoment`, tensor: tf.zeros([2]) },
      { name: `short_${backend}/secondMoment`, tensor: tf.zeros([2]) },
    ]);
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3]), true, `short_${backend}`));
    const before = tf.memory().numTensors;
    const g = tf.ones([3]);
    expect(() => optimizer.applyGradients([{ name: w.name, tensor: g }])).toThrow(
      `the restored slot "short_${backend}/firstMoment" has 2 values but variable "short_${backend}" has 3`,
    );
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(Array.from(w.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([g, w]);
    optimizer.dispose();
  });

  it('the golden extensions without their run options say which option to give', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1]), true, `run_${backend}`));
    const g = tf.ones([1]);
    for (const [name, option] of [
      ['golden-cosine', 'decaySteps'],
      ['golden-batch-linear', 'batchSize'],
      ['golden-batch-halflife', 'batchSize'],
    ]) {
      const optimizer = registryOptimizer(name, { path: 'ops' });
      expect(() => optimizer.applyGradients([{ name: w.name, tensor: g }])).toThrow(
        `"${option}" is 0`,
      );
      optimizer.dispose();
    }
    expect(Array.from(w.dataSync())).toEqual([1]);
    tf.dispose([w, g]);
  });
});
