import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoints/checkpoint.js';
import type { Checkpoint } from '../checkpoints/types.js';
import { adam, dualProcess, sgd } from '../optimizers/index.js';
import { TrainingDivergedError } from './errors.js';
import { blobSplit } from './synthetic.test-helpers.js';
import { train } from './train.js';
import type { BatchEvent, EpochMetrics, TrainOptions, TrainResult } from './types.js';

const kernels = createReferenceKernels();
// 100 samples in batches of 32: three full batches and a partial one of 4.
const data = blobSplit(100, 40, 5, 3, 7);
const base = (): TrainOptions => ({
  data,
  hidden: [8],
  batchSize: 32,
  epochs: 4,
  seed: 1,
  kernels,
});

/** The largest finite f32: a learning rate the optimizer accepts that still overflows a step. */
const F32_MAX = 3.4028234663852886e38;
/** The same blobs with features × 1000: gradients above 1, so η = F32_MAX overflows them. */
const loud = {
  train: { ...data.train, features: data.train.features.map((x) => x * 1000) },
  test: { ...data.test, features: data.test.features.map((x) => x * 1000) },
};

const weightsOf = (result: TrainResult) => result.model.getWeights();
const withoutTime = (m: EpochMetrics) => ({ ...m, seconds: 0, samplesPerSecond: 0 });

