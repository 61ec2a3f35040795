/**
 * The download path of `RegistryOptimizer`: each step reads the variables and gradients from
 * the backend, runs the optimizer package's f64 reference rule (`updateArrays`) and uploads
 * the new values. Exactly the optimizer package's numbers (then rounded to float32), for any
 * registry optimizer; the fallback for those without a tf-ops rule, and the oracle the
 * tf-ops rules are tested against inside tfjs. It blocks on two transfers per variable per
 * step, so it is slow, the more so on a GPU backend.
 */
import type { ArrayOptimizerState, Optimizer } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import {
  type SavedState,
  SCALARS,
  type UpdatePath,
  type VariableGradient,
} from './registry-state.js';

/** The f64 reference rule on downloaded values. */
export class DownloadPath implements UpdatePath {
  readonly kind = 'download';
  private state: ArrayOptimizerState | undefined;
  private names_: string[] | undefined;

  /** Runs `optimizer`'s reference path. */
  constructor(private readonly optimizer: Optimizer) {}

  get names(): readonly string[] | undefined {
    return this.names_;
  }

  step(pairs: readonly VariableGradient[]): void {
    const parameters = pairs.map(({ name, variable }) => ({
      name,
      value: Float64Array.from(variable.dataSync() as Float32Array),
    }));
    if (this.state === undefined) {
      this.state = this.optimizer.initArrays(parameters);
      this.names_ = pairs.map((p) => p.name);
    }
    const gradients = pairs.map(({ gradient }) =>
      Float64Array.from(gradient.dataSync() as Float32Array),
    );
    this.optimizer.updateArrays(parameters, gradients, this.state);
    tf.tidy(() => {
      pairs.forEach(({ variable }, i) => {
        variable.assign(tf.tensor(Float32Array.from(parameters[i].value), variable.shape));
      });
    });
  }

  weights(): { name: string; tensor: tf.Tensor }[] {
    if (this.state === undefined) return [];
    const named: { name: string; tensor: tf.Tensor }[] = [];
    for (const [key, values] of this.state.slots) {
      named.push({ name: key, tensor: tf.tensor(Float32Array.from(values)) });
    }
    for (const [key, value] of Object.entries(this.state.scalars ?? {})) {
      named.push({ name: SCALARS + key, tensor: tf.tensor([value]) });
    }
    return named;
  }

  restore(saved: SavedState): void {
    const slots = new Map<string, Float64Array>();
    for (const [key, values] of saved.slots) slots.set(key, Float64Array.from(values));
    const scalars = { ...saved.scalars };
    this.state = {
      step: saved.step,
      slots,
      ...(Object.keys(scalars).length > 0 ? { scalars } : {}),
    };
    this.names_ = [...saved.names];
  }

  dispose(): void {
    this.state = undefined;
    this.names_ = undefined;
  }
}
