import { derivation } from '@dualphi/optimizer';
import { describe, expect, it } from 'vitest';
import { latexToText } from './latex.js';

describe('latexToText', () => {
  it('renders fractions, roots, Greek letters and scripts', () => {
    expect(latexToText('p_1 = \\frac{\\sqrt{5} - 1}{2} = \\frac{1}{\\varphi}')).toBe(
      'p₁ = (√5 - 1)/2 = 1/φ',
    );
    expect(latexToText('\\eta = (1 - \\alpha)^2')).toBe('η = (1 - α)²');
    expect(latexToText('H(p, q) = H(p) + \\mathrm{KL}(p \\,\\|\\, q)')).toBe(
      'H(p, q) = H(p) + KL(p ‖ q)',
    );
  });

  it('leaves no LaTeX command or brace in any derivation step', () => {
    for (const step of derivation()) {
      const text = latexToText(step.formula);
      expect(text, step.id).not.toMatch(/[\\{}]/);
      expect(text.length, step.id).toBeGreaterThan(0);
    }
  });
});
