/**
 * The derivation of the two constants as data, for the CLI and the docs to show step by step
 * (the theory page, apps/docs/theory.md, sections #dual-processes to #process-balance).
 *
 * Each step carries its source as data: a step labelled as the papers' names the paper and the
 * equation numbers or a quoted phrase; a step labelled as this project's interpretation says
 * what the interpretation is. Every formula a reader can check against a paper's text comes
 * from J24 ("Double-Bayesian Learning", arXiv 2410.12984), the only one of the papers whose
 * full main text could be read; J20, J21 and J21c are cited for what their abstracts say.
 */
import { golden } from './golden.js';
import { unitCircle } from './unit-circle.js';

/** The papers dualphi draws on, by the short names the docs use. */
export type PaperId = 'J20' | 'J21' | 'J21c' | 'J24' | 'F26';

/** A paper dualphi draws on, see {@link papers}. */
export interface Paper {
  /** The short name the docs use, e.g. `'J24'`. */
  readonly id: PaperId;
  /** The authors, as printed. */
  readonly authors: string;
  /** The title. */
  readonly title: string;
  /** Where it appeared, e.g. `'arXiv 2410.12984'`. */
  readonly venue: string;
  /** The year. */
  readonly year: number;
  /** A link to it, when it has one. */
  readonly url?: string;
  /** What of it could be read for this project (`'abstract only'`, `'full main text'`). */
  readonly read: string;
}

/** The papers, keyed by their short names (the theory page's Sources section, #sources). */
export const papers: Readonly<Record<PaperId, Paper>> = Object.freeze({
  J20: Object.freeze({
    id: 'J20',
    authors: 'S. Jaeger',
    title: 'The Golden Ratio of Learning and Momentum',
    venue: 'arXiv 2006.04751',
    year: 2020,
    url: 'https://arxiv.org/abs/2006.04751',
    read: 'abstract only',
  }),
  J21: Object.freeze({
    id: 'J21',
    authors: 'S. Jaeger',
    title: 'A Dual Process Model for Optimizing Cross Entropy in Neural Networks',
    venue: 'arXiv 2104.13277',
    year: 2021,
    url: 'https://arxiv.org/abs/2104.13277',
    read: 'abstract and first paragraph only',
  }),
  J21c: Object.freeze({
    id: 'J21c',
    authors: 'S. Jaeger',
    title: 'The Golden Ratio in Machine Learning',
    venue: 'IEEE AIPR Workshop',
    year: 2021,
    read: 'abstract only',
  }),
  J24: Object.freeze({
    id: 'J24',
    authors: 'S. Jaeger',
    title: 'Double-Bayesian Learning',
    venue: 'arXiv 2410.12984',
    year: 2024,
    url: 'https://arxiv.org/abs/2410.12984',
    read: 'full main text (Eqs. 1–34); not its supplement',
  }),
  F26: Object.freeze({
    id: 'F26',
    authors: 'Bui, Yu, Kantipudi, Yaniv, Jaeger',
    title: 'Training Neural Networks with Optimal Double-Bayesian Learning',
    venue: 'arXiv 2605.20009',
    year: 2026,
    url: 'https://arxiv.org/abs/2605.20009',
    read: 'abstract only; a follow-up by the same group, not independent',
  }),
});

/** Where in a paper a step is written: equation numbers or section, or a quoted phrase. */
export interface PaperCitation {
  /** The paper, see {@link papers}. */
  readonly paper: PaperId;
  /** Equation numbers or a section of the paper, e.g. `'Eqs. 24–31'`. */
  readonly place?: string;
  /** A phrase quoted from the paper (from its abstract, where only that could be read). */
  readonly quote?: string;
}

/** The theory page's sections, by their stable anchors (apps/docs/theory.md). */
export type TheorySection =
  | 'dual-processes'
  | 'golden-ratio'
  | 'unit-circle'
  | 'constants'
  | 'process-balance';

interface StepBase {
  /** Stable identifier, e.g. `'golden-equation'`. */
  readonly id: string;
  /** The step in words. */
  readonly statement: string;
  /** The step as a LaTeX formula. */
  readonly formula: string;
  /** The numerical value the step produces, when it produces one. */
  readonly value?: number;
  /** The theory page's section that explains the step (its anchor). */
  readonly section: TheorySection;
  /** The source in words, built from the citations (or the interpretation), for display. */
  readonly reference: string;
}

/** A step the papers state: it names the paper and where in it, see {@link derivation}. */
export interface PaperStep extends StepBase {
  /** Stated by the papers. */
  readonly source: 'paper';
  /** Where the papers state it (at least one). */
  readonly citations: readonly [PaperCitation, ...PaperCitation[]];
}

/** A step this project adds: it says what the interpretation is, see {@link derivation}. */
export interface InterpretationStep extends StepBase {
  /** This project's interpretation, not the papers'. */
  readonly source: 'interpretation';
  /** What the interpretation is, and how it relates to the papers. */
  readonly interpretation: string;
  /** The papers' places the interpretation builds on, if any. */
  readonly citations: readonly PaperCitation[];
}

