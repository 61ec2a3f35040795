import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  type DigitsTensors,
  loadDigitsTensors,
  useBackend,
} from './backends.test-helpers.js';
import { processBalance } from './callbacks.js';
import {
  crossEntropy,
  type DualProcessOptimizer,
  divergence,
  dualProcess,
  predictionEntropy,
  targetEntropy,
} from './index.js';

/** A 64-128-10 MLP with seeded Glorot-uniform weights (so a run is reproducible). */
function digitsModel(seed: number): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 128,
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

function weightsOf(model: tfl.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

describe.each(BACKENDS)('a tfjs-layers model with dualProcess() on the %s backend', (backend) => {
  let digits: DigitsTensors;
  beforeAll(async () => {
    await useBackend(backend);
    digits = loadDigitsTensors();
  });
  afterAll(() => digits.dispose());

  it('reaches ≥ 0.95 test accuracy on the digits with the defaults and records the process balance', async () => {
    const model = digitsModel(7);
    const optimizer = dualProcess();
    model.compile({
      optimizer,
      loss: crossEntropy,
      metrics: ['accuracy', divergence, targetEntropy, predictionEntropy],
    });
    const balance = processBalance({ log: false });
    const epochs = 25;
    await model.fit(digits.trainX, digits.trainY, {
      epochs,
      batchSize: 32,
      verbose: 0,
      callbacks: [balance],
    });
    const [, accuracy] = model.evaluate(digits.testX, digits.testY) as tf.Scalar[];
    expect(accuracy.dataSync()[0]).toBeGreaterThanOrEqual(0.95);

    expect(balance.epochs).toHaveLength(epochs);
    const last = balance.epochs[epochs - 1];
    expect(last.epoch).toBe(epochs);
    expect(last.steps).toBe(Math.ceil(digits.trainX.shape[0] / 32));
    expect(Object.keys(last.perTensor)).toHaveLength(4);
    // In degrees: above π/2 ≈ 1.57, where a radian value would have to stay.
    expect(last.overall.angleDegrees).toBeGreaterThan(Math.PI / 2);
    expect(last.overall.angleDegrees).toBeLessThan(90);
    expect(Math.abs(last.overall.cosine)).toBeLessThanOrEqual(1);
    // One-hot targets: H(p) = 0 and the loss is all divergence (apps/docs/theory.md#dual-processes).
    expect(last.train.targetEntropy).toBe(0);
    expect(last.train.divergence).toBeCloseTo(last.train.loss as number, 4);
    expect(last.train.predictionEntropy).toBeGreaterThan(0);
    // The callback switched telemetry on for fit only.
    expect(optimizer.telemetry).toBe(false);
    model.dispose();
    optimizer.dispose();
    tf.dispose(accuracy);
  });

  it('restores its state through model.save / tf.loadLayersModel and continues exactly as an uninterrupted run', async () => {
    const model = digitsModel(11);
    model.compile({ optimizer: dualProcess(), loss: 'categoricalCrossentropy' });
    const fitOptions = { epochs: 2, batchSize: 64, shuffle: false, verbose: 0 as const };
    await model.fit(digits.trainX, digits.trainY, fitOptions);

    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer: true },
    );
    const specs = saved?.weightSpecs?.filter((s) => s.group === 'optimizer') ?? [];
    expect(specs.map((s) => s.name)).toEqual([
      'iter',
      ...model.trainableWeights.map((w) => `${(w.read() as tf.Variable).name}/delta`),
    ]);

    // The uninterrupted run goes on; the restored copy does the same two epochs.
    await model.fit(digits.trainX, digits.trainY, fitOptions);
    const restored = await tfl.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    const optimizer = restored.optimizer as DualProcessOptimizer;
    expect(optimizer.getClassName()).toBe('DualProcess');
    expect(optimizer.iterations).toBe(2 * Math.ceil(digits.trainX.shape[0] / 64));
    // Loaded names carry a uniqueness suffix (`…/kernel_1`): slots still match by name.
    expect((restored.trainableWeights[0].read() as tf.Variable).name).not.toBe(
      (model.trainableWeights[0].read() as tf.Variable).name,
    );
    await restored.fit(digits.trainX, digits.trainY, fitOptions);

    const expected = weightsOf(model);
    const actual = weightsOf(restored);
    for (const [i, w] of expected.entries()) expect(Array.from(actual[i])).toEqual(Array.from(w));
    // A restart without the optimizer state (Δw = 0) would not match.
    const fresh = await tfl.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    fresh.compile({ optimizer: dualProcess(), loss: 'categoricalCrossentropy' });
    await fresh.fit(digits.trainX, digits.trainY, fitOptions);
    expect(Array.from(weightsOf(fresh)[0])).not.toEqual(Array.from(expected[0]));
    for (const m of [model, restored, fresh]) {
      (m.optimizer as DualProcessOptimizer).dispose();
      m.dispose();
    }
  });
});

