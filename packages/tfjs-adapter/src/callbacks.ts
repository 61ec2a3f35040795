/**
 * A `model.fit` callback that records the process balance of the dual-process optimizer per
 * epoch (apps/docs/theory.md#process-balance — an interpretation this project adds, not from the papers) together
 * with the loss split from the epoch logs (apps/docs/theory.md#dual-processes). Needs `@tensorflow/tfjs-layers`,
 * hence its own entry point `@dualphi/tfjs-adapter/callbacks`.
 */
import type { ProcessBalance } from '@dualphi/optimizer';
import * as tf from '@tensorflow/tfjs-core';
import { Callback } from '@tensorflow/tfjs-layers';
import { type DualProcessOptimizer, isDualProcessOptimizer } from './optimizer.js';

/** The loss and its split as the epoch logs report them (undefined where not compiled in). */
export interface LossSplit {
  /** The training loss (`loss` in the logs). */
  loss?: number;
  /** KL(p‖q), from the `divergence` metric. */
  divergence?: number;
  /** H(p), from the `targetEntropy` metric. */
  targetEntropy?: number;
  /** H(q), from the `predictionEntropy` metric. */
  predictionEntropy?: number;
}

/** One epoch of {@link ProcessBalanceCallback}'s record. */
export interface ProcessBalanceEpoch {
  /** 1-based epoch number. */
  epoch: number;
  /** Optimizer steps in this epoch. */
  steps: number;
  /** Means over the epoch's steps of the overall norms, angle and cosine. */
  overall: ProcessBalance;
  /** Means over the epoch's steps, per variable name. */
  perTensor: Record<string, ProcessBalance>;
  /** The loss split on the training data (from the epoch logs). */
  train: LossSplit;
  /** The same on the validation data, when `fit` has validation data. */
  validation: LossSplit;
  /** Every numeric entry of the epoch logs. */
  logs: Record<string, number>;
}

/** Options of {@link processBalance}. */
export interface ProcessBalanceOptions {
  /** Where the one-line summary of each epoch goes; `false` for none. Default `console.log`. */
  log?: ((line: string) => void) | false;
  /**
   * Stop `fit` (`model.stopTraining = true`, as Keras' TerminateOnNaN) after a step whose
   * gradient or delta is not finite, record it in {@link ProcessBalanceCallback.diverged} and
   * log it. Default true.
   */
  stopOnNonFinite?: boolean;
}

/** Where training produced a non-finite gradient or delta (see {@link ProcessBalanceOptions.stopOnNonFinite}). */
export interface NonFiniteStep {
  /** 1-based epoch. */
  epoch: number;
  /** 0-based batch within the epoch. */
  batch: number;
  /** The first variable whose ‖G‖ or ‖M‖ was NaN or infinite. */
  variable: string;
  /** Its balance at that step. */
  balance: ProcessBalance;
}

/** Running sums of one {@link ProcessBalance} over steps. */
class BalanceMean {
  private gradientNorm = 0;
  private momentumNorm = 0;
  private angleDegrees = 0;
  private cosine = 0;
  private count = 0;

  add(balance: ProcessBalance): void {
    this.gradientNorm += balance.gradientNorm;
    this.momentumNorm += balance.momentumNorm;
    this.angleDegrees += balance.angleDegrees;
    this.cosine += balance.cosine;
    this.count += 1;
  }

  mean(): ProcessBalance {
    const n = this.count;
    if (n === 0)
      return {
        gradientNorm: Number.NaN,
        momentumNorm: Number.NaN,
        angleDegrees: Number.NaN,
        cosine: Number.NaN,
      };
    return {
      gradientNorm: this.gradientNorm / n,
      momentumNorm: this.momentumNorm / n,
      angleDegrees: this.angleDegrees / n,
      cosine: this.cosine / n,
    };
  }
}

/**
 * Records, per epoch, the mean process balance of the steps (‖G‖, ‖M‖, θ = atan2(‖M‖, ‖G‖),
 * cos(G, M), overall and per variable) and the loss split from the logs; logs one line per
 * epoch and keeps everything in {@link epochs}. Switches the optimizer's telemetry on for the
 * duration of `fit` (one small synchronous read of 3 numbers per variable per batch).
 */
export class ProcessBalanceCallback extends Callback {
  /** One record per finished epoch, in order. */
  readonly epochs: ProcessBalanceEpoch[] = [];
  /** The step that stopped training for a non-finite gradient or delta, if one did. */
  diverged: NonFiniteStep | undefined = undefined;
  private readonly log: ((line: string) => void) | false;
  private readonly stopOnNonFinite: boolean;
  private epoch = 0;
  private optimizer: DualProcessOptimizer | null = null;
  private telemetryBefore = false;
  private overall = new BalanceMean();
  private perTensor = new Map<string, BalanceMean>();
  private steps = 0;

  /**
   * See {@link processBalance}.
   *
   * @throws TypeError when `options` is not an object, `log` is neither a function nor
   *   `false`, or `stopOnNonFinite` is not a boolean; RangeError for an unknown option.
   */
  constructor(options: ProcessBalanceOptions = {}) {
    super();
    checkCallbackOptions(options);
    this.log = options.log === undefined ? (line) => console.log(line) : options.log;
    this.stopOnNonFinite = options.stopOnNonFinite ?? true;
  }

  /**
   * Switches the optimizer's telemetry on.
   *
   * @throws TypeError when the model is not compiled with a {@link DualProcessOptimizer}.
   */
  override async onTrainBegin(): Promise<void> {
    const optimizer = this.model?.optimizer;
    if (!isDualProcessOptimizer(optimizer)) {
      const name = optimizer ? optimizer.getClassName() : 'none';
      throw new TypeError(
        `processBalance(): the model must be compiled with dualProcess() (a DualProcessOptimizer), got ${name}`,
      );
    }
    this.optimizer = optimizer;
    this.telemetryBefore = optimizer.telemetry;
    optimizer.telemetry = true;
  }

