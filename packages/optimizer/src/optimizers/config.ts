/**
 * Rebuilding an optimizer from its `toConfig()` data (CLI flags, checkpoints, JSON), through
 * the registry.
 */
import { optimizerModule, optimizerNames } from './registry.js';
import { withTransforms } from './transforms.js';
import type { Optimizer, OptimizerConfig } from './types.js';

export { optimizerNames } from './registry.js';

/**
 * The optimizer a config describes: `optimizerFromConfig(o.toConfig())` behaves as `o`.
 *
 * @throws RangeError for an unknown name; OptimizerOptionError for bad hyper-parameters.
 */
export function optimizerFromConfig(config: OptimizerConfig): Optimizer {
  const module = typeof config?.name === 'string' ? optimizerModule(config.name) : undefined;
  if (!module) {
    throw new RangeError(
      `optimizerFromConfig: "name" must be one of ${optimizerNames.join(', ')}, got ${JSON.stringify(config?.name)}`,
    );
  }
  const optimizer = module.create({ ...(config.hyperParameters ?? {}) });
  return config.transforms === undefined ? optimizer : withTransforms(optimizer, config.transforms);
}
