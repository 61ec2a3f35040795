/** Shapes of the multilayer perceptron and its seeded random number generator. */
import type { F32Buffer, Kernels } from '@dualphi/core-wasm';
import type { ParameterTensor } from '../optimizers/types.js';
import type { Activation, NetworkConfig } from '../training/types.js';

/** The serialisable state of a {@link Random} generator (sfc32: four 32-bit words). */
export interface RandomState {
  /** Name of the generator, for validation when restoring. */
  algorithm: 'sfc32';
  /** The four unsigned 32-bit state words. */
  state: [number, number, number, number];
}

/** A fully connected layer computing X·W + b (W stored inputSize × outputSize, row-major). */
export interface DenseLayer {
  /** Inputs per sample. */
  readonly inputSize: number;
  /** Outputs per sample. */
  readonly outputSize: number;
  /** What follows the affine map: a hidden activation, or `'softmax'` for the output layer. */
  readonly activation: Activation | 'softmax';
  /** inputSize × outputSize weights, row-major. */
  readonly weights: F32Buffer;
  /** outputSize biases. */
  readonly bias: F32Buffer;
}

/** Options of `createMlp`. */
export interface MlpOptions extends NetworkConfig {
  /** Seed of the Glorot-uniform initialisation. Default 0. */
  seed?: number;
  /** Kernel set that owns the weights and computes. */
  kernels: Kernels;
}

/**
 * A multilayer perceptron: Dense layers with ReLU or tanh hidden activations and a softmax
 * output (the softmax itself is fused into the loss, so `forward` returns logits).
 */
export interface Mlp {
  /** The architecture. */
  readonly config: NetworkConfig;
  /** The kernel set that owns every buffer of this network. */
  readonly kernels: Kernels;
  /** The layers, input to output. */
  readonly layers: readonly DenseLayer[];
  /** The trainable tensors in a fixed order: `dense0/weights`, `dense0/bias`, `dense1/weights`, … */
  parameters(): ParameterTensor[];
  /**
   * Logits (rows × outputSize) for a rows × inputSize input. The returned buffer belongs to
   * the network and is overwritten by the next `forward`.
   */
  forward(input: F32Buffer, rows: number): F32Buffer;
  /**
   * Back-propagates the gradient of the loss with respect to the logits of the last
   * `forward` (same input, same rows) and writes the parameter gradients into `gradients`
   * (same order and lengths as `parameters()`). `logitGradient` may be overwritten.
   */
  backward(logitGradient: F32Buffer, rows: number, gradients: readonly F32Buffer[]): void;
  /** Predicted class index of each of `count` rows of `features` (count × inputSize). */
  predict(features: Float32Array, count: number): Int32Array;
  /** Copies of the parameters by name. */
  getWeights(): Record<string, Float32Array>;
  /** Overwrites the parameters by name; every name and length must match. */
  setWeights(weights: Readonly<Record<string, Float32Array>>): void;
  /** Frees every buffer of the network. Idempotent. */
  dispose(): void;
}
