/**
 * Every optimizer of `@dualphi/optimizer`'s registry as a TensorFlow.js `tf.Optimizer`: the
 * baselines tfjs lacks (AdamW, Lion), the tuning-free peers (Prodigy, Schedule-Free), this
 * project's golden extensions, with a learning-rate schedule and gradient clipping by global
 * norm as options (tfjs 4.22 has neither). The update is the registry rule's f64 reference
 * path, run on the variables' values read from the backend: the same numbers as
 * `optimizer.updateArrays` in the optimizer package, at the cost of a download and an upload
 * of every variable per step (no fused or tfjs-ops path yet).
 */
import {
  type ArrayOptimizerState,
  type Optimizer,
  type OptimizerConfig,
  type OptimizerTransforms,
  optimizerFromConfig,
  optimizerFromPreset,
  optimizerPresets,
  type ScheduleConfig,
  withTransforms,
} from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor, VariableGradients } from './optimizer.js';

/** Options of {@link registryOptimizer}. */
export interface RegistryOptimizerOptions {
  /** Hyper-parameters over the preset's (e.g. `{ learningRate: 3e-4 }`). */
  options?: Readonly<Record<string, number | boolean>>;
  /**
   * A learning-rate schedule (see `ScheduleConfig` in `@dualphi/optimizer`); schedules over
   * the run need `totalSteps`, since tfjs does not tell an optimizer the run's length.
   */
  learningRateSchedule?: ScheduleConfig;
  /** Clip the gradients to this global L2 norm before each update. */
  clipNorm?: number;
}

const SCALARS = 'optimizer/scalars/';

/**
 * A registry optimizer inside tfjs. State is kept per variable name (never by position):
 * `getWeights()` gives `[iter, <variable>/<slot> …, optimizer/scalars/<name> …]` (float32, as
 * tfjs saves weights) and `setWeights` restores it by name. `getConfig()` is the optimizer
 * package's `toConfig()`, so `fromConfig` rebuilds the same optimizer, schedule and clipping.
 */
export class RegistryOptimizer extends tf.Optimizer {
  /** The name tfjs serialization registers this class under. */
  static get className(): string {
    return 'DualphiRegistryOptimizer';
  }

  /** The optimizer package's optimizer this one runs. */
  readonly optimizer: Optimizer;
  private state: ArrayOptimizerState | undefined;
  private names: string[] = [];
  private exported: tf.Tensor[] = [];

  /** Wraps `optimizer` (from `@dualphi/optimizer`). */
  constructor(optimizer: Optimizer) {
    super();
    this.optimizer = optimizer;
  }

  /**
   * One update of every variable with a gradient, by the registry rule.
   *
   * @throws RangeError when a gradient names no registered variable, has another shape, or the
   *   set of variables changes between steps.
   */
  override applyGradients(variableGradients: VariableGradients): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((item) => ({ name: item.name, gradient: item.tensor }))
      : Object.entries(variableGradients).map(([name, gradient]) => ({ name, gradient }));
    const pairs = entries
      .filter((entry) => entry.gradient != null)
      .map(({ name, gradient }) => {
        const variable = tf.engine().registeredVariables[name];
        if (variable === undefined) {
          throw new RangeError(`RegistryOptimizer: no variable named "${name}" is registered`);
        }
        if (!tf.util.arraysEqual(variable.shape, gradient.shape)) {
          throw new RangeError(
            `RegistryOptimizer: the gradient of "${name}" has shape [${gradient.shape.join(', ')}] but the variable has shape [${variable.shape.join(', ')}]`,
          );
        }
        return { name, variable, gradient };
      });
    const names = pairs.map((p) => p.name);
    const parameters = pairs.map(({ name, variable }) => ({
      name,
      value: Float64Array.from(variable.dataSync() as Float32Array),
    }));
    if (this.state === undefined) {
      this.state = this.optimizer.initArrays(parameters);
      this.names = names;
    } else if (names.join('\u0000') !== this.names.join('\u0000')) {
      throw new RangeError(
        `RegistryOptimizer: the variables changed between steps (${this.names.join(', ')} before, ${names.join(', ')} now)`,
      );
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
    this.incrementIterations();
  }

