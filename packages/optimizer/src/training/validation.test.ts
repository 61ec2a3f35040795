import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoints/checkpoint.js';
import { blobSplit } from './synthetic.test-helpers.js';
import { train } from './train.js';
import type { TrainOptions } from './types.js';
import { carveValidation } from './validation.js';

const kernels = createReferenceKernels();
const data = blobSplit(100, 40, 5, 3, 7);
const base = (): TrainOptions => ({
  data,
  hidden: [8],
  batchSize: 32,
  epochs: 3,
  seed: 1,
  kernels,
});

describe('validation split', () => {
  it('carves a stratified, seeded part of each class and keeps the rest for training', () => {
    const carved = carveValidation(data.train, 0.2, 3);
    const validation = carved.validation;
    expect(validation).toBeDefined();
    if (!validation) return;
    // 100 rows in classes of 34/33/33: round(0.2·n) per class = 7 + 7 + 7.
    expect(validation.count).toBe(21);
    expect(carved.train.count).toBe(79);
    const perClass = [0, 0, 0];
    for (const label of validation.labels) perClass[label]++;
    expect(perClass).toEqual([7, 7, 7]);
    expect(carveValidation(data.train, 0.2, 3).validation?.features).toEqual(validation.features);
    expect(carveValidation(data.train, 0.2, 4).validation?.features).not.toEqual(
      validation.features,
    );
    expect(carveValidation(data.train, 0, 3)).toEqual({ train: data.train });
  });

  it('reports validation figures per epoch and records the split in the configuration', async () => {
    const result = await train({ ...base(), validationSplit: 0.2 });
    for (const epoch of result.epochs) {
      expect(epoch.validationAccuracy).toBeGreaterThanOrEqual(0);
      expect(epoch.validationAccuracy).toBeLessThanOrEqual(1);
      expect(Number.isFinite(epoch.validationLoss)).toBe(true);
    }
    expect(result.config.validationSplit).toBe(0.2);
    expect(result.config.data.train.count).toBe(100);
    expect(result.config.data.validation?.count).toBe(21);
    result.model.dispose();
    const plain = await train(base());
    expect(plain.epochs[0].validationAccuracy).toBeUndefined();
    expect(plain.config.validationSplit).toBeUndefined();
    // Training on 79 rows differs from training on 100.
    expect(plain.epochs[0].testLoss).not.toBe(result.epochs[0].testLoss);
    plain.model.dispose();
  });

  it('resumes with the same split and refuses a different one', async () => {
    const full = await train({ ...base(), validationSplit: 0.2 });
    const controller = new AbortController();
    const partial = await train({
      ...base(),
      validationSplit: 0.2,
      signal: controller.signal,
      onBatch: (event) => {
        if (event.epoch === 2 && event.batch === 1) controller.abort();
      },
    });
    expect(partial.aborted).toBe(true);
    const checkpoint = decodeCheckpoint(encodeCheckpoint(partial.checkpoint()));
    const resumed = await train({ data, kernels, resume: checkpoint });
    expect(resumed.model.getWeights()).toEqual(full.model.getWeights());
    expect(resumed.epochs.map((e) => e.validationAccuracy)).toEqual(
      full.epochs.map((e) => e.validationAccuracy),
    );
    await expect(
      train({ data, kernels, resume: checkpoint, validationSplit: 0.3 }),
    ).rejects.toThrow(/"validationSplit" is 0.3 but the checkpoint was trained with 0.2/);
    for (const r of [full, partial, resumed]) r.model.dispose();
  });

  it('rejects a fraction outside (0, 1)', async () => {
    for (const bad of [1, -0.1, Number.NaN, '0.1']) {
      await expect(train({ ...base(), validationSplit: bad as number })).rejects.toThrow(
        /"validationSplit" must be 0 \(none\) or a fraction in \(0, 1\)/,
      );
    }
  });
});
