/**
 * `report.html`: one self-contained page that opens offline — inline SVG charts, inline CSS,
 * no scripts, no external references — plus the writing of the same charts as `.svg` files.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic.js';
import { type ChartRun, type RenderedChart, renderCharts } from './charts.js';

/** A table in the report: header and rows of already formatted cells. */
export interface ReportTable {
  caption: string;
  head: readonly string[];
  rows: readonly (readonly string[])[];
}

/** What the report shows. */
export interface ReportContent {
  /** Page heading, e.g. "dualphi train — digits". */
  title: string;
  /** One short paragraph under the heading. */
  summary: string;
  /** Tables before the charts (final figures, configuration). */
  tables: readonly ReportTable[];
  /** The runs to chart. */
  runs: readonly ChartRun[];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const styles = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1040px; padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
p.summary, p.note { color: #444; }
table { border-collapse: collapse; margin: .75rem 0 1.25rem; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .7rem; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5rem 0; }
figcaption { color: #555; font-size: .9rem; max-width: 720px; }
footer { margin-top: 3rem; color: #777; font-size: .8rem; }
`;

function tableHtml(table: ReportTable): string {
  const head = table.head.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('');
  const rows = table.rows
    .map((row) => {
      const cells = row
        .map((cell) => {
          const numeric = /^[-+]?[\d.,]+(%|°|s|ms|×)?$/.test(cell) || cell === '—';
          return `<td${numeric ? ' class="number"' : ''}>${escapeHtml(cell)}</td>`;
        })
        .join('');
      return `<tr>${cells}</tr>`;
    })
    .join('\n');
  return `<table>\n<caption>${escapeHtml(table.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

/** Removes the XML prolog, if any, so the SVG can be inlined in HTML. */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

/** The report page as one HTML string (the charts already rendered). */
export function reportHtml(content: ReportContent, charts: readonly RenderedChart[]): string {
  const figures = charts
    .map(
      (chart) => `<section id="${escapeHtml(chart.id)}">
<h2>${escapeHtml(chart.title)}</h2>
<figure>
${inlineSvg(chart.svg)}
<figcaption>${escapeHtml(chart.description)}</figcaption>
</figure>
</section>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.title)}</title>
<style>${styles}</style>
</head>
<body>
<h1>${escapeHtml(content.title)}</h1>
<p class="summary">${escapeHtml(content.summary)}</p>
${content.tables.map(tableHtml).join('\n')}
${figures}
<footer>Written by dualphi. Cross-entropy = target entropy H(p) + divergence: reading the papers' entropy process as H(p) is this project's interpretation, as is the process-balance angle (docs: theory page, #dual-processes and #process-balance). Sources: S. Jaeger, arXiv 2104.13277 (the dual processes), 2410.12984 (the constants, Eqs. 24–34).</footer>
</body>
</html>
`;
}

/** Files written by {@link writeReport}, relative to its directory. */
export interface WrittenReport {
  html: string;
  svgs: string[];
}

/**
 * Renders the charts and writes `report.html` and one `<chart>.svg` per chart into
 * `directory` (each file atomically).
 */
export async function writeReport(
  directory: string,
  content: ReportContent,
): Promise<WrittenReport> {
  const charts = await renderCharts(content.runs);
  const svgs: string[] = [];
  for (const chart of charts) {
    const name = `${chart.id}.svg`;
    await writeFileAtomic(join(directory, name), chart.svg);
    svgs.push(name);
  }
  await writeFileAtomic(join(directory, 'report.html'), reportHtml(content, charts));
  return { html: 'report.html', svgs };
}
