import { planSweep, type SweepRecord, summarizeSweep } from '@dualphi/optimizer';
import { describe, expect, it } from 'vitest';
import { renderSvg } from '../report/charts.js';
import { heatMapSpec, intervalSpec } from './report.js';

const plan = planSweep({
  learningRates: [0.1, 'golden'],
  momenta: [0.5, 'golden'],
  entries: ['adam'],
  seeds: 2,
});
const records: SweepRecord[] = plan.cells.flatMap((cell, c) =>
  plan.seeds.map((seed) => ({
    cellId: cell.id,
    seed,
    seconds: 0,
    epochs: [
      {
        epoch: 1,
        trainLoss: 1,
        validationLoss: 1,
        validationAccuracy: 0.5 + 0.1 * c + 0.01 * seed,
        testLoss: 1,
        testAccuracy: 0.5,
      },
    ],
  })),
);
const summary = summarizeSweep(plan, records);

describe('sweep report charts', () => {
  it('heat map: viridis, the value in every grid cell, the golden cell outlined', async () => {
    const spec = heatMapSpec(plan, summary) as unknown as { layer: Record<string, unknown>[] };
    expect(JSON.stringify(spec.layer[0])).toContain('"scheme":"viridis"');
    expect(JSON.stringify(spec.layer[1])).toContain('datum.golden');
    const svg = await renderSvg(heatMapSpec(plan, summary) as never);
    // Cells in plan order: (η*, 0.5) 50.5, (η*, α*) 60.5, (0.1, 0.5) 70.5, (0.1, α*) 80.5 %.
    for (const value of ['50.5', '60.5', '70.5', '80.5']) expect(svg).toContain(`>${value}</text>`);
    expect(svg).toContain('0.874 (α*)');
    expect(svg).toContain('0.01587 (η*)');
    expect(svg.match(/stroke="#e4002b"/g)).toHaveLength(1);
  });

  it('no heat map without a grid; the interval plot lists every ranked cell', () => {
    expect(heatMapSpec(planSweep({ entries: ['adam'], seeds: 1 }), summary)).toBeUndefined();
    const spec = intervalSpec(plan, summary) as unknown as { data: { values: { cell: string }[] } };
    expect(spec.data.values.map((v) => v.cell)).toEqual([
      '1. adam',
      '2. η=0.1 α=α*',
      '3. η=0.1 α=0.5',
      '4. η=η* α=α*',
      '5. η=η* α=0.5',
    ]);
  });
});
