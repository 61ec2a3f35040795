import { describe, expect, it } from 'vitest';
import {
  besideMarkdown,
  type EvidenceCell,
  type EvidenceSummary,
  evidenceSectionMarkdown,
  heatMapHtml,
  missingEvidenceNotice,
  peersMarkdown,
  rankedTableMarkdown,
  readEvidence,
  verdictParagraph,
  viridis,
} from '../.vitepress/evidence.js';

const ETA = 0.01586792470492598;
const ALPHA = 0.8740320488976423;

function cell(id: string, label: string, kind: string, rank: number, mean: number): EvidenceCell {
  return {
    cellId: id,
    label,
    kind,
    runs: 2,
    diverged: 0,
    rank,
    validationAccuracy: { n: 2, mean, sd: 0.01 },
    validationLoss: { mean: 0.1 },
    testAccuracy: { mean: mean - 0.01, sd: 0.005 },
  };
}

/** A 2 × 2 grid and Adam, the golden pair second of five. */
function fixture(): EvidenceSummary {
  const grid = [
    { eta: 0.004, alpha: 0.5, mean: 0.8 },
    { eta: 0.004, alpha: ALPHA, mean: 0.9 },
    { eta: ETA, alpha: 0.5, mean: 0.85 },
    { eta: ETA, alpha: ALPHA, mean: 0.95 },
  ];
  const planCells = grid.map((g) => ({
    id: `grid:${g.eta}:${g.alpha}`,
    label: `η=${g.eta === ETA ? 'η*' : g.eta} α=${g.alpha === ALPHA ? 'α*' : g.alpha}`,
    learningRate: g.eta,
    momentum: g.alpha,
    golden: g.eta === ETA && g.alpha === ALPHA,
  }));
  const ranks = [5, 3, 4, 2];
  const cells = planCells.map((p, i) => cell(p.id, p.label, 'grid', ranks[i], grid[i].mean));
  cells.push(cell('entry:adam@1e-3', 'adam@1e-3', 'baseline', 1, 0.97));
  const golden = planCells[3].id;
  return {
    name: 'toy',
    title: 'toy',
    command: 'dualphi sweep',
    settings: { epochs: 3, batchSize: 32, hidden: [8], validationSplit: 0.1 },
    data: { train: 100, test: 50, features: 4, classes: 3 },
    plan: {
      cells: [...planCells, { id: 'entry:adam@1e-3', label: 'adam@1e-3', golden: false }],
      seeds: [0, 1],
      learningRates: [0.004, ETA],
      momenta: [0.5, ALPHA],
    },
    cells,
    summary: {
      ranking: ['entry:adam@1e-3', golden, planCells[1].id, planCells[2].id, planCells[0].id],
      bestId: 'entry:adam@1e-3',
      test: { name: 'paired t-test (two-sided) on validation accuracy', threshold: 0.05 },
      golden: {
        cellId: golden,
        label: 'η=η* α=α*',
        rank: 2,
        versusBest: {
          otherId: 'entry:adam@1e-3',
          otherLabel: 'adam@1e-3',
          n: 2,
          gap: -2,
          low: -5,
          high: 1,
          pValue: 0.2,
          indistinguishable: true,
        },
        versusPeers: [
          {
            otherId: 'entry:adam@1e-3',
            otherLabel: 'adam@1e-3',
            n: 2,
            gap: -2,
            low: -5,
            high: 1,
            pValue: 0.2,
            indistinguishable: true,
          },
        ],
      },
      extensions: [],
    },
    complete: true,
    timings: { seconds: 12 },
    machine: { cpu: 'test CPU', cores: 2, node: 'v20', workers: 1 },
  };
}