  /**
   * The state as named tensors (new tensors, owned by this optimizer until the next call or
   * {@link dispose}).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    for (const tensor of this.exported) tensor.dispose();
    this.exported = [];
    const named: NamedTensor[] = [await this.saveIterations()];
    if (this.state) {
      for (const [key, values] of this.state.slots) {
        named.push({ name: key, tensor: tf.tensor(Float32Array.from(values)) });
      }
      for (const [key, value] of Object.entries(this.state.scalars ?? {})) {
        named.push({ name: SCALARS + key, tensor: tf.tensor([value]) });
      }
    }
    this.exported = named.slice(1).map((n) => n.tensor);
    return named;
  }

  /**
   * Restores `[iter, <variable>/<slot> …, optimizer/scalars/<name> …]` (copies the values);
   * the variables are those of the slots' names, in their order.
   *
   * @throws RangeError for an empty list or one that misses a slot or scalar of the optimizer.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    if (!Array.isArray(weightValues) || weightValues.length === 0) {
      throw new RangeError(
        'RegistryOptimizer.setWeights: expected [iterations, slots …], got an empty list',
      );
    }
    const slots = new Map<string, Float64Array>();
    const scalars: Record<string, number> = {};
    for (const { name, tensor } of weightValues.slice(1)) {
      const values = Float64Array.from(tensor.dataSync() as Float32Array);
      if (name.startsWith(SCALARS)) scalars[name.slice(SCALARS.length)] = values[0];
      else slots.set(name, values);
    }
    const names = [...new Set([...slots.keys()].map((key) => key.slice(0, key.lastIndexOf('/'))))];
    // What init would make for these variables must all be there.
    const template = this.optimizer.initArrays(
      names.map((name) => {
        // Every name came from a slot key, so a slot of it exists.
        const first = [...slots.entries()].find(([key]) => key.startsWith(`${name}/`));
        return { name, value: new Float64Array(first ? first[1].length : 0) };
      }),
    );
    for (const key of template.slots.keys()) {
      if (!slots.has(key))
        throw new RangeError(`RegistryOptimizer.setWeights: slot "${key}" is missing`);
    }
    for (const key of Object.keys(template.scalars ?? {})) {
      if (!(key in scalars))
        throw new RangeError(`RegistryOptimizer.setWeights: scalar "${key}" is missing`);
    }
    await this.extractIterations(weightValues);
    this.state = {
      step: this.iterations,
      slots,
      ...(template.scalars ? { scalars } : {}),
    };
    this.names = names;
  }

  /** The optimizer package's config (`toConfig()`): name, hyper-parameters, transforms. */
  override getConfig(): tf.serialization.ConfigDict {
    return structuredClone(this.optimizer.toConfig()) as unknown as tf.serialization.ConfigDict;
  }

  /** Rebuilds the optimizer from {@link getConfig} (tfjs serialization calls this). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(optimizerFromConfig(config as unknown as OptimizerConfig));
  }

  /** Releases the tensors it made; the state restarts. */
  override dispose(): void {
    for (const tensor of this.exported) tensor.dispose();
    this.exported = [];
    this.state = undefined;
    super.dispose();
  }
}

tf.serialization.registerClass(RegistryOptimizer);

/**
 * A registry optimizer by its `--optimizer` name (`adamw`, `lion`, `prodigy`,
 * `schedule-free-adamw`, `golden-cosine`, …) for `model.compile`.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: registryOptimizer('adamw', { clipNorm: 1 }), loss: 'categoricalCrossentropy' });
 * ```
 * @throws RangeError for an unknown name; OptimizerOptionError for bad options.
 */
export function registryOptimizer(
  name: string,
  { options = {}, learningRateSchedule, clipNorm }: RegistryOptimizerOptions = {},
): RegistryOptimizer {
  let optimizer = optimizerFromPreset(name, options);
  const transforms: OptimizerTransforms = {};
  if (learningRateSchedule !== undefined) transforms.schedule = learningRateSchedule;
  if (clipNorm !== undefined) transforms.clipNorm = clipNorm;
  if (Object.keys(transforms).length > 0) optimizer = withTransforms(optimizer, transforms);
  return new RegistryOptimizer(optimizer);
}

/** The names {@link registryOptimizer} accepts (the registry's presets). */
export const registryOptimizerNames: readonly string[] = optimizerPresets.map((p) => p.name);
