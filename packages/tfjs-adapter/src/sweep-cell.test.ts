/**
 * The pluggable sweep cell: `sweep()` of `@dualphi/optimizer` trains a tiny tfjs-layers model
 * per (cell, seed) through `tfjsCellTrainer`, on the embedded digits.
 */
import { loadDigits, planSweep, type SweepSetup, sweep } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from './backends.test-helpers.js';
import { type TfjsModelBuilder, tfjsCellTrainer } from './index.js';

const tiny: TfjsModelBuilder = ({ features, classes, seed }) =>
  tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 16,
        activation: 'relu',
        inputShape: [features],
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      }),
      tfl.layers.dense({
        units: classes,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });

describe('tfjsCellTrainer (cpu backend)', () => {
  let setup: SweepSetup;
  beforeAll(async () => {
    await useBackend('cpu');
    setup = {
      data: loadDigits(),
      hidden: [],
      activation: 'relu',
      epochs: 3,
      batchSize: 32,
      labelSmoothing: 0,
      validationSplit: 0.1,
    };
  });

  it('sweeps two cells × two seeds of a tfjs model, ranked on validation, reproducibly', async () => {
    // The golden pair (the adapter's dualProcess) and Adam (a RegistryOptimizer).
    const plan = planSweep({
      learningRates: ['golden'],
      momenta: ['golden'],
      entries: ['adam@1e-2'],
      seeds: 2,
    });
    const trainCell = tfjsCellTrainer(tiny);
    const result = await sweep({ plan, setup, trainCell });
    expect(result.complete).toBe(true);
    expect(result.records).toHaveLength(4);
    const validationRows = Math.round(setup.data.train.count * 0.1);
    for (const record of result.records) {
      expect(record.epochs).toHaveLength(3);
      const last = record.epochs[2];
      // Well above chance (0.1) after three epochs; figures are fractions of the right sets.
      expect(last.validationAccuracy).toBeGreaterThan(0.5);
      expect(last.testAccuracy).toBeGreaterThan(0.5);
      expect(
        Math.abs(
          last.validationAccuracy * validationRows -
            Math.round(last.validationAccuracy * validationRows),
        ),
      ).toBeLessThan(0.2);
      expect(record.epochs[2].trainLoss).toBeLessThan(record.epochs[0].trainLoss);
    }
    // The two seeds differ (other weights, order, validation rows); the cells differ.
    const of = (cellId: string, seed: number) =>
      result.records.find((r) => r.cellId === cellId && r.seed === seed)?.epochs;
    const golden = plan.cells.find((c) => c.golden)?.id as string;
    expect(of(golden, 0)).not.toEqual(of(golden, 1));
    expect(of(golden, 0)).not.toEqual(of('entry:adam@1e-2', 0));
    expect(result.summary.golden?.rank).toBeGreaterThanOrEqual(1);
    expect(result.summary.golden?.versusPeers[0]).toMatchObject({
      otherId: 'entry:adam@1e-2',
      n: 2,
    });
    // Common random numbers: the same task trains to the same figures again.
    const again = await trainCell(
      setup,
      { cellId: golden, seed: 1, optimizer: plan.cells[0].optimizer },
      {},
    );
    expect(again?.epochs).toEqual(of(golden, 1));
    // Each record names the backend that computed it; the summary counts them.
    const backend = `tfjs-${tf.getBackend()}`;
    for (const record of result.records) expect(record.kernels).toBe(backend);
    expect(result.summary.kernels).toEqual([{ kernels: backend, runs: 4 }]);
  }, 120_000);

  it('stops between epochs when aborted (no record)', async () => {
    const plan = planSweep({ entries: ['adam'], seeds: 1 });
    const controller = new AbortController();
    controller.abort();
    const record = await tfjsCellTrainer(tiny)(
      setup,
      { cellId: plan.cells[0].id, seed: 0, optimizer: plan.cells[0].optimizer },
      { signal: controller.signal },
    );
    expect(record).toBeUndefined();
  });
});