/** One step of the derivation, see {@link derivation}. */
export type DerivationStep = PaperStep | InterpretationStep;

/** One citation in words: `J24 (arXiv 2410.12984), Eqs. 24–31` or with its quote. */
export function citationText(citation: PaperCitation): string {
  const paper = papers[citation.paper];
  const parts = [`${paper.id} (${paper.venue})`];
  if (citation.place) parts.push(citation.place);
  if (citation.quote) parts.push(`“${citation.quote}”`);
  return parts.join(', ');
}

type PaperStepInput = Omit<PaperStep, 'reference'>;
type InterpretationStepInput = Omit<InterpretationStep, 'reference'>;

function withReference(step: PaperStepInput | InterpretationStepInput): DerivationStep {
  const cited = step.citations.map(citationText).join('; ');
  if (step.source === 'paper') return { ...step, reference: cited };
  const reference = `this project's interpretation: ${step.interpretation}${
    cited ? ` (builds on ${cited})` : ''
  }`;
  return { ...step, reference };
}

const J21_ABSTRACT_PROCESSES =
  'one process minimizes the Kullback-Leibler divergence while its dual counterpart minimizes the Shannon entropy';

/**
 * The derivation of α = √2/φ and η = (1 − α)² from the golden-ratio equation and the unit
 * circle, in order, each step with its source (the theory page, apps/docs/theory.md).
 *
 * @returns A fresh array on each call (safe to modify).
 */
