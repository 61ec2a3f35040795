/**
 * Rebuilding an optimizer from its `toConfig()` data (CLI flags, checkpoints, JSON), through
 * the registry.
 */
import { optimizerModule, optimizerNames } from './registry.js';
import { withTransforms } from './transforms.js';
import type { Optimizer, OptimizerConfig } from './types.js';
import { checkOptimizerConfigShape } from './validate.js';

export { optimizerNames } from './registry.js';

/**
 * The optimizer a config describes: `optimizerFromConfig(o.toConfig())` behaves as `o`.
 *
 * @throws OptimizerOptionTypeError (a TypeError) when `config` is not `{ name, hyperParameters }`.
 * @throws RangeError for an unknown name; OptimizerOptionError for bad hyper-parameters.
 */
export function optimizerFromConfig(config: OptimizerConfig): Optimizer {
  checkOptimizerConfigShape('optimizerFromConfig', config);
  const module = optimizerModule(config.name);
  if (!module) {
    throw new RangeError(
      `optimizerFromConfig: "name" must be one of ${optimizerNames.join(', ')}, got ${JSON.stringify(config?.name)}`,
    );
  }
  const optimizer = module.create({ ...(config.hyperParameters ?? {}) });
  return config.transforms === undefined ? optimizer : withTransforms(optimizer, config.transforms);
}
