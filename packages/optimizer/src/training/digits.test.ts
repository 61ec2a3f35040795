/**
 * The CI-sized accuracy check on real data (the full benchmark is bench/run.js): UCI digits,
 * 64-128-10 ReLU, batch 32, five epochs of dualProcess() defaults. Measured on the reference
 * kernels for seeds 0–5: test accuracy 0.911–0.930 after epoch 5 (0.9248 for seed 0), so the
 * floor of 0.88 leaves room for the wasm kernels' different rounding while still failing for
 * a broken engine (an untrained network scores about 0.1).
 */
import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import { describe, expect, it } from 'vitest';
import { loadDigits } from '../data/index.js';
import { dualProcess } from '../optimizers/index.js';
import { train } from './train.js';

describe('digits, 64-128-10 ReLU, dualProcess()', () => {
  it('reaches at least 0.88 test accuracy after 5 epochs', async () => {
    const kernels = createReferenceKernels();
    const result = await train({
      data: loadDigits(),
      hidden: [128],
      batchSize: 32,
      epochs: 5,
      seed: 0,
      optimizer: dualProcess(),
      kernels,
    });
    expect(result.epochs).toHaveLength(5);
    expect(result.final.testAccuracy).toBeGreaterThanOrEqual(0.88);
    // Learning happened: the loss fell and the first epoch was already far above chance.
    expect(result.epochs[4].testLoss).toBeLessThan(result.epochs[0].testLoss);
    expect(result.epochs[0].testAccuracy).toBeGreaterThan(0.5);
    result.model.dispose();
    expect(kernels.allocatedBytes()).toBe(0);
  });
});
