/**
 * The tf-ops rules by registry name (`toConfig().name` of `@dualphi/optimizer`). A rule here
 * is an optional speed-up: a registry optimizer without one runs in tfjs through the download
 * path (the optimizer package's f64 rule on the variables' values). Adding one is a file in
 * this folder plus one line below; its test in rules.test.ts holds it to the f64 path.
 */
import { adamTfRule, adamwTfRule } from './adam.js';
import {
  dualProcessRule,
  goldenBatchHalfLifeRule,
  goldenBatchLinearRule,
  goldenCosineRule,
  sgdRule,
} from './heavy-ball.js';
import { lionTfRule } from './lion.js';
import { momentumRule } from './momentum.js';
import { prodigyTfRule } from './prodigy.js';
import { scheduleFreeAdamWTfRule, scheduleFreeSgdTfRule } from './schedule-free.js';
import type { TfRule } from './types.js';

export type { TfHyperParameters, TfRule, TfStepContext, TfTensorUpdate } from './types.js';

/** Every tf-ops rule, keyed by the registry name of the optimizer it runs. */
export const tfRules: Readonly<Record<string, TfRule>> = Object.freeze({
  dualProcess: dualProcessRule,
  momentum: momentumRule,
  sgd: sgdRule,
  adam: adamTfRule,
  adamw: adamwTfRule,
  lion: lionTfRule,
  prodigy: prodigyTfRule,
  scheduleFreeSgd: scheduleFreeSgdTfRule,
  scheduleFreeAdamW: scheduleFreeAdamWTfRule,
  goldenCosine: goldenCosineRule,
  goldenBatchLinear: goldenBatchLinearRule,
  goldenBatchHalfLife: goldenBatchHalfLifeRule,
});

/** The tf-ops rule of a registry name, or undefined (then the download path runs). */
export function tfRuleFor(name: string): TfRule | undefined {
  return Object.hasOwn(tfRules, name) ? tfRules[name] : undefined;
}