export function derivation(): DerivationStep[] {
  const { p1, p2 } = golden.goldenRoots;
  const steps: (PaperStepInput | InterpretationStepInput)[] = [
    {
      id: 'dual-processes',
      statement:
        'Learning is two dual processes: one minimises the Kullback–Leibler divergence, its dual the Shannon entropy; the loss is at its minimum where both are in equilibrium.',
      formula: '\\mathrm{KL}(p \\,\\|\\, q) \\to \\mathrm{min}, \\quad H \\to \\mathrm{min}',
      section: 'dual-processes',
      source: 'paper',
      citations: [{ paper: 'J21', place: 'abstract', quote: J21_ABSTRACT_PROCESSES }],
    },
    {
      id: 'cross-entropy-split',
      statement:
        'Cross-entropy splits into an entropy and the KL divergence; this project reads the entropy process as the targets’ entropy H(p). Which entropy J21 means cannot be read: the prediction’s entropy H(q) is the other candidate, and neither reading is confirmed.',
      formula: 'H(p, q) = H(p) + \\mathrm{KL}(p \\,\\|\\, q)',
      section: 'dual-processes',
      source: 'interpretation',
      interpretation:
        'the split is an identity; reading J21’s entropy as H(p) (constant for fixed targets, 0 with one-hot labels) is this project’s choice, H(q) the other candidate',
      citations: [{ paper: 'J21', place: 'abstract', quote: J21_ABSTRACT_PROCESSES }],
    },
    {
      id: 'golden-equation',
      statement:
        'A probability that equals the ratio of its complement to itself satisfies p² + p − 1 = 0.',
      formula: 'p = \\frac{1 - p}{p} \\iff p^2 + p - 1 = 0',
      section: 'golden-ratio',
      source: 'paper',
      citations: [{ paper: 'J24', place: 'Eqs. 24–31' }],
    },
    {
      id: 'golden-root-p1',
      statement: 'Its positive root is the inverse of the golden ratio φ.',
      formula: 'p_1 = \\frac{\\sqrt{5} - 1}{2} = \\frac{1}{\\varphi}',
      value: p1,
      section: 'golden-ratio',
      source: 'paper',
      citations: [{ paper: 'J24', place: 'Eqs. 24–31' }],
    },
    {
      id: 'golden-root-p2',
      statement: 'Its negative root is −φ.',
      formula: 'p_2 = -\\frac{\\sqrt{5} + 1}{2} = -\\varphi',
      value: p2,
      section: 'golden-ratio',
      source: 'paper',
      citations: [{ paper: 'J24', place: 'Eqs. 24–31' }],
    },
    {
      id: 'complement-identity',
      statement: 'Both roots satisfy 1 − p = p², the identity η uses later.',
      formula: '1 - p = p^2',
      section: 'golden-ratio',
      source: 'paper',
      citations: [{ paper: 'J24', place: 'Eqs. 24–31' }],
    },
    {
      id: 'unit-circle',
      statement:
        'Solutions of both processes lie on the unit circle (P = sin ϕ, √(1 − P²) = cos ϕ); the inner Bayes equation sin ϕ = cos ϕ holds at ϕ = π/4, while the dual process aims at the outer equation, at ϕ = 0 or π/2.',
      formula: '\\sin\\phi = \\cos\\phi \\iff \\phi = \\tfrac{\\pi}{4}',
      value: unitCircle.balanceAngle,
      section: 'unit-circle',
      source: 'paper',
      citations: [{ paper: 'J24', place: 'Eqs. 15–16, 22–23; §7' }],
    },
    {
      id: 'complex-point',
      statement:
        'A reading in complex numbers: the point where the inner equation holds is e^(iπ/4) = (1 + i)/√2.',
      formula: 'e^{i\\pi/4} = \\tfrac{1 + i}{\\sqrt{2}}',
      section: 'unit-circle',
      source: 'interpretation',
      interpretation:
        'J21’s abstract names “complex numbers” without saying how they enter; writing the point as e^(iπ/4) is this project’s reading',
      citations: [{ paper: 'J21', place: 'abstract', quote: 'complex numbers' }],
    },
    {
      id: 'delta-form',
      statement:
        'The weight update with momentum in delta form: each summand is read as the gradient of one process; the dual term comes from step t − 1.',
      formula:
        '\\Delta w(t) = -\\eta \\, \\frac{\\partial L}{\\partial w}(t) + \\alpha \\, \\Delta w(t-1)',
      section: 'constants',
      source: 'paper',
      citations: [{ paper: 'J24', place: 'Eq. 32; §7' }],
    },
    {
      id: 'initial-step',
      statement: 'The update starts from a zero step.',
      formula: '\\Delta w(0) = 0',
      section: 'constants',
      source: 'interpretation',
      interpretation: 'the papers do not state the initial step; zero is this project’s choice',
      citations: [{ paper: 'J24', place: 'Eq. 32' }],
    },
    {
      id: 'momentum',
      statement:
        'Equilibrium asks the summands to equal sin(π/4) = 1/√2 and the golden ratio at once, so α/√2 = p₁.',
      formula:
        '\\alpha = \\sqrt{2}\\, p_1 = \\frac{\\sqrt{2}}{\\varphi} = \\frac{\\sqrt{10} - \\sqrt{2}}{2}',
      value: golden.momentum,
      section: 'constants',
      source: 'paper',
      citations: [{ paper: 'J24', place: 'Eq. 33' }],
    },
    {
      id: 'learning-rate',
      statement: 'The learning rate takes the complement of α twice, following 1 − p = p².',
      formula: '\\eta = (1 - \\alpha)^2 = 4 - \\sqrt{10} + \\sqrt{2} - \\sqrt{5}',
      value: golden.learningRate,
      section: 'constants',
      source: 'paper',
      citations: [{ paper: 'J24', place: 'Eq. 34' }],
    },
    {
      id: 'rounded-constants',
      statement:
        'J24 rounds the two constants to 0.874 and 0.016 and presents them as fixed values.',
      formula: '\\alpha \\approx 0.874, \\quad \\eta \\approx 0.016',
      section: 'constants',
      source: 'paper',
      citations: [{ paper: 'J24', place: 'with Eqs. 33–34' }],
    },
    {
      id: 'no-extras',
      statement:
        'The constants are used alone: no schedule, warm-up, Nesterov, dampening or weight decay.',
      formula: '\\eta(t) = \\eta, \\quad \\alpha(t) = \\alpha',
      section: 'constants',
      source: 'interpretation',
      interpretation:
        'the papers present fixed values and are silent on schedules, Nesterov, dampening, weight decay and warm-up; excluding them is this project’s reading',
      citations: [{ paper: 'J24', place: 'Eqs. 33–34' }],
    },
    {
      id: 'complex-modulus',
      statement:
        'A reading in complex numbers: α is the length of the point with the golden ratio on both axes.',
      formula: '\\alpha = |p_1 + i\\, p_1|',
      value: unitCircle.goldenPointModulus,
      section: 'constants',
      source: 'interpretation',
      interpretation:
        'an equivalent way of writing √2·p₁ as the modulus of a complex number; the papers do not write it so',
      citations: [{ paper: 'J24', place: 'Eq. 33' }],
    },
    {
      id: 'step-limit',
      statement: 'With a constant gradient g, the step converges to −η·g/(1 − α).',
      formula: '\\lim_{t\\to\\infty} \\Delta w(t) = -\\frac{\\eta\\, g}{1 - \\alpha}',
      value: -golden.learningRate / (1 - golden.momentum),
      section: 'constants',
      source: 'interpretation',
      interpretation:
        'arithmetic on the delta-form update (the geometric series of its steps), given as a test vector; not in the papers',
      citations: [{ paper: 'J24', place: 'Eq. 32' }],
    },
    {
      id: 'process-balance',
      statement:
        'Telemetry added by this project: the angle between the norms of the gradient term G = −η·g and the momentum term M = α·Δw(t − 1) is 45° (π/4) where the two are equal; dualphi reports it in degrees everywhere. In J24 only the inner equation sits at 45°; the dual process aims at 0° or 90°.',
      formula: '\\theta(t) = \\operatorname{atan2}(\\lVert M \\rVert, \\lVert G \\rVert)',
      // In degrees, like every surface that reports the angle (the unit-circle step keeps ϕ in radians).
      value: (unitCircle.balanceAngle * 180) / Math.PI,
      section: 'process-balance',
      source: 'interpretation',
      interpretation:
        'a measurement of the two summands of the update that changes no update; the papers define no such angle',
      citations: [{ paper: 'J24', place: '§7' }],
    },
  ];
  return steps.map(withReference);
}
