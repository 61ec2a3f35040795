/**
 * The sweep's `report.html`: a heat map of mean validation accuracy over η × α (the golden
 * cell outlined, the value in each cell, the viridis scale — readable with the common forms
 * of colour blindness and in grey), the learning curves of the best cell against the golden
 * pair and the named entries, and a rank/interval plot — in the train report's style
 * (Vega-Lite rendered to inline SVG, the same page template; opens offline).
 */
import { join } from 'node:path';
import type { SweepPlan, SweepRecord, SweepSummary } from '@dualphi/optimizer';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../files/atomic.js';
import { type RenderedChart, renderSvg } from '../report/charts.js';
import { type ReportTable, reportHtml } from '../report/html.js';
import { TABLE_TOP } from './document.js';

const schema = 'https://vega.github.io/schema/vega-lite/v6.json';
const short = (value: number): string => String(Number(value.toPrecision(4)));

/** The heat map spec (undefined without a grid). */
export function heatMapSpec(plan: SweepPlan, summary: SweepSummary): TopLevelSpec | undefined {
  if (plan.learningRates.length === 0) return undefined;
  const byId = new Map(summary.cells.map((cell) => [cell.cellId, cell]));
  const values = plan.cells
    .filter((cell) => cell.kind === 'grid')
    .map((cell) => {
      const mean = byId.get(cell.id)?.validationAccuracy.mean ?? Number.NaN;
      return {
        eta: `${short(cell.learningRate as number)}${cell.label.includes('η*') ? ' (η*)' : ''}`,
        alpha: `${short(cell.momentum as number)}${cell.label.includes('α*') ? ' (α*)' : ''}`,
        accuracy: Number.isFinite(mean) ? mean : null,
        text: Number.isFinite(mean) ? (mean * 100).toFixed(1) : '×',
        golden: cell.golden,
      };
    });
  const etaOrder = [...new Set(values.map((v) => v.eta))];
  const alphaOrder = [...new Set(values.map((v) => v.alpha))].reverse();
  const finite = values.map((v) => v.accuracy).filter((v): v is number => v !== null);
  const middle = finite.length > 0 ? (Math.min(...finite) + Math.max(...finite)) / 2 : 0.5;
  const x = { field: 'eta', type: 'ordinal' as const, title: 'learning rate η', sort: etaOrder };
  const y = { field: 'alpha', type: 'ordinal' as const, title: 'momentum α', sort: alphaOrder };
  return {
    $schema: schema,
    title: 'Mean validation accuracy over seeds (%), η × α',
    width: Math.max(240, etaOrder.length * 46),
    height: Math.max(160, alphaOrder.length * 30),
    data: { values },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          x,
          y,
          color: {
            field: 'accuracy',
            type: 'quantitative',
            title: 'val. accuracy',
            scale: { scheme: 'viridis' },
            legend: { format: '.1%' },
          },
        },
      },
      {
        transform: [{ filter: 'datum.golden' }],
        mark: { type: 'rect', fill: null, stroke: '#e4002b', strokeWidth: 3 },
        encoding: { x, y },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          x,
          y,
          text: { field: 'text' },
          // Dark text on the light (high) end of viridis, light text on the dark end.
          color: {
            condition: {
              test: `datum.accuracy !== null && datum.accuracy > ${middle}`,
              value: '#000',
            },
            value: '#fff',
          },
        },
      },
    ],
  } as TopLevelSpec;
}

/** The cells whose curves are drawn: the best, the golden pair and the named entries. */
function curveCells(plan: SweepPlan, summary: SweepSummary): string[] {
  const ids = new Set<string>();
  if (summary.bestId) ids.add(summary.bestId);
  for (const cell of plan.cells) if (cell.golden || cell.kind !== 'grid') ids.add(cell.id);
  return [...ids];
}

/** Learning curves: validation accuracy per epoch, mean over seeds. */
export function curvesSpec(
  plan: SweepPlan,
  summary: SweepSummary,
  records: readonly SweepRecord[],
): TopLevelSpec {
  const labels = new Map(plan.cells.map((cell) => [cell.id, cell.label]));
  const values: { cell: string; epoch: number; accuracy: number }[] = [];
  for (const id of curveCells(plan, summary)) {
    const runs = records.filter((r) => r.cellId === id && !r.diverged);
    const epochs = Math.max(0, ...runs.map((r) => r.epochs.length));
    for (let e = 0; e < epochs; e++) {
      const figures = runs.map((r) => r.epochs[e]?.validationAccuracy).filter(Number.isFinite);
      if (figures.length === 0) continue;
      const name = `${id === summary.bestId ? 'best: ' : ''}${labels.get(id)}`;
      values.push({
        cell: name,
        epoch: e + 1,
        accuracy: figures.reduce((a, b) => a + b, 0) / figures.length,
      });
    }
  }
  return {
    $schema: schema,
    title: 'Validation accuracy per epoch (mean over seeds)',
    width: 460,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
      y: {
        field: 'accuracy',
        type: 'quantitative',
        title: 'validation accuracy',
        scale: { zero: false },
        axis: { format: '.1%' },
      },
      color: { field: 'cell', type: 'nominal', title: 'cell', scale: { scheme: 'tableau10' } },
    },
  } as TopLevelSpec;
}

