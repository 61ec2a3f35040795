/**
 * The one shape every optimizer has (in the manner of optax: `init` and `update` with
 * explicit, serialisable state). Buffers live in a {@link Kernels} instance from
 * `@dualphi/core-wasm`; a plain f64 path over `Float64Array`s (`initArrays` /
 * `updateArrays`) runs the same rule as a reference the kernel path is tested against.
 */
import type { F32Buffer, Kernels } from '@dualphi/core-wasm';

/** A named parameter tensor (flattened); names must be unique within one model. */
export interface ParameterTensor {
  /** E.g. `'dense0/weights'`. */
  readonly name: string;
  /** The values, updated in place by {@link Optimizer.update}. */
  readonly value: F32Buffer;
}

/** A named parameter tensor as f64 values, for the reference path {@link Optimizer.updateArrays}. */
export interface ArrayParameter {
  /** E.g. `'dense0/weights'`. */
  readonly name: string;
  /** The values, updated in place. */
  readonly value: Float64Array;
}

/**
 * Optimizer state: the number of updates taken and the slot buffers, keyed
 * `${parameterName}/${slotName}` (e.g. `dense0/weights/delta`), all in the same kernels.
 */
export interface OptimizerState {
  /** Updates taken so far (Adam's bias corrections use step + 1 for the next one). */
  step: number;
  /** Slot buffers keyed `${parameterName}/${slotName}`. */
  slots: Map<string, F32Buffer>;
  /** Global scalars of optimizers that keep some (e.g. Prodigy's d), in f64; absent otherwise. */
  scalars?: Record<string, number>;
}

/** The f64 counterpart of {@link OptimizerState} used by the reference path. */
export interface ArrayOptimizerState {
  /** Updates taken so far. */
  step: number;
  /** Slot arrays keyed `${parameterName}/${slotName}`. */
  slots: Map<string, Float64Array>;
  /** Global scalars, as in {@link OptimizerState}. */
  scalars?: Record<string, number>;
}

/** {@link OptimizerState} as plain data (copies), e.g. for a checkpoint. */
export interface SerializedOptimizerState {
  /** Updates taken so far. */
  step: number;
  /** Copies of the slot values keyed `${parameterName}/${slotName}`. */
  slots: Record<string, Float32Array>;
  /** Global scalars (f64, exact in JSON), for optimizers that keep some; absent otherwise. */
  scalars?: Record<string, number>;
}

/**
 * Balance of the two processes of one step (apps/docs/theory.md#process-balance; an interpretation of this
 * project, not a quantity from the papers): the gradient term G = −η·g and the momentum term
 * M = α·Δw(t − 1) of the delta-form update Δw(t) = G + M.
 */
export interface ProcessBalance {
  /** ‖G‖. */
  gradientNorm: number;
  /** ‖M‖. */
  momentumNorm: number;
  /**
   * θ = atan2(‖M‖, ‖G‖) in degrees, in [0, 90]: 45 where both processes are equal, 0 with no
   * momentum. Degrees on every surface (terminal, report, JSON, CSV, library, demo).
   */
  angleDegrees: number;
  /** G·M / (‖G‖‖M‖), 0 when either norm is 0: do the processes pull the same way? */
  cosine: number;
}

/** Process balance of one update, per parameter tensor and over all of them (apps/docs/theory.md#process-balance). */
export interface StepTelemetry {
  /** Over the concatenation of all tensors. */
  overall: ProcessBalance;
  /** Keyed by parameter name. */
  perTensor: ReadonlyMap<string, ProcessBalance>;
}

/** The optimizers this package provides: the names of the registry's modules. */
export type { OptimizerName } from './registry.js';

import type { OptimizerName } from './registry.js';
import type { OptimizerTransforms } from './transforms.js';

/** A hyper-parameter value. */
export type HyperParameterValue = number | boolean;

/** An optimizer's name and hyper-parameters as plain JSON-able data; see `optimizerFromConfig`. */
export interface OptimizerConfig {
  /** Which optimizer. */
  name: OptimizerName;
  /** Its hyper-parameters (all of them, as {@link Optimizer.hyperParameters}). */
  hyperParameters: Record<string, HyperParameterValue>;
  /** Schedule, clipping and decoupled weight decay, when `withTransforms` added any. */
  transforms?: OptimizerTransforms;
}

/**
 * What the training loop knows about the run and tells the optimizer at each update, for
 * rules that depend on it (a decay over the run, a rule that scales with the batch size).
 */
