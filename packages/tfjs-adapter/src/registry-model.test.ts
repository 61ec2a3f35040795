/**
 * The registry's optimizers in `model.compile` / `model.fit` (tfjs-layers): what a tfjs user
 * gains (AdamW, Lion, Prodigy, Schedule-Free, schedules and clipping) works end to end.
 */
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DigitsTensors, loadDigitsTensors, useBackend } from './backends.test-helpers.js';
import { registryOptimizer } from './index.js';

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

describe('registry optimizers in a tfjs-layers model (cpu backend)', () => {
  let digits: DigitsTensors;
  beforeAll(async () => {
    await useBackend('cpu');
    digits = loadDigitsTensors();
  });
  afterAll(() => digits.dispose());

  it.each([
    ['adamw', {}],
    ['prodigy', {}],
    ['schedule-free-adamw', {}],
    [
      'adam',
      {
        // A larger base rate: the warm-up and the cosine spend most of the 225 steps below it.
        options: { learningRate: 0.005 },
        learningRateSchedule: { kind: 'warmup-cosine', warmupSteps: 20, totalSteps: 225 },
        clipNorm: 5,
      },
    ],
  ] as const)(
    '%s trains the digits well above chance in 5 epochs',
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
      model.optimizer.dispose();
      model.dispose();
    },
    120_000,
  );
});
