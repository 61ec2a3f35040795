/**
 * Sizes and synthetic inputs of `dualphi bench`: the same deterministic data for dualphi
 * and for tfjs, so both sides compute the same thing.
 */

/** Sizes of a benchmark run. */
export interface BenchSizes {
  gemm: number;
  softmaxRows: number;
  classes: number;
  updateLength: number;
  steps: { inputSize: number; hidden: number[]; outputSize: number; batch: number }[];
}

/** Sizes of the default, quick run. */
export const quickSizes: BenchSizes = {
  gemm: 128,
  softmaxRows: 256,
  classes: 10,
  updateLength: 65_536,
  steps: [{ inputSize: 64, hidden: [128], outputSize: 10, batch: 32 }],
};

/** Sizes of `--full`. */
export const fullSizes: BenchSizes = {
  gemm: 256,
  softmaxRows: 1024,
  classes: 10,
  updateLength: 262_144,
  steps: [
    { inputSize: 64, hidden: [128], outputSize: 10, batch: 32 },
    { inputSize: 784, hidden: [256, 128], outputSize: 10, batch: 64 },
  ],
};

/** Deterministic pseudo-random values in [−1, 1) (a 32-bit LCG: only the data, not a model). */
export function benchData(length: number, seed: number): Float32Array {
  const values = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[index] = state / 2 ** 31 - 1;
  }
  return values;
}

/** Labels in [0, classes) for `rows` rows. */
export function benchLabels(rows: number, classes: number): Int32Array {
  return Int32Array.from({ length: rows }, (_, row) => (row * 7) % classes);
}

/** A benchmark case: id, what it times, and its size. */
export interface BenchCase {
  id: string;
  name: string;
  size: string;
}

/** The cases of a run, in table order. */
export function benchCases(sizes: BenchSizes): BenchCase[] {
  return [
    { id: 'gemm', name: 'gemm C = A·B', size: `${sizes.gemm}×${sizes.gemm}×${sizes.gemm}` },
    {
      id: 'softmax',
      name: 'softmax cross-entropy + gradient',
      size: `${sizes.softmaxRows}×${sizes.classes}`,
    },
    {
      id: 'update',
      name: 'delta-form update (golden α, η)',
      size: `${sizes.updateLength.toLocaleString('en-US')} weights`,
    },
    ...sizes.steps.map((step, index) => ({
      id: `step${index}`,
      name: 'training step (forward, backward, update)',
      size: `${[step.inputSize, ...step.hidden, step.outputSize].join('-')}, batch ${step.batch}`,
    })),
  ];
}
