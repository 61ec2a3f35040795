/**
 * Process-balance telemetry (apps/docs/theory.md#process-balance, this project's interpretation): from ‖G‖², ‖M‖²
 * and G·M of the two terms of the delta-form step, the angle θ = atan2(‖M‖, ‖G‖) in degrees
 * (45° where the two processes are equal) and the cosine between G and M.
 */
import type { ProcessTerms } from '@dualphi/core-wasm';
import type { ProcessBalance, StepTelemetry } from './types.js';

/**
 * The balance of the two processes from their fused sums (apps/docs/theory.md#process-balance).
 *
 * @returns Norms, the angle θ = atan2(‖M‖, ‖G‖) in degrees ∈ [0, 90] and the cosine G·M / (‖G‖‖M‖)
 *   (0 when either norm is 0; clamped to [−1, 1] against rounding).
 * @throws TypeError unless `terms` is an object of the three sums.
 */
export function processBalance(terms: ProcessTerms): ProcessBalance {
  if (terms === null || typeof terms !== 'object') {
    throw new TypeError(
      'processBalance: "terms" must be { gradientNormSquared, momentumNormSquared, dot }',
    );
  }
  const gradientNorm = Math.sqrt(terms.gradientNormSquared);
  const momentumNorm = Math.sqrt(terms.momentumNormSquared);
  const denominator = gradientNorm * momentumNorm;
  const cosine = denominator > 0 ? Math.max(-1, Math.min(1, terms.dot / denominator)) : 0;
  const angleDegrees = (Math.atan2(momentumNorm, gradientNorm) * 180) / Math.PI;
  return { gradientNorm, momentumNorm, angleDegrees, cosine };
}

/** Sums process terms of several tensors: the terms of their concatenation. */
export function addProcessTerms(a: ProcessTerms, b: ProcessTerms): ProcessTerms {
  return {
    gradientNormSquared: a.gradientNormSquared + b.gradientNormSquared,
    momentumNormSquared: a.momentumNormSquared + b.momentumNormSquared,
    dot: a.dot + b.dot,
  };
}

/** Collects per-tensor process terms into a {@link StepTelemetry}. */
export function stepTelemetry(perTensorTerms: ReadonlyMap<string, ProcessTerms>): StepTelemetry {
  let total: ProcessTerms = { gradientNormSquared: 0, momentumNormSquared: 0, dot: 0 };
  const perTensor = new Map<string, ProcessBalance>();
  for (const [name, terms] of perTensorTerms) {
    total = addProcessTerms(total, terms);
    perTensor.set(name, processBalance(terms));
  }
  return { overall: processBalance(total), perTensor };
}
