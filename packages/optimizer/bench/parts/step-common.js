/**
 * What the bench parts that time train() share (steps.js, its relaxed-SIMD table
 * relaxed-steps.js, rules.js): the synthetic data, one epoch of train() per call, the median.
 */
import { dualProcess, Random, train } from '../../dist/index.js';

/** The median of a list of numbers. */
export const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Uniform random 784-feature samples with 10 classes (speed does not depend on the values). */
export function syntheticImages(count, seed) {
  const random = Random.fromSeed(seed);
  const features = new Float32Array(count * 784);
  for (let i = 0; i < features.length; i++) features[i] = random.nextFloat();
  const labels = Int32Array.from({ length: count }, () => random.nextInt(10));
  return { features, labels, count, featureCount: 784, classCount: 10, name: 'synthetic' };
}

/** The first `count` samples of a data set. */
export function head(dataset, count) {
  return {
    ...dataset,
    count,
    features: dataset.features.subarray(0, count * dataset.featureCount),
    labels: dataset.labels.subarray(0, count),
  };
}

/**
 * One epoch of train() per call, resuming its own checkpoint, on `threads` (the shared
 * default kernels) or on the given `kernels`, with `make()`'s optimizer (default
 * dualProcess(optimizer)); returns that epoch's steps/s (train()'s own per-step clock, so the
 * per-epoch evaluation is not counted).
 */
export function trainStepRunner(
  data,
  hidden,
  batchSize,
  { threads, kernels, optimizer = {}, make = () => dualProcess(optimizer) } = {},
) {
  let checkpoint;
  let epochs = 0;
  const batches = Math.ceil(data.count / batchSize);
  return async () => {
    epochs++;
    const result = await train({
      data: { train: data, test: head(data, 64) },
      ...(checkpoint ? { resume: checkpoint } : { hidden, batchSize, optimizer: make() }),
      epochs,
      ...(kernels ? { kernels } : { threads }),
    });
    checkpoint = result.checkpoint();
    result.model.dispose();
    return batches / result.epochs[epochs - 1].seconds;
  };
}
