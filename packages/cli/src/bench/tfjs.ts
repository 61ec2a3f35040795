/**
 * The TensorFlow.js side of `dualphi bench`: the same arithmetic as dualphi's kernels in tfjs
 * ops, on the wasm and cpu backends. Both backends execute an op synchronously when it is
 * called in Node, so timing the call (and disposing its result) times the work.
 *
 * The training step writes the gradients out by hand — as dualphi's MLP does — instead of
 * using autodiff, so both sides do the same work (and tfjs-core needs no gradient registry).
 */
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { type BenchSizes, benchData, benchLabels } from './data.js';
import type { TimedCase } from './dualphi.js';

type Tf = typeof import('@tensorflow/tfjs-core');

/** The tfjs backends compared. */
export type TfBackend = 'wasm' | 'cpu';

/** tfjs loaded, or why not. */
export type LoadedTfjs =
  | { ok: true; tf: Tf; setBackend(name: TfBackend): Promise<boolean> }
  | { ok: false; reason: string };

/** Imports tfjs-core and both backends (they are optional at run time). */
export async function loadTfjs(): Promise<LoadedTfjs> {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await import('@tensorflow/tfjs-backend-wasm');
    // The cpu backend warns through console.warn unless PROD is set.
    tf.env().set('PROD', true);
    return {
      ok: true,
      tf,
      setBackend: async (name) => {
        try {
          // setBackend resolves to false (rather than throwing) when a backend cannot start.
          return (await tf.setBackend(name)) && tf.getBackend() === name;
        } catch {
          return false;
        }
      },
    };
  } catch (error) {
    return {
      ok: false,
      reason: `TensorFlow.js is not installed (${error instanceof Error ? error.message : String(error)}); only dualphi was timed. Install @tensorflow/tfjs-core, -backend-cpu and -backend-wasm to compare.`,
    };
  }
}

/** The tfjs side of every case on the current backend. */
export function tfjsCases(tf: Tf, sizes: BenchSizes): Map<string, TimedCase> {
  const cases = new Map<string, TimedCase>();
  const n = sizes.gemm;
  {
    const a = tf.tensor2d(benchData(n * n, 1), [n, n]);
    const b = tf.tensor2d(benchData(n * n, 2), [n, n]);
    cases.set('gemm', {
      run: () => tf.matMul(a, b).dispose(),
      dispose: () => tf.dispose([a, b]),
    });
  }
  {
    const rows = sizes.softmaxRows;
    const logits = tf.tensor2d(benchData(rows * sizes.classes, 3), [rows, sizes.classes]);
    const oneHot = tf.oneHot(tf.tensor1d(benchLabels(rows, sizes.classes), 'int32'), sizes.classes);
    cases.set('softmax', {
      run: () => {
        const outputs = tf.tidy(() => {
          const loss = tf.losses.softmaxCrossEntropy(oneHot, logits);
          const gradient = tf.div(tf.sub(tf.softmax(logits), oneHot), rows);
          return [loss, gradient];
        });
        tf.dispose(outputs);
      },
      dispose: () => tf.dispose([logits, oneHot]),
    });
  }
  {
    const length = sizes.updateLength;
    const weights = tf.variable(tf.tensor1d(benchData(length, 4)));
    const delta = tf.variable(tf.zeros([length]));
    const gradient = tf.tensor1d(benchData(length, 5));
    // The same constants as the dualphi side (golden α and η, apps/docs/theory.md#constants).
    const alpha = tf.scalar(Math.SQRT2 * ((Math.sqrt(5) - 1) / 2));
    const eta = tf.scalar((1 - Math.SQRT2 * ((Math.sqrt(5) - 1) / 2)) ** 2);
    cases.set('update', {
      run: () => {
        tf.tidy(() => {
          delta.assign(tf.sub(tf.mul(delta, alpha), tf.mul(gradient, eta)));
          weights.assign(tf.add(weights, delta));
        });
      },
      dispose: () => tf.dispose([weights, delta, gradient, alpha, eta]),
    });
  }
  sizes.steps.forEach((step, index) => {
    const widths = [step.inputSize, ...step.hidden, step.outputSize];
    const weights = widths
      .slice(1)
      .map((width, layer) =>
        tf.variable(
          tf.mul(
            tf.tensor2d(benchData(widths[layer] * width, 10 + layer), [widths[layer], width]),
            0.1,
          ),
        ),
      );
    const biases = widths.slice(1).map((width) => tf.variable(tf.zeros([width])));
    const parameters = [...weights, ...biases];
    const deltas = parameters.map((parameter) => tf.variable(tf.zerosLike(parameter)));
    const input = tf.tensor2d(benchData(step.batch * step.inputSize, 6), [
      step.batch,
      step.inputSize,
    ]);
    const oneHot = tf.oneHot(
      tf.tensor1d(benchLabels(step.batch, step.outputSize), 'int32'),
      step.outputSize,
    );
    const alpha = tf.scalar(Math.SQRT2 * ((Math.sqrt(5) - 1) / 2));
    const eta = tf.scalar((1 - Math.SQRT2 * ((Math.sqrt(5) - 1) / 2)) ** 2);
    cases.set(`step${index}`, {
      run: () => {
        tf.tidy(() => {
          // Forward: ReLU hidden layers, logits out.
          const activations = [input as Tensor2D];
          const preActivations: Tensor2D[] = [];
          for (let layer = 0; layer < weights.length; layer++) {
            const z = tf.add(
              tf.matMul(activations[layer], weights[layer]),
              biases[layer],
            ) as Tensor2D;
            preActivations.push(z);
            activations.push(layer < weights.length - 1 ? tf.relu(z) : z);
          }
          const logits = activations[activations.length - 1];
          tf.losses.softmaxCrossEntropy(oneHot, logits);
          // Backward: ∂L/∂logits = (softmax − onehot)/rows, then the chain rule layer by layer.
          let gradient = tf.div(tf.sub(tf.softmax(logits), oneHot), step.batch) as Tensor2D;
          const weightGradients: Tensor[] = [];
          const biasGradients: Tensor[] = [];
          for (let layer = weights.length - 1; layer >= 0; layer--) {
            weightGradients[layer] = tf.matMul(activations[layer], gradient, true, false);
            biasGradients[layer] = tf.sum(gradient, 0);
            if (layer > 0) {
              const back = tf.matMul(gradient, weights[layer], false, true);
              gradient = tf.mul(back, tf.step(preActivations[layer - 1])) as Tensor2D;
            }
          }
          const gradients = [...weightGradients, ...biasGradients];
          // Delta-form heavy ball, as dualphi's update.
          parameters.forEach((parameter, k) => {
            deltas[k].assign(tf.sub(tf.mul(deltas[k], alpha), tf.mul(gradients[k], eta)));
            parameter.assign(tf.add(parameter, deltas[k]));
          });
        });
      },
      dispose: () => tf.dispose([...parameters, ...deltas, input, oneHot, alpha, eta]),
    });
  });
  return cases;
}
