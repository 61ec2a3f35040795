/**
 * The derivation of the two constants (theory.md §2–§5) as data, for the CLI and the docs
 * to show step by step. Each step says whether it is stated by the papers (Jaeger,
 * arXiv 2006.04751, 2104.13277, 2410.12984) or is this project's interpretation.
 */
import { golden } from './golden.js';
import { unitCircle } from './unit-circle.js';

/** One step of the derivation, see {@link derivation}. */
export interface DerivationStep {
  /** Stable identifier, e.g. `'golden-equation'`. */
  readonly id: string;
  /** The step in words. */
  readonly statement: string;
  /** The step as a LaTeX formula. */
  readonly formula: string;
  /** The numerical value the step produces, when it produces one. */
  readonly value?: number;
  /** `'paper'` when the papers state it, `'interpretation'` when this project adds it. */
  readonly source: 'paper' | 'interpretation';
  /** Where it is written down: a theory.md section and/or paper. */
  readonly reference: string;
}

/**
 * The derivation of α = √2/φ and η = (1 − α)² from the golden-ratio equation and the unit
 * circle, in order (theory.md §1–§5).
 *
 * @returns A fresh array on each call (safe to modify).
 */
export function derivation(): DerivationStep[] {
  const { p1, p2 } = golden.goldenRoots;
  return [
    {
      id: 'cross-entropy-split',
      statement:
        'Cross-entropy splits into the Shannon entropy of the target and the KL divergence; learning is read as two dual processes minimising one part each.',
      formula: 'H(p, q) = H(p) + \\mathrm{KL}(p \\,\\|\\, q)',
      source: 'paper',
      reference: 'theory.md §1; arXiv 2104.13277',
    },
    {
      id: 'golden-equation',
      statement:
        'A probability that equals the ratio of its complement to itself satisfies p² + p − 1 = 0.',
      formula: 'p = \\frac{1 - p}{p} \\iff p^2 + p - 1 = 0',
      source: 'paper',
      reference: 'theory.md §2; arXiv 2006.04751',
    },
    {
      id: 'golden-root-p1',
      statement: 'Its positive root is the inverse of the golden ratio φ.',
      formula: 'p_1 = \\frac{\\sqrt{5} - 1}{2} = \\frac{1}{\\varphi}',
      value: p1,
      source: 'paper',
      reference: 'theory.md §2; arXiv 2006.04751',
    },
    {
      id: 'golden-root-p2',
      statement: 'Its negative root is −φ.',
      formula: 'p_2 = -\\frac{\\sqrt{5} + 1}{2} = -\\varphi',
      value: p2,
      source: 'paper',
      reference: 'theory.md §2; arXiv 2006.04751',
    },
    {
      id: 'complement-identity',
      statement: 'Both roots satisfy 1 − p = p², the identity η uses later.',
      formula: '1 - p = p^2',
      source: 'paper',
      reference: 'theory.md §2',
    },
    {
      id: 'unit-circle',
      statement:
        'Solutions of both processes lie on the unit circle (P = sin ϕ, √(1 − P²) = cos ϕ); their inner equation sin ϕ = cos ϕ holds at ϕ = π/4.',
      formula:
        '\\sin\\phi = \\cos\\phi \\iff \\phi = \\tfrac{\\pi}{4}, \\; e^{i\\pi/4} = \\tfrac{1 + i}{\\sqrt{2}}',
      value: unitCircle.balanceAngle,
      source: 'paper',
      reference: 'theory.md §3; arXiv 2104.13277, 2410.12984',
    },
    {
      id: 'delta-form',
      statement:
        'The weight update with momentum in delta form: each summand is read as the gradient of one process; the dual term comes from step t − 1.',
      formula:
        '\\Delta w(t) = -\\eta \\, \\frac{\\partial L}{\\partial w}(t) + \\alpha \\, \\Delta w(t-1)',
      source: 'paper',
      reference: 'theory.md §4; arXiv 2104.13277',
    },
    {
      id: 'momentum',
      statement:
        'Equilibrium asks the summands to equal sin(π/4) = 1/√2 and the golden ratio at once, so α/√2 = p₁.',
      formula:
        '\\alpha = \\sqrt{2}\\, p_1 = \\frac{\\sqrt{2}}{\\varphi} = \\frac{\\sqrt{10} - \\sqrt{2}}{2}',
      value: golden.momentum,
      source: 'paper',
      reference: 'theory.md §4; arXiv 2410.12984',
    },
    {
      id: 'learning-rate',
      statement: 'The learning rate takes the complement of α twice, following 1 − p = p².',
      formula: '\\eta = (1 - \\alpha)^2 = 4 - \\sqrt{10} + \\sqrt{2} - \\sqrt{5}',
      value: golden.learningRate,
      source: 'paper',
      reference: 'theory.md §4; arXiv 2410.12984',
    },
    {
      id: 'rounded-constants',
      statement: 'The papers round the two constants and keep them fixed (no schedule).',
      formula: '\\alpha \\approx 0.874, \\quad \\eta \\approx 0.016',
      source: 'paper',
      reference: 'theory.md §4; arXiv 2006.04751, 2104.13277',
    },
    {
      id: 'complex-modulus',
      statement:
        'A reading in complex numbers: α is the length of the point with the golden ratio on both axes.',
      formula: '\\alpha = |p_1 + i\\, p_1|',
      value: unitCircle.goldenPointModulus,
      source: 'interpretation',
      reference: 'theory.md §4',
    },
    {
      id: 'step-limit',
      statement: 'With a constant gradient g, the step converges to −η·g/(1 − α).',
      formula: '\\lim_{t\\to\\infty} \\Delta w(t) = -\\frac{\\eta\\, g}{1 - \\alpha}',
      value: -golden.learningRate / (1 - golden.momentum),
      source: 'interpretation',
      reference: 'theory.md §4 (test vector)',
    },
    {
      id: 'process-balance',
      statement:
        'Telemetry added by this project: the angle between the norms of the gradient term G = −η·g and the momentum term M = α·Δw(t − 1) is 45° (π/4) where the two processes are equal; dualphi reports it in degrees everywhere.',
      formula: '\\theta(t) = \\operatorname{atan2}(\\lVert M \\rVert, \\lVert G \\rVert)',
      // In degrees, like every surface that reports the angle (the unit-circle step keeps ϕ in radians).
      value: (unitCircle.balanceAngle * 180) / Math.PI,
      source: 'interpretation',
      reference: 'theory.md §5',
    },
  ];
}
