/**
 * The dual-process optimizer as a TensorFlow.js `tf.Optimizer`: the papers' delta-form
 * heavy-ball update with the golden-ratio learning rate and momentum (Jaeger,
 * "Double-Bayesian Learning", arXiv 2410.12984, Eqs. 32–34; apps/docs/theory.md#constants):
 *
 *     Δw(t) = α·Δw(t − 1) − η·g(t)        w(t + 1) = w(t) + Δw(t)        Δw(0) = 0
 *
 * (Δw(0) = 0 is this project's choice; the papers do not state the initial step)
 * with α = √2/φ ≈ 0.874032 and η = (1 − α)² ≈ 0.015868 from `@dualphi/optimizer`'s `golden`.
 */

import type { StepTelemetry } from '@dualphi/optimizer';
import { golden, OptimizerOptionTypeError, validateHyperParameters } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import { type FusedMode, type FusedStepInput, FusedUpdater, validateFusedMode } from './fused.js';
import { DeltaSlots } from './slots.js';
import { type ProcessTerms, processTerms, stepTelemetry } from './telemetry.js';

/** The name in validation messages: the same as `@dualphi/optimizer`'s `dualProcess()`. */
const OPTIMIZER = 'dualProcess';
const ALLOWED_OPTIONS = ['learningRate', 'momentum', 'rounded', 'telemetry'] as const;

/**
 * What the last step left for its telemetry: from the tfjs path the raw sums, one row
 * [Σg², ΣΔw(t−1)², Σg·Δw(t−1)] per variable, still on the backend (read only when asked);
 * from the fused path the terms the kernel returned.
 */
interface LastStep {
  names: string[];
  eta: number;
  alpha: number;
  rawSums?: tf.Tensor;
  terms?: ProcessTerms[];
}

/** Options of {@link dualProcess} and {@link DualProcessOptimizer}. */
export interface DualProcessOptimizerOptions {
  /** η; default `golden.learningRate` = (1 − α)² ≈ 0.0158679 (0.016 with `rounded`). Finite, > 0. */
  learningRate?: number;
  /** α; default `golden.momentum` = √2/φ ≈ 0.8740320 (0.874 with `rounded`). In [0, 1). */
  momentum?: number;
  /** Use the papers' rounded constants 0.874 / 0.016 as defaults. Default false. */
  rounded?: boolean;
  /**
   * Compute the process-balance sums of every step (apps/docs/theory.md#process-balance), readable through
   * {@link DualProcessOptimizer.lastStepTelemetry}. Default false; the `processBalance()`
   * callback switches it on for the duration of `fit`.
   */
  telemetry?: boolean;
  /**
   * Run the update through `@dualphi/core-wasm`'s fused SIMD `heavyBall` kernel instead of
   * tfjs ops. Default `'auto'`: fused on the backends where it measured faster, copies
   * included (tfjs-backend-cpu; see BENCHMARKS.md), tfjs ops elsewhere. `true`: fused on
   * every backend (`await optimizer.ready()` first). `false`: tfjs ops only. Both paths give
   * the same numbers bit for bit.
   */
  fused?: FusedMode;
}

/** The `applyGradients` argument: a map or a list of named gradients (tfjs does not export the type). */
export type VariableGradients = Parameters<tf.Optimizer['applyGradients']>[0];

/** One named tensor of optimizer state (tfjs does not export the type). */
export type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

/**
 * The dual-process optimizer for TensorFlow.js (apps/docs/theory.md#constants): the delta-form heavy ball
 * Δw ← α·Δw − η·g; w ← w + Δw with the golden-ratio constants by default.
 *
 * Differences from `tf.train.momentum` (accumulator form a ← μ·a + g; w ← w − η·a): the state
 * is the step Δw itself, so the trajectories are the same while η stays constant and differ
 * once η changes (then the delta form keeps the old steps at their old scale, as the papers
 * write it); {@link setLearningRate} and {@link setMomentum} both take effect on the next
 * update; state is keyed by variable name; {@link dispose} releases every tensor it made.
 *
 * State order for {@link getWeights} / {@link setWeights} (what `model.save(…,
 * {includeOptimizer: true})` stores): first the iteration count (`iter`, int32 scalar), then
 * one slot per variable named `<variable name>/delta`, in the order the variables first
 * reached {@link applyGradients} (tfjs-layers passes them in model-weight order). Restoring
 * matches slots to variables by name (the tfjs-layers uniqueness suffix `_<n>` is ignored when
 * the exact name is absent and the match is unique), not by position.
 *
 * @example
 * ```ts
 * import { dualProcess } from '@dualphi/tfjs-adapter';
 * model.compile({ optimizer: dualProcess(), loss: 'categoricalCrossentropy' });
 * ```
 */
