/**
 * The registry: every optimizer of this package, one module each. The CLI's `--optimizer`
 * choices and help, `optimizerFromConfig`, checkpoint round-trips, the docs' optimizer table
 * and the demo's choices are all derived from this list. Adding an optimizer is one module
 * (see define.ts) plus one line here.
 */
import { adamModule, adamwModule } from './adam.js';
import type { OptimizerModule, OptimizerPreset } from './define.js';
import { dualProcessModule } from './dual-process.js';
import {
  goldenBatchHalfLifeModule,
  goldenBatchLinearModule,
  goldenCosineModule,
} from './golden-extensions.js';
import { lionModule } from './lion.js';
import { momentumModule } from './momentum.js';
import { prodigyModule } from './prodigy.js';
import { scheduleFreeAdamWModule, scheduleFreeSgdModule } from './schedule-free.js';
import { sgdModule } from './sgd.js';
import type { HyperParameterValue, Optimizer } from './types.js';

/** Every optimizer module, in the order lists show them (typed by their literal names). */
export const optimizerRegistry = [
  dualProcessModule,
  momentumModule,
  sgdModule,
  adamModule,
  adamwModule,
  lionModule,
  prodigyModule,
  scheduleFreeSgdModule,
  scheduleFreeAdamWModule,
  goldenCosineModule,
  goldenBatchLinearModule,
  goldenBatchHalfLifeModule,
] as const;

/** The optimizers this package provides (their `toConfig().name`): the registry's names. */
export type OptimizerName = (typeof optimizerRegistry)[number]['name'];

/** The optimizer names `optimizerFromConfig` accepts. */
export const optimizerNames: readonly OptimizerName[] = Object.freeze(
  optimizerRegistry.map((module) => module.name),
);

/** The module of an optimizer name, or undefined. */
export function optimizerModule(name: string): OptimizerModule | undefined {
  return (optimizerRegistry as readonly OptimizerModule[]).find((module) => module.name === name);
}

/** A command-line preset with the module it belongs to. */
export interface RegisteredPreset extends OptimizerPreset {
  /** The module the preset configures. */
  readonly module: OptimizerModule;
}

/**
 * The command-line names (`golden`, `golden-rounded`, `momentum`, `nesterov`, `sgd`, …) in
 * registry order, each with its module and preset options.
 */
export const optimizerPresets: readonly RegisteredPreset[] = Object.freeze(
  (optimizerRegistry as readonly OptimizerModule[]).flatMap((module) =>
    module.presets.map((preset) => ({ ...preset, module })),
  ),
);

/**
 * The optimizer a command-line name stands for, with `overrides` (e.g. `{ learningRate }`)
 * applied over the preset's options.
 *
 * @throws RangeError for an unknown name; OptimizerOptionError for bad overrides.
 */
export function optimizerFromPreset(
  name: string,
  overrides: Readonly<Record<string, HyperParameterValue | undefined>> = {},
): Optimizer {
  const preset = optimizerPresets.find((p) => p.name === name);
  if (!preset) {
    throw new RangeError(
      `optimizerFromPreset: the name must be one of ${optimizerPresets.map((p) => p.name).join(', ')}, got ${JSON.stringify(name)}`,
    );
  }
  const options: Record<string, HyperParameterValue | undefined> = { ...preset.options };
  for (const [option, value] of Object.entries(overrides)) {
    if (value !== undefined) options[option] = value;
  }
  return preset.module.create(options);
}
