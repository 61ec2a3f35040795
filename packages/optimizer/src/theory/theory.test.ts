import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DerivationStep,
  derivation,
  dualProcessTerms,
  fixedPointBase,
  golden,
  logBase,
  mirroredGoldenRoots,
  papers,
  unitCircle,
} from './index.js';

/**
 * What is missing from the steps' sources: a step labelled as the papers' needs at least one
 * citation naming a known paper and a place in it (equation numbers, section) or a quoted
 * phrase; a step labelled as interpretation must say what the interpretation is.
 */
function sourceProblems(steps: readonly DerivationStep[]): string[] {
  const problems: string[] = [];
  for (const step of steps) {
    if (step.source === 'paper') {
      if (step.citations.length === 0) problems.push(`${step.id}: no citation`);
      for (const citation of step.citations) {
        if (!(citation.paper in papers)) problems.push(`${step.id}: unknown paper`);
        if (!citation.place?.match(/(Eqs?\.|§)\s*\d/) && !citation.quote?.trim()) {
          problems.push(`${step.id}: ${citation.paper} cited without an equation or a quote`);
        }
      }
    } else if (!step.interpretation.trim()) {
      problems.push(`${step.id}: an interpretation that does not say what it is`);
    }
  }
  return problems;
}

/** 12 significant digits, the precision the issue pins the constants to. */
const sig12 = (x: number) => x.toPrecision(12);

describe('golden constants (apps/docs/theory.md#golden-ratio, #constants)', () => {
  it('pins every constant to 12 significant digits', () => {
    expect(sig12(golden.phi)).toBe('1.61803398875');
    expect(sig12(golden.goldenRoots.p1)).toBe('0.618033988750');
    expect(sig12(golden.goldenRoots.p2)).toBe('-1.61803398875');
    expect(sig12(golden.momentum)).toBe('0.874032048898');
    expect(sig12(golden.learningRate)).toBe('0.0158679247049');
    expect(golden.roundedMomentum).toBe(0.874);
    expect(golden.roundedLearningRate).toBe(0.016);
  });

  it('rounding the exact constants gives the papers’ rounded ones', () => {
    expect(Number(golden.momentum.toFixed(3))).toBe(golden.roundedMomentum);
    expect(Number(golden.learningRate.toFixed(3))).toBe(golden.roundedLearningRate);
  });

  it('both roots solve p² + p − 1 = 0 and satisfy 1 − p = p² and p = (1 − p)/p', () => {
    for (const p of [golden.goldenRoots.p1, golden.goldenRoots.p2]) {
      expect(p * p + p - 1).toBeCloseTo(0, 14);
      expect(1 - p).toBeCloseTo(p * p, 14);
      expect((1 - p) / p).toBeCloseTo(p, 14);
    }
    expect(golden.goldenRoots.p1).toBeCloseTo(1 / golden.phi, 15);
    expect(golden.goldenRoots.p2).toBeCloseTo(-golden.phi, 15);
  });

  it('the mirrored roots solve p² − p − 1 = 0 with 1 − p = −1/p', () => {
    expect(mirroredGoldenRoots.p1).toBe(-golden.goldenRoots.p1);
    expect(mirroredGoldenRoots.p2).toBe(-golden.goldenRoots.p2);
    for (const p of [mirroredGoldenRoots.p1, mirroredGoldenRoots.p2]) {
      expect(p * p - p - 1).toBeCloseTo(0, 14);
      expect(1 - p).toBeCloseTo(-1 / p, 14);
    }
  });

  it('α = √2·p₁ = √2/φ = (√10 − √2)/2', () => {
    const { momentum } = golden;
    expect(momentum).toBeCloseTo(Math.SQRT2 * golden.goldenRoots.p1, 15);
    expect(momentum).toBeCloseTo(Math.SQRT2 / golden.phi, 15);
    expect(momentum).toBeCloseTo((Math.sqrt(10) - Math.SQRT2) / 2, 15);
    expect(momentum / Math.SQRT2).toBeCloseTo(golden.goldenRoots.p1, 15);
  });

  it('η = (1 − α)² = 4 − √10 + √2 − √5', () => {
    const { learningRate, momentum } = golden;
    expect(learningRate).toBeCloseTo((1 - momentum) ** 2, 15);
    expect(learningRate).toBeCloseTo(4 - Math.sqrt(10) + Math.SQRT2 - Math.sqrt(5), 14);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(golden)).toBe(true);
    expect(Object.isFrozen(golden.goldenRoots)).toBe(true);
  });
});

