import { describe, expect, it } from 'vitest';
import { chartSpecs, renderSvg } from './charts.js';
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
