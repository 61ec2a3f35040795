/**
 * The multilayer perceptron, forward and backward entirely on the kernels.
 *
 * Layer l computes Z = A·W + b (A the previous layer's output, W stored fanIn × fanOut
 * row-major) followed by ReLU or tanh; the output layer's softmax is fused into the loss
 * (`Kernels.softmaxCrossEntropy`), so `forward` returns logits. Back-propagation, with dZ
 * the gradient at layer l's pre-activation:
 *
 *     dW = Aᵀ·dZ   (gemm with transA)      db = Σ_rows dZ   (columnSums)
 *     dA = dZ·Wᵀ   (gemm with transB)      dZ_prev = dA ⊙ f′   (reluBackward / tanhBackward)
 *
 * Activations are applied in place and only their outputs are kept: ReLU's derivative only
 * needs the sign, which max(0, z) preserves (z > 0 ⇔ relu(z) > 0), and tanh's derivative is
 * 1 − y² of its output y.
 */
import type { F32Buffer, Kernels } from '@dualphi/core-wasm';
import type { ParameterTensor } from '../optimizers/types.js';
import type { Activation, NetworkConfig } from '../training/types.js';
import { describeValue } from '../validate.js';
import { glorotUniform } from './init.js';
import { Random } from './random.js';
import type { DenseLayer, Mlp, MlpOptions } from './types.js';

/** Rows per chunk when `predict` walks a large data set. */
const PREDICT_CHUNK = 256;

/**
 * Checks a network architecture; throws a `RangeError` naming the offending field, or a
 * `TypeError` when the configuration is not an object, `hidden` not an array or the
 * activation not a string.
 */
export function validateNetworkConfig(config: NetworkConfig): void {
  if (config === null || typeof config !== 'object') {
    throw new TypeError(
      `network: the configuration must be an object { inputSize, hidden, outputSize, activation }, got ${describeValue(config)}`,
    );
  }
  const positive = (value: unknown, what: string) => {
    if (!Number.isSafeInteger(value) || (value as number) < 1) {
      throw new RangeError(`network: ${what} must be a positive integer, got ${String(value)}`);
    }
  };
  positive(config.inputSize, '"inputSize"');
  positive(config.outputSize, '"outputSize"');
  if (config.outputSize < 2) {
    throw new RangeError(
      `network: "outputSize" must be at least 2 classes, got ${config.outputSize}`,
    );
  }
  if (!Array.isArray(config.hidden)) {
    throw new TypeError(
      `network: "hidden" must be an array of layer sizes, got ${describeValue(config.hidden)}`,
    );
  }
  config.hidden.forEach((size, i) => {
    positive(size, `"hidden[${i}]"`);
  });
  if (config.activation !== 'relu' && config.activation !== 'tanh') {
    throw new RangeError(
      `network: "activation" must be 'relu' or 'tanh', got ${JSON.stringify(config.activation)}`,
    );
  }
}

/**
 * Creates a multilayer perceptron with Glorot-uniform weights and zero biases, drawn from a
 * generator seeded with `seed`: the same seed gives the same weights.
 *
 * @throws TypeError / RangeError for an architecture {@link validateNetworkConfig} refuses,
 *   and TypeError when `kernels` is not a kernel set.
 */
export function createMlp(options: MlpOptions): Mlp {
  validateNetworkConfig(options);
  const kernels = options.kernels as Partial<Kernels> | null | undefined;
  if (kernels === null || typeof kernels !== 'object' || typeof kernels.alloc !== 'function') {
    throw new TypeError(
      `createMlp: "kernels" must be a kernel set from loadKernels() or createReferenceKernels(), got ${describeValue(kernels)}`,
    );
  }
  const config: NetworkConfig = {
    inputSize: options.inputSize,
    hidden: [...options.hidden],
    outputSize: options.outputSize,
    activation: options.activation,
  };
  validateNetworkConfig(config);
  return new MultilayerPerceptron(config, options.kernels, Random.fromSeed(options.seed ?? 0));
}

