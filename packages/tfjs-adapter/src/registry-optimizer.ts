/**
 * Every optimizer of `@dualphi/optimizer`'s registry as a TensorFlow.js `tf.Optimizer`: the
 * baselines tfjs lacks (AdamW, Lion), the tuning-free peers (Prodigy, Schedule-Free), this
 * project's golden extensions, with a learning-rate schedule and gradient clipping by global
 * norm as options (tfjs 4.22 has neither). Each step runs on one of two paths with the same
 * state (names, order, layout):
 *
 * - `'ops'`: the rule written in tfjs ops (./rules, one file per rule), inside `tf.tidy` with
 *   `variable.assign`, on any backend and without reading data back (every registry
 *   optimizer has one today);
 * - `'download'`: the registry rule's f64 reference path on the variables' values read from
 *   the backend (a download and an upload of every variable per step): the same numbers as
 *   `optimizer.updateArrays` in the optimizer package; the fallback for a rule without a
 *   tf-ops form, and the faster path on tfjs-backend-cpu ({@link DOWNLOAD_BACKENDS}).
 */
import {
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
import { DownloadPath } from './registry-download.js';
import { OpsPath } from './registry-ops.js';
import {
  type SavedState,
  SCALARS,
  type UpdatePath,
  type VariableGradient,
} from './registry-state.js';
import { tfRuleFor } from './rules/index.js';
import { canonicalName } from './slots.js';

/**
 * Which update path a {@link RegistryOptimizer} takes: `'ops'` the rule in tfjs ops (for an
 * optimizer that has one), `'download'` the f64 reference rule on downloaded values, `'auto'`
 * the download path on the backends in {@link DOWNLOAD_BACKENDS} and for optimizers without
 * a tf-ops rule, the tf-ops path everywhere else. `'auto'` decides at the first step,
 * `getWeights` or `setWeights`, on the backend active then, and keeps that path.
 */
export type RegistryUpdatePath = 'auto' | 'ops' | 'download';

/**
 * The backends where `'auto'` takes the download path because it measured faster there than
 * the tf-ops path (bench/registry.js): tfjs-backend-cpu, where reading a tensor costs no copy
 * and its elementwise ops are slow generic loops. On tfjs-backend-wasm and on GPU backends
 * (webgl, webgpu), where a download stalls the pipeline, `'auto'` runs the tf-ops rules.
 */
export const DOWNLOAD_BACKENDS: ReadonlySet<string> = new Set(['cpu']);

const PATHS: readonly RegistryUpdatePath[] = ['auto', 'ops', 'download'];

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
  /**
   * Decoupled weight decay λ for optimizers without their own `weightDecay` (the heavy-ball
   * family, Adam): after each update w ← w − η_t·λ·w with the step's learning rate.
   */
  weightDecay?: number;
  /** The update path; default `'auto'` (see {@link RegistryUpdatePath}). */
  path?: RegistryUpdatePath;
}

/** Options of the {@link RegistryOptimizer} constructor. */
export interface RegistryOptimizerPathOptions {
  /** The update path; default `'auto'` (see {@link RegistryUpdatePath}). */
  path?: RegistryUpdatePath;
}

/**
 * A registry optimizer inside tfjs. State is kept per variable name (never by position):
 * `getWeights()` gives `[iter, <variable>/<slot> …, optimizer/scalars/<name> …]` (flat
 * float32 slots and [1]-shaped scalars, the same on both paths, so a state saved from one
 * loads into the other) and `setWeights` restores it by name. `getConfig()` is the optimizer
 * package's `toConfig()`, so `fromConfig` rebuilds the same optimizer, schedule and
 * clipping (on the `'auto'` path).
 */
export class RegistryOptimizer extends tf.Optimizer {
  /** The name tfjs serialization registers this class under. */
  static get className(): string {
    return 'DualphiRegistryOptimizer';
  }

  /** The optimizer package's optimizer this one runs. */
  readonly optimizer: Optimizer;
  /** The `path` option it was made with. */
  readonly pathOption: RegistryUpdatePath;
  private path_: UpdatePath | undefined;
  private exported: tf.Tensor[] = [];
  /** The state `setWeights` gave, until the first step has claimed it. */
  private restored: SavedState | undefined;
  /** The variables' training-point values while they hold the evaluation point. */
  private trainingPoint: Map<string, tf.Tensor> | undefined;

