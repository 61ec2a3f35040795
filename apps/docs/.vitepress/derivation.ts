/**
 * Generates the theory page's step-by-step derivation of α and η from the optimizer
 * package's own `derivation()` at build time, so the page cannot drift from the code.
 *
 * A markdown-it core rule replaces the marker `<!-- @derivation -->` in a page's source
 * with markdown (display math included) before parsing; markdown-it-mathjax3 then renders
 * the formulas to SVG like any other formula on the page.
 */
import { type DerivationStep, derivation } from '@dualphi/optimizer';
import type { MarkdownRenderer } from 'vitepress';

/** The marker a page writes where the generated derivation goes. */
export const DERIVATION_MARKER = '<!-- @derivation -->';

const SOURCE_BADGE: Record<DerivationStep['source'], string> = {
  paper: '<Badge type="tip" text="from the papers" />',
  interpretation: '<Badge type="warning" text="this project\'s interpretation" />',
};

/** Formats a step's value with full double precision, as the code computes it. */
function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(15);
}

/**
 * The step's source for readers of the site: the paper with its equation numbers or quoted
 * phrase, or what the interpretation is; and the section of this page that explains it.
 */
function sourceText(step: DerivationStep): string {
  return `source: ${step.reference} · explained in [#${step.section}](#${step.section})`;
}

/**
 * One step as markdown: number, badge, statement, display formula, computed value. (Plain
 * paragraphs, not a list: markdown-it-mathjax3 renders `$$` blocks inside list items inline.)
 */
export function stepMarkdown(step: DerivationStep, index: number): string {
  const lines = [
    `**Step ${index + 1}.** ${SOURCE_BADGE[step.source] ?? step.source} ${step.statement.trim()}`,
    '',
    '$$',
    step.formula.trim(),
    '$$',
    '',
  ];
  const details = [`id \`${step.id}\``, sourceText(step)];
  if (step.value !== undefined) {
    details.unshift(`computed by \`derivation()\`: **${formatValue(step.value)}**`);
  }
  lines.push(`<small>${details.join(' · ')}</small>`);
  return lines.join('\n');
}

/** The whole derivation as markdown. */
export function derivationMarkdown(steps: readonly DerivationStep[]): string {
  if (steps.length === 0) throw new Error('derivation() returned no steps');
  return steps.map(stepMarkdown).join('\n\n');
}

/** markdown-it plugin: expands the marker into the generated derivation. */
export function derivationPlugin(md: MarkdownRenderer): void {
  let generated: string | undefined;
  md.core.ruler.before('normalize', 'dualphi-derivation', (state) => {
    if (!state.src.includes(DERIVATION_MARKER)) return;
    generated ??= derivationMarkdown(derivation());
    // A function, not a string: a replacement string would turn every `$$` into `$`.
    state.src = state.src.replace(DERIVATION_MARKER, () => generated as string);
  });
}
