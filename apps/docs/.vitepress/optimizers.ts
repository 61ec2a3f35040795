/**
 * Generates the optimizer guide's table from the optimizer package's registry at build time,
 * so the page lists exactly the optimizers the code has (every `--optimizer` name with its
 * module's formula, defaults, source and label) and cannot drift from it.
 *
 * A markdown-it core rule replaces the marker `<!-- @optimizers -->` in a page's source with
 * a markdown table before parsing, like `derivation.ts` does for the theory page.
 */
import {
  type OptimizerKind,
  optimizerFromPreset,
  optimizerPresets,
  type RegisteredPreset,
} from '@dualphi/optimizer';
import type { MarkdownRenderer } from 'vitepress';

/** The marker a page writes where the generated table goes. */
export const OPTIMIZERS_MARKER = '<!-- @optimizers -->';

/** How each kind of optimizer is labelled: extensions are this project's, never the papers'. */
export const KIND_LABEL: Record<OptimizerKind, string> = {
  paper: 'paper',
  baseline: 'baseline',
  'tuning-free peer': 'tuning-free peer',
  extension: "this project's extension",
};

/** A table cell: pipes escaped, line breaks flattened. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

/** A number as the code holds it, shortened only where that loses nothing at 6 digits. */
function formatNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** The preset's settings at its defaults, with the module's symbols: `η = 0.01, μ = 0.9`. */
export function presetDefaults(preset: RegisteredPreset): string {
  const values = optimizerFromPreset(preset.name).hyperParameters;
  const parts: string[] = [];
  for (const [option, value] of Object.entries(values)) {
    const spec = preset.module.options[option];
    if (typeof value === 'number') parts.push(`${spec?.symbol ?? option} = ${formatNumber(value)}`);
    else if (value === true && option !== 'telemetry') parts.push(option);
  }
  return parts.join(', ');
}

/** The whole table as markdown, one row per `--optimizer` name. */
export function optimizerTableMarkdown(presets: readonly RegisteredPreset[]): string {
  if (presets.length === 0) throw new Error('the optimizer registry has no presets');
  const rows = presets.map((preset) =>
    [
      `\`${preset.name}\``,
      `\`${preset.module.name}\``,
      cell(preset.module.formula),
      cell(presetDefaults(preset)),
      cell(preset.module.source),
      KIND_LABEL[preset.module.kind],
    ].join(' | '),
  );
  return [
    '| `--optimizer` | `toConfig().name` | update | defaults | source | label |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

/** markdown-it plugin: expands the marker into the generated table. */
export function optimizerTablePlugin(md: MarkdownRenderer): void {
  let generated: string | undefined;
  md.core.ruler.before('normalize', 'dualphi-optimizers', (state) => {
    if (!state.src.includes(OPTIMIZERS_MARKER)) return;
    generated ??= optimizerTableMarkdown(optimizerPresets);
    state.src = state.src.replace(OPTIMIZERS_MARKER, () => generated as string);
  });
}
