import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { blobSplit } from '../training/synthetic.test-helpers.js';
import { train } from '../training/train.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { crc32 } from './crc32.js';
import { CheckpointError } from './errors.js';
import { decodeModel, decodeSavedModel, encodeModel } from './model.js';
import type { Checkpoint } from './types.js';

const kernels = createReferenceKernels();
const data = blobSplit(50, 20, 4, 3, 3);
let checkpoint: Checkpoint;
let midEpoch: Checkpoint;
let bytes: Uint8Array;

beforeAll(async () => {
  const result = await train({ data, hidden: [6, 5], batchSize: 16, epochs: 2, kernels });
  checkpoint = result.checkpoint();
  result.model.dispose();
  const controller = new AbortController();
  const partial = await train({
    data,
    hidden: [6, 5],
    batchSize: 16,
    epochs: 2,
    kernels,
    signal: controller.signal,
    onBatch: (e) => {
      if (e.epoch === 2 && e.batch === 3) controller.abort();
    },
  });
  midEpoch = partial.checkpoint();
  partial.model.dispose();
  bytes = encodeCheckpoint(midEpoch);
});

const expectCheckpointError = (fn: () => unknown, message?: RegExp) => {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CheckpointError);
  if (message) expect((error as Error).message).toMatch(message);
};

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('checkpoint format', () => {
  it('round-trips every field exactly', () => {
    expect(decodeCheckpoint(encodeCheckpoint(checkpoint))).toEqual(checkpoint);
    const decoded = decodeCheckpoint(bytes);
    expect(decoded).toEqual(midEpoch);
    expect(decoded.order).toBeInstanceOf(Uint32Array);
    expect(decoded.batch).toBe(3);
  });

  it('reads back a non-finite running sum it wrote (e.g. the balance cosine of an overflowing step)', () => {
    const progress = midEpoch.progress as NonNullable<Checkpoint['progress']>;
    const overflowed: Checkpoint = {
      ...midEpoch,
      progress: { ...progress, balanceCosineSum: Number.NaN, balanceDegreesSum: Infinity },
    };
    const decoded = decodeCheckpoint(encodeCheckpoint(overflowed));
    expect(decoded.progress).toEqual({
      ...progress,
      balanceCosineSum: Number.NaN,
      balanceDegreesSum: Number.NaN,
    });
  });

  it('reads a checkpoint from before the degrees rename: radians become degrees', () => {
    // Until 0.x the balance angle was stored in radians as balanceAngle / balanceAngleSum.
    const { balanceDegreesSum, ...progress } = midEpoch.progress as NonNullable<
      Checkpoint['progress']
    >;
    const history = midEpoch.history.map(({ balanceDegrees, ...rest }) => ({
      ...rest,
      balanceAngle: (balanceDegrees * Math.PI) / 180,
    }));
    const old = {
      ...midEpoch,
      history,
      progress: { ...progress, balanceAngleSum: (balanceDegreesSum * Math.PI) / 180 },
    } as unknown as Checkpoint;
    const decoded = decodeCheckpoint(encodeCheckpoint(old));
    expect(decoded.progress?.balanceDegreesSum).toBeCloseTo(balanceDegreesSum, 9);
    expect(decoded.progress).not.toHaveProperty('balanceAngleSum');
    expect(decoded.history[0].balanceDegrees).toBeCloseTo(midEpoch.history[0].balanceDegrees, 9);
    expect(decoded.history[0]).not.toHaveProperty('balanceAngle');
  });

  it('rejects any flipped byte', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: bytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (position, mask) => {
          const corrupt = bytes.slice();
          corrupt[position] ^= mask;
          expectCheckpointError(() => decodeCheckpoint(corrupt));
        },
      ),
      { numRuns: 300 },
    );
    const corrupt = bytes.slice();
    corrupt[bytes.length - 40] ^= 1;
    expectCheckpointError(() => decodeCheckpoint(corrupt), /checksum mismatch/);
  });

  it('rejects a truncated file at any length, and trailing bytes', () => {
    for (let length = 0; length < bytes.length; length += length < 64 ? 1 : 97) {
      expectCheckpointError(() => decodeCheckpoint(bytes.subarray(0, length)));
    }
    expectCheckpointError(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 1)), /truncated/);
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expectCheckpointError(() => decodeCheckpoint(longer), /unexpected bytes after the end/);
  });

  it('names a wrong magic number and an unsupported version', () => {
    expectCheckpointError(
      () => decodeCheckpoint(new TextEncoder().encode('{"kind":"training"} and more bytes')),
      /magic/,
    );
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint32(8, 99, true);
    expectCheckpointError(() => decodeCheckpoint(newer), /format version 99 is not supported/);
  });

  it('refuses to encode an incoherent checkpoint', () => {
    const wrongShape = {
      ...checkpoint,
      weights: { ...checkpoint.weights, 'dense0/bias': new Float32Array(2) },
    };
    expectCheckpointError(
      () => encodeCheckpoint(wrongShape),
      /"dense0\/bias" has 2 values, the network needs 6/,
    );
    const badSlot = {
      ...checkpoint,
      optimizerState: { step: 1, slots: { 'dense9/weights/delta': new Float32Array(3) } },
    };
    expectCheckpointError(() => encodeCheckpoint(badSlot), /belongs to no parameter/);
    const badOrder = { ...midEpoch, order: new Uint32Array(50) };
    expectCheckpointError(() => encodeCheckpoint(badOrder), /not a permutation/);
    const badCursor = { ...checkpoint, batch: 7 };
    expectCheckpointError(() => encodeCheckpoint(badCursor), /batch cursor 7 is not in \[0, 4\)/);
  });
});

