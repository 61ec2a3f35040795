/**
 * Process-balance telemetry of the delta-form update (apps/docs/theory.md#process-balance, an interpretation this
 * project adds; the papers do not define it). At every step the update is the sum of two
 * terms, G = −η·g (the gradient process) and M = α·Δw(t − 1) (its dual, the momentum
 * process). Their balance is read as the angle θ = atan2(‖M‖, ‖G‖), which is π/4 where the
 * two are equal (the papers' inner equation sin ϕ = cos ϕ, apps/docs/theory.md#unit-circle), and the cosine
 * between G and M (do the two processes pull the same way?). Telemetry changes no update.
 */
import type { ProcessBalance, StepTelemetry } from '@dualphi/optimizer';

/**
 * Raw sums of one tensor's step, as the update kernels produce them: Σg², Σ(Δw(t−1))², Σg·Δw(t−1)
 * (accumulated before η and α are applied, so one pass serves any scaling).
 */
export interface RawProcessSums {
  gradientSquares: number;
  deltaSquares: number;
  gradientDotDelta: number;
}

/** The terms ‖G‖², ‖M‖² and G·M of one step, from the raw sums and the step's η and α. */
export interface ProcessTerms {
  gradientNormSquared: number;
  momentumNormSquared: number;
  dot: number;
}

/** Scales raw sums by the step's η and α: ‖G‖² = η²Σg², ‖M‖² = α²ΣΔw², G·M = −ηαΣg·Δw. */
export function processTerms(
  sums: RawProcessSums,
  learningRate: number,
  momentum: number,
): ProcessTerms {
  return {
    gradientNormSquared: learningRate * learningRate * sums.gradientSquares,
    momentumNormSquared: momentum * momentum * sums.deltaSquares,
    dot: -learningRate * momentum * sums.gradientDotDelta,
  };
}

/** The balance (norms, angle in degrees, cosine) of the given terms. */
export function balanceOf(terms: ProcessTerms): ProcessBalance {
  const gradientNorm = Math.sqrt(Math.max(0, terms.gradientNormSquared));
  const momentumNorm = Math.sqrt(Math.max(0, terms.momentumNormSquared));
  const denominator = gradientNorm * momentumNorm;
  const cosine = denominator > 0 ? clamp(terms.dot / denominator, -1, 1) : 0;
  const angleDegrees = (Math.atan2(momentumNorm, gradientNorm) * 180) / Math.PI;
  return { gradientNorm, momentumNorm, angleDegrees, cosine };
}

/** The telemetry of one step from per-tensor terms; overall sums the squared norms and dots. */
export function stepTelemetry(perTensorTerms: ReadonlyMap<string, ProcessTerms>): StepTelemetry {
  const total: ProcessTerms = { gradientNormSquared: 0, momentumNormSquared: 0, dot: 0 };
  const perTensor = new Map<string, ProcessBalance>();
  for (const [name, terms] of perTensorTerms) {
    total.gradientNormSquared += terms.gradientNormSquared;
    total.momentumNormSquared += terms.momentumNormSquared;
    total.dot += terms.dot;
    perTensor.set(name, balanceOf(terms));
  }
  return { overall: balanceOf(total), perTensor };
}

function clamp(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}