  /** Resets the epoch's running means. */
  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch + 1;
    this.overall = new BalanceMean();
    this.perTensor = new Map();
    this.steps = 0;
  }

  /** Adds the step's balance to the epoch's means; stops on a non-finite step. */
  override async onBatchEnd(batch: number): Promise<void> {
    const telemetry = this.optimizer?.lastStepTelemetry();
    if (telemetry === undefined) return;
    if (this.stopOnNonFinite && this.diverged === undefined) {
      for (const [variable, balance] of telemetry.perTensor) {
        if (Number.isFinite(balance.gradientNorm) && Number.isFinite(balance.momentumNorm))
          continue;
        this.diverged = { epoch: this.epoch, batch, variable, balance };
        this.model.stopTraining = true;
        if (this.log) {
          this.log(
            `processBalance(): stopping at epoch ${this.epoch}, batch ${batch}: "${variable}" has ` +
              `‖G‖ = ${balance.gradientNorm}, ‖M‖ = ${balance.momentumNorm} (non-finite gradient or step)`,
          );
        }
        break;
      }
    }
    this.steps += 1;
    this.overall.add(telemetry.overall);
    for (const [name, balance] of telemetry.perTensor) {
      let mean = this.perTensor.get(name);
      if (mean === undefined) {
        mean = new BalanceMean();
        this.perTensor.set(name, mean);
      }
      mean.add(balance);
    }
  }

  /** Closes the epoch's record, logs it and keeps it in {@link epochs}. */
  override async onEpochEnd(epoch: number, logs?: Record<string, unknown>): Promise<void> {
    const numbers = numericLogs(logs);
    const record: ProcessBalanceEpoch = {
      epoch: epoch + 1,
      steps: this.steps,
      overall: this.overall.mean(),
      perTensor: Object.fromEntries([...this.perTensor].map(([name, m]) => [name, m.mean()])),
      train: split(numbers, ''),
      validation: split(numbers, 'val_'),
      logs: numbers,
    };
    this.epochs.push(record);
    if (this.log) this.log(summary(record));
  }

  /** Restores the optimizer's telemetry setting. */
  override async onTrainEnd(): Promise<void> {
    if (this.optimizer !== null) this.optimizer.telemetry = this.telemetryBefore;
    this.optimizer = null;
  }
}

/**
 * A `fit` callback recording the process balance (apps/docs/theory.md#process-balance) and the loss split per epoch.
 *
 * @example
 * ```ts
 * const balance = processBalance();
 * await model.fit(x, y, { epochs: 10, callbacks: [balance] });
 * balance.epochs[9].overall.angleDegrees; // mean θ of the last epoch in degrees, 45 = balance
 * ```
 */
export function processBalance(options?: ProcessBalanceOptions): ProcessBalanceCallback {
  return new ProcessBalanceCallback(options);
}

/** The keys of {@link ProcessBalanceOptions}. */
const callbackOptionNames = ['log', 'stopOnNonFinite'];

/**
 * Checks the options of {@link processBalance} at once: a `log` that is not a function
 * failed only at the end of the first epoch, a misspelt key was ignored.
 */
function checkCallbackOptions(options: unknown): asserts options is ProcessBalanceOptions {
  const context = 'processBalance()';
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${context}: the options must be an object, got ${describe(options)}`);
  }
  const { log, stopOnNonFinite } = options as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (!callbackOptionNames.includes(key)) {
      throw new RangeError(
        `${context}: "${key}" is not an option (allowed: ${callbackOptionNames.join(', ')})`,
      );
    }
  }
  if (log !== undefined && log !== false && typeof log !== 'function') {
    throw new TypeError(
      `${context}: "log" must be a function of one line, or false, got ${describe(log)}`,
    );
  }
  if (stopOnNonFinite !== undefined && typeof stopOnNonFinite !== 'boolean') {
    throw new TypeError(
      `${context}: "stopOnNonFinite" must be a boolean, got ${describe(stopOnNonFinite)}`,
    );
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  return value !== null && typeof value === 'object' ? 'an object' : String(value);
}

function numericLogs(logs: Record<string, unknown> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(logs ?? {})) {
    if (typeof value === 'number') out[key] = value;
    else if (value instanceof tf.Tensor && value.size === 1) out[key] = value.dataSync()[0];
  }
  return out;
}

function split(logs: Record<string, number>, prefix: string): LossSplit {
  return {
    loss: logs[`${prefix}loss`],
    divergence: logs[`${prefix}divergence`],
    targetEntropy: logs[`${prefix}targetEntropy`],
    predictionEntropy: logs[`${prefix}predictionEntropy`],
  };
}

function summary(record: ProcessBalanceEpoch): string {
  const { overall, train } = record;
  const parts = [
    `epoch ${record.epoch}`,
    `θ ${overall.angleDegrees.toFixed(1)}° (45° = balance)`,
    `cos ${overall.cosine.toFixed(3)}`,
    `‖G‖ ${overall.gradientNorm.toExponential(2)}`,
    `‖M‖ ${overall.momentumNorm.toExponential(2)}`,
  ];
  if (train.loss !== undefined) parts.push(`loss ${train.loss.toFixed(4)}`);
  if (train.divergence !== undefined) parts.push(`KL ${train.divergence.toFixed(4)}`);
  if (train.targetEntropy !== undefined) parts.push(`H(p) ${train.targetEntropy.toFixed(4)}`);
  if (train.predictionEntropy !== undefined)
    parts.push(`H(q) ${train.predictionEntropy.toFixed(4)}`);
  return parts.join('  ');
}