describe('the Evidence page generator', () => {
  it('draws the heat map with α rows (largest first), η columns, values and the golden cell marked', () => {
    const html = heatMapHtml(fixture());
    const cells = [...html.matchAll(/<td class="evidence-cell([^"]*)"[^>]*>([^<]*)<\/td>/g)];
    expect(cells.map((m) => m[2])).toEqual(['90.0', '★ 95.0', '80.0', '85.0']);
    expect(cells.map((m) => m[1].includes('evidence-golden'))).toEqual([false, true, false, false]);
    expect(html).toContain('<th scope="col">η*</th>');
    expect(html).toContain('<th scope="row">α*</th>');
    // The lowest cell is viridis' darkest stop, the highest its yellow.
    expect(html).toContain('background:rgb(68,1,84)');
    expect(html).toContain('background:rgb(253,231,37)');
  });

  it('clips the colour scale ten points below the best cell', () => {
    const evidence = fixture();
    evidence.cells[0].validationAccuracy.mean = 0.1; // a diverged-looking cell
    const html = heatMapHtml(evidence);
    expect(html).toContain('viridis from 85.00 % or less (dark) to 95.00 % (yellow)');
    // 0.85 and 0.1 both get the darkest colour; 0.9 sits in the middle.
    expect(html.match(/background:rgb\(68,1,84\)/g)).toHaveLength(2);
  });

  it('uses viridis end to end and picks readable text', () => {
    expect(viridis(0)).toEqual({ color: 'rgb(68,1,84)', darkText: false });
    expect(viridis(1)).toEqual({ color: 'rgb(253,231,37)', darkText: true });
    expect(viridis(Number.NaN).color).toBe('rgb(68,1,84)');
  });

  it('ranks the cells in a table with the golden pair starred', () => {
    const table = rankedTableMarkdown(fixture());
    const lines = table.split('\n').slice(2);
    expect(lines[0]).toMatch(/^\| 1 \| `adam@1e-3` \| 97\.00 ± 1\.00 \| 96\.00 \|/);
    expect(lines[1]).toMatch(/^\| 2 \| ★ `η=η\* α=α\*` \| 95\.00/);
    expect(lines).toHaveLength(5);
  });

  it('writes the verdict from the numbers, including where the golden pair loses', () => {
    const text = verdictParagraph(fixture());
    expect(text).toContain('The best cell by mean validation accuracy is `adam@1e-3` with 97.00 %');
    expect(text).toContain('ranks 2 of 5 with 95.00 %: in the upper half');
    expect(text).toContain(
      '−2.00 points (95 % CI −5.00 to +1.00; p = 0.200, not distinguishable at 0.05)',
    );
    expect(text).toContain('ahead of 0 and behind 1 (`adam@1e-3`)');
    const lost = fixture();
    if (!lost.summary.golden) throw new Error('fixture without golden verdict');
    lost.summary.golden.versusPeers[0].indistinguishable = false;
    lost.summary.golden.versusPeers[0].pValue = 0.01;
    expect(verdictParagraph(lost)).toContain(
      'behind `adam@1e-3` by more than the test can ascribe to the seeds',
    );
  });

  it('calls a gap with no spread between the seeds untested, also in summaries that stored p = 0', () => {
    const flat = fixture();
    if (!flat.summary.golden?.versusBest) throw new Error('fixture without golden verdict');
    const same = { gap: -1, low: -1, high: -1, pValue: 0, indistinguishable: false };
    Object.assign(flat.summary.golden.versusBest, same);
    Object.assign(flat.summary.golden.versusPeers[0], same);
    const text = verdictParagraph(flat);
    expect(text).toContain('−1.00 points on each of 2 seeds (no spread between the seeds');
    expect(text).not.toContain('distinguishable at 0.05');
    expect(text).not.toContain('behind `adam@1e-3` by more than');
  });

  it('says so when a sweep was not run, instead of showing nothing', () => {
    expect(readEvidence('no-such-data-set')).toBeUndefined();
    expect(missingEvidenceNotice('fashion-b64')).toContain('Not run here');
    expect(besideMarkdown(() => undefined)).toContain('not run here');
    const beside = besideMarkdown((name) => (name === 'digits' ? fixture() : undefined));
    expect(beside).toContain(
      '| UCI digits, 64-128-10, batch 32, 40 epochs | 0.976 | 0.979 | 21 of 86 | 0.940 ± 0.005 | 0.960 ± 0.005 (`adam@1e-3`) | 2 of 5 |',
    );
  });

  it('puts the tuning-free peers beside the independent figures, or says they were not run', () => {
    const table = peersMarkdown((name) => (name === 'digits' ? fixture() : undefined));
    const adam = table.split('\n').find((line) => line.startsWith('| Adam, 1e-3 |'));
    expect(adam).toBe('| Adam, 1e-3 | 0.978 / 0.960 ± 0.005 | 0.890 / not run | 0.881 / not run |');
    const prodigy = table.split('\n').find((line) => line.startsWith('| Prodigy'));
    expect(prodigy).toContain('0.978 / not in this sweep');
  });

  it('states the setup of each section', () => {
    const section = evidenceSectionMarkdown({ ...fixture(), reduced: 'a smaller grid, because' });
    expect(section).toContain(
      '5 cells × 2 seed(s) = 10 runs of a 4-8-3 network, 3 epochs at batch 32',
    );
    expect(section).toContain('**Smaller than the full grid:** a smaller grid, because.');
    expect(section).toContain('12 s with 1 worker on 2 cores (test CPU, Node v20)');
    // A sweep whose whole time is unknown says so rather than printing a part of it.
    const untimed = evidenceSectionMarkdown({
      ...fixture(),
      timings: { seconds: null },
      machine: { ...fixture().machine, workers: 2 },
    });
    expect(untimed).toContain('Its wall-clock time was not recorded');
    expect(untimed).toContain('with 2 workers on 2 cores');
    expect(untimed).not.toContain('NaN');
  });
});
