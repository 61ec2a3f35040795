/**
 * `dualphi constants [--explain]`: φ, α and η exact and rounded (J24, arXiv 2410.12984,
 * Eqs. 24–34; apps/docs/theory.md#golden-ratio, #constants), and with `--explain` the
 * derivation step by step, each step marked as the papers' (with paper and equation) or this
 * project's interpretation (with what it is).
 */
import { derivation, dualProcess, golden, papers, unitCircle } from '@dualphi/optimizer';
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
  /** The process-balance angle where both processes are equal, in degrees (45). */
  balanceDegrees: number;
  goldenPointModulus: number;
  stepLimit: number;
  derivation?: ReturnType<typeof derivation>;
  /** With `--explain`: the first steps of the update under a constant gradient g = 1. */
  testVector?: { step: number; delta: number; weight: number }[];
}

/**
 * The test vector of apps/docs/theory.md#a-test-vector, computed by the dual-process optimizer itself (its f64
 * reference path): constant gradient g = 1, w(0) = 0, exact constants.
 */
export function testVector(steps = 5): { step: number; delta: number; weight: number }[] {
  const optimizer = dualProcess({ telemetry: false });
  const parameter = { name: 'w', value: new Float64Array(1) };
  const state = optimizer.initArrays([parameter]);
  const rows: { step: number; delta: number; weight: number }[] = [];
  for (let step = 1; step <= steps; step++) {
    const before = parameter.value[0];
    optimizer.updateArrays([parameter], [[1]], state);
    rows.push({ step, delta: parameter.value[0] - before, weight: parameter.value[0] });
  }
  return rows;
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
    balanceDegrees: (unitCircle.balanceAngle * 180) / Math.PI,
    goldenPointModulus: unitCircle.goldenPointModulus,
    stepLimit: -golden.learningRate / (1 - golden.momentum),
  };
  if (explain) {
    document.derivation = derivation();
    document.testVector = testVector();
  }
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
      width: output.resultWidth,
      shortHead: { 3: 'papers' },
      dropOrder: [1],
    }),
  );
  output.result(
    c.dim(
      'Update (delta form, J24 Eq. 32): Δw(t) = −η·∂L/∂w(t) + α·Δw(t − 1);  w(t + 1) = w(t) + Δw(t)',
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
    output.result(`    ${c.dim(`source: ${step.reference}`)}`);
  });
  output.result();
  output.result(
    c.bold('The update under a constant gradient g = 1, w(0) = 0 (apps/docs/theory.md#constants)'),
  );
  output.result(
    renderTable(
      ['t', 'Δw(t)', 'w(t)'],
      (document.testVector ?? []).map((row) => [
        String(row.step),
        row.delta.toFixed(10),
        row.weight.toFixed(10),
      ]),
      c,
      { alignRight: [0, 1, 2] },
    ),
  );
  output.result(c.dim(`Δw(t) → −η/(1 − α) = ${formatConstant(document.stepLimit)}`));
  output.result();
  output.result(c.bold('Sources, and what of each could be read'));
  for (const paper of Object.values(papers)) {
    output.result(`  ${paper.id.padEnd(6)}${paper.title}`);
    output.result(`        ${paper.authors}, ${paper.venue}, ${paper.year}`);
    output.result(c.dim(`        read: ${paper.read}`));
  }
  output.result(
    c.dim('Every formula marked [paper] is J24’s. J20 and J21c tie the constants to a'),
  );
  output.result(c.dim('new loss that dualphi does not implement; using them with plain'));
  output.result(c.dim('cross-entropy follows J24. See apps/docs/theory.md#sources.'));
}
