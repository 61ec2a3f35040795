export { glorotUniform } from './init.js';
export { type ParameterShape, parameterLayout } from './layout.js';
export { createMlp, validateNetworkConfig } from './mlp.js';
export { Random } from './random.js';
export type { DenseLayer, Mlp, MlpOptions, RandomState } from './types.js';
