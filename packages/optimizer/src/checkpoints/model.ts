/** Saving and loading a trained network without its optimizer state (for inference). */
import type { Kernels } from '@dualphi/core-wasm';
import { createMlp } from '../network/mlp.js';
import type { Mlp } from '../network/types.js';
import { describeValue, optionsObject } from '../validate.js';
import { decodeContainer, encodeContainer } from './container.js';
import { CheckpointError } from './errors.js';
import { CHECKPOINT_FORMAT_VERSION, type SavedModel } from './types.js';
import { validateSavedModel } from './validate.js';

const WEIGHTS = 'weights/';

/**
 * Serialises a network's architecture and weights (same container as checkpoints, kind `model`).
 *
 * @throws TypeError when `model` is not a network or `options` not an object.
 * @throws CheckpointError when the class names do not fit the network.
 */
export function encodeModel(model: Mlp, options?: { classNames?: readonly string[] }): Uint8Array {
  if (model === null || typeof model !== 'object' || typeof model.getWeights !== 'function') {
    throw new TypeError(
      `encodeModel: "model" must be a network from createMlp(), train() or decodeModel(), got ${describeValue(model)}`,
    );
  }
  const { classNames } = optionsObject('encodeModel', options);
  const saved: SavedModel = {
    kind: 'model',
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    network: { ...model.config, hidden: [...model.config.hidden] },
    weights: model.getWeights(),
  };
  if (classNames !== undefined) {
    if (!Array.isArray(classNames)) {
      throw new TypeError(
        `encodeModel: "classNames" must be an array of strings, got ${describeValue(classNames)}`,
      );
    }
    saved.classNames = [...classNames];
  }
  validateSavedModel(saved);
  const header: Record<string, unknown> = { kind: 'model', network: saved.network };
  if (saved.classNames) header.classNames = saved.classNames;
  return encodeContainer(
    header,
    Object.entries(saved.weights).map(([name, values]) => ({ name: WEIGHTS + name, values })),
  );
}

/**
 * Reads a saved model as data (validated like a checkpoint). A training checkpoint is
 * accepted too: its network and weights are taken.
 *
 * @throws CheckpointError naming what is wrong.
 */
export function decodeSavedModel(bytes: Uint8Array): SavedModel {
  const { header, tensors } = decodeContainer(bytes, 'model');
  if (header.kind !== 'model' && header.kind !== 'training') {
    throw new CheckpointError(`model: unknown kind ${JSON.stringify(header.kind)}`);
  }
  const weights: Record<string, Float32Array> = {};
  for (const [name, values] of tensors) {
    if (name.startsWith(WEIGHTS) && values instanceof Float32Array)
      weights[name.slice(WEIGHTS.length)] = values;
    else if (header.kind === 'model')
      throw new CheckpointError(`model: unexpected tensor "${name}"`);
  }
  const network =
    header.kind === 'model'
      ? header.network
      : (header.config as { network?: unknown } | undefined)?.network;
  const saved: SavedModel = {
    kind: 'model',
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    network: network as SavedModel['network'],
    weights,
  };
  if (header.classNames !== undefined) saved.classNames = header.classNames as string[];
  validateSavedModel(saved);
  return saved;
}

/** Reads a saved model (or a checkpoint's network) into a ready {@link Mlp} on `kernels`. */
export function decodeModel(bytes: Uint8Array, kernels: Kernels): Mlp {
  const saved = decodeSavedModel(bytes);
  const model = createMlp({ ...saved.network, kernels });
  try {
    model.setWeights(saved.weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
