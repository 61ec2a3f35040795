/**
 * Training with the matrix products split across worker threads: the weights are
 * bit-identical whatever the thread count, so a checkpoint written on one count resumes
 * exactly on another.
 */
import { availableParallelism } from 'node:os';
import { loadKernels } from '@dualphi/core-wasm';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoints/checkpoint.js';
import { adamw, dualProcess, momentum } from '../optimizers/index.js';
import { blobSplit } from './synthetic.test-helpers.js';
import { train } from './train.js';
import type { EpochMetrics, TrainOptions, TrainResult } from './types.js';

// Layers wide enough that most products of a step are split (≥ 2¹⁸ multiply-adds), with edges
// that are not multiples of the 4 × 8 tile.
const data = blobSplit(420, 60, 133, 7, 3, 0.8);
const base = (): TrainOptions => ({
  data,
  hidden: [71, 45],
  epochs: 3,
  batchSize: 60,
  seed: 3,
  optimizer: dualProcess({ learningRate: 0.05 }),
});

/** The weights as bit patterns (so −0 and +0, or two NaNs, are told apart). */
const weightsOf = (result: TrainResult) =>
  Object.entries(result.model.getWeights()).map(([name, w]) => [
    name,
    Array.from(new Uint32Array(Float32Array.from(w).buffer)),
  ]);
const withoutTime = (m: EpochMetrics) => ({ ...m, seconds: 0, samplesPerSecond: 0 });

describe('train({ threads })', () => {
  it('gives bit-identical weights and metrics on 1, 2 and 3 threads', async () => {
    const one = await train({ ...base(), threads: 1 });
    const two = await train({ ...base(), threads: 2 });
    const three = await train({ ...base(), threads: 3 });
    expect(weightsOf(two)).toEqual(weightsOf(one));
    expect(weightsOf(three)).toEqual(weightsOf(one));
    expect(two.epochs.map(withoutTime)).toEqual(one.epochs.map(withoutTime));
    expect(three.epochs.map(withoutTime)).toEqual(one.epochs.map(withoutTime));
  });

  it('resumes a checkpoint written on 2 threads exactly on 1 and on 3', async () => {
    const full = await train({ ...base(), threads: 1 });
    const controller = new AbortController();
    const partial = await train({
      ...base(),
      threads: 2,
      signal: controller.signal,
      onBatch: (e) => {
        if (e.epoch === 2 && e.batch === 3) controller.abort();
      },
    });
    expect(partial.aborted).toBe(true);
    const bytes = encodeCheckpoint(partial.checkpoint());
    for (const threads of [1, 3]) {
      const resumed = await train({ data, threads, resume: decodeCheckpoint(bytes) });
      expect(weightsOf(resumed)).toEqual(weightsOf(full));
      expect(resumed.epochs.map(withoutTime)).toEqual(full.epochs.map(withoutTime));
    }
  });

  it('splits the updates of a layer past the update split size identically (dualProcess, momentum, AdamW)', async () => {
    // 133 × 140 = 18 620 weights: the update is split by element ranges (≥ 16 384), the
    // heavy ball's process terms by 4096-element chunks.
    for (const optimizer of [
      dualProcess({ learningRate: 0.05 }),
      momentum({ learningRate: 0.02, momentum: 0.9, nesterov: true }),
      adamw({ learningRate: 1e-3, weightDecay: 0.01 }),
    ]) {
      const options = { ...base(), hidden: [140], epochs: 2, optimizer };
      const one = await train({ ...options, threads: 1 });
      const name = optimizer.toConfig().name;
      for (const threads of [2, 3]) {
        const other = await train({ ...options, threads });
        expect(weightsOf(other), `${name} on ${threads} threads`).toEqual(weightsOf(one));
        expect(other.epochs.map(withoutTime), name).toEqual(one.epochs.map(withoutTime));
      }
    }
  });

  it('resumes on 1 thread exactly a checkpoint written on 2 with split updates', async () => {
    const options = { ...base(), hidden: [140] };
    const full = await train({ ...options, threads: 1 });
    const controller = new AbortController();
    const partial = await train({
      ...options,
      threads: 2,
      signal: controller.signal,
      onBatch: (e) => {
        if (e.epoch === 2 && e.batch === 4) controller.abort();
      },
    });
    expect(partial.aborted).toBe(true);
    const resumed = await train({
      data,
      threads: 1,
      resume: decodeCheckpoint(encodeCheckpoint(partial.checkpoint())),
    });
    expect(weightsOf(resumed)).toEqual(weightsOf(full));
    expect(resumed.epochs.map(withoutTime)).toEqual(full.epochs.map(withoutTime));
  });

  it('trains on kernels passed in with their own thread count', async () => {
    const kernels = await loadKernels({ threads: 2 });
    const passed = await train({ ...base(), kernels });
    const one = await train({ ...base(), threads: 1 });
    expect(weightsOf(passed)).toEqual(weightsOf(one));
    passed.model.dispose();
    await kernels.close();
  });

  it('refuses a thread count out of range, a wrong type, and threads with kernels', async () => {
    const most = availableParallelism() * 4;
    await expect(train({ ...base(), threads: 0 })).rejects.toThrow(
      new RangeError(
        `train: "threads" must be 'auto' or a whole number from 1 to ${most} (4 × the ${availableParallelism()} available cores); got 0`,
      ),
    );
    await expect(train({ ...base(), threads: most + 1 })).rejects.toThrow(RangeError);
    await expect(train({ ...base(), threads: '2' as unknown as number })).rejects.toThrow(
      /got '2'/,
    );
    const kernels = await loadKernels();
    await expect(train({ ...base(), threads: 2, kernels })).rejects.toThrow(
      /give "threads" or "kernels", not both/,
    );
  });
});