class MultilayerPerceptron implements Mlp {
  readonly config: NetworkConfig;
  readonly kernels: Kernels;
  readonly layers: readonly DenseLayer[];
  private readonly parameterList: ParameterTensor[];
  /** Rows the workspaces below hold. */
  private capacity = 0;
  /** Output of every layer (the last one: logits), capacity × outputSize each. */
  private outputs: F32Buffer[] = [];
  /** Gradient at the pre-activation of every hidden layer, capacity × outputSize each. */
  private deltas: F32Buffer[] = [];
  /** The input of the last `forward`, needed by `backward`. */
  private lastInput: F32Buffer | undefined;
  private lastRows = 0;
  private disposed = false;

  constructor(config: NetworkConfig, kernels: Kernels, random: Random) {
    this.config = config;
    this.kernels = kernels;
    const sizes = [config.inputSize, ...config.hidden, config.outputSize];
    const layers: DenseLayer[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const activation: Activation | 'softmax' =
        l + 2 === sizes.length ? 'softmax' : config.activation;
      // Allocate before drawing the initial weights: a layer too large for the kernels fails
      // at once with a message, instead of after minutes of filling a huge JS array.
      let weights: F32Buffer | undefined;
      let bias: F32Buffer | undefined;
      try {
        weights = kernels.alloc(sizes[l] * sizes[l + 1]);
        bias = kernels.alloc(sizes[l + 1]);
      } catch (error) {
        weights?.free();
        for (const layer of layers) {
          layer.weights.free();
          layer.bias.free();
        }
        throw new RangeError(
          `network: layer ${l + 1} needs ${sizes[l]} × ${sizes[l + 1]} = ${sizes[l] * sizes[l + 1]} weights, more than the kernels can hold (${error instanceof Error ? error.message : String(error)})`,
        );
      }
      weights.view.set(glorotUniform(random, sizes[l], sizes[l + 1]));
      layers.push({ inputSize: sizes[l], outputSize: sizes[l + 1], activation, weights, bias });
    }
    this.layers = layers;
    this.parameterList = layers.flatMap((layer, l) => [
      { name: `dense${l}/weights`, value: layer.weights },
      { name: `dense${l}/bias`, value: layer.bias },
    ]);
  }

  parameters(): ParameterTensor[] {
    this.assertLive();
    return [...this.parameterList];
  }

  forward(input: F32Buffer, rows: number): F32Buffer {
    this.assertLive();
    if (!Number.isSafeInteger(rows) || rows < 1) {
      throw new RangeError(`Mlp.forward: rows must be a positive integer, got ${rows}`);
    }
    if (input.length < rows * this.config.inputSize) {
      throw new RangeError(
        `Mlp.forward: input holds ${input.length} values, ${rows} rows × ${this.config.inputSize} features need ${rows * this.config.inputSize}`,
      );
    }
    this.ensureCapacity(rows);
    const k = this.kernels;
    let activations = input;
    this.layers.forEach((layer, l) => {
      const out = this.outputs[l];
      // Z = A·W + b, and ReLU, in one call: each thread adds the bias and applies ReLU to its
      // own part of Z while it is in cache (bit-identical to biasAdd and relu after the product).
      k.gemm(activations, layer.weights, out, {
        m: rows,
        n: layer.outputSize,
        k: layer.inputSize,
        bias: layer.bias,
        activation: layer.activation === 'relu' ? 'relu' : 'none',
      });
      if (layer.activation === 'tanh') k.tanh(out, out, rows * layer.outputSize);
      activations = out;
    });
    this.lastInput = input;
    this.lastRows = rows;
    return this.outputs[this.layers.length - 1];
  }

