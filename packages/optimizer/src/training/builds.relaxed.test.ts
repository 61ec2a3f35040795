/**
 * Training on the relaxed-SIMD kernel build (run in the vitest project that enables relaxed
 * SIMD: Node 20 with --experimental-wasm-relaxed-simd). Within the build, results are exact
 * as on SIMD128: bit-identical across thread counts, and a checkpoint resumes exactly.
 */
import { relaxedSimdSupported } from '@dualphi/core-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoints/checkpoint.js';
import { dualProcess } from '../optimizers/index.js';
import { blobSplit } from './synthetic.test-helpers.js';
import { train } from './train.js';
import type { EpochMetrics, TrainOptions, TrainResult } from './types.js';

// Wide enough that most products of a step are split across two threads.
const data = blobSplit(420, 60, 133, 7, 3, 0.8);
const base = (): TrainOptions => ({
  data,
  hidden: [71, 45],
  epochs: 3,
  batchSize: 60,
  seed: 3,
  optimizer: dualProcess({ learningRate: 0.05 }),
  build: 'relaxed-simd',
});
const weightsOf = (result: TrainResult) =>
  Object.entries(result.model.getWeights()).map(([name, w]) => [
    name,
    Array.from(new Uint32Array(Float32Array.from(w).buffer)),
  ]);
const withoutTime = (m: EpochMetrics) => ({ ...m, seconds: 0, samplesPerSecond: 0 });

describe("train({ build: 'relaxed-simd' })", () => {
  beforeAll(() => {
    expect(relaxedSimdSupported(), 'this project runs with relaxed SIMD enabled').toBe(true);
  });

  it('is the default where relaxed SIMD is available, and SIMD128 stays available by name', async () => {
    const { build: _, ...auto } = base();
    const byDefault = await train({ ...auto, epochs: 1 });
    expect(byDefault.model.kernels.name).toBe('wasm-relaxed-simd');
    const plain = await train({ ...auto, epochs: 1, build: 'simd128' });
    expect(plain.model.kernels.name).toBe('wasm-simd');
  });

  it('gives bit-identical weights and metrics on 1 and 2 threads', async () => {
    const one = await train({ ...base(), threads: 1 });
    const two = await train({ ...base(), threads: 2 });
    expect(one.model.kernels.name).toBe('wasm-relaxed-simd');
    expect(weightsOf(two)).toEqual(weightsOf(one));
    expect(two.epochs.map(withoutTime)).toEqual(one.epochs.map(withoutTime));
  });

  it('resumes a checkpoint written on the relaxed build exactly on it (1 and 2 threads)', async () => {
    const full = await train(base());
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
    for (const threads of [1, 2]) {
      const resumed = await train({
        data,
        threads,
        build: 'relaxed-simd',
        resume: decodeCheckpoint(bytes),
      });
      expect(weightsOf(resumed)).toEqual(weightsOf(full));
      expect(resumed.epochs.map(withoutTime)).toEqual(full.epochs.map(withoutTime));
    }
  });
});