/** Rank/interval plot: each shown cell's mean validation accuracy with its 95 % interval. */
export function intervalSpec(plan: SweepPlan, summary: SweepSummary): TopLevelSpec {
  const planCells = new Map(plan.cells.map((cell) => [cell.id, cell]));
  const byId = new Map(summary.cells.map((cell) => [cell.cellId, cell]));
  const values = summary.ranking
    .filter(
      (id, index) =>
        index < TABLE_TOP * 2 || planCells.get(id)?.golden || planCells.get(id)?.kind !== 'grid',
    )
    .map((id) => {
      const cell = byId.get(id);
      const interval = cell?.validationAccuracy;
      return {
        cell: `${cell?.rank}. ${cell?.label}`,
        mean: interval && Number.isFinite(interval.mean) ? interval.mean : null,
        low: interval && Number.isFinite(interval.low) ? interval.low : null,
        high: interval && Number.isFinite(interval.high) ? interval.high : null,
        group: planCells.get(id)?.golden
          ? 'golden pair'
          : planCells.get(id)?.kind === 'grid'
            ? 'grid'
            : 'named entry',
      };
    })
    .filter((v) => v.mean !== null);
  const y = { field: 'cell', type: 'nominal' as const, sort: null, title: null };
  return {
    $schema: schema,
    title: 'Rank and 95 % interval of mean validation accuracy',
    width: 420,
    height: Math.max(120, values.length * 18),
    data: { values },
    layer: [
      {
        mark: { type: 'rule' },
        encoding: {
          y,
          x: {
            field: 'low',
            type: 'quantitative',
            title: 'validation accuracy',
            scale: { zero: false },
            axis: { format: '.1%' },
          },
          x2: { field: 'high' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          y,
          x: { field: 'mean', type: 'quantitative' },
          color: {
            field: 'group',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['golden pair', 'grid', 'named entry'],
              range: ['#e4002b', '#555555', '#1f77b4'],
            },
          },
          shape: { field: 'group', type: 'nominal', title: null },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Renders the charts and writes `report.html` and one `.svg` per chart into `directory`. */
export async function writeSweepReport(
  directory: string,
  content: { title: string; summary: string; tables: ReportTable[] },
  plan: SweepPlan,
  summary: SweepSummary,
  records: readonly SweepRecord[],
): Promise<string[]> {
  const specs: Omit<RenderedChart, 'svg'>[] = [];
  const heat = heatMapSpec(plan, summary);
  if (heat) {
    specs.push({
      id: 'sweep-heatmap',
      title: 'Heat map',
      description:
        "Mean over seeds of the last epoch's validation accuracy for each (η, α) of the delta-form heavy ball; the golden cell (η*, α*) is outlined in red; × marks a cell that diverged. Viridis colour scale (colour-blind safe, ordered in lightness).",
      spec: heat,
    });
  }
  specs.push({
    id: 'sweep-curves',
    title: 'Learning curves',
    description:
      'Validation accuracy per epoch, mean over seeds, of the best cell, the golden pair and the named entries.',
    spec: curvesSpec(plan, summary, records),
  });
  specs.push({
    id: 'sweep-intervals',
    title: 'Ranks and intervals',
    description:
      'Mean validation accuracy with its 95 % Student-t interval over seeds, best first (the top cells, the golden pair and the named entries). The test set chose nothing.',
    spec: intervalSpec(plan, summary),
  });
  const charts: RenderedChart[] = [];
  const files: string[] = [];
  for (const chart of specs) {
    const svg = await renderSvg(chart.spec);
    charts.push({ ...chart, svg });
    await writeFileAtomic(join(directory, `${chart.id}.svg`), svg);
    files.push(`${chart.id}.svg`);
  }
  await writeFileAtomic(
    join(directory, 'report.html'),
    reportHtml({ ...content, runs: [] }, charts),
  );
  return files;
}
