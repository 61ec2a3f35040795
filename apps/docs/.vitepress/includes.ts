/**
 * VitePress leaves an `<!--@include: path-->` whose file does not exist as an invisible HTML
 * comment. For the benchmarks page that would hide a missing measurement, so this
 * markdown-it rule (which runs after VitePress has resolved the includes it could) turns every
 * unresolved include into a visible warning naming the file.
 */
import type { MarkdownRenderer } from 'vitepress';

const UNRESOLVED_INCLUDE = /<!--\s*@include:\s*(.*?)\s*-->/g;

/** The warning shown instead of a missing included file. */
export function missingIncludeNotice(path: string): string {
  const file = path.replace(/\{[\d,]*\}$/, '').replace(/^(\.\.\/)+/, '');
  return `::: warning Not available\n\`${file}\` is not in the repository yet, so there are no committed figures to show here.\n:::`;
}

/** markdown-it plugin: unresolved includes become visible warnings. */
export function missingIncludePlugin(md: MarkdownRenderer): void {
  md.core.ruler.before('normalize', 'dualphi-missing-include', (state) => {
    state.src = state.src.replace(UNRESOLVED_INCLUDE, (_match, path: string) =>
      missingIncludeNotice(path),
    );
  });
}
