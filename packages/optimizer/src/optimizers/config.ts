/**
 * Rebuilding an optimizer from its `toConfig()` data (CLI flags, checkpoints, JSON).
 */
import { adam, adamw } from './adam.js';
import { dualProcess } from './dual-process.js';
import { momentum } from './momentum.js';
import { sgd } from './sgd.js';
import type { Optimizer, OptimizerConfig, OptimizerName } from './types.js';
import { checkOptimizerConfigShape } from './validate.js';

const factories: Record<OptimizerName, (hyperParameters: Record<string, unknown>) => Optimizer> = {
  dualProcess: (h) => dualProcess(h),
  sgd: (h) => sgd(h as never),
  momentum: (h) => momentum(h as never),
  adam: (h) => adam(h),
  adamw: (h) => adamw(h),
};

/** The optimizer names `optimizerFromConfig` accepts. */
export const optimizerNames: readonly OptimizerName[] = Object.freeze(
  Object.keys(factories) as OptimizerName[],
);

/**
 * The optimizer a config describes: `optimizerFromConfig(o.toConfig())` behaves as `o`.
 *
 * @throws OptimizerOptionTypeError (a TypeError) when `config` is not `{ name, hyperParameters }`.
 * @throws RangeError for an unknown name; OptimizerOptionError for bad hyper-parameters.
 */
export function optimizerFromConfig(config: OptimizerConfig): Optimizer {
  checkOptimizerConfigShape('optimizerFromConfig', config);
  const factory = Object.hasOwn(factories, config?.name) ? factories[config.name] : undefined;
  if (!factory) {
    throw new RangeError(
      `optimizerFromConfig: "name" must be one of ${optimizerNames.join(', ')}, got ${JSON.stringify(config?.name)}`,
    );
  }
  return factory({ ...(config.hyperParameters ?? {}) });
}