  /**
   * Wraps `optimizer` (from `@dualphi/optimizer`).
   *
   * @throws RangeError for a `path` other than `'auto'`, `'ops'` or `'download'`, or `'ops'`
   *   for an optimizer without a tf-ops rule.
   */
  constructor(optimizer: Optimizer, { path = 'auto' }: RegistryOptimizerPathOptions = {}) {
    super();
    if (!PATHS.includes(path)) {
      throw new RangeError(
        `RegistryOptimizer: "path" must be 'auto', 'ops' or 'download', got ${JSON.stringify(path)}`,
      );
    }
    if (path === 'ops' && tfRuleFor(optimizer.name) === undefined) {
      throw new RangeError(
        `RegistryOptimizer: ${optimizer.name} has no tf-ops rule; use path 'auto' or 'download'`,
      );
    }
    this.optimizer = optimizer;
    this.pathOption = path;
  }

  /**
   * How the steps run: `'ops'` (the rule in tfjs ops) or `'download'` (see the module
   * comment); before the first step, the path it would take on the current backend.
   */
  get updatePath(): 'ops' | 'download' {
    return this.path_?.kind ?? this.choosePath();
  }

  private choosePath(): 'ops' | 'download' {
    if (this.pathOption !== 'auto') return this.pathOption;
    if (tfRuleFor(this.optimizer.name) === undefined) return 'download';
    return DOWNLOAD_BACKENDS.has(tf.getBackend()) ? 'download' : 'ops';
  }

  /** The path, made on first use. */
  private get path(): UpdatePath {
    if (this.path_ === undefined) {
      const rule = tfRuleFor(this.optimizer.name);
      this.path_ =
        this.choosePath() === 'ops' && rule
          ? new OpsPath(this.optimizer, rule)
          : new DownloadPath(this.optimizer);
    }
    return this.path_;
  }

  /**
   * One update of every variable with a gradient, by the registry rule.
   *
   * @throws RangeError when a gradient names no registered variable, has another shape, or the
   *   set of variables changes between steps, or while the variables hold the evaluation point.
   */
  override applyGradients(variableGradients: VariableGradients): void {
    if (this.trainingPoint) {
      throw new RangeError(
        'RegistryOptimizer: the variables hold the evaluation point; call useTrainingPoint() before training on',
      );
    }
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((item) => ({ name: item.name, gradient: item.tensor }))
      : Object.entries(variableGradients).map(([name, gradient]) => ({ name, gradient }));
    const pairs: VariableGradient[] = entries
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
    const known = this.path.names;
    if (known !== undefined && names.join('\u0000') !== known.join('\u0000')) {
      const renamed = this.restored && renameSaved(this.restored, names);
      if (!renamed) {
        throw new RangeError(
          `RegistryOptimizer: the variables changed between steps (${known.join(', ')} before, ${names.join(', ')} now)`,
        );
      }
      this.path.restore(renamed);
    }
    this.path.step(pairs);
    this.restored = undefined;
    this.incrementIterations();
  }

  /** True while the variables hold the evaluation point (see {@link useEvaluationPoint}). */
  get atEvaluationPoint(): boolean {
    return this.trainingPoint !== undefined;
  }

  /**
   * For Schedule-Free (an optimizer whose `evaluationSlot` is set): puts its evaluation point
   * x into the variables, the point to evaluate, predict with or export (arXiv 2405.15682;
   * the reference code's `optimizer.eval()`), and keeps the training point y aside until
   * {@link useTrainingPoint}. Steps are refused meanwhile. Before the first step x is the
   * variables' own value. Calling it again changes nothing.
   *
   * @throws RangeError for an optimizer that evaluates where it trains, or when a variable of
   *   the state is no longer registered.
   */
  useEvaluationPoint(): void {
    const slot = this.optimizer.evaluationSlot;
    if (slot === undefined) {
      throw new RangeError(
        `RegistryOptimizer: ${this.optimizer.name} evaluates where it trains; it has no separate evaluation point`,
      );
    }
    if (this.trainingPoint) return;
    const names = this.path.names ?? [];
    const named = this.path.weights();
    try {
      const byName = new Map(named.map((n) => [n.name, n.tensor]));
      const targets = names.map((name) => {
        const variable = tf.engine().registeredVariables[name];
        const point = byName.get(`${name}/${slot}`);
        if (variable === undefined || point === undefined) {
          throw new RangeError(
            `RegistryOptimizer.useEvaluationPoint: no registered variable "${name}" for its slot "${name}/${slot}"`,
          );
        }
        return { name, variable, point };
      });
      const kept = new Map<string, tf.Tensor>();
      for (const { name, variable, point } of targets) {
        kept.set(name, tf.clone(variable));
        tf.tidy(() => variable.assign(tf.reshape(point, variable.shape)));
      }
      this.trainingPoint = kept;
    } finally {
      tf.dispose(named.map((n) => n.tensor));
    }
  }

