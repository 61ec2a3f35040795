import { describe, expect, it } from 'vitest';
import { chartSpecs, RUN_COLORS, renderSvg } from './charts.js';
import { escapeHtml, reportHtml } from './html.js';

const epochs = [1, 2, 3].map((epoch) => ({
  epoch,
  trainLoss: 1 / epoch,
  testLoss: 1.1 / epoch,
  testAccuracy: 0.8 + epoch / 100,
  divergence: 1.1 / epoch,
  entropy: 0,
  predictionEntropy: 1.5 / epoch,
  balanceDegrees: epoch === 2 ? Number.NaN : 45,
}));

describe('report', () => {
  it('escapes text for HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });

  it('renders every chart to SVG in Node, skipping non-finite values', async () => {
    const specs = chartSpecs([{ name: 'golden', epochs }]);
    expect(specs.map((spec) => spec.id)).toEqual([
      'loss',
      'accuracy',
      'divergence-entropy',
      'balance',
    ]);
    const balance = specs[3].spec as unknown as { data: { values: unknown[] } };
    expect(balance.data.values).toHaveLength(2); // the NaN epoch is left out
    for (const spec of specs) {
      const svg = await renderSvg(spec.spec);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('</svg>');
    }
  });

  it('the loss chart names train and test in its legend, by line style, on a log scale', async () => {
    const [loss] = chartSpecs([{ name: 'golden', epochs }]);
    const spec = loss.spec as unknown as {
      layer: {
        mark: { point: boolean };
        encoding: {
          y: { scale: { type: string } };
          strokeDash: { scale: { domain: string[]; range: number[][] } };
        };
      }[];
    };
    const { y, strokeDash } = spec.layer[0].encoding;
    expect(y.scale.type).toBe('log');
    expect(strokeDash.scale.domain).toEqual(['train', 'test']);
    const [trainDash, testDash] = strokeDash.scale.range;
    expect(trainDash).not.toEqual(testDash);
    expect(spec.layer[0].mark.point).toBe(false); // points would hide the dashes
    const svg = await renderSvg(loss.spec);
    // The legend's entries, each with a visible stroke symbol (they were two black dots).
    expect(svg).toMatch(/<text[^>]*>train<\/text>/);
    expect(svg).toMatch(/<text[^>]*>test<\/text>/);
    expect(svg).toContain('stroke-dasharray="6,3"');
  });

  it('gives every optimizer a distinct colour, the same in every chart', async () => {
    const names = ['golden', 'golden-rounded', 'momentum', 'nesterov', 'adam', 'adamw', 'sgd'];
    const runs = names.map((name, index) => ({
      name,
      epochs: epochs.map((e) => ({ ...e, testAccuracy: e.testAccuracy - index / 100 })),
    }));
    expect(new Set(RUN_COLORS).size).toBe(RUN_COLORS.length);
    expect(RUN_COLORS.length).toBeGreaterThanOrEqual(names.length);
    for (const chart of chartSpecs(runs)) {
      const svg = await renderSvg(chart.spec);
      for (const color of RUN_COLORS.slice(0, names.length)) {
        expect(svg.toLowerCase(), `${chart.id}: ${color}`).toContain(color.toLowerCase());
      }
    }
  });

  it('puts user-provided text through escaping', () => {
    const html = reportHtml(
      {
        title: 'run <1>',
        summary: 'a & b',
        tables: [{ caption: 'c', head: ['<h>'], rows: [['<td>']] }],
        runs: [],
      },
      [],
    );
    expect(html).toContain('<title>run &lt;1&gt;</title>');
    expect(html).toContain('a &amp; b');
    expect(html).toContain('<th>&lt;h&gt;</th>');
    expect(html).toContain('<td>&lt;td&gt;</td>');
  });
});
