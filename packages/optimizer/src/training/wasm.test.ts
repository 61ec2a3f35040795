/**
 * The training engine on the SIMD WebAssembly kernels (`loadKernels()`), held to the
 * TypeScript reference: the same network gives the same gradients up to f32 rounding, and
 * runs on wasm are deterministic and resume exactly, like those on the reference.
 */

import type { Kernels } from '@dualphi/core-wasm';
import { kernelBuildNames, loadKernels, relaxedSimdSupported } from '@dualphi/core-wasm';
import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoints/checkpoint.js';
import { loadDigits } from '../data/index.js';
import { getDefaultKernels } from '../kernels.js';
import { createMlp } from '../network/mlp.js';
import { Random } from '../network/random.js';
import { blobSplit } from './synthetic.test-helpers.js';
import { train } from './train.js';
import type { TrainOptions } from './types.js';

let wasm: Kernels;
beforeAll(async () => {
  wasm = await loadKernels();
});

/** Gradients of one batch's mean cross-entropy for a 37-29-13-7 tanh/relu network. */
function gradients(kernels: Kernels, activation: 'relu' | 'tanh', rows: number): Float32Array[] {
  const model = createMlp({
    inputSize: 37,
    hidden: [29, 13],
    outputSize: 7,
    activation,
    seed: 9,
    kernels,
  });
  const random = Random.fromSeed(4);
  const input = kernels.allocFrom(
    Float32Array.from({ length: rows * 37 }, () => 2 * random.nextFloat() - 1),
  );
  const labels = Int32Array.from({ length: rows }, () => random.nextInt(7));
  const logits = model.forward(input, rows);
  kernels.softmaxCrossEntropy(logits, { labels }, rows, 7, { gradient: logits });
  const buffers = model.parameters().map((p) => kernels.alloc(p.value.length));
  model.backward(logits, rows, buffers);
  const copies = buffers.map((b) => b.view.slice(0, b.length));
  for (const b of [...buffers, input]) b.free();
  model.dispose();
  return copies;
}

describe('training on the wasm kernels', () => {
  it('back-propagates the same gradients as the reference kernels (f32 rounding apart)', () => {
    const reference = createReferenceKernels();
    for (const activation of ['relu', 'tanh'] as const) {
      for (const rows of [1, 5, 33]) {
        const expected = gradients(reference, activation, rows);
        const actual = gradients(wasm, activation, rows);
        expected.forEach((values, t) => {
          const scale = Math.max(...values.map(Math.abs));
          for (let i = 0; i < values.length; i++) {
            expect(Math.abs(actual[t][i] - values[i])).toBeLessThanOrEqual(1e-5 * scale + 1e-7);
          }
        });
      }
    }
  });

  it('is deterministic and resumes mid-epoch exactly', async () => {
    const options = (): TrainOptions => ({
      data: blobSplit(100, 40, 5, 3, 7),
      hidden: [8],
      batchSize: 32,
      epochs: 3,
      seed: 5,
      kernels: wasm,
    });
    const full = await train(options());
    const again = await train(options());
    expect(again.model.getWeights()).toEqual(full.model.getWeights());
    const controller = new AbortController();
    const partial = await train({
      ...options(),
      signal: controller.signal,
      onBatch: (e) => {
        if (e.epoch === 2 && e.batch === 1) controller.abort();
      },
    });
    const resumed = await train({
      data: options().data,
      kernels: wasm,
      resume: decodeCheckpoint(encodeCheckpoint(partial.checkpoint())),
    });
    expect(resumed.model.getWeights()).toEqual(full.model.getWeights());
    for (const r of [full, again, partial, resumed]) r.model.dispose();
  });

  it('uses the shared wasm kernels when no kernels are given', async () => {
    const result = await train({ data: blobSplit(40, 10, 5, 3, 1), hidden: [4], epochs: 1 });
    expect(result.model.kernels.name).toBe(
      kernelBuildNames[relaxedSimdSupported() ? 'relaxed-simd' : 'simd128'],
    );
    expect(result.model.kernels).toBe(await getDefaultKernels());
    result.model.dispose();
  });

  it('learns the digits (≥ 0.88 after 5 epochs, as on the reference)', async () => {
    const result = await train({
      data: loadDigits(),
      hidden: [128],
      batchSize: 32,
      epochs: 5,
      seed: 0,
      kernels: wasm,
    });
    expect(result.final.testAccuracy).toBeGreaterThanOrEqual(0.88);
    result.model.dispose();
  });
});
