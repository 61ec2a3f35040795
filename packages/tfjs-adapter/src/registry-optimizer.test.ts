import { optimizerFromPreset } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from './backends.test-helpers.js';
import { RegistryOptimizer, registryOptimizer, registryOptimizerNames } from './index.js';

const RUN_OPTIONS = { batchSize: 32 } as const;

/** g = a ⊙ w with a = [1, 2, 3]. */
const A = [1, 2, 3];

/** Three steps of `optimizer` on w = [1, 2, 3] in tfjs; the final w. */
function steps(optimizer: RegistryOptimizer, w: tf.Variable, count: number): Float32Array {
  for (let s = 0; s < count; s++) {
    const gradient = tf.tidy(() => tf.mul(w, tf.tensor1d(A)));
    optimizer.applyGradients({ [w.name]: gradient });
    gradient.dispose();
  }
  return w.dataSync() as Float32Array;
}

/** Golden extensions that need the run's batch size get it as an option here. */
function extraOptions(name: string): Record<string, number> {
  if (name === 'golden-batch-linear' || name === 'golden-batch-halflife') return RUN_OPTIONS;
  if (name === 'golden-cosine') return { decaySteps: 10 };
  return {};
}

describe('RegistryOptimizer (tfjs cpu backend)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it.each(registryOptimizerNames.map((name) => [name]))(
    '%s follows the optimizer package’s f64 path (f32 tolerance) and leaks no tensor',
    (name) => {
      const before = tf.memory().numTensors;
      const initial = tf.tensor1d([1, 2, 3]);
      const w = tf.variable(initial, true, `w_${name}`);
      initial.dispose();
      const optimizer = registryOptimizer(name, { options: extraOptions(name) });
      const got = Array.from(steps(optimizer, w, 3));
      const reference = optimizerFromPreset(name, extraOptions(name));
      const x = Float64Array.from([1, 2, 3]);
      const state = reference.initArrays([{ name: 'w', value: x }]);
      for (let s = 0; s < 3; s++) {
        reference.updateArrays(
          [{ name: 'w', value: x }],
          [Array.from(x, (v, i) => A[i] * v)],
          state,
        );
        for (let i = 0; i < 3; i++) x[i] = Math.fround(x[i]); // tfjs keeps f32 weights
      }
      got.forEach((value, i) => {
        expect(Math.abs(value - x[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(x[i])));
      });
      expect(optimizer.iterations).toBe(3);
      optimizer.dispose();
      w.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('is registered and serialisable: fromConfig(getConfig()) is the same optimizer', () => {
    const optimizer = registryOptimizer('adamw', {
      options: { learningRate: 3e-4 },
      learningRateSchedule: { kind: 'cosine', totalSteps: 100 },
      clipNorm: 1,
    });
    const config = optimizer.getConfig();
    expect(config).toMatchObject({
      name: 'adamw',
      transforms: { schedule: { kind: 'cosine', totalSteps: 100 }, clipNorm: 1 },
    });
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    expect(map[RegistryOptimizer.className]).toBeDefined();
    const again = RegistryOptimizer.fromConfig(RegistryOptimizer, config);
    expect(again.getConfig()).toEqual(config);
    expect(optimizer.getClassName()).toBe('DualphiRegistryOptimizer');
  });

  it('getWeights / setWeights by name: a restored optimizer continues like the original', async () => {
    const initial = tf.tensor1d([1, 2, 3]);
    const w1 = tf.variable(initial, true, 'w_restore_a');
    initial.dispose();
    const original = registryOptimizer('prodigy');
    steps(original, w1, 3);
    const weights = await original.getWeights();
    expect(weights.map((n) => n.name)).toEqual([
      'iter',
      'w_restore_a/displacement',
      'w_restore_a/distance',
      'w_restore_a/firstMoment',
      'w_restore_a/secondMoment',
      'optimizer/scalars/d',
      'optimizer/scalars/dMax',
      'optimizer/scalars/numerator',
    ]);
    const restored = registryOptimizer('prodigy');
    await restored.setWeights(weights);
    const saved = w1.clone();
    const a = Array.from(steps(original, w1, 2));
    w1.assign(saved);
    saved.dispose();
    const b = Array.from(steps(restored, w1, 2));
    // The slots travelled as float32 (as tfjs saves weights): equal to f32 tolerance.
    a.forEach((value, i) => {
      expect(Math.abs(b[i] - value)).toBeLessThan(1e-6 * Math.max(1, Math.abs(value)));
    });
    expect(restored.iterations).toBe(5);
    await expect(restored.setWeights([])).rejects.toThrow('expected [iterations, slots …]');
    await expect(restored.setWeights(weights.slice(0, 2))).rejects.toThrow(/slot ".*" is missing/);
    for (const o of [original, restored]) o.dispose();
    w1.dispose();
  });
});
