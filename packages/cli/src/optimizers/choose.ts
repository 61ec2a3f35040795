/**
 * What each `--optimizer` name means, and the defaults the command line uses: both come from
 * the optimizer package's registry (`optimizerPresets`: each optimizer module declares its
 * command-line names with their preset options and a one-line summary), so this file only
 * applies the `--lr` / `--momentum` overrides and formats optimizers for tables.
 */
import {
  type Optimizer,
  type OptimizerConfig,
  OptimizerOptionError,
  OptimizerOptionTypeError,
  type OptimizerTransforms,
  optimizerFromPreset,
  optimizerModule,
  optimizerPresets,
  type ScheduleConfig,
  type ScheduleKind,
  withTransforms,
} from '@dualphi/optimizer';
import { UsageError } from '../errors.js';
import {
  learningRateOptimizerNames,
  momentumOptimizerNames,
  type OptimizerName,
} from '../options/common.js';

/** `--lr`, `--momentum`, `--weight-decay`, `--schedule`, `--warmup` and `--clip-norm`. */
export interface OptimizerOverrides {
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  schedule?: ScheduleKind;
  warmup?: number;
  clipNorm?: number;
}

/**
 * The schedule `--schedule` and `--warmup` ask for: `--warmup` alone is a linear warm-up;
 * the warm-up schedules need `--warmup`, the others do not take it.
 */
function scheduleOf(overrides: OptimizerOverrides): ScheduleConfig | undefined {
  const { schedule, warmup } = overrides;
  if (schedule === undefined)
    return warmup === undefined ? undefined : { kind: 'warmup', warmupSteps: warmup };
  const warm = schedule === 'warmup' || schedule === 'warmup-cosine';
  if (warm && warmup === undefined) {
    throw new UsageError(`--schedule ${schedule} needs --warmup <steps>`);
  }
  if (!warm && warmup !== undefined) {
    throw new UsageError(
      `--warmup does not apply to --schedule ${schedule} (allowed with: warmup, warmup-cosine)`,
    );
  }
  return warm ? { kind: schedule, warmupSteps: warmup } : { kind: schedule };
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
  try {
    return buildOptimizer(name, overrides);
  } catch (error) {
    throw asFlagError(error, overrides);
  }
}

/** The override and the flag each refusable option comes from. */
const flags: Readonly<Record<string, readonly [keyof OptimizerOverrides, string]>> = {
  learningRate: ['lr', 'lr'],
  momentum: ['momentum', 'momentum'],
  weightDecay: ['weightDecay', 'weight-decay'],
  clipNorm: ['clipNorm', 'clip-norm'],
  'schedule.warmupSteps': ['warmup', 'warmup'],
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
  const entry = flags[error.option];
  if (entry === undefined || overrides[entry[0]] === undefined) return error;
  const requirement = error.message
    .slice(`${error.optimizer}: "${error.option}" `.length)
    .replace(/, got [^,]*$/, '');
  return new UsageError(`--${entry[1]} ${String(overrides[entry[0]])}: ${requirement}`);
}

/** The optimizer with the overrides, after the flags' applicability has been checked. */
function buildOptimizer(name: OptimizerName, overrides: OptimizerOverrides): Optimizer {
  if (overrides.lr !== undefined && !learningRateOptimizerNames.includes(name)) {
    throw new UsageError(
      `--lr does not apply to --optimizer ${name}: its learning rate follows from its momentum (allowed with: ${learningRateOptimizerNames.join(', ')})`,
    );
  }
  const preset = optimizerPresets.find((p) => p.name === name);
  // --weight-decay sets the optimizer's own option where it has one (adamw, lion, prodigy,
  // schedule-free), else adds decoupled weight decay (the heavy-ball family).
  const ownDecay = preset !== undefined && Object.hasOwn(preset.module.options, 'weightDecay');
  const optimizer = optimizerFromPreset(name, {
    learningRate: overrides.lr,
    momentum: overrides.momentum,
    weightDecay: ownDecay ? overrides.weightDecay : undefined,
  });
  const schedule = scheduleOf(overrides);
  if (schedule !== undefined && !learningRateOptimizerNames.includes(name)) {
    throw new UsageError(
      `--schedule does not apply to --optimizer ${name}: it has no learning rate to schedule (allowed with: ${learningRateOptimizerNames.join(', ')})`,
    );
  }
  const transforms: OptimizerTransforms = {};
  if (schedule !== undefined) transforms.schedule = schedule;
  if (overrides.clipNorm !== undefined) transforms.clipNorm = overrides.clipNorm;
  if (overrides.weightDecay !== undefined && !ownDecay) {
    transforms.weightDecay = overrides.weightDecay;
  }
  return Object.keys(transforms).length > 0 ? withTransforms(optimizer, transforms) : optimizer;
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
  const { schedule, clipNorm, weightDecay } = config.transforms ?? {};
  if (schedule) {
    parts.push(
      `schedule=${schedule.kind}${schedule.warmupSteps ? `(warmup ${schedule.warmupSteps})` : ''}`,
    );
  }
  if (clipNorm !== undefined) parts.push(`clip=${clipNorm}`);
  if (weightDecay !== undefined) parts.push(`λ=${weightDecay}`);
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
