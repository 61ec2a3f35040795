/**
 * What each `--optimizer` name means, and the defaults the command line uses.
 *
 * - `golden`: the dual-process update with α = √2/φ and η = (1 − α)², exact (theory.md §4).
 * - `golden-rounded`: the same with the papers' rounded 0.874 / 0.016.
 * - `momentum`, `nesterov`: tfjs/PyTorch momentum, η = 0.01, μ = 0.9 (the customary pair
 *   the issue and the papers compare against), with the process-balance telemetry on: its
 *   step written in the delta form has the same two terms G and M (theory.md §5), so the
 *   balance columns of `compare` can be read side by side.
 * - `sgd`: plain SGD, η = 0.1 — the effective step η/(1 − μ) of momentum 0.01/0.9, so that
 *   plain SGD is not handicapped by a step ten times smaller (a choice of this project).
 * - `adam`: η = 1e-3, β₁ = 0.9, β₂ = 0.999; `adamw`: the same with weight decay 0.01.
 */
import {
  adam,
  adamw,
  dualProcess,
  golden,
  momentum as momentumOptimizer,
  type Optimizer,
  type OptimizerConfig,
  OptimizerOptionError,
  OptimizerOptionTypeError,
  sgd,
} from '@dualphi/optimizer';
import { UsageError } from '../errors.js';
import type { OptimizerName } from '../options/common.js';

/** `--lr` and `--momentum` overrides. */
export interface OptimizerOverrides {
  lr?: number;
  momentum?: number;
}

const withMomentum = new Set<OptimizerName>(['golden', 'golden-rounded', 'momentum', 'nesterov']);

/**
 * Builds the optimizer a `--optimizer` name stands for, with overrides applied.
 *
 * @throws UsageError when `--momentum` is given to an optimizer without momentum.
 */
export function chooseOptimizer(
  name: OptimizerName,
  overrides: OptimizerOverrides = {},
): Optimizer {
  if (overrides.momentum !== undefined && !withMomentum.has(name)) {
    throw new UsageError(
      `--momentum does not apply to --optimizer ${name} (allowed with: ${[...withMomentum].join(', ')})`,
    );
  }
  try {
    return buildOptimizer(name, overrides);
  } catch (error) {
    throw asFlagError(error, overrides);
  }
}

/** The flag each overridable hyper-parameter comes from. */
const flags: Readonly<Record<string, keyof OptimizerOverrides>> = {
  learningRate: 'lr',
  momentum: 'momentum',
};

/**
 * A hyper-parameter the optimizer refused (e.g. `--lr 1e-46`, which passes the flag's own
 * check but becomes 0 in the f32 kernels) as a usage error naming the flag and the value
 * given, without the library's function name.
 */
function asFlagError(error: unknown, overrides: OptimizerOverrides): unknown {
  if (!(error instanceof OptimizerOptionError || error instanceof OptimizerOptionTypeError)) {
    return error;
  }
  const flag = flags[error.option];
  if (flag === undefined || overrides[flag] === undefined) return error;
  const requirement = error.message
    .slice(`${error.optimizer}: "${error.option}" `.length)
    .replace(/, got [^,]*$/, '');
  return new UsageError(`--${flag} ${String(overrides[flag])}: ${requirement}`);
}

function buildOptimizer(name: OptimizerName, overrides: OptimizerOverrides): Optimizer {
  const lr = overrides.lr;
  const mu = overrides.momentum;
  switch (name) {
    case 'golden':
      return dualProcess({ learningRate: lr, momentum: mu });
    case 'golden-rounded':
      return dualProcess({ rounded: true, learningRate: lr, momentum: mu });
    case 'momentum':
      return momentumOptimizer({ learningRate: lr ?? 0.01, momentum: mu ?? 0.9, telemetry: true });
    case 'nesterov':
      return momentumOptimizer({
        learningRate: lr ?? 0.01,
        momentum: mu ?? 0.9,
        nesterov: true,
        telemetry: true,
      });
    case 'sgd':
      return sgd({ learningRate: lr ?? 0.1 });
    case 'adam':
      return adam({ learningRate: lr ?? 1e-3 });
    case 'adamw':
      return adamw({ learningRate: lr ?? 1e-3 });
  }
}

/** A short description of an optimizer's settings for tables: "η=0.01587 α=0.874". */
export function describeOptimizer(optimizer: Optimizer): string {
  return describeHyperParameters(optimizer.toConfig());
}

/** {@link describeOptimizer} for a saved optimizer configuration. */
export function describeHyperParameters(config: OptimizerConfig): string {
  const parts: string[] = [];
  const symbols: Record<string, string> = {
    learningRate: 'η',
    momentum: config.name === 'dualProcess' ? 'α' : 'μ',
    beta1: 'β₁',
    beta2: 'β₂',
    weightDecay: 'λ',
  };
  for (const [key, value] of Object.entries(config.hyperParameters)) {
    if (typeof value !== 'number' || !(key in symbols)) continue;
    parts.push(`${symbols[key]}=${Number(value.toPrecision(4))}`);
  }
  if (config.hyperParameters.nesterov === true) parts.push('nesterov');
  return parts.join(' ');
}

/**
 * The command-line name of a saved optimizer configuration (for a resumed run's label):
 * `golden` / `golden-rounded` when the dual-process constants are the theory's, else the
 * package name (`dualProcess`, `momentum`, `nesterov`, …).
 */
export function optimizerLabel(config: OptimizerConfig): string {
  const { learningRate, momentum, nesterov } = config.hyperParameters;
  if (config.name === 'dualProcess') {
    if (learningRate === golden.learningRate && momentum === golden.momentum) return 'golden';
    if (learningRate === golden.roundedLearningRate && momentum === golden.roundedMomentum) {
      return 'golden-rounded';
    }
    return 'dualProcess';
  }
  if (config.name === 'momentum' && nesterov === true) return 'nesterov';
  return config.name;
}