export class DualProcessOptimizer extends tf.Optimizer {
  /** The name tfjs serialization registers this class under. */
  static get className(): string {
    return 'DualProcess';
  }

  private learningRate_: number;
  private momentum_: number;
  /** Whether each step computes the process-balance sums (apps/docs/theory.md#process-balance). */
  telemetry: boolean;
  private readonly slots = new DeltaSlots();
  private readonly fused: FusedUpdater;
  /** Telemetry material of the last step, kept until replaced. */
  private lastStep: LastStep | null = null;

  /**
   * @throws OptimizerOptionError (from `@dualphi/optimizer`) for an unknown option or a value
   *   out of range (in f64 or in f32), with the same message as `dualProcess()` there.
   * @throws OptimizerOptionTypeError (a `TypeError`) when `options` is not an object or a
   *   value has the wrong type.
   */
  constructor(options: DualProcessOptimizerOptions = {}) {
    super();
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      // A string would be spread into options "0", "1", …; null would mean the defaults.
      throw new OptimizerOptionTypeError(OPTIMIZER, 'options', 'must be an object', options);
    }
    const { fused, ...hyperParameters } = options;
    const valid = validateHyperParameters(
      OPTIMIZER,
      hyperParameters as Readonly<Record<string, unknown>>,
      ALLOWED_OPTIONS,
    );
    const rounded = valid.rounded === true;
    this.momentum_ =
      (valid.momentum as number | undefined) ??
      (rounded ? golden.roundedMomentum : golden.momentum);
    this.learningRate_ =
      (valid.learningRate as number | undefined) ??
      (rounded ? golden.roundedLearningRate : golden.learningRate);
    this.telemetry = valid.telemetry === true;
    this.fused = new FusedUpdater(validateFusedMode(OPTIMIZER, fused ?? 'auto'));
  }

  /** η, the learning rate the next update uses. */
  get learningRate(): number {
    return this.learningRate_;
  }

  /** α, the momentum the next update uses. */
  get momentum(): number {
    return this.momentum_;
  }

  /** The `fused` option this optimizer was made with. */
  get fusedMode(): FusedMode {
    return this.fused.mode;
  }

  /**
   * How the next update on the current backend runs: `'fused'` (the wasm kernel) or
   * `'tfjs'` (tfjs ops). With `fused: 'auto'` this may change once the kernels have loaded.
   */
  get updatePath(): 'fused' | 'tfjs' {
    return this.fused.active() ? 'fused' : 'tfjs';
  }

  /**
   * Loads the wasm kernels of the fused update (needed before the first step with
   * `fused: true`; optional with `'auto'`, which otherwise loads them in the background).
   * Resolves at once with `fused: false`.
   */
  ready(): Promise<void> {
    return this.fused.ready();
  }

  /**
   * Sets η for the next update (unlike the delta form's accumulator-form relatives, earlier
   * steps keep their scale: Δw carries them).
   *
   * @throws OptimizerOptionError unless η is finite and > 0.
   */
  setLearningRate(learningRate: number): void {
    this.learningRate_ = validateHyperParameters(OPTIMIZER, { learningRate })
      .learningRate as number;
  }

  /**
   * Sets α for the next update (tfjs's `MomentumOptimizer.setMomentum` only changes its
   * config; this one changes the update).
   *
   * @throws OptimizerOptionError unless α ∈ [0, 1).
   */
  setMomentum(momentum: number): void {
    this.momentum_ = validateHyperParameters(OPTIMIZER, { momentum }).momentum as number;
  }

  /**
   * One delta-form step for every variable that has a gradient (apps/docs/theory.md#constants):
   * Δw ← α·Δw − η·g; w ← w + Δw. Variables with a null gradient are left alone.
   *
   * @throws RangeError when a gradient names no registered variable or has another shape.
   */
  override applyGradients(variableGradients: VariableGradients): void {
    const entries = namedGradients(variableGradients);
    const eta = this.learningRate_;
    const alpha = this.momentum_;
    const pairs = entries.map(({ name, gradient }) => {
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) {
        throw new RangeError(`DualProcessOptimizer: no variable named "${name}" is registered`);
      }
      if (!tf.util.arraysEqual(variable.shape, gradient.shape)) {
        throw new RangeError(
          `DualProcessOptimizer: the gradient of "${name}" has shape [${gradient.shape.join(', ')}] ` +
            `but the variable has shape [${variable.shape.join(', ')}]`,
        );
      }
      return { name, variable, gradient, delta: this.slots.deltaFor(variable) };
    });
    const names = pairs.map((p) => p.name);
    if (this.fused.active()) {
      const terms = this.fused.step(pairs, eta, alpha, this.telemetry);
      this.replaceLastStep(terms === undefined ? null : { names, eta, alpha, terms });
    } else {
      const rawSums = stepWithOps(pairs, eta, alpha, this.telemetry);
      this.replaceLastStep(rawSums === undefined ? null : { names, eta, alpha, rawSums });
    }
    this.incrementIterations();
  }

  /**
   * The process balance of the last step (apps/docs/theory.md#process-balance; an interpretation, not from the
   * papers), per variable and overall, or undefined when that step ran without telemetry.
   * Reads a few numbers from the backend (a synchronous download of 3 values per variable).
   */
  lastStepTelemetry(): StepTelemetry | undefined {
    const last = this.lastStep;
    if (last === null) return undefined;
    const rows = last.rawSums?.arraySync() as number[][] | undefined;
    const perTensor = new Map<string, ProcessTerms>();
    last.names.forEach((name, i) => {
      if (last.terms !== undefined) {
        perTensor.set(name, last.terms[i]);
        return;
      }
      const [gradientSquares, deltaSquares, gradientDotDelta] = (rows as number[][])[i];
      perTensor.set(
        name,
        processTerms(
          { gradientSquares, deltaSquares, gradientDotDelta },
          // The step ran with f32 η and α (tf.scalar rounds them): scale with the same values.
          Math.fround(last.eta),
          Math.fround(last.alpha),
        ),
      );
    });
    return stepTelemetry(perTensor);
  }

  /** Releases every tensor and wasm buffer this optimizer created; its state restarts at zero. */
  override dispose(): void {
    this.slots.dispose();
    this.replaceLastStep(null);
    this.fused.dispose();
    super.dispose();
  }

  /**
   * The state: `[iter, <variable>/delta …]` (see the class comment for the order). The delta
   * tensors are the optimizer's own variables (not copies): read them, do not dispose them.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations(), ...this.slots.named()];
  }

  /**
   * Restores the state from `[iter, <variable>/delta …]` (copies the tensors; the list
   * {@link getWeights} returned, live slots included, round-trips). Slots are matched to
   * variables by name when those variables next reach {@link applyGradients}. The whole list
   * is checked before anything changes: a rejected list leaves the slots and the iteration
   * count as they were.
   *
   * @throws TypeError when the argument is not an array of `{ name, tensor }` with live tensors.
   * @throws RangeError when the list is empty, does not start with the iteration count `iter`
   *   (a scalar integer ≥ 0), or an entry after it is not named `<variable>/delta`, appears
   *   twice, or a variable in use has no slot in it.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    checkNamedTensors(weightValues);
    if (weightValues.length === 0) {
      throw new RangeError(
        'DualProcessOptimizer.setWeights: expected [iterations, <variable>/delta …], got an empty list',
      );
    }
    const [first, ...slots] = weightValues;
    if (first.name !== 'iter' || first.tensor.size !== 1) {
      throw new RangeError(
        `DualProcessOptimizer.setWeights: the list must start with the iteration count "iter" ` +
          `(a scalar, as getWeights() returns it), got "${first.name}" with shape [${first.tensor.shape.join(', ')}]`,
      );
    }
    const iterations = (await first.tensor.data())[0];
    if (!Number.isSafeInteger(iterations) || iterations < 0) {
      throw new RangeError(
        `DualProcessOptimizer.setWeights: the iteration count "iter" must be an integer ≥ 0, got ${iterations}`,
      );
    }
    // restore() checks and copies the whole list before it replaces anything.
    this.slots.restore(slots);
    this.iterations_ = iterations;
    this.replaceLastStep(null);
  }

  /** `{ learningRate, momentum }`: the values in use, so a reload continues with them. */
  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate_, momentum: this.momentum_ };
  }

  /** Rebuilds the optimizer from {@link getConfig} (tfjs serialization calls this). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls({ learningRate: config.learningRate, momentum: config.momentum });
  }

  private replaceLastStep(next: LastStep | null): void {
    this.lastStep?.rawSums?.dispose();
    this.lastStep = next;
  }
}

// Register on import, so `tf.loadLayersModel` can rebuild a model saved with this optimizer.
tf.serialization.registerClass(DualProcessOptimizer);

/**
 * A {@link DualProcessOptimizer} with the golden-ratio constants by default (apps/docs/theory.md#constants).
 *
 * @example
 * ```ts
 * model.compile({ optimizer: dualProcess(), loss: 'categoricalCrossentropy' });
 * dualProcess({ rounded: true });            // the papers' 0.874 / 0.016
 * dualProcess({ learningRate: 0.05 });       // override η, keep α
 * ```
 */
