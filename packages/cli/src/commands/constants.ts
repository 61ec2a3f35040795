/**
 * `dualphi constants [--explain]`: φ, α and η exact and rounded (theory.md §2, §4), and with
 * `--explain` the derivation step by step, each step marked as the papers' or this project's
 * interpretation.
 */
import { derivation, golden, unitCircle } from '@dualphi/optimizer';
import type { CommandContext } from '../program.js';
import { formatConstant } from '../terminal/format.js';
import { latexToText } from '../terminal/latex.js';
import { renderTable } from '../terminal/table.js';

/** Options of `constants`. */
export interface ConstantsOptions {
  explain?: boolean;
}

/** The `constants --json` document (shape kept stable, see the README). */
export interface ConstantsDocument {
  phi: number;
  p1: number;
  p2: number;
  momentum: number;
  learningRate: number;
  roundedMomentum: number;
  roundedLearningRate: number;
  balanceAngle: number;
  goldenPointModulus: number;
  stepLimit: number;
  derivation?: ReturnType<typeof derivation>;
}

/** Builds the `constants` document from the theory module (no number is typed in here). */
export function constantsDocument(explain: boolean): ConstantsDocument {
  const document: ConstantsDocument = {
    phi: golden.phi,
    p1: golden.goldenRoots.p1,
    p2: golden.goldenRoots.p2,
    momentum: golden.momentum,
    learningRate: golden.learningRate,
    roundedMomentum: golden.roundedMomentum,
    roundedLearningRate: golden.roundedLearningRate,
    balanceAngle: unitCircle.balanceAngle,
    goldenPointModulus: unitCircle.goldenPointModulus,
    stepLimit: -golden.learningRate / (1 - golden.momentum),
  };
  if (explain) document.derivation = derivation();
  return document;
}

/** Runs `constants`. */
export function constantsCommand(options: ConstantsOptions, context: CommandContext): void {
  const { output } = context;
  const document = constantsDocument(options.explain === true);
  if (output.json) {
    output.document(document);
    return;
  }
  const c = output.colors;
  const rows: string[][] = [
    ['φ', 'golden ratio (1 + √5)/2', formatConstant(document.phi), ''],
    ['p₁', 'root of p² + p − 1 = 0, = 1/φ', formatConstant(document.p1), ''],
    ['p₂', 'root of p² + p − 1 = 0, = −φ', formatConstant(document.p2), ''],
    [
      'α',
      'momentum √2·p₁ = √2/φ',
      formatConstant(document.momentum),
      String(document.roundedMomentum),
    ],
    [
      'η',
      'learning rate (1 − α)²',
      formatConstant(document.learningRate),
      String(document.roundedLearningRate),
    ],
  ];
  output.result(
    renderTable(['symbol', 'meaning', 'exact', 'rounded (papers)'], rows, c, {
      alignRight: [2, 3],
    }),
  );
  output.result(
    c.dim(
      'Update (delta form, theory.md §4): Δw(t) = −η·∂L/∂w(t) + α·Δw(t − 1);  w(t + 1) = w(t) + Δw(t)',
    ),
  );
  if (!options.explain) {
    output.result(c.dim('Add --explain for the derivation step by step.'));
    return;
  }
  output.result();
  output.result(c.bold('Derivation'));
  document.derivation?.forEach((step, index) => {
    const source = step.source === 'paper' ? c.green('[paper]') : c.yellow('[interpretation]');
    const value = step.value === undefined ? '' : c.dim(`   (value ${formatConstant(step.value)})`);
    output.result(`${String(index + 1).padStart(2)}. ${source} ${step.statement}`);
    output.result(`    ${c.cyan(latexToText(step.formula))}${value}`);
    output.result(`    ${c.dim(step.reference)}`);
  });
  output.result();
  output.result(
    c.dim(
      'Sources: S. Jaeger, arXiv 2006.04751 (2020), arXiv 2104.13277 (2021), IEEE AIPR 2021, arXiv 2410.12984 (2024).',
    ),
  );
}
