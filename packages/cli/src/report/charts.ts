/**
 * The report's charts as Vega-Lite specifications, rendered to SVG in Node by Vega's headless
 * View (no browser, no canvas needed). One run or several (`compare`): every chart overlays
 * the runs, each run in its own colour of a colour-blind-safe palette; where one chart has two
 * series per run (train and test loss) they differ by line style, named in the legend.
 */
import type { EpochMetrics } from '@dualphi/optimizer';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * The per-epoch figures a chart uses, picked from the optimizer package's `EpochMetrics` so
 * that names and meanings cannot drift apart.
 */
export type ChartEpoch = Pick<
  EpochMetrics,
  | 'epoch'
  | 'trainLoss'
  | 'testLoss'
  | 'testAccuracy'
  | 'divergence'
  | 'entropy'
  | 'predictionEntropy'
  | 'balanceDegrees'
>;

/** One training run: its label (the optimizer in `compare`) and its epochs. */
export interface ChartRun {
  name: string;
  epochs: readonly ChartEpoch[];
}

/** A rendered chart: file-name stem, title, the Vega-Lite spec and its SVG. */
export interface RenderedChart {
  id: string;
  title: string;
  description: string;
  spec: TopLevelSpec;
  svg: string;
}

interface LongRow {
  run: string;
  epoch: number;
  series: string;
  value: number;
}

const width = 460;
const height = 260;

/**
 * One colour per run: the Okabe–Ito palette (M. Okabe and K. Ito, "Color Universal Design",
 * 2008), distinct under the common colour-vision deficiencies, without its yellow, which is
 * hard to see on white. dualphi has seven optimizers, so a comparison never repeats a colour.
 */
export const RUN_COLORS = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#D55E00', // vermillion
  '#56B4E9', // sky blue
  '#000000', // black
] as const;

/** The loss chart's series and their line styles: train solid, test dashed. */
const LOSS_SERIES = ['train', 'test'] as const;
const LOSS_DASHES = [
  [1, 0],
  [6, 3],
];

function longRows(
  runs: readonly ChartRun[],
  series: Record<string, (e: ChartEpoch) => number>,
): LongRow[] {
  const rows: LongRow[] = [];
  for (const run of runs) {
    for (const epoch of run.epochs) {
      for (const [name, pick] of Object.entries(series)) {
        const value = pick(epoch);
        // Vega-Lite drops nulls from lines; NaN (no telemetry) and ±∞ must not reach it.
        if (Number.isFinite(value))
          rows.push({ run: run.name, epoch: epoch.epoch, series: name, value });
      }
    }
  }
  return rows;
}

interface LineOptions {
  yFormat?: string;
  rule?: { value: number; label: string };
  yZero?: boolean;
  /** A log scale, so that the end of training is not squeezed into a band at the bottom. */
  yLog?: boolean;
  /** Series told apart by line style, in this order (the first solid), with legend entries. */
  dashedSeries?: { title: string; domain: readonly string[]; dashes: number[][] };
}

/**
 * A log scale over the data's own range (a little margin, no rounding out to whole decades,
 * which would leave most of the chart empty).
 */
function logScale(rows: readonly LongRow[]) {
  const values = rows.map((row) => row.value);
  if (values.length === 0) return { type: 'log' as const };
  const low = Math.min(...values);
  const high = Math.max(...values);
  return { type: 'log' as const, domain: [low / 1.15, high * 1.15], nice: false };
}