  backward(logitGradient: F32Buffer, rows: number, gradients: readonly F32Buffer[]): void {
    this.assertLive();
    if (this.lastInput === undefined || rows !== this.lastRows) {
      throw new Error('Mlp.backward: call forward with the same rows first');
    }
    if (gradients.length !== this.parameterList.length) {
      throw new RangeError(
        `Mlp.backward: expected ${this.parameterList.length} gradient buffers, got ${gradients.length}`,
      );
    }
    this.parameterList.forEach((p, i) => {
      if (gradients[i].length !== p.value.length) {
        throw new RangeError(
          `Mlp.backward: gradient ${i} (${p.name}) has length ${gradients[i].length}, expected ${p.value.length}`,
        );
      }
    });
    const k = this.kernels;
    let delta = logitGradient;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const below = l === 0 ? this.lastInput : this.outputs[l - 1];
      // dW = Aᵀ·dZ: A is rows × fanIn, so op(A) = Aᵀ is fanIn × rows.
      k.gemm(below, delta, gradients[2 * l], {
        m: layer.inputSize,
        n: layer.outputSize,
        k: rows,
        transA: true,
      });
      k.columnSums(delta, gradients[2 * l + 1], rows, layer.outputSize);
      if (l === 0) break;
      // dA = dZ·Wᵀ: W is fanIn × fanOut, i.e. stored n × k for op(W) = Wᵀ.
      const next = this.deltas[l - 1];
      k.gemm(delta, layer.weights, next, {
        m: rows,
        n: layer.inputSize,
        k: layer.outputSize,
        transB: true,
      });
      const n = rows * layer.inputSize;
      if (this.config.activation === 'relu') k.reluBackward(below, next, next, n);
      else k.tanhBackward(below, next, next, n);
      delta = next;
    }
  }

  predict(features: Float32Array, count: number): Int32Array {
    this.assertLive();
    const width = this.config.inputSize;
    if (!Number.isSafeInteger(count) || count < 0 || features.length < count * width) {
      throw new RangeError(
        `Mlp.predict: ${count} rows × ${width} features need ${count * width} values, got ${features.length}`,
      );
    }
    const predictions = new Int32Array(count);
    if (count === 0) return predictions;
    const chunk = Math.min(PREDICT_CHUNK, count);
    const input = this.kernels.alloc(chunk * width);
    try {
      for (let start = 0; start < count; start += chunk) {
        const rows = Math.min(chunk, count - start);
        input.view.set(features.subarray(start * width, (start + rows) * width));
        const logits = this.forward(input, rows);
        this.kernels.argmaxRows(
          logits,
          rows,
          this.config.outputSize,
          predictions.subarray(start, start + rows),
        );
      }
    } finally {
      input.free();
      this.lastInput = undefined;
    }
    return predictions;
  }

  getWeights(): Record<string, Float32Array> {
    this.assertLive();
    const weights: Record<string, Float32Array> = {};
    for (const p of this.parameterList) weights[p.name] = p.value.view.slice(0, p.value.length);
    return weights;
  }

  setWeights(weights: Readonly<Record<string, Float32Array>>): void {
    this.assertLive();
    const expected = new Set(this.parameterList.map((p) => p.name));
    for (const name of Object.keys(weights)) {
      if (!expected.has(name)) {
        throw new RangeError(
          `Mlp.setWeights: unknown tensor "${name}" (expected ${[...expected].join(', ')})`,
        );
      }
    }
    for (const p of this.parameterList) {
      const values = weights[p.name];
      if (!(values instanceof Float32Array)) {
        throw new RangeError(`Mlp.setWeights: missing tensor "${p.name}"`);
      }
      if (values.length !== p.value.length) {
        throw new RangeError(
          `Mlp.setWeights: tensor "${p.name}" has ${values.length} values, expected ${p.value.length}`,
        );
      }
    }
    for (const p of this.parameterList) p.value.view.set(weights[p.name]);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const layer of this.layers) {
      layer.weights.free();
      layer.bias.free();
    }
    this.freeWorkspace();
    this.lastInput = undefined;
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.capacity) return;
    this.freeWorkspace();
    this.capacity = rows;
    this.outputs = this.layers.map((layer) => this.kernels.alloc(rows * layer.outputSize));
    this.deltas = this.layers
      .slice(0, -1)
      .map((layer) => this.kernels.alloc(rows * layer.outputSize));
  }

  private freeWorkspace(): void {
    for (const buffer of [...this.outputs, ...this.deltas]) buffer.free();
    this.outputs = [];
    this.deltas = [];
    this.capacity = 0;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('Mlp: the network has been disposed');
  }
}
