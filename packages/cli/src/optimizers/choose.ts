/**
 * What each `--optimizer` name means, and the defaults the command line uses: both come from
 * the optimizer package's registry (`optimizerPresets`: each optimizer module declares its
 * command-line names with their preset options and a one-line summary), so this file only
 * applies the `--lr` / `--momentum` overrides and formats optimizers for tables.
 */
import {
  type Optimizer,
  type OptimizerConfig,
  optimizerFromPreset,
  optimizerModule,
  optimizerPresets,
} from '@dualphi/optimizer';
import { UsageError } from '../errors.js';
import {
  learningRateOptimizerNames,
  momentumOptimizerNames,
  type OptimizerName,
} from '../options/common.js';

/** `--lr` and `--momentum` overrides. */
export interface OptimizerOverrides {
  lr?: number;
  momentum?: number;
}

/**
 * Builds the optimizer a `--optimizer` name stands for, with overrides applied.
 *
 * @throws UsageError for an unknown name, or when `--momentum` (`--lr`) is given to an
 *   optimizer without a momentum (learning-rate) option.
 */
export function chooseOptimizer(
  name: OptimizerName,
  overrides: OptimizerOverrides = {},
): Optimizer {
  if (!optimizerPresets.some((preset) => preset.name === name)) {
    throw new UsageError(
      `--optimizer ${name} is not known (allowed: ${optimizerPresets.map((p) => p.name).join(', ')})`,
    );
  }
  if (overrides.momentum !== undefined && !momentumOptimizerNames.includes(name)) {
    throw new UsageError(
      `--momentum does not apply to --optimizer ${name} (allowed with: ${momentumOptimizerNames.join(', ')})`,
    );
  }
  if (overrides.lr !== undefined && !learningRateOptimizerNames.includes(name)) {
    throw new UsageError(
      `--lr does not apply to --optimizer ${name}: its learning rate follows from its momentum (allowed with: ${learningRateOptimizerNames.join(', ')})`,
    );
  }
  return optimizerFromPreset(name, {
    learningRate: overrides.lr,
    momentum: overrides.momentum,
  });
}

/** A short description of an optimizer's settings for tables: "η=0.01587 α=0.874". */
export function describeOptimizer(optimizer: Optimizer): string {
  return describeHyperParameters(optimizer.toConfig());
}

/**
 * {@link describeOptimizer} for a saved optimizer configuration: each numeric option with
 * the symbol its module declares (η, α or μ, β₁, λ, …), then `nesterov` when on.
 */
export function describeHyperParameters(config: OptimizerConfig): string {
  const specs = optimizerModule(config.name)?.options ?? {};
  const parts: string[] = [];
  for (const [key, value] of Object.entries(config.hyperParameters)) {
    const symbol = specs[key]?.symbol;
    if (typeof value !== 'number' || symbol === undefined) continue;
    parts.push(`${symbol}=${Number(value.toPrecision(4))}`);
  }
  if (config.hyperParameters.nesterov === true) parts.push('nesterov');
  return parts.join(' ');
}

/** True when two hyper-parameter sets hold the same values. */
function sameValues(a: OptimizerConfig['hyperParameters'], b: OptimizerConfig['hyperParameters']) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/**
 * The command-line name of a saved optimizer configuration (for a resumed run's label): the
 * preset whose options it holds exactly (`golden`, `golden-rounded`, `nesterov`, …), else the
 * preset it is with `--lr` / `--momentum` overrides, else the package name.
 */
export function optimizerLabel(config: OptimizerConfig): string {
  const presets = optimizerPresets.filter((preset) => preset.module.name === config.name);
  const { learningRate, momentum } = config.hyperParameters;
  const attempts: ((name: string) => Optimizer)[] = [
    (name) => optimizerFromPreset(name),
    (name) =>
      optimizerFromPreset(name, {
        learningRate: typeof learningRate === 'number' ? learningRate : undefined,
        momentum:
          typeof momentum === 'number' && momentumOptimizerNames.includes(name)
            ? momentum
            : undefined,
      }),
  ];
  for (const attempt of attempts) {
    for (const preset of presets) {
      if (sameValues(attempt(preset.name).toConfig().hyperParameters, config.hyperParameters)) {
        return preset.name;
      }
    }
  }
  return config.name;
}
