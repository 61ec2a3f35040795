/**
 * Schedule-Free's evaluation point in the engine: each epoch is evaluated at x, the returned
 * model is x, the checkpoint resumes exactly (interrupt + resume == uninterrupted, bit for
 * bit), through encode/decode.
 */
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoints/index.js';
import { loadDigits } from '../data/index.js';
import { prodigy, scheduleFreeAdamW, scheduleFreeSgd } from '../optimizers/index.js';
import { evaluate } from './evaluate.js';
import { checkpointModelWeights } from './evaluation-point.js';
import { train } from './train.js';
import type { EpochMetrics } from './types.js';

const data = loadDigits();
const base = { data, hidden: [16], batchSize: 64, seed: 3 } as const;
const withoutTime = (metrics: EpochMetrics) => {
  const { seconds, samplesPerSecond, ...rest } = metrics;
  return rest;
};

describe('an optimizer with an evaluation point (Schedule-Free x)', () => {
  it('evaluates every epoch at x and returns the model at x; the checkpoint keeps y', async () => {
    const result = await train({ ...base, epochs: 2, optimizer: scheduleFreeSgd() });
    const checkpoint = result.checkpoint();
    const x: Record<string, Float32Array> = {};
    for (const name of Object.keys(checkpoint.weights)) {
      x[name] = checkpoint.optimizerState.slots[`${name}/x`];
    }
    expect(result.model.getWeights()).toEqual(x);
    expect(checkpointModelWeights(checkpoint)).toEqual(x);
    // The training point y differs from x: evaluating it would be a different number.
    expect(checkpoint.weights).not.toEqual(x);
    expect(evaluate(result.model, data.test).accuracy).toBe(result.final.testAccuracy);
    result.model.setWeights(checkpoint.weights);
    expect(evaluate(result.model, data.test).crossEntropy).not.toBe(result.final.testLoss);
    result.model.dispose();
  });

  it('checkpointModelWeights is the weights themselves for an optimizer without one', async () => {
    const result = await train({ ...base, epochs: 1 });
    const checkpoint = result.checkpoint();
    expect(checkpointModelWeights(checkpoint)).toBe(checkpoint.weights);
    result.model.dispose();
  });

  for (const [name, make] of [
    ['schedule-free-sgd', () => scheduleFreeSgd()],
    ['schedule-free-adamw', () => scheduleFreeAdamW()],
    ['prodigy', () => prodigy()],
  ] as const) {
    it(`${name}: an abort mid-epoch and a resume give the uninterrupted run bit for bit`, async () => {
      const full = await train({ ...base, epochs: 3, optimizer: make() });
      const controller = new AbortController();
      const partial = await train({
        ...base,
        epochs: 3,
        optimizer: make(),
        signal: controller.signal,
        onBatch: (e) => {
          if (e.epoch === 2 && e.batch === 5) controller.abort();
        },
      });
      expect(partial.aborted).toBe(true);
      const resumed = await train({
        data,
        resume: decodeCheckpoint(encodeCheckpoint(partial.checkpoint())),
      });
      expect(resumed.model.getWeights()).toEqual(full.model.getWeights());
      expect(resumed.checkpoint().optimizerState).toEqual(full.checkpoint().optimizerState);
      expect(resumed.epochs.map(withoutTime)).toEqual(full.epochs.map(withoutTime));
      for (const r of [full, partial, resumed]) r.model.dispose();
    });
  }
});