describe('non-finite values', () => {
  /** `file` with the f32 at `index` of tensor `name` set to `value` and the checksum redone. */
  function patched(file: Uint8Array, name: string, index: number, value: number): Uint8Array {
    const out = file.slice();
    const view = new DataView(out.buffer);
    const headerLength = view.getUint32(12, true);
    const header = JSON.parse(new TextDecoder().decode(out.subarray(20, 20 + headerLength)));
    const entry = header.tensors.find((t: { name: string }) => t.name === name);
    const payload = (20 + headerLength + 3) & ~3;
    view.setFloat32(payload + entry.offset + 4 * index, value, true);
    view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
    return out;
  }

  it('refuses checkpoints and models whose weights or optimizer slots hold NaN or ±∞, naming the tensor', async () => {
    const good = encodeCheckpoint(checkpoint);
    const slot = Object.keys(checkpoint.optimizerState.slots)[0];
    expectCheckpointError(
      () => decodeCheckpoint(patched(good, 'weights/dense1/weights', 3, Number.NaN)),
      /weight tensor "dense1\/weights" holds NaN at index 3/,
    );
    expectCheckpointError(
      () => decodeCheckpoint(patched(good, `optimizer/${slot}`, 0, Number.POSITIVE_INFINITY)),
      new RegExp(`optimizer slot "${slot}" holds Infinity at index 0`),
    );
    expectCheckpointError(
      () => decodeSavedModel(patched(good, 'weights/dense0/bias', 1, Number.NEGATIVE_INFINITY)),
      /weight tensor "dense0\/bias" holds -Infinity at index 1/,
    );
    const result = await train({ data, hidden: [6], batchSize: 16, epochs: 1, kernels });
    const model = encodeModel(result.model);
    result.model.dispose();
    expectCheckpointError(
      () => decodeModel(patched(model, 'weights/dense0/weights', 0, Number.NaN), kernels),
      /model: weight tensor "dense0\/weights" holds NaN/,
    );
    // Nor can such a state be written.
    const weights = { ...checkpoint.weights, 'dense0/bias': new Float32Array(6).fill(Number.NaN) };
    expectCheckpointError(() => encodeCheckpoint({ ...checkpoint, weights }), /holds NaN/);
  });
});

describe('saved models', () => {
  it('round-trip a network with identical predictions, and read a checkpoint as a model', async () => {
    const result = await train({ data, hidden: [6], batchSize: 16, epochs: 3, kernels });
    const file = encodeModel(result.model, { classNames: ['a', 'b', 'c'] });
    const loaded = decodeModel(file, kernels);
    const before = result.model.predict(data.test.features, data.test.count);
    expect(loaded.predict(data.test.features, data.test.count)).toEqual(before);
    expect(loaded.getWeights()).toEqual(result.model.getWeights());
    expect(decodeSavedModel(file).classNames).toEqual(['a', 'b', 'c']);
    expect(decodeSavedModel(encodeCheckpoint(result.checkpoint())).weights).toEqual(
      result.model.getWeights(),
    );
    expectCheckpointError(
      () => decodeCheckpoint(file),
      /not a training checkpoint \(use decodeModel\)/,
    );
    const corrupt = file.slice();
    corrupt[30] ^= 0x20;
    expectCheckpointError(() => decodeModel(corrupt, kernels), /checksum/);
    result.model.dispose();
    loaded.dispose();
  });
});
