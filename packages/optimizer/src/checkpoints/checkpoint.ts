/** Encoding and decoding training checkpoints (the container format is in container.ts). */
import type { EpochMetrics } from '../training/types.js';
import { decodeContainer, encodeContainer, type TensorData } from './container.js';
import { CheckpointError } from './errors.js';
import { CHECKPOINT_FORMAT_VERSION, type Checkpoint } from './types.js';
import { validateCheckpoint } from './validate.js';

const WEIGHTS = 'weights/';
const SLOTS = 'optimizer/';
const ORDER = 'order';

/**
 * Serialises a checkpoint: configuration, history, cursor and generator state as a JSON
 * header; weights, optimizer slots and the sample order as raw tensors; a version and a
 * CRC-32 checksum around it all. Non-finite metrics (NaN balance of optimizers without
 * telemetry) and running sums are stored as JSON `null` and read back as NaN.
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  validateCheckpoint(checkpoint);
  const tensors: TensorData[] = [];
  for (const [name, values] of Object.entries(checkpoint.weights)) {
    tensors.push({ name: WEIGHTS + name, values });
  }
  for (const [name, values] of Object.entries(checkpoint.optimizerState.slots)) {
    tensors.push({ name: SLOTS + name, values });
  }
  if (checkpoint.batch > 0 && checkpoint.order)
    tensors.push({ name: ORDER, values: checkpoint.order });
  const header: Record<string, unknown> = {
    kind: 'training',
    config: checkpoint.config,
    epoch: checkpoint.epoch,
    batch: checkpoint.batch,
    random: checkpoint.random,
    optimizerStep: checkpoint.optimizerState.step,
    history: checkpoint.history,
  };
  // Global scalars of optimizers that keep some (Prodigy's d …): finite f64 values, which JSON
  // writes and reads back exactly. Absent for the others, so their files are unchanged.
  if (checkpoint.optimizerState.scalars !== undefined) {
    header.optimizerScalars = checkpoint.optimizerState.scalars;
  }
  if (checkpoint.batch > 0) header.progress = checkpoint.progress;
  return encodeContainer(header, tensors);
}

const DEGREES_PER_RADIAN = 180 / Math.PI;

/**
 * Checkpoints written before the balance angle was in degrees everywhere hold it in radians
 * under `balanceAngle` (history) and `balanceAngleSum` (running sums): read them as the
 * degrees fields, so that an old run resumes with one unit.
 */
function upgradeRadians(
  record: Record<string, unknown>,
  oldKey: string,
  newKey: string,
): Record<string, unknown> {
  if (!(oldKey in record) || newKey in record) return record;
  const { [oldKey]: radians, ...rest } = record;
  return {
    ...rest,
    [newKey]: typeof radians === 'number' ? radians * DEGREES_PER_RADIAN : radians,
  };
}

/** Reads a metric that JSON stored as null (NaN or ±∞) back as NaN. */
const metric = (value: unknown): number => (typeof value === 'number' ? value : Number.NaN);

/**
 * Reads the running sums of an interrupted epoch, a stored null (a non-finite balance sum
 * after an overflowing step) as NaN like the history's metrics, so that every checkpoint
 * {@link encodeCheckpoint} accepts can be read back. Anything but an object is left for
 * validation to reject.
 */
function runningSums(progress: unknown): Checkpoint['progress'] {
  if (progress === null || typeof progress !== 'object' || Array.isArray(progress)) {
    return progress as Checkpoint['progress'];
  }
  const sums: Record<string, unknown> = {};
  const stored = upgradeRadians(
    progress as Record<string, unknown>,
    'balanceAngleSum',
    'balanceDegreesSum',
  );
  for (const [key, value] of Object.entries(stored)) {
    sums[key] = value === null ? Number.NaN : value;
  }
  return sums as unknown as Checkpoint['progress'];
}

/**
 * Reads a checkpoint written by {@link encodeCheckpoint}, validating the magic number,
 * version, lengths, checksum and the coherence of every field.
 *
 * @throws CheckpointError naming what is wrong (corrupt, truncated, wrong kind, mismatched tensors …).
 */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const { header, tensors } = decodeContainer(bytes, 'checkpoint');
  if (header.kind !== 'training') {
    throw new CheckpointError(
      `checkpoint: this file is a ${JSON.stringify(header.kind)}, not a training checkpoint${header.kind === 'model' ? ' (use decodeModel)' : ''}`,
    );
  }
  const weights: Record<string, Float32Array> = {};
  const slots: Record<string, Float32Array> = {};
  let order: Uint32Array | undefined;
  for (const [name, values] of tensors) {
    if (name.startsWith(WEIGHTS) && values instanceof Float32Array)
      weights[name.slice(WEIGHTS.length)] = values;
    else if (name.startsWith(SLOTS) && values instanceof Float32Array)
      slots[name.slice(SLOTS.length)] = values;
    else if (name === ORDER && values instanceof Uint32Array) order = values;
    else throw new CheckpointError(`checkpoint: unexpected tensor "${name}"`);
  }
  const history = Array.isArray(header.history)
    ? (header.history as Record<string, unknown>[]).map((entry) => {
        if (entry === null || typeof entry !== 'object') {
          throw new CheckpointError('checkpoint: a history entry is not an object');
        }
        const metrics: Record<string, number> = {};
        const stored = upgradeRadians(entry, 'balanceAngle', 'balanceDegrees');
        for (const [key, value] of Object.entries(stored)) metrics[key] = metric(value);
        return metrics as unknown as EpochMetrics;
      })
    : (header.history as EpochMetrics[]);
  const checkpoint: Checkpoint = {
    kind: 'training',
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    config: header.config as Checkpoint['config'],
    epoch: header.epoch as number,
    batch: header.batch as number,
    random: header.random as Checkpoint['random'],
    weights,
    optimizerState: { step: header.optimizerStep as number, slots },
    history,
  };
  if (header.optimizerScalars !== undefined) {
    checkpoint.optimizerState.scalars = header.optimizerScalars as Record<string, number>;
  }
  if (order) checkpoint.order = order;
  if (header.progress !== undefined) checkpoint.progress = runningSums(header.progress);
  validateCheckpoint(checkpoint);
  return checkpoint;
}