function lineSpec(
  title: string,
  rows: LongRow[],
  yTitle: string,
  runNames: readonly string[],
  options: LineOptions = {},
): TopLevelSpec {
  const dashed = options.dashedSeries;
  const encoding = {
    x: { field: 'epoch', type: 'quantitative' as const, title: 'epoch', axis: { tickMinStep: 1 } },
    y: {
      field: 'value',
      type: 'quantitative' as const,
      title: yTitle,
      scale: options.yLog ? logScale(rows) : { zero: options.yZero ?? false },
      ...(options.yFormat ? { axis: { format: options.yFormat } } : {}),
    },
    color: runColor(runNames),
    ...(dashed
      ? {
          strokeDash: {
            field: 'series',
            type: 'nominal' as const,
            title: dashed.title,
            scale: { domain: [...dashed.domain], range: dashed.dashes },
            // Long stroke symbols, so that solid and dashed read apart in the legend.
            legend: {
              symbolType: 'stroke',
              symbolSize: 600,
              symbolStrokeWidth: 2,
              symbolStrokeColor: '#444',
            },
          },
        }
      : {}),
    detail: { field: 'series', type: 'nominal' as const },
  };
  const line = {
    // Points would hide the dashes that tell the series apart.
    mark: { type: 'line' as const, point: !dashed && rows.length <= 120, strokeWidth: 2 },
    encoding,
  };
  const layers: unknown[] = [line];
  if (options.rule) {
    layers.push({
      data: { values: [{ value: options.rule.value, label: options.rule.label }] },
      mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
      encoding: { y: { field: 'value', type: 'quantitative' } },
    });
    layers.push({
      data: { values: [{ value: options.rule.value, label: options.rule.label }] },
      mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#666', x: 0 },
      encoding: { y: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width,
    height,
    data: { values: rows },
    layer: layers,
  } as TopLevelSpec;
}

/**
 * Colour by run with a fixed domain, so an optimizer keeps its colour in every chart even
 * where another run has no data (no balance telemetry), and a fixed range of distinct colours.
 */
function runColor(runNames: readonly string[]) {
  return {
    field: 'run',
    type: 'nominal' as const,
    title: 'optimizer',
    scale: {
      domain: [...runNames],
      range: runNames.map((_, index) => RUN_COLORS[index % RUN_COLORS.length]),
    },
    legend: { symbolType: 'stroke', symbolSize: 600, symbolStrokeWidth: 3 },
  };
}

/** Divergence against the prediction's entropy, one connected path per run in epoch order. */
function divergenceEntropySpec(runs: readonly ChartRun[]): TopLevelSpec {
  const multiRun = runs.length > 1;
  const values = runs.flatMap((run) =>
    run.epochs
      .filter((e) => Number.isFinite(e.divergence) && Number.isFinite(e.predictionEntropy))
      .map((e) => ({
        run: run.name,
        epoch: e.epoch,
        divergence: e.divergence,
        predictionEntropy: e.predictionEntropy,
        entropy: e.entropy,
      })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Divergence against entropy (test set, per epoch)',
    width,
    height,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'predictionEntropy',
        type: 'quantitative',
        title: 'prediction entropy H(q) (nats)',
        scale: { zero: false },
      },
      y: {
        field: 'divergence',
        type: 'quantitative',
        title: 'KL(p‖q) (nats)',
        scale: { zero: false },
      },
      order: { field: 'epoch', type: 'quantitative' },
      color: { ...runColor(runs.map((run) => run.name)), ...(multiRun ? {} : { legend: null }) },
      tooltip: [
        { field: 'run', type: 'nominal' },
        { field: 'epoch', type: 'quantitative' },
        { field: 'divergence', type: 'quantitative', format: '.4f' },
        { field: 'entropy', type: 'quantitative', format: '.4f', title: 'H(p)' },
        { field: 'predictionEntropy', type: 'quantitative', format: '.4f', title: 'H(q)' },
      ],
    },
  } as TopLevelSpec;
}

/** The Vega-Lite specifications of the report, without rendering them. */
export function chartSpecs(runs: readonly ChartRun[]): Omit<RenderedChart, 'svg'>[] {
  const runNames = runs.map((run) => run.name);
  return [
    {
      id: 'loss',
      title: 'Loss',
      description:
        'Mean cross-entropy H(p, q) in nats per epoch, on a log scale so that the last epochs stay legible: solid on the training mini-batches as they were trained, dashed on the test set after the epoch.',
      spec: lineSpec(
        'Cross-entropy loss per epoch (log scale)',
        // A log scale has no place for 0 (a perfectly fitted batch): such points are left out.
        longRows(runs, { train: (e) => e.trainLoss, test: (e) => e.testLoss }).filter(
          (row) => row.value > 0,
        ),
        'cross-entropy (nats, log scale)',
        runNames,
        {
          yLog: true,
          dashedSeries: { title: 'loss on', domain: LOSS_SERIES, dashes: LOSS_DASHES },
        },
      ),
    },
    {
      id: 'accuracy',
      title: 'Accuracy',
      description: 'Fraction of the test set classified correctly after each epoch.',
      spec: lineSpec(
        'Test accuracy per epoch',
        longRows(runs, { 'test accuracy': (e) => e.testAccuracy }),
        'test accuracy',
        runNames,
        { yFormat: '.1%' },
      ),
    },
    {
      id: 'divergence-entropy',
      title: 'Divergence against entropy',
      description:
        'Test cross-entropy splits into H(p) + KL(p‖q) (apps/docs/theory.md#dual-processes). With one-hot targets H(p) = 0 and the loss is all divergence; the path shows how the divergence falls as the predictions grow confident (their entropy H(q) falls too — telemetry, not from the papers).',
      spec: divergenceEntropySpec(runs),
    },
    {
      id: 'balance',
      title: 'Process balance',
      description:
        "Mean angle θ = atan2(‖M‖, ‖G‖) between the momentum term M = α·Δw(t − 1) and the gradient term G = −η·g over each epoch's steps; 45° is where the two processes are equal (apps/docs/theory.md#process-balance — this project's interpretation, it changes no update). Optimizers without this telemetry have no line.",
      spec: lineSpec(
        'Process-balance angle per epoch',
        longRows(runs, { 'balance angle': (e) => e.balanceDegrees }),
        'θ (degrees)',
        runNames,
        { rule: { value: 45, label: '45° = balance' } },
      ),
    },
  ];
}

/** Renders one Vega-Lite spec to an SVG string with a headless Vega view. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vegaSpec = compile(spec).spec;
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Builds and renders every chart of the report. */
export async function renderCharts(runs: readonly ChartRun[]): Promise<RenderedChart[]> {
  const charts: RenderedChart[] = [];
  for (const chart of chartSpecs(runs)) {
    charts.push({ ...chart, svg: await renderSvg(chart.spec) });
  }
  return charts;
}