export function dualProcess(options?: DualProcessOptimizerOptions): DualProcessOptimizer {
  return new DualProcessOptimizer(options);
}

/**
 * True for a {@link DualProcessOptimizer} (also one from another copy of this package).
 * `instanceof` does not tell: tfjs-core makes `instanceof` on every `Optimizer` subclass a
 * duck-typed check that any optimizer passes.
 */
export function isDualProcessOptimizer(value: unknown): value is DualProcessOptimizer {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<DualProcessOptimizer>;
  return (
    typeof candidate.getClassName === 'function' &&
    candidate.getClassName() === DualProcessOptimizer.className &&
    typeof candidate.lastStepTelemetry === 'function'
  );
}

/**
 * The delta-form step in tfjs ops, on any backend (apps/docs/theory.md#constants). With telemetry, also the
 * raw sums Σg², ΣΔw(t−1)², Σg·Δw(t−1) per variable (kept: tfjs-layers calls applyGradients
 * inside its own tidy per batch).
 */
function stepWithOps(
  inputs: readonly FusedStepInput[],
  eta: number,
  alpha: number,
  telemetry: boolean,
): tf.Tensor | undefined {
  return tf.tidy(() => {
    const learningRate = tf.scalar(eta);
    const momentum = tf.scalar(alpha);
    const rows: tf.Tensor[] = [];
    for (const { variable, gradient, delta } of inputs) {
      if (telemetry) {
        // The two processes G = −η·g and M = α·Δw(t−1) before they are added (apps/docs/theory.md#process-balance).
        rows.push(
          tf.stack([
            tf.sum(tf.square(gradient)),
            tf.sum(tf.square(delta)),
            tf.sum(tf.mul(gradient, delta)),
          ]),
        );
      }
      // Δw(t) = α·Δw(t − 1) − η·g(t); w(t + 1) = w(t) + Δw(t)   (apps/docs/theory.md#constants)
      const step = tf.sub(tf.mul(momentum, delta), tf.mul(learningRate, gradient));
      delta.assign(step);
      variable.assign(tf.add(variable, step));
    }
    return rows.length > 0 ? tf.keep(tf.stack(rows)) : undefined;
  }) as tf.Tensor | undefined;
}

