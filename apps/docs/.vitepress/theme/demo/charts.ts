/**
 * The demo's four live charts (chart.js): loss, accuracy, divergence against entropy and the
 * process-balance angle. The Chart class is passed in so chart.js is only loaded in the
 * browser (VitePress pre-renders pages on the server).
 */
import type { Chart, ChartDataset } from 'chart.js';
import type { BatchMessage, EpochMessage } from './protocol.js';

/** y is null for a gap: the running training loss restarts with every epoch. */
type Point = { x: number; y: number | null };
type LineChart = Chart<'line', Point[]>;

/** The canvases to draw into. */
export interface DemoCanvases {
  loss: HTMLCanvasElement;
  accuracy: HTMLCanvasElement;
  split: HTMLCanvasElement;
  balance: HTMLCanvasElement;
}

/** Live charts fed by the worker's messages. */
export interface DemoCharts {
  addBatch(message: BatchMessage): void;
  addEpoch(message: EpochMessage): void;
  clear(): void;
  destroy(): void;
}

const COLORS = {
  train: '#8e96aa',
  test: '#3451b2',
  divergence: '#c2410c',
  entropy: '#16a34a',
  targetEntropy: '#a16207',
  balance: '#7c3aed',
  reference: '#9ca3af',
};

function dataset(label: string, color: string, extra: Partial<ChartDataset<'line', Point[]>> = {}) {
  return {
    label,
    data: [] as Point[],
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2,
    pointRadius: 2,
    tension: 0,
    ...extra,
  } satisfies ChartDataset<'line', Point[]>;
}

function lineChart(
  ChartClass: typeof Chart,
  canvas: HTMLCanvasElement,
  datasets: ChartDataset<'line', Point[]>[],
  y: { min?: number; max?: number; suggestedMax?: number } = {},
): LineChart {
  return new ChartClass(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', min: 0, title: { display: true, text: 'epoch' } },
        y: { type: 'linear', ...y },
      },
      plugins: { legend: { labels: { boxWidth: 12, font: { size: 11 } } } },
    },
  }) as LineChart;
}

/** Creates the four charts. */
export function createDemoCharts(ChartClass: typeof Chart, canvases: DemoCanvases): DemoCharts {
  const loss = lineChart(
    ChartClass,
    canvases.loss,
    [
      dataset('train (running mean in the epoch)', COLORS.train, {
        pointRadius: 1.5, // at full speed an epoch may send a single point
        borderWidth: 1,
      }),
      dataset('test', COLORS.test),
    ],
    { min: 0 },
  );
  const accuracy = lineChart(
    ChartClass,
    canvases.accuracy,
    [dataset('train', COLORS.train), dataset('test', COLORS.test)],
    { max: 1 },
  );
  const split = lineChart(
    ChartClass,
    canvases.split,
    [
      dataset('divergence KL(p‖q)', COLORS.divergence),
      dataset('prediction entropy H(q)', COLORS.entropy),
      dataset('target entropy H(p)', COLORS.targetEntropy, { borderDash: [4, 4], pointRadius: 0 }),
    ],
    { min: 0 },
  );
  const balance = lineChart(
    ChartClass,
    canvases.balance,
    [
      dataset('mean angle θ per epoch (degrees)', COLORS.balance),
      dataset('45° (equal terms)', COLORS.reference, {
        borderDash: [6, 4],
        pointRadius: 0,
        borderWidth: 1,
      }),
    ],
    { min: 0, max: 90 },
  );
  const all = [loss, accuracy, split, balance];

  const push = (chart: LineChart, index: number, point: Point) => {
    // NaN (e.g. no balance telemetry for Adam) would break the line: leave it out.
    if (point.y !== null && Number.isFinite(point.y)) chart.data.datasets[index].data.push(point);
  };
  let lastBatchEpoch = 0;

  return {
    addBatch(message) {
      if (message.epoch !== lastBatchEpoch && lastBatchEpoch !== 0) {
        // Break the line where the running mean restarts.
        loss.data.datasets[0].data.push({ x: message.epoch - 1, y: null });
      }
      lastBatchEpoch = message.epoch;
      push(loss, 0, { x: message.epoch - 1 + message.batch / message.batches, y: message.loss });
      loss.update('none');
    },
    addEpoch(message) {
      const x = message.epoch;
      push(loss, 1, { x, y: message.testLoss });
      push(accuracy, 0, { x, y: message.trainAccuracy });
      push(accuracy, 1, { x, y: message.testAccuracy });
      push(split, 0, { x, y: message.divergence });
      push(split, 1, { x, y: message.predictionEntropy });
      push(split, 2, { x, y: message.entropy });
      push(balance, 0, { x, y: message.balanceDegrees });
      balance.data.datasets[1].data = [
        { x: 0, y: 45 },
        { x: Math.max(1, x), y: 45 },
      ];
      for (const chart of all) chart.update('none');
    },
    clear() {
      lastBatchEpoch = 0;
      for (const chart of all) {
        for (const set of chart.data.datasets) set.data = [];
        chart.update('none');
      }
    },
    destroy() {
      for (const chart of all) chart.destroy();
    },
  };
}
