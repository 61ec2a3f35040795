/**
 * Semantic validation of checkpoints and saved models: after the container's checksum has
 * shown the bytes are the ones written, this checks that what they say is coherent (a
 * checkpoint built by hand or by another tool gets the same scrutiny).
 */
import type { DataSplit } from '../data/types.js';
import { parameterLayout } from '../network/layout.js';
import { validateNetworkConfig } from '../network/mlp.js';
import { Random } from '../network/random.js';
import type { NetworkConfig } from '../training/types.js';
import { CheckpointError } from './errors.js';
import type { Checkpoint, SavedModel } from './types.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function checkNetwork(network: unknown, what: string): NetworkConfig {
  if (!isObject(network))
    throw new CheckpointError(`${what}: the network configuration is missing`);
  try {
    validateNetworkConfig(network as unknown as NetworkConfig);
  } catch (error) {
    throw new CheckpointError(`${what}: ${(error as Error).message}`);
  }
  return network as unknown as NetworkConfig;
}

function checkWeights(weights: unknown, network: NetworkConfig, what: string): void {
  if (!isObject(weights)) throw new CheckpointError(`${what}: the weights are missing`);
  const layout = parameterLayout(network);
  const names = new Set(layout.map((p) => p.name));
  for (const name of Object.keys(weights)) {
    if (!names.has(name)) throw new CheckpointError(`${what}: unexpected weight tensor "${name}"`);
  }
  for (const { name, length } of layout) {
    const values = weights[name];
    if (!(values instanceof Float32Array)) {
      throw new CheckpointError(`${what}: weight tensor "${name}" is missing`);
    }
    if (values.length !== length) {
      throw new CheckpointError(
        `${what}: weight tensor "${name}" has ${values.length} values, the network needs ${length}`,
      );
    }
    checkFinite(values, `weight tensor "${name}"`, what);
  }
}

/**
 * Refuses NaN and ±∞: a network holding one predicts NaN for every sample, so loading it could
 * only give meaningless accuracies or a training run that diverges at its first step.
 */
function checkFinite(values: Float32Array, tensor: string, what: string): void {
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (!Number.isFinite(value)) {
      throw new CheckpointError(
        `${what}: ${tensor} holds ${value} at index ${index}; weights and optimizer state must be finite (the run had diverged)`,
      );
    }
  }
}

/** Throws a {@link CheckpointError} naming the first incoherent field of a saved model. */
export function validateSavedModel(model: SavedModel, what = 'model'): void {
  if (!isObject(model) || model.kind !== 'model') {
    throw new CheckpointError(
      `${what}: not a saved model (kind ${JSON.stringify((model as { kind?: unknown })?.kind)})`,
    );
  }
  const network = checkNetwork(model.network, what);
  checkWeights(model.weights, network, what);
  if (model.classNames !== undefined) {
    if (
      !Array.isArray(model.classNames) ||
      model.classNames.length !== network.outputSize ||
      !model.classNames.every((n) => typeof n === 'string')
    ) {
      throw new CheckpointError(`${what}: "classNames" must be ${network.outputSize} strings`);
    }
  }
}

