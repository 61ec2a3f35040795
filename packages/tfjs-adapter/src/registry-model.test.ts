/**
 * The registry's optimizers in `model.compile` / `model.fit` (tfjs-layers): what a tfjs user
 * gains (AdamW, Lion, Prodigy, Schedule-Free, schedules and clipping) works end to end.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DigitsTensors, loadDigitsTensors, useBackend } from './backends.test-helpers.js';
import { RegistryOptimizer, type RegistryOptimizerOptions, registryOptimizer } from './index.js';

function digitsModel(seed: number): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 32,
        activation: 'relu',
        inputShape: [64],
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      }),
      tfl.layers.dense({
        units: 10,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });
}

/** Each path on the backend where 'auto' takes it: download on cpu, tf-ops on wasm. */
const CASES: Record<'cpu' | 'wasm', [string, RegistryOptimizerOptions][]> = {
  cpu: [['adamw', { path: 'download' }]],
  wasm: [
    ['adamw', { path: 'ops' }],
    ['prodigy', { path: 'ops' }],
    ['schedule-free-adamw', { path: 'ops' }],
    [
      'adam',
      {
        // A larger base rate: the warm-up and the cosine spend most of the 225 steps below it.
        options: { learningRate: 0.005 },
        learningRateSchedule: { kind: 'warmup-cosine', warmupSteps: 20, totalSteps: 225 },
        clipNorm: 5,
        path: 'ops',
      },
    ],
  ],
};

describe.each(['cpu', 'wasm'] as const)(
  'registry optimizers in a tfjs-layers model (%s backend)',
  (backend) => {
    let digits: DigitsTensors;
    beforeAll(async () => {
      await useBackend(backend);
      digits = loadDigitsTensors();
    });
    afterAll(() => digits.dispose());

    it.each(CASES[backend])(
      '%s %j trains the digits well above chance in 5 epochs',
      async (name, options) => {
        const model = digitsModel(3);
        model.compile({
          optimizer: registryOptimizer(name, options),
          loss: 'categoricalCrossentropy',
          metrics: ['accuracy'],
        });
        await model.fit(digits.trainX, digits.trainY, { epochs: 5, batchSize: 32, verbose: 0 });
        const [, accuracy] = model.evaluate(digits.testX, digits.testY) as tf.Scalar[];
        expect(accuracy.dataSync()[0]).toBeGreaterThan(0.8);
        const optimizer = model.optimizer as RegistryOptimizer;
        if (optimizer.optimizer.evaluationSlot !== undefined) {
          // Schedule-Free: evaluated at its average x, the point it is meant to be used at.
          optimizer.useEvaluationPoint();
          const [, atX] = model.evaluate(digits.testX, digits.testY) as tf.Scalar[];
          expect(atX.dataSync()[0]).toBeGreaterThan(0.8);
          optimizer.useTrainingPoint();
        }
        model.optimizer.dispose();
        model.dispose();
      },
      120_000,
    );

    it('model.save with the optimizer and loadLayersModel: the reloaded model trains on from the same state', async () => {
      const x = tf.slice(digits.trainX, [0, 0], [256, 64]);
      const y = tf.slice(digits.trainY, [0, 0], [256, 10]);
      const model = digitsModel(5);
      model.compile({
        optimizer: registryOptimizer('prodigy', { path: 'ops' }),
        loss: 'categoricalCrossentropy',
      });
      await model.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
      let artifacts: tf.io.ModelArtifacts | undefined;
      await model.save(
        tf.io.withSaveHandler(async (saved) => {
          artifacts = saved;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
        { includeOptimizer: true },
      );
      // Loaded in the same process, its variables get tfjs-layers' uniqueness suffix (`_1`).
      const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
      expect(loaded.optimizer.getClassName()).toBe(RegistryOptimizer.className);
      expect((loaded.optimizer as RegistryOptimizer).getConfig()).toEqual(
        model.optimizer.getConfig(),
      );
      expect(loaded.optimizer.iterations).toBe(8);
      for (const m of [model, loaded]) {
        await m.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
      }
      const a = model.getWeights().map((w) => w.dataSync());
      const b = loaded.getWeights().map((w) => w.dataSync());
      a.forEach((values, i) => {
        for (let j = 0; j < values.length; j++) {
          expect(Math.abs(b[i][j] - values[j])).toBeLessThan(1e-5);
        }
      });
      expect(loaded.optimizer.iterations).toBe(16);
      for (const m of [model, loaded]) {
        m.optimizer.dispose();
        m.dispose();
      }
      tf.dispose([x, y]);
    });
  },
);