describe('fixed-point logarithm base λ = x^(1/x) (apps/docs/theory.md#golden-ratio)', () => {
  it('log_λ(x) = x for random x > 0, x ≠ 1', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-2, max: 50, noNaN: true }).filter((x) => Math.abs(x - 1) > 1e-3),
        (x) => {
          const lambda = fixedPointBase(x);
          expect(logBase(lambda, x)).toBeCloseTo(x, 8);
        },
      ),
    );
  });

  it('known values: λ(2) = √2, λ(4) = √2, λ(e) = e^(1/e)', () => {
    expect(fixedPointBase(2)).toBeCloseTo(Math.SQRT2, 15);
    expect(fixedPointBase(4)).toBeCloseTo(Math.SQRT2, 15);
    expect(fixedPointBase(Math.E)).toBeCloseTo(Math.exp(1 / Math.E), 15);
  });

  it('rejects x ≤ 0, x = 1 and non-finite x with the allowed range', () => {
    for (const bad of [0, -1, 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => fixedPointBase(bad)).toThrow(RangeError);
    }
    expect(() => fixedPointBase(1)).toThrow(/"x" must be a finite number > 0 and ≠ 1, got 1/);
    expect(() => logBase(1, 2)).toThrow(/"base"/);
  });
});

describe('unit circle (apps/docs/theory.md#unit-circle)', () => {
  it('ϕ = π/4 is where sin ϕ = cos ϕ, at e^{iπ/4} = (1 + i)/√2', () => {
    expect(unitCircle.balanceAngle).toBe(Math.PI / 4);
    expect(Math.sin(unitCircle.balanceAngle)).toBeCloseTo(Math.cos(unitCircle.balanceAngle), 15);
    expect(unitCircle.balanceValue).toBeCloseTo(Math.sin(Math.PI / 4), 15);
    const [re, im] = unitCircle.balancePoint;
    expect(Math.hypot(re, im)).toBeCloseTo(1, 15);
    expect(re).toBe(im);
  });

  it('α = |p₁ + i·p₁|', () => {
    expect(sig12(unitCircle.goldenPointModulus)).toBe('0.874032048898');
    expect(unitCircle.goldenPointModulus).toBeCloseTo(golden.momentum, 15);
  });

  it('the two processes are equal at π/4 and differ elsewhere, for any base', () => {
    for (const base of [Math.E, 2, 10, fixedPointBase(golden.goldenRoots.p1)]) {
      const [a, b] = dualProcessTerms(Math.PI / 4, base);
      expect(a).toBeCloseTo(b, 14);
      const [c, d] = dualProcessTerms(Math.PI / 6, base);
      expect(Math.abs(c - d)).toBeGreaterThan(1e-3);
    }
    expect(() => dualProcessTerms(2)).toThrow(/"angle" must be in \[0, π\/2\]/);
  });
});