/** Throws a {@link CheckpointError} naming the first incoherent field of a training checkpoint. */
export function validateCheckpoint(checkpoint: Checkpoint, what = 'checkpoint'): void {
  if (!isObject(checkpoint) || checkpoint.kind !== 'training') {
    throw new CheckpointError(
      `${what}: not a training checkpoint (kind ${JSON.stringify((checkpoint as { kind?: unknown })?.kind)})`,
    );
  }
  const config = checkpoint.config;
  if (!isObject(config)) throw new CheckpointError(`${what}: the configuration is missing`);
  const network = checkNetwork(config.network, what);
  for (const field of ['epochs', 'batchSize'] as const) {
    if (!isCount(config[field]) || config[field] < 1) {
      throw new CheckpointError(
        `${what}: config.${field} must be a positive integer, got ${config[field]}`,
      );
    }
  }
  if (!isCount(config.seed))
    throw new CheckpointError(`${what}: config.seed must be a non-negative integer`);
  if (
    !(
      typeof config.labelSmoothing === 'number' &&
      config.labelSmoothing >= 0 &&
      config.labelSmoothing < 1
    )
  ) {
    throw new CheckpointError(
      `${what}: config.labelSmoothing must be in [0, 1), got ${config.labelSmoothing}`,
    );
  }
  if (
    !isObject(config.optimizer) ||
    typeof config.optimizer.name !== 'string' ||
    !isObject(config.optimizer.hyperParameters)
  ) {
    throw new CheckpointError(`${what}: config.optimizer must be { name, hyperParameters }`);
  }
  const train = config.data?.train;
  if (!isObject(config.data) || !isObject(train) || !isCount(train.count) || train.count < 1) {
    throw new CheckpointError(`${what}: config.data must describe the training set`);
  }
  if (train.featureCount !== network.inputSize || train.classCount !== network.outputSize) {
    throw new CheckpointError(
      `${what}: config.data and config.network disagree on features or classes`,
    );
  }

  checkWeights(checkpoint.weights, network, what);

  const state = checkpoint.optimizerState;
  if (!isObject(state) || !isCount(state.step) || !isObject(state.slots)) {
    throw new CheckpointError(`${what}: the optimizer state must be { step, slots }`);
  }
  if (state.scalars !== undefined) {
    if (!isObject(state.scalars)) {
      throw new CheckpointError(`${what}: the optimizer's scalars must be an object of numbers`);
    }
    for (const [key, value] of Object.entries(state.scalars)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new CheckpointError(
          `${what}: optimizer scalar "${key}" must be a finite number, got ${String(value)}`,
        );
      }
    }
  }
  const lengths = new Map(parameterLayout(network).map((p) => [p.name, p.length]));
  for (const [key, values] of Object.entries(state.slots)) {
    const parameter = key.slice(0, key.lastIndexOf('/'));
    const length = lengths.get(parameter);
    if (length === undefined) {
      throw new CheckpointError(
        `${what}: optimizer slot "${key}" belongs to no parameter of the network`,
      );
    }
    if (!(values instanceof Float32Array) || values.length !== length) {
      throw new CheckpointError(
        `${what}: optimizer slot "${key}" must hold ${length} values, has ${(values as { length?: number })?.length}`,
      );
    }
    checkFinite(values, `optimizer slot "${key}"`, what);
  }

  if (!isCount(checkpoint.epoch) || checkpoint.epoch > config.epochs) {
    throw new CheckpointError(`${what}: epoch ${checkpoint.epoch} is not in [0, ${config.epochs}]`);
  }
  if (!Array.isArray(checkpoint.history) || checkpoint.history.length !== checkpoint.epoch) {
    throw new CheckpointError(
      `${what}: the history must hold one entry per completed epoch (${checkpoint.epoch})`,
    );
  }
  // The rows the updates see: the training data minus a carved validation set, if any.
  const validation = (config.data as { validation?: { count?: unknown } }).validation;
  const trained =
    validation === undefined
      ? train.count
      : train.count - (isCount(validation.count) ? validation.count : 0);
  if (!(trained >= 1)) {
    throw new CheckpointError(`${what}: config.data.validation leaves no training rows`);
  }
  const batches = Math.ceil(trained / config.batchSize);
  if (!isCount(checkpoint.batch) || checkpoint.batch >= batches) {
    throw new CheckpointError(
      `${what}: batch cursor ${checkpoint.batch} is not in [0, ${batches})`,
    );
  }
  if (checkpoint.batch > 0) {
    if (checkpoint.epoch >= config.epochs) {
      throw new CheckpointError(`${what}: a batch cursor after the last epoch`);
    }
    const order = checkpoint.order;
    if (!(order instanceof Uint32Array) || order.length !== trained) {
      throw new CheckpointError(
        `${what}: a mid-epoch checkpoint needs the epoch's order of ${trained} samples`,
      );
    }
    const seen = new Uint8Array(trained);
    for (const i of order) {
      if (i >= trained || seen[i])
        throw new CheckpointError(`${what}: the sample order is not a permutation`);
      seen[i] = 1;
    }
    const progress = checkpoint.progress;
    if (!isObject(progress) || !Object.values(progress).every((v) => typeof v === 'number')) {
      throw new CheckpointError(`${what}: a mid-epoch checkpoint needs the epoch's running sums`);
    }
  }
  try {
    Random.fromState(checkpoint.random);
  } catch (error) {
    throw new CheckpointError(`${what}: ${(error as Error).message}`);
  }
}

/** Validates `checkpoint` and checks that it was trained on data shaped like `data`. */
export function validateCheckpointForData(
  checkpoint: Checkpoint,
  data: DataSplit,
  epochs: number,
): void {
  validateCheckpoint(checkpoint, 'resume');
  const saved = checkpoint.config.data.train;
  const given = data.train;
  if (
    saved.count !== given.count ||
    saved.featureCount !== given.featureCount ||
    saved.classCount !== given.classCount
  ) {
    throw new CheckpointError(
      `resume: the checkpoint was trained on ${saved.count} samples × ${saved.featureCount} features, ${saved.classCount} classes; ` +
        `data.train has ${given.count} × ${given.featureCount}, ${given.classCount} classes`,
    );
  }
  if (epochs < checkpoint.epoch) {
    throw new CheckpointError(
      `resume: the checkpoint has completed ${checkpoint.epoch} epochs, more than ${epochs}`,
    );
  }
}