/** Checks the shape of a `setWeights` argument: an array of `{ name, tensor }` with live tensors. */
function checkNamedTensors(weightValues: unknown): asserts weightValues is NamedTensor[] {
  if (!Array.isArray(weightValues)) {
    throw new TypeError(
      `DualProcessOptimizer.setWeights: expected an array [iterations, <variable>/delta …] (what getWeights() returns), got ${weightValues === null ? 'null' : typeof weightValues}`,
    );
  }
  weightValues.forEach((entry: unknown, index) => {
    const { name, tensor } = (entry ?? {}) as { name?: unknown; tensor?: unknown };
    if (typeof name !== 'string' || !(tensor instanceof tf.Tensor)) {
      throw new TypeError(
        `DualProcessOptimizer.setWeights: entry ${index} must be { name: string, tensor: tf.Tensor }`,
      );
    }
    if (tensor.isDisposed) {
      throw new TypeError(
        `DualProcessOptimizer.setWeights: the tensor of "${name}" (entry ${index}) has been disposed`,
      );
    }
  });
}

function namedGradients(
  variableGradients: VariableGradients,
): { name: string; gradient: tf.Tensor }[] {
  const list = Array.isArray(variableGradients)
    ? variableGradients.map((item) => ({ name: item.name, gradient: item.tensor }))
    : Object.entries(variableGradients).map(([name, gradient]) => ({ name, gradient }));
  return list.filter((entry) => entry.gradient != null);
}