describe('the fused update inside fit', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('trains to the same weights bit for bit as the tfjs ops', async () => {
    const digits = loadDigitsTensors();
    const runs = [];
    for (const fused of [false, true] as const) {
      const optimizer = dualProcess({ fused });
      await optimizer.ready();
      const model = digitsModel(13);
      model.compile({ optimizer, loss: 'categoricalCrossentropy' });
      await model.fit(digits.trainX, digits.trainY, {
        epochs: 1,
        batchSize: 64,
        shuffle: false,
        verbose: 0,
      });
      expect(optimizer.updatePath).toBe(fused ? 'fused' : 'tfjs');
      runs.push(weightsOf(model));
      model.dispose();
      optimizer.dispose();
    }
    for (const [i, w] of runs[0].entries()) expect(Array.from(runs[1][i])).toEqual(Array.from(w));
    digits.dispose();
  });
});

describe('processBalance()', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('refuses a model compiled with another optimizer, naming it', async () => {
    const model = digitsModel(3);
    model.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'categoricalCrossentropy' });
    const x = tf.zeros([4, 64]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10);
    await expect(
      model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [processBalance({ log: false })] }),
    ).rejects.toThrow(/must be compiled with dualProcess\(\).*got Momentum/);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('stops fit after a step with a non-finite gradient and says where', async () => {
    const model = digitsModel(9);
    model.compile({ optimizer: dualProcess(), loss: 'meanSquaredError' });
    const x = tf.tidy(() => tf.concat([tf.ones([8, 64]), tf.fill([8, 64], Number.NaN)]));
    const y = tf.zeros([16, 10]);
    const lines: string[] = [];
    const balance = processBalance({ log: (line) => lines.push(line) });
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 8,
      shuffle: false,
      verbose: 0,
      callbacks: [balance],
    });
    expect(balance.diverged).toMatchObject({ epoch: 1, batch: 1 });
    expect(balance.diverged?.variable).toMatch(/kernel|bias/);
    expect(history.epoch).toHaveLength(1);
    expect(lines[0]).toMatch(/stopping at epoch 1, batch 1: ".*" has ‖G‖ = NaN/);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('logs one line per epoch', async () => {
    const model = digitsModel(5);
    model.compile({ optimizer: dualProcess(), loss: crossEntropy, metrics: [divergence] });
    const x = tf.randomUniform([16, 64], 0, 1, 'float32', 1);
    const y = tf.oneHot(
      tf.tensor1d(
        [...Array(16).keys()].map((i) => i % 10),
        'int32',
      ),
      10,
    );
    const lines: string[] = [];
    const balance = processBalance({ log: (line) => lines.push(line) });
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 8,
      validationSplit: 0.25,
      verbose: 0,
      callbacks: [balance],
    });
    expect(lines).toHaveLength(2);
    expect(balance.epochs[1].validation.divergence).toBeGreaterThan(0);
    expect(balance.epochs[1].validation.loss).toBeCloseTo(
      balance.epochs[1].validation.divergence as number,
      4,
    );
    expect(balance.epochs[1].train.targetEntropy).toBeUndefined();
    expect(lines[1]).toMatch(
      /^epoch 2 {2}θ \d+\.\d° \(45° = balance\) {2}cos -?\d\.\d{3} .* KL \d/,
    );
    model.dispose();
    tf.dispose([x, y]);
  });
});
