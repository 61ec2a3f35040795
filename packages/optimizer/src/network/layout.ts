/** The names and sizes of a network's parameter tensors, derived from its architecture alone. */
import type { NetworkConfig } from '../training/types.js';
import { validateNetworkConfig } from './mlp.js';

/** One parameter tensor's name and number of values. */
export interface ParameterShape {
  /** `dense{l}/weights` or `dense{l}/bias`. */
  name: string;
  /** Number of f32 values. */
  length: number;
}

/**
 * The parameter tensors of an MLP in `Mlp.parameters()` order.
 *
 * @throws TypeError / RangeError for an architecture `validateNetworkConfig` refuses.
 */
export function parameterLayout(config: NetworkConfig): ParameterShape[] {
  validateNetworkConfig(config);
  const sizes = [config.inputSize, ...config.hidden, config.outputSize];
  const shapes: ParameterShape[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    shapes.push({ name: `dense${l}/weights`, length: sizes[l] * sizes[l + 1] });
    shapes.push({ name: `dense${l}/bias`, length: sizes[l + 1] });
  }
  return shapes;
}