describe('derivation() (apps/docs/theory.md#dual-processes to #process-balance)', () => {
  it('lists the steps in order, each with a source and a LaTeX formula', () => {
    const steps = derivation();
    const ids = steps.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.indexOf('golden-equation')).toBeLessThan(ids.indexOf('momentum'));
    expect(ids.indexOf('momentum')).toBeLessThan(ids.indexOf('learning-rate'));
    for (const step of steps) {
      expect(['paper', 'interpretation']).toContain(step.source);
      expect(step.formula.length).toBeGreaterThan(0);
      expect(step.statement.length).toBeGreaterThan(0);
      expect(step.reference.length).toBeGreaterThan(0);
      expect(step.section).toMatch(/^[a-z-]+$/);
    }
  });

  it('gives every step labelled as the papers’ its paper and equation or quoted phrase', () => {
    expect(sourceProblems(derivation())).toEqual([]);
    // The check bites: a paper step without a citation, one citing no place, and an
    // interpretation that does not say what it is are all reported.
    const [first] = derivation();
    const bare = { ...first, source: 'paper', citations: [] } as unknown as DerivationStep;
    const vague = {
      ...first,
      source: 'paper',
      citations: [{ paper: 'J24' }],
    } as unknown as DerivationStep;
    const silent = {
      ...first,
      source: 'interpretation',
      interpretation: ' ',
    } as unknown as DerivationStep;
    expect(sourceProblems([bare, vague, silent])).toHaveLength(3);
  });

  it('cites J24 with its equation numbers for the formulas a reader can check', () => {
    const byId = new Map(derivation().map((s) => [s.id, s]));
    const places: Record<string, string> = {
      'golden-equation': 'Eqs. 24–31',
      'golden-root-p1': 'Eqs. 24–31',
      'unit-circle': 'Eqs. 15–16, 22–23',
      'delta-form': 'Eq. 32',
      momentum: 'Eq. 33',
      'learning-rate': 'Eq. 34',
    };
    for (const [id, place] of Object.entries(places)) {
      const step = byId.get(id);
      expect(step?.source, id).toBe('paper');
      expect(step?.citations[0]?.paper, id).toBe('J24');
      expect(step?.citations[0]?.place, id).toContain(place);
      expect(step?.reference, id).toContain('arXiv 2410.12984');
    }
    expect(byId.get('rounded-constants')?.citations[0]?.paper).toBe('J24');
    // None of those formulas is attributed to the papers whose text could not be read.
    for (const step of derivation()) {
      if (step.source === 'paper' && step.id !== 'dual-processes') {
        expect(step.reference, step.id).not.toMatch(/2006\.04751|2104\.13277/);
      }
    }
  });

  it('labels as interpretation what the papers do not say', () => {
    const byId = new Map(derivation().map((s) => [s.id, s]));
    for (const id of [
      'cross-entropy-split',
      'complex-point',
      'initial-step',
      'no-extras',
      'complex-modulus',
      'process-balance',
    ]) {
      expect(byId.get(id)?.source, id).toBe('interpretation');
    }
    expect(byId.get('cross-entropy-split')?.statement).toMatch(/H\(q\)/);
    expect(byId.get('process-balance')?.statement).toMatch(/0° or 90°/);
  });

  it('names every cited paper in papers, with what of it could be read', () => {
    for (const step of derivation()) {
      for (const citation of step.citations) expect(papers[citation.paper], step.id).toBeDefined();
    }
    expect(papers.J24.read).toMatch(/full main text/);
    for (const id of ['J20', 'J21', 'J21c', 'F26'] as const) {
      expect(papers[id].read).toMatch(/abstract/);
    }
    expect(papers.F26.read).toMatch(/not independent/);
  });

  it('carries the constants as values and marks the project’s additions as interpretation', () => {
    const byId = new Map(derivation().map((s) => [s.id, s]));
    expect(byId.get('momentum')?.value).toBe(golden.momentum);
    expect(byId.get('learning-rate')?.value).toBe(golden.learningRate);
    expect(byId.get('golden-root-p1')?.value).toBe(golden.goldenRoots.p1);
    expect(byId.get('momentum')?.source).toBe('paper');
    expect(byId.get('process-balance')?.source).toBe('interpretation');
    // The balance angle is given in degrees, as on every other surface.
    expect(byId.get('process-balance')?.value).toBe(45);
    expect(byId.get('complex-modulus')?.source).toBe('interpretation');
    expect(sig12(byId.get('step-limit')?.value ?? 0)).toBe('-0.125967951102');
  });

  it('returns a fresh array each call', () => {
    const a = derivation();
    a.pop();
    expect(derivation().length).toBe(a.length + 1);
  });
});