export interface TrainingRun {
  /** Optimizer steps of the whole run (epochs × batches per epoch). */
  readonly totalSteps: number;
  /** The configured mini-batch size (the last batch of an epoch may hold fewer rows). */
  readonly batchSize: number;
}

/**
 * An optimizer: hyper-parameters plus an update rule applied to named parameter tensors with
 * explicit state. All optimizers of this package share this interface.
 */
export interface Optimizer {
  /** Which optimizer. */
  readonly name: OptimizerName;
  /**
   * The slot that holds the point to evaluate, checkpoint and save when the parameters hold
   * the point gradients are taken at (Schedule-Free's x and y, arXiv 2405.15682); undefined
   * for optimizers whose parameters are the model.
   */
  readonly evaluationSlot?: string;
  /** The current hyper-parameter values (a frozen snapshot; re-read after {@link set}). */
  readonly hyperParameters: Readonly<Record<string, HyperParameterValue>>;
  /**
   * Changes one hyper-parameter after validating it; the next update uses the new value.
   *
   * @throws OptimizerOptionError for an unknown name or a value out of range.
   */
  set(name: string, value: HyperParameterValue): void;
  /** Allocates zeroed slots for the parameters in `kernels`; step 0. */
  init(kernels: Kernels, parameters: readonly ParameterTensor[]): OptimizerState;
  /**
   * One update, in place: parameters and state change, gradients are only read. `run` (given
   * by `train()`) tells rules that depend on the run's length or batch size about it. Returns the
   * process-balance telemetry for `dualProcess` and `momentum` when their `telemetry` is on
   * (the default for `dualProcess`), else undefined.
   *
   * @throws RangeError when gradients and parameters do not match or the state lacks a slot.
   */
  update(
    kernels: Kernels,
    parameters: readonly ParameterTensor[],
    gradients: readonly F32Buffer[],
    state: OptimizerState,
    run?: TrainingRun,
  ): StepTelemetry | undefined;
  /** Like {@link init} for the f64 reference path. */
  initArrays(parameters: readonly ArrayParameter[]): ArrayOptimizerState;
  /**
   * The same update rule in plain f64 arithmetic (the reference the kernel path is tested
   * against; slow, for tests and for exact checks of the papers' numbers).
   */
  updateArrays(
    parameters: readonly ArrayParameter[],
    gradients: readonly (Float64Array | readonly number[])[],
    state: ArrayOptimizerState,
    run?: TrainingRun,
  ): StepTelemetry | undefined;
  /** Name and current hyper-parameters as data; `optimizerFromConfig` rebuilds the optimizer. */
  toConfig(): OptimizerConfig;
}

/** Options of `dualProcess()` (apps/docs/theory.md#constants). */
export interface DualProcessOptions {
  /** η; default `golden.learningRate` = (1 − α)² (or 0.016 with `rounded`). Finite, > 0. */
  learningRate?: number;
  /** α; default `golden.momentum` = √2/φ (or 0.874 with `rounded`). In [0, 1). */
  momentum?: number;
  /** Use the papers' rounded constants 0.874 / 0.016 as defaults. Default false. */
  rounded?: boolean;
  /** Return process-balance telemetry after each update (apps/docs/theory.md#process-balance). Default true. */
  telemetry?: boolean;
}

/** Options of `sgd()`. */
export interface SgdOptions {
  /** η, finite and > 0. */
  learningRate: number;
}

/** Options of `momentum()` (tfjs / PyTorch convention). */
export interface MomentumOptions {
  /** η, finite and > 0. */
  learningRate: number;
  /** μ in [0, 1). */
  momentum: number;
  /** Nesterov momentum (needs μ > 0). Default false. */
  nesterov?: boolean;
  /** Return process-balance telemetry (apps/docs/theory.md#process-balance) in the delta-form reading. Default false. */
  telemetry?: boolean;
}

/** Options of `adam()`. */
export interface AdamOptions {
  /** Default 0.001. Finite, > 0. */
  learningRate?: number;
  /** Default 0.9. In [0, 1). */
  beta1?: number;
  /** Default 0.999. In [0, 1). */
  beta2?: number;
  /** Default 1e-8. Finite, > 0. */
  epsilon?: number;
}

/** Options of `adamw()`. */
export interface AdamWOptions extends AdamOptions {
  /** Decoupled weight decay λ (w ← w − η·λ·w); default 0.01. Finite, ≥ 0. */
  weightDecay?: number;
}