  /**
   * Puts the training point y back into the variables after {@link useEvaluationPoint} (the
   * reference code's `optimizer.train()`); changes nothing when they hold it already.
   */
  useTrainingPoint(): void {
    if (!this.trainingPoint) return;
    for (const [name, value] of this.trainingPoint) {
      tf.engine().registeredVariables[name]?.assign(value);
      value.dispose();
    }
    this.trainingPoint = undefined;
  }

  /**
   * The state as named tensors (new tensors, owned by this optimizer until the next call or
   * {@link dispose}).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    for (const tensor of this.exported) tensor.dispose();
    const named: NamedTensor[] = [await this.saveIterations(), ...this.path.weights()];
    // The iteration count too: tfjs's saveIterations() makes a new tensor at every call.
    this.exported = named.map((n) => n.tensor);
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
    const slots = new Map<string, Float32Array>();
    const given: Record<string, number> = {};
    for (const { name, tensor } of weightValues.slice(1)) {
      const values = Float32Array.from((await tensor.data()) as Float32Array);
      if (name.startsWith(SCALARS)) given[name.slice(SCALARS.length)] = values[0];
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
    const scalars: Record<string, number> = {};
    for (const key of Object.keys(template.scalars ?? {})) {
      if (!(key in given))
        throw new RangeError(`RegistryOptimizer.setWeights: scalar "${key}" is missing`);
      scalars[key] = given[key];
    }
    await this.extractIterations(weightValues);
    this.restored = { step: this.iterations, names, slots, scalars };
    this.path.restore(this.restored);
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

  /** Releases the tensors it made (the variables get their training point back); the state restarts. */
  override dispose(): void {
    for (const tensor of this.exported) tensor.dispose();
    this.exported = [];
    this.useTrainingPoint();
    this.path_?.dispose();
    this.restored = undefined;
    super.dispose();
  }
}

/**
 * `saved` under the variables' current names, when each saved name matches one of them
 * exactly or up to the `_<n>` suffix tfjs-layers appends to keep names unique (a model
 * loaded in the process that saved it gets `dense_Dense1/kernel_1` for `dense_Dense1/kernel`),
 * one to one; else undefined.
 */
function renameSaved(saved: SavedState, names: readonly string[]): SavedState | undefined {
  if (names.length !== saved.names.length) return undefined;
  const unclaimed = new Set(saved.names);
  const mapping = new Map<string, string>();
  for (const name of names) {
    const candidates = unclaimed.has(name)
      ? [name]
      : [...unclaimed].filter((old) => canonicalName(old) === canonicalName(name));
    if (candidates.length !== 1) return undefined;
    unclaimed.delete(candidates[0]);
    mapping.set(candidates[0], name);
  }
  const slots = new Map<string, Float32Array>();
  for (const [key, values] of saved.slots) {
    const variable = key.slice(0, key.lastIndexOf('/'));
    slots.set(`${mapping.get(variable) ?? variable}${key.slice(variable.length)}`, values);
  }
  return { ...saved, names: names.map((name) => name), slots };
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
 * @throws RangeError for an unknown name or `path`; OptimizerOptionError for bad options (a
 *   `weightDecay` for an optimizer that has its own names it).
 */
export function registryOptimizer(
  name: string,
  {
    options = {},
    learningRateSchedule,
    clipNorm,
    weightDecay,
    path,
  }: RegistryOptimizerOptions = {},
): RegistryOptimizer {
  let optimizer = optimizerFromPreset(name, options);
  const transforms: OptimizerTransforms = {};
  if (learningRateSchedule !== undefined) transforms.schedule = learningRateSchedule;
  if (clipNorm !== undefined) transforms.clipNorm = clipNorm;
  if (weightDecay !== undefined) transforms.weightDecay = weightDecay;
  if (Object.keys(transforms).length > 0) optimizer = withTransforms(optimizer, transforms);
  return new RegistryOptimizer(optimizer, { path });
}

/** The names {@link registryOptimizer} accepts (the registry's presets). */
export const registryOptimizerNames: readonly string[] = optimizerPresets.map((p) => p.name);
