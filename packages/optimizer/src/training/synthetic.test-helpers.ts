/** Small synthetic classification data for tests: Gaussian blobs. */
import type { DataSplit, Dataset } from '../data/types.js';
import { Random } from '../network/random.js';

/** A Box–Muller standard normal draw. */
function normal(random: Random): number {
  const u = 1 - random.nextFloat();
  const v = random.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** `count` samples of `classCount` blobs in `featureCount` dimensions. */
export function blobs(
  count: number,
  featureCount: number,
  classCount: number,
  seed: number,
  spread = 0.6,
): Dataset {
  const random = Random.fromSeed(seed);
  // Well-separated centres ±1.5·e_c, so the classes are learnable whatever the seed.
  const centres = Array.from({ length: classCount }, (_, c) =>
    Array.from({ length: featureCount }, (_, f) =>
      f === c % featureCount ? (c < featureCount ? 1.5 : -1.5) : 0,
    ),
  );
  const features = new Float32Array(count * featureCount);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % classCount;
    labels[i] = label;
    for (let f = 0; f < featureCount; f++) {
      features[i * featureCount + f] = centres[label][f] + spread * normal(random);
    }
  }
  return { features, labels, count, featureCount, classCount, name: 'blobs' };
}

/** A train/test split of blobs (the same centres: one draw, split by position). */
export function blobSplit(
  trainCount = 100,
  testCount = 40,
  featureCount = 5,
  classCount = 3,
  seed = 7,
  spread = 0.3,
): DataSplit {
  const all = blobs(trainCount + testCount, featureCount, classCount, seed, spread);
  const slice = (from: number, to: number): Dataset => ({
    features: all.features.slice(from * featureCount, to * featureCount),
    labels: all.labels.slice(from, to),
    count: to - from,
    featureCount,
    classCount,
    name: 'blobs',
  });
  return { train: slice(0, trainCount), test: slice(trainCount, trainCount + testCount) };
}