describe('train', () => {
  it('learns the blobs and reports per-epoch metrics and batch events', async () => {
    const batches: BatchEvent[] = [];
    const epochs: EpochMetrics[] = [];
    const result = await train({
      ...base(),
      epochs: 15,
      onBatch: (e) => batches.push(e),
      onEpoch: (m) => epochs.push(m),
    });
    expect(result.aborted).toBe(false);
    expect(result.epochs).toHaveLength(15);
    expect(epochs).toEqual(result.epochs);
    expect(batches).toHaveLength(15 * 4);
    expect(batches[3]).toMatchObject({ epoch: 1, batch: 4, batches: 4, samplesSeen: 100 });
    const last = result.epochs[14];
    expect(last.testAccuracy).toBeGreaterThan(0.9);
    expect(last.testLoss).toBeLessThan(result.epochs[0].testLoss);
    // One-hot targets: H(p) = 0 and the cross-entropy is all divergence (apps/docs/theory.md#dual-processes).
    expect(last.entropy).toBe(0);
    expect(last.divergence).toBeCloseTo(last.testLoss, 6);
    // dualProcess reports the process balance; the angle lies in (0°, 90°), and it is in
    // degrees (a radian value would stay below π/2 ≈ 1.57).
    expect(last.balanceDegrees).toBeGreaterThan(Math.PI / 2);
    expect(last.balanceDegrees).toBeLessThan(90);
    expect(result.final.testAccuracy).toBe(last.testAccuracy);
    expect(result.config).toMatchObject({
      network: { inputSize: 5, hidden: [8], outputSize: 3, activation: 'relu' },
      optimizer: { name: 'dualProcess' },
      epochs: 15,
      batchSize: 32,
      seed: 1,
      labelSmoothing: 0,
      data: { train: { count: 100 }, test: { count: 40 } },
    });
    expect(JSON.parse(JSON.stringify(result.config))).toEqual(result.config);
    result.model.dispose();
  });

  it('weights each batch by its rows in trainLoss (the partial last batch counts for 4 of 100)', async () => {
    // The batch losses of the training steps (the calls that ask for a gradient).
    const steps: { loss: number; rows: number }[] = [];
    const watched: typeof kernels = Object.create(kernels);
    watched.softmaxCrossEntropy = (logits, targets, rows, classes, outputs) => {
      const result = kernels.softmaxCrossEntropy(logits, targets, rows, classes, outputs);
      if (outputs?.gradient) steps.push({ loss: result.crossEntropy, rows });
      return result;
    };
    const result = await train({ ...base(), epochs: 1, kernels: watched });
    expect(steps.map((s) => s.rows)).toEqual([32, 32, 32, 4]);
    const perSample = steps.reduce((sum, s) => sum + s.loss * s.rows, 0) / 100;
    const perBatch = steps.reduce((sum, s) => sum + s.loss, 0) / steps.length;
    expect(perSample).not.toBeCloseTo(perBatch, 6);
    expect(result.epochs[0].trainLoss).toBeCloseTo(perSample, 12);
    result.model.dispose();
  });

  it('gives bit-identical weights for the same seed, data and settings', async () => {
    const a = await train(base());
    const b = await train(base());
    const c = await train({ ...base(), seed: 2 });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(weightsOf(a)).not.toEqual(weightsOf(c));
    for (const r of [a, b, c]) r.model.dispose();
  });

  it('does not leak kernel memory (only the returned model stays allocated)', async () => {
    const k = createReferenceKernels();
    const result = await train({ ...base(), kernels: k, labelSmoothing: 0.1 });
    result.model.dispose();
    expect(k.allocatedBytes()).toBe(0);
  });

  it('resumes after epoch k to exactly the uninterrupted weights (through encode/decode)', async () => {
    const full = await train(base());
    const firstHalf = await train({ ...base(), epochs: 2 });
    const bytes = encodeCheckpoint(firstHalf.checkpoint());
    const resumed = await train({ data, kernels, epochs: 4, resume: decodeCheckpoint(bytes) });
    expect(weightsOf(resumed)).toEqual(weightsOf(full));
    expect(resumed.epochs.map(withoutTime)).toEqual(full.epochs.map(withoutTime));
    expect(resumed.checkpoint().optimizerState).toEqual(full.checkpoint().optimizerState);
    for (const r of [full, firstHalf, resumed]) r.model.dispose();
  });

  it('stops on an AbortSignal mid-epoch and resumes from that exact point', async () => {
    const full = await train({ ...base(), labelSmoothing: 0.1 });
    const controller = new AbortController();
    const partial = await train({
      ...base(),
      labelSmoothing: 0.1,
      signal: controller.signal,
      onBatch: (e) => {
        if (e.epoch === 2 && e.batch === 2) controller.abort();
      },
    });
    expect(partial.aborted).toBe(true);
    const checkpoint = partial.checkpoint();
    expect(checkpoint).toMatchObject({ epoch: 1, batch: 2 });
    expect(checkpoint.order).toHaveLength(100);
    const resumed = await train({
      data,
      kernels,
      resume: decodeCheckpoint(encodeCheckpoint(checkpoint)),
    });
    expect(resumed.aborted).toBe(false);
    expect(weightsOf(resumed)).toEqual(weightsOf(full));
    expect(resumed.epochs.map(withoutTime)).toEqual(full.epochs.map(withoutTime));
    for (const r of [full, partial, resumed]) r.model.dispose();
  });

  it('resumes exactly after an abort at an epoch boundary and with a baseline optimizer', async () => {
    const full = await train({ ...base(), optimizer: adam({ learningRate: 0.01 }) });
    const controller = new AbortController();
    const partial = await train({
      ...base(),
      optimizer: adam({ learningRate: 0.01 }),
      signal: controller.signal,
      onEpoch: (m) => {
        if (m.epoch === 3) controller.abort();
      },
    });
    expect(partial.aborted).toBe(true);
    expect(partial.checkpoint()).toMatchObject({ epoch: 3, batch: 0 });
    expect(Number.isNaN(partial.epochs[0].balanceDegrees)).toBe(true);
    const decoded = decodeCheckpoint(encodeCheckpoint(partial.checkpoint()));
    expect(Number.isNaN(decoded.history[0].balanceDegrees)).toBe(true);
    const resumed = await train({ data, kernels, resume: decoded });
    expect(weightsOf(resumed)).toEqual(weightsOf(full));
    for (const r of [full, partial, resumed]) r.model.dispose();
  });

  it('yields to the event loop so a timer can abort a long run', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    const result = await train({
      ...base(),
      epochs: 100_000,
      signal: controller.signal,
      yieldEvery: 1,
    });
    expect(result.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    result.model.dispose();
  });

  it('reports label smoothing as entropy + divergence', async () => {
    const result = await train({ ...base(), labelSmoothing: 0.2, epochs: 2 });
    const m = result.epochs[1];
    expect(m.entropy).toBeGreaterThan(0);
    expect(m.entropy + m.divergence).toBeCloseTo(m.testLoss, 5);
    result.model.dispose();
  });

  it('stops with TrainingDivergedError (epoch, batch, step, last good state) instead of training on', async () => {
    let error: unknown;
    try {
      await train({ ...base(), epochs: 50, optimizer: sgd({ learningRate: 1e30 }) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const diverged = error as TrainingDivergedError;
    expect(diverged.message).toMatch(/diverged at epoch \d+, batch \d+ \(step \d+\)/);
    expect(diverged.epoch).toBeGreaterThanOrEqual(1);
    expect(diverged.step).toBe((diverged.epoch - 1) * 4 + diverged.batch);
    const lastGood: Checkpoint = diverged.lastGood;
    // The last good state has finite parameters and is a valid, resumable checkpoint.
    for (const values of Object.values(lastGood.weights))
      expect(values.every(Number.isFinite)).toBe(true);
    expect(decodeCheckpoint(encodeCheckpoint(lastGood))).toMatchObject({
      epoch: lastGood.epoch,
      batch: lastGood.batch,
    });
  });

  it('handles softmax regression (no hidden layer), tanh, and a batch larger than the data', async () => {
    const linear = await train({ ...base(), hidden: [], epochs: 30, batchSize: 8 });
    expect(linear.model.layers).toHaveLength(1);
    expect(linear.final.testAccuracy).toBeGreaterThan(0.9);
    const tanh = await train({
      ...base(),
      activation: 'tanh',
      hidden: [6, 5],
      epochs: 30,
      batchSize: 8,
    });
    expect(tanh.final.testAccuracy).toBeGreaterThan(0.9);
    const batches: number[] = [];
    const whole = await train({
      ...base(),
      // Any size beyond the data is one batch per epoch (the buffers used to be this large).
      batchSize: Number.MAX_SAFE_INTEGER,
      epochs: 2,
      onBatch: (e) => batches.push(e.batches),
    });
    expect(batches).toEqual([1, 1]);
    for (const r of [linear, tanh, whole]) r.model.dispose();
  });

  it('falls back to the start of the epoch when the parameters themselves overflowed', async () => {
    // η near the largest f32 times gradients > 1 (features × 1000): the first step turns the
    // weights into ±∞/NaN. (η = Number.MAX_VALUE, ∞ in f32, is refused by the optimizer now.)
    const error = await train({
      ...base(),
      data: loud,
      optimizer: sgd({ learningRate: F32_MAX }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const diverged = error as TrainingDivergedError;
    expect(diverged).toMatchObject({ epoch: 1, batch: 2, step: 2 });
    expect(diverged.message).toMatch(/error.lastGood holds the start of epoch 1/);
    expect(diverged.lastGood).toMatchObject({ epoch: 0, batch: 0 });
    const initial = await train({ ...base(), epochs: 1, signal: AbortSignal.abort() });
    expect(initial.aborted).toBe(true);
    expect(diverged.lastGood.weights).toEqual(initial.checkpoint().weights);
    initial.model.dispose();
  });

  it('stops when the last step of an epoch overflows the parameters (no later step sees it)', async () => {
    // One batch per epoch and one epoch: the only step overflows the parameters while its
    // loss and gradient are finite. Before, the run "finished" with ±∞/NaN weights; with more
    // epochs, the next epoch's start (non-finite) was offered as the last good state.
    const error = await train({
      ...base(),
      data: loud,
      batchSize: 100,
      epochs: 1,
      optimizer: sgd({ learningRate: F32_MAX }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const diverged = error as TrainingDivergedError;
    expect(diverged).toMatchObject({ epoch: 1, batch: 1, step: 1, quantity: 'parameters' });
    expect(diverged.message).toMatch(
      /the parameter norm is (NaN|Infinity)\. .*error.lastGood holds the state just before this step/,
    );
    expect(diverged.lastGood).toMatchObject({ epoch: 0, batch: 0, history: [] });
    for (const values of Object.values(diverged.lastGood.weights))
      expect(values.every(Number.isFinite)).toBe(true);
    const initial = await train({ ...base(), epochs: 1, signal: AbortSignal.abort() });
    expect(diverged.lastGood.weights).toEqual(initial.checkpoint().weights);
    initial.model.dispose();
  });

  it("stops when only the optimizer's state overflowed, with a last good state that is finite", async () => {
    // Features of 1e21: the gradient (≈ 1e21) is finite but its square overflows f32, so Adam's
    // second moment becomes ∞ while its step m / √v is 0 and the parameters stay finite.
    // Before, the run "finished" and its checkpoint carried ∞ slots into every resume.
    const scale = (set: typeof data.train) => ({
      ...set,
      features: set.features.map((x) => x * 1e21),
    });
    const huge = { train: scale(data.train), test: scale(data.test) };
    const error = await train({
      ...base(),
      data: huge,
      hidden: [],
      epochs: 3,
      optimizer: adam(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const diverged = error as TrainingDivergedError;
    expect(diverged.quantity).toBe('optimizer state');
    expect(diverged.message).toMatch(/the norm of the optimizer's state is (NaN|Infinity)/);
    const { lastGood } = diverged;
    for (const values of [
      ...Object.values(lastGood.weights),
      ...Object.values(lastGood.optimizerState.slots),
    ]) {
      expect(values.every(Number.isFinite)).toBe(true);
    }
    expect(decodeCheckpoint(encodeCheckpoint(lastGood))).toMatchObject({ epoch: lastGood.epoch });
  });

  it('stops on a non-finite gradient with a finite loss, before the update, with the state just before', async () => {
    // Kernels whose fifth column sum (the output bias gradient of step 3: two per step) holds
    // one NaN or +∞: the loss stays finite, only the gradient check can see it.
    for (const [poison, shown] of [
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
    ] as const) {
      let sums = 0;
      const poisoned: typeof kernels = {
        ...kernels,
        columnSums(x, out, rows, cols, options) {
          kernels.columnSums(x, out, rows, cols, options);
          if (++sums === 5) out.view[cols - 1] = poison;
        },
      };
      const error = await train({ ...base(), kernels: poisoned }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TrainingDivergedError);
      const diverged = error as TrainingDivergedError;
      expect(diverged).toMatchObject({ epoch: 1, batch: 3, step: 3, quantity: 'gradient' });
      expect(diverged.message).toContain(`is ${shown}. `);
      expect(diverged.message).toContain('error.lastGood holds the state just before this step');
      // The update of step 3 was not applied: the last good state is the one after step 2.
      const controller = new AbortController();
      const two = await train({
        ...base(),
        signal: controller.signal,
        onBatch: (e) => {
          if (e.batch === 2) controller.abort();
        },
      });
      expect(diverged.lastGood).toMatchObject({ epoch: 0, batch: 2 });
      expect(diverged.lastGood.weights).toEqual(two.checkpoint().weights);
      expect(diverged.lastGood.optimizerState).toEqual(two.checkpoint().optimizerState);
      two.model.dispose();
    }
  });

  it('validates its options with clear errors', async () => {
    const bad = async (options: Partial<TrainOptions>, message: RegExp) =>
      expect(train({ ...base(), ...options })).rejects.toThrow(message);
    await bad({ epochs: 0 }, /"epochs" must be a positive integer, got 0/);
    await bad({ batchSize: 2.5 }, /"batchSize" must be a positive integer, got 2.5/);
    await bad({ hidden: [4, 0] }, /"hidden\[1\]" must be a positive integer, got 0/);
    await bad({ labelSmoothing: 1 }, /"labelSmoothing" must be in \[0, 1\), got 1/);
    await bad({ activation: 'gelu' as never }, /"activation" must be 'relu' or 'tanh'/);
    await bad({ seed: -1 }, /"seed" must be a non-negative integer/);
    // Ignored without a word before: the rate belongs to the optimizer.
    await bad(
      { learningRate: 0.5 } as never,
      /"learningRate" is not an option of train \(allowed: data, .*\); learning rates and momentum are options of the optimizer/,
    );
    await bad({ onEpoch: 5 as never }, /train: "onEpoch" must be a function, got 5/);
    await bad({ signal: 5 as never }, /train: "signal" must be an AbortSignal, got 5/);
    await bad({ kernels: {} as never }, /train: "kernels" must be a kernel set/);
    const wrongFeatures = blobSplit(20, 10, 4, 3, 1);
    await bad(
      { data: { train: data.train, test: wrongFeatures.test } },
      /data.train has 5 features, data.test 4/,
    );
    const badLabels = {
      ...data.train,
      labels: data.train.labels.map((l, i) => (i === 17 ? 3 : l)),
    };
    await bad(
      { data: { train: badLabels, test: data.test } },
      /data.train.labels\[17\] is 3, not a class index in \[0, 3\)/,
    );
    const nanFeatures = {
      ...data.train,
      features: data.train.features.map((x, i) => (i === 12 ? Number.NaN : x)),
    };
    await bad({ data: { train: nanFeatures, test: data.test } }, /row 2, feature 2 is NaN/);
    // A stray huge class count fails here instead of exhausting memory (dense K × K confusion).
    const manyClasses = { ...data.train, classCount: 1_000_000 };
    await bad(
      { data: { train: manyClasses, test: { ...data.test, classCount: 1_000_000 } } },
      /data.train.classCount must be in \[2, 4096\], got 1000000/,
    );
    await bad(
      { data: { train: { ...data.train, classCount: 1 }, test: data.test } },
      /data.train.classCount must be in \[2, 4096\], got 1 \(a classifier needs at least two classes\)/,
    );
    const short = { ...data.train, features: data.train.features.subarray(1) };
    await bad({ data: { train: short, test: data.test } }, /data.train.features has 499 values/);
  });

  it('rejects resuming with settings that disagree with the checkpoint', async () => {
    const first = await train({ ...base(), epochs: 1 });
    const resume = first.checkpoint();
    await expect(train({ data, kernels, resume, batchSize: 16 })).rejects.toThrow(
      /"batchSize" is 16 but the checkpoint was trained with 32/,
    );
    await expect(train({ data, kernels, resume, optimizer: dualProcess() })).resolves.toBeDefined();
    await expect(
      train({ data, kernels, resume, optimizer: sgd({ learningRate: 0.1 }) }),
    ).rejects.toThrow(/trained with dualProcess, not sgd/);
    const other = blobSplit(60, 10, 5, 3, 1);
    await expect(train({ data: other, kernels, resume })).rejects.toThrow(/trained on 100 samples/);
    first.model.dispose();
  });

  it('rejects resuming with an optimizer whose hyper-parameters differ, naming each with both values', async () => {
    const first = await train({ ...base(), epochs: 1, optimizer: dualProcess({ rounded: true }) });
    const resume = first.checkpoint();
    first.model.dispose();
    // Same name, other constants: the golden η and α instead of the papers' rounded ones.
    const call = train({ data, kernels, resume, optimizer: dualProcess() });
    await expect(call).rejects.toThrow(RangeError);
    await expect(call).rejects.toThrow(
      `"learningRate" is ${dualProcess().hyperParameters.learningRate} but the checkpoint has 0.016; "momentum" is ${dualProcess().hyperParameters.momentum} but the checkpoint has 0.874`,
    );
    await expect(
      train({ data, kernels, resume, optimizer: dualProcess({ rounded: true, telemetry: false }) }),
    ).rejects.toThrow(/"telemetry" is false but the checkpoint has true/);
    // The checkpoint's own configuration, given explicitly, resumes.
    const same = await train({
      data,
      kernels,
      resume,
      epochs: 2,
      optimizer: dualProcess({ rounded: true }),
    });
    expect(same.epochs).toHaveLength(2);
    same.model.dispose();
    const adamRun = await train({ ...base(), epochs: 1, optimizer: adam() });
    await expect(
      train({ data, kernels, resume: adamRun.checkpoint(), optimizer: adam({ beta2: 0.99 }) }),
    ).rejects.toThrow(/"beta2" is 0.99 but the checkpoint has 0.999/);
    adamRun.model.dispose();
  });
});
