/**
 * Generates the Evidence page's sections from the sweeps `npm run evidence` committed in
 * `evidence/<name>/summary.json`, at build time: a heat map of η × α (mean validation accuracy,
 * viridis, the golden cell outlined and starred), the ranked table and a verdict paragraph
 * composed from the numbers. Nothing on the page states a result the files do not hold.
 *
 * A markdown-it core rule replaces each marker `<!-- @evidence NAME -->` with its section, like
 * `optimizers.ts` does for the optimizer table; a missing summary becomes a visible warning.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MarkdownRenderer } from 'vitepress';
import { viridis } from './theme/demo/viridis.js';

export { viridis };

/** One cell of a committed summary (the fields the page uses). */
export interface EvidenceCell {
  cellId: string;
  label: string;
  kind: string;
  runs: number;
  diverged: number;
  rank: number;
  validationAccuracy: { n: number; mean: number; sd: number | null };
  validationLoss: { mean: number };
  testAccuracy: { mean: number; sd: number | null };
}

/** A paired comparison of the summary's verdict. */
export interface EvidenceComparison {
  otherId: string;
  otherLabel: string;
  n: number;
  gap: number;
  low: number | null;
  high: number | null;
  pValue: number | null;
  indistinguishable: boolean;
}

/** A cell's verdict: rank, versus the best, versus each entry. */
export interface EvidenceVerdict {
  cellId: string;
  label: string;
  rank: number;
  versusBest?: EvidenceComparison;
  versusPeers: EvidenceComparison[];
}

/** `evidence/<name>/summary.json` as `scripts/evidence.mjs` writes it. */
export interface EvidenceSummary {
  name: string;
  title: string;
  reduced?: string;
  command: string;
  settings: { epochs: number; batchSize: number; hidden: number[]; validationSplit: number };
  data: { train: number; test: number; features: number; classes: number };
  plan: {
    cells: {
      id: string;
      label: string;
      learningRate?: number;
      momentum?: number;
      golden: boolean;
    }[];
    seeds: number[];
    learningRates: number[];
    momenta: number[];
  };
  cells: EvidenceCell[];
  summary: {
    ranking: string[];
    bestId?: string;
    test: { name: string; threshold: number };
    golden?: EvidenceVerdict;
    extensions: EvidenceVerdict[];
  };
  complete: boolean;
  /** The sweep's wall-clock seconds; null where it ran in sessions whose time was not all recorded. */
  timings: { seconds: number | null };
  machine: { cpu: string; cores: number; node: string; workers: number };
}

/** The marker a page writes where a data set's section goes. */
export const EVIDENCE_MARKER = /<!--\s*@evidence\s+([\w-]+)\s*-->/g;

const evidenceDirectory = fileURLToPath(new URL('../../../evidence/', import.meta.url));

/** Reads `evidence/<name>/summary.json`, or undefined if it is not committed. */
export function readEvidence(
  name: string,
  directory = evidenceDirectory,
): EvidenceSummary | undefined {
  const file = `${directory}${name}/summary.json`;
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as EvidenceSummary;
}

const percent = (x: number): string => `${(100 * x).toFixed(2)} %`;
/** A gap, already in accuracy points (the summary's unit), with its sign. */
const points = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

/** The accuracy span (fraction) the heat map's colour scale covers below its best cell. */
export const HEAT_MAP_SPAN = 0.1;

const symbolic = (value: number, golden: number, name: string): string =>
  Math.abs(value - golden) < 1e-12 ? name : String(value);

/** The heat map as an HTML table: rows α (largest on top), columns η, values in %. */
export function heatMapHtml(evidence: EvidenceSummary): string {
  const byId = new Map(evidence.cells.map((c) => [c.cellId, c]));
  const grid = evidence.plan.cells.filter(
    (c) => c.learningRate !== undefined && c.momentum !== undefined,
  );
  if (grid.length === 0) return '';
  const golden = grid.find((c) => c.golden);
  const etaStar = golden?.learningRate ?? Number.NaN;
  const alphaStar = golden?.momentum ?? Number.NaN;
  const means = grid
    .map((c) => byId.get(c.id)?.validationAccuracy.mean)
    .filter((m): m is number => m !== undefined && Number.isFinite(m));
  const high = Math.max(...means);
  // The scale spans the top ten points (or less): diverged or barely trained cells would
  // otherwise squeeze every competitive cell into one colour. Lower cells get the darkest.
  const low = Math.max(Math.min(...means), high - HEAT_MAP_SPAN);
  const etas = evidence.plan.learningRates;
  const alphas = [...evidence.plan.momenta].reverse();
  const rows = alphas.map((alpha) => {
    const cells = etas.map((eta) => {
      const planned = grid.find((c) => c.learningRate === eta && c.momentum === alpha);
      const cell = planned ? byId.get(planned.id) : undefined;
      const mean = cell?.validationAccuracy.mean;
      if (!planned || mean === undefined || !Number.isFinite(mean)) {
        return '<td class="evidence-cell evidence-missing">—</td>';
      }
      const { color, darkText } = viridis(high > low ? (mean - low) / (high - low) : 1);
      const mark = planned.golden ? ' evidence-golden' : '';
      const star = planned.golden ? '★ ' : '';
      const title = `${planned.label}: ${percent(mean)} mean validation accuracy over ${cell?.runs} seed(s), rank ${cell?.rank}`;
      return `<td class="evidence-cell${mark}" style="background:${color};color:${darkText ? '#111' : '#fff'}" title="${title}">${star}${(100 * mean).toFixed(1)}</td>`;
    });
    return `<tr><th scope="row">${symbolic(alpha, alphaStar, 'α*')}</th>${cells.join('')}</tr>`;
  });
  const head = etas.map((eta) => `<th scope="col">${symbolic(eta, etaStar, 'η*')}</th>`).join('');
  return [
    `<div class="evidence-heatmap-scroll"><table class="evidence-heatmap" data-evidence="${evidence.name}">`,
    `<caption>Mean validation accuracy (%) over ${evidence.plan.seeds.length} seed(s); rows α, columns η; viridis from ${percent(low)} or less (dark) to ${percent(high)} (yellow); ★ and outline: the golden pair (η*, α*).</caption>`,
    `<thead><tr><th scope="col">α \\ η</th>${head}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody>`,
    '</table></div>',
  ].join('');
}

/** The ranked table: the best ten, the golden pair and every named entry, in rank order. */
export function rankedTableMarkdown(evidence: EvidenceSummary): string {
  const planned = new Map(evidence.plan.cells.map((c) => [c.id, c]));
  const shown = evidence.summary.ranking
    .map((id) => evidence.cells.find((c) => c.cellId === id))
    .filter((c): c is EvidenceCell => c !== undefined)
    .filter((c, index) => index < 10 || planned.get(c.cellId)?.golden || c.kind !== 'grid');
  const sd = (x: number | null): string =>
    x === null || !Number.isFinite(x) ? '' : ` ± ${(100 * x).toFixed(2)}`;
  const rows = shown.map((c) => {
    const star = planned.get(c.cellId)?.golden ? '★ ' : '';
    const diverged = c.diverged > 0 ? ` (${c.diverged} diverged)` : '';
    return `| ${c.rank} | ${star}\`${c.label}\`${diverged} | ${(100 * c.validationAccuracy.mean).toFixed(2)}${sd(c.validationAccuracy.sd)} | ${(100 * c.testAccuracy.mean).toFixed(2)} | ${Number.isFinite(c.validationLoss.mean) ? c.validationLoss.mean.toFixed(4) : '—'} |`;
  });
  return [
    '| rank | cell | validation accuracy % (mean ± sd) | test accuracy % | validation loss |',
    '| ---: | --- | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

const pValue = (p: number): string => (p < 0.001 ? '< 0.001' : p.toFixed(3));

/**
 * Whether the paired t-test could judge a comparison: two seeds or more, and some spread. The
 * same gap on every seed (accuracies move in steps of one validation sample) makes t = x/0;
 * summaries written before the sweep said so store p = 0 with low = high.
 */
function tested(c: EvidenceComparison): boolean {
  const noSpread = c.gap !== 0 && c.low !== null && c.low === c.high;
  return c.n >= 2 && c.pValue !== null && Number.isFinite(c.pValue) && !noSpread;
}

function comparisonPhrase(c: EvidenceComparison, threshold: number): string {
  if (c.n < 2) return `${points(c.gap)} points (one seed: no interval, no test)`;
  if (!tested(c) || c.pValue === null) {
    return `${points(c.gap)} points on each of ${c.n} seeds (no spread between the seeds, so the paired t-test is undefined and the gap is not established)`;
  }
  const verdict = c.indistinguishable
    ? `p = ${pValue(c.pValue)}, not distinguishable at ${threshold}`
    : `p ${c.pValue < 0.001 ? '' : '= '}${pValue(c.pValue)}, distinguishable at ${threshold}`;
  return `${points(c.gap)} points (95 % CI ${points(c.low ?? Number.NaN)} to ${points(c.high ?? Number.NaN)}; ${verdict})`;
}

/** The verdict paragraph, composed from the summary's numbers only. */
export function verdictParagraph(evidence: EvidenceSummary): string {
  const { summary } = evidence;
  const byId = new Map(evidence.cells.map((c) => [c.cellId, c]));
  const best = summary.bestId ? byId.get(summary.bestId) : undefined;
  const golden = summary.golden;
  const goldenCell = golden ? byId.get(golden.cellId) : undefined;
  const total = summary.ranking.length;
  const parts: string[] = [];
  if (best) {
    parts.push(
      `The best cell by mean validation accuracy is \`${best.label}\` with ${percent(best.validationAccuracy.mean)} (its test accuracy ${percent(best.testAccuracy.mean)} is reported, not used to choose).`,
    );
  }
  if (golden && goldenCell) {
    const where =
      golden.rank === 1
        ? 'it is the best cell (or tied with it)'
        : golden.rank <= total / 4
          ? 'in the top quarter'
          : golden.rank <= total / 2
            ? 'in the upper half'
            : 'in the lower half';
    parts.push(
      `The golden pair (η*, α*) ranks ${golden.rank} of ${total} with ${percent(goldenCell.validationAccuracy.mean)}: ${where}.`,
    );
    if (golden.versusBest) {
      parts.push(
        `Against the best cell it is ${comparisonPhrase(golden.versusBest, summary.test.threshold)}.`,
      );
    }
    const wins = golden.versusPeers.filter((c) => c.gap > 0).map((c) => `\`${c.otherLabel}\``);
    const losses = golden.versusPeers.filter((c) => c.gap < 0).map((c) => `\`${c.otherLabel}\``);
    const significantLosses = golden.versusPeers
      .filter((c) => c.gap < 0 && !c.indistinguishable && tested(c))
      .map((c) => `\`${c.otherLabel}\``);
    if (golden.versusPeers.length > 0) {
      parts.push(
        `Of the ${golden.versusPeers.length} named entries it is ahead of ${wins.length}${wins.length ? ` (${wins.join(', ')})` : ''} and behind ${losses.length}${losses.length ? ` (${losses.join(', ')})` : ''}` +
          (evidence.plan.seeds.length >= 2
            ? `; ${significantLosses.length ? `behind ${significantLosses.join(', ')} by more than the test can ascribe to the seeds` : 'no entry is ahead of it by more than the test can ascribe to the seeds'}.`
            : '.'),
      );
    }
  }
  for (const extension of summary.extensions) {
    const cell = byId.get(extension.cellId);
    if (!cell) continue;
    const versus = extension.versusBest
      ? `; against the best cell ${comparisonPhrase(extension.versusBest, summary.test.threshold)}`
      : '';
    parts.push(
      `The extension \`${extension.label}\` ranks ${extension.rank} of ${total} with ${percent(cell.validationAccuracy.mean)}${versus}.`,
    );
  }
  if (evidence.plan.seeds.length >= 2) {
    parts.push(
      `Test: ${summary.test.name}, threshold ${summary.test.threshold}, over ${evidence.plan.seeds.length} seeds; with so few seeds only large gaps are detected, so "not distinguishable" is not "equal".`,
    );
  }
  if (!evidence.complete)
    parts.push('The sweep was interrupted: not every run is in these figures.');
  return parts.join(' ');
}

/** A data set's whole section: setup, heat map, ranked table, verdict. */
export function evidenceSectionMarkdown(evidence: EvidenceSummary): string {
  const runs = evidence.cells.reduce((n, c) => n + c.runs, 0);
  const network = [evidence.data.features, ...evidence.settings.hidden, evidence.data.classes].join(
    '-',
  );
  const setup =
    `${evidence.plan.cells.length} cells × ${evidence.plan.seeds.length} seed(s) = ${runs} runs of a ${network} network, ` +
    `${evidence.settings.epochs} epochs at batch ${evidence.settings.batchSize}; ${evidence.data.train} training rows, ` +
    `${(100 * evidence.settings.validationSplit).toFixed(0)} % of each class held out for validation (which ranks), ${evidence.data.test} test rows (which only report). ` +
    (evidence.timings.seconds === null
      ? 'Its wall-clock time was not recorded (it ran in several sessions, one of which was stopped before it could write its time)'
      : `${Math.round(evidence.timings.seconds)} s`) +
    ` with ${evidence.machine.workers} worker${evidence.machine.workers === 1 ? '' : 's'} on ${evidence.machine.cores} cores (${evidence.machine.cpu}, Node ${evidence.machine.node}), shared with other work.`;
  return [
    setup,
    evidence.reduced ? `\n**Smaller than the full grid:** ${evidence.reduced}.` : '',
    '',
    '```sh',
    evidence.command,
    '```',
    '',
    heatMapHtml(evidence),
    '',
    rankedTableMarkdown(evidence),
    '',
    `**Verdict.** ${verdictParagraph(evidence)}`,
  ].join('\n');
}

/** The warning shown for a data set with no committed summary. */
export function missingEvidenceNotice(name: string): string {
  return `::: warning Not run here\n\`evidence/${name}/summary.json\` is not in the repository: this sweep has not been run for this build (\`npm run evidence -- --only ${name}\`).\n:::`;
}

/**
 * What an independent implementation measured (heavy ball in the delta form, Glorot-uniform
 * weights, mean softmax cross-entropy, 3 seeds, an 80-point grid plus Adam; test accuracy, on
 * its own train/test split), quoted for comparison beside this project's figures.
 */
export const INDEPENDENT: readonly {
  name: string;
  setup: string;
  golden: string;
  best: string;
  rank: string;
}[] = [
  {
    name: 'digits',
    setup: 'UCI digits, 64-128-10, batch 32, 40 epochs',
    golden: '0.976',
    best: '0.979',
    rank: '21 of 86',
  },
  {
    name: 'fashion-b64',
    setup: 'Fashion-MNIST, 784-256-128-10, batch 64, 20 epochs',
    golden: '0.888',
    best: '0.894 (Adam 3e-4)',
    rank: '14 of 86',
  },
  {
    name: 'fashion-b256',
    setup: 'Fashion-MNIST, 784-256-128-10, batch 256, 10 epochs',
    golden: '0.871',
    best: '0.884 (Adam 1e-3)',
    rank: '28 of 86',
  },
];

/** The independent figures beside this project's, one row per setup both measured. */
export function besideMarkdown(
  read: (name: string) => EvidenceSummary | undefined = readEvidence,
): string {
  const rows = INDEPENDENT.map((row) => {
    const evidence = read(row.name);
    if (!evidence)
      return `| ${row.setup} | ${row.golden} | ${row.best} | ${row.rank} | not run here | | |`;
    const byId = new Map(evidence.cells.map((c) => [c.cellId, c]));
    const golden = evidence.summary.golden ? byId.get(evidence.summary.golden.cellId) : undefined;
    const best = evidence.summary.bestId ? byId.get(evidence.summary.bestId) : undefined;
    const test = (c: EvidenceCell | undefined): string =>
      c
        ? `${c.testAccuracy.mean.toFixed(3)}${c.testAccuracy.sd !== null && Number.isFinite(c.testAccuracy.sd) ? ` ± ${c.testAccuracy.sd.toFixed(3)}` : ''}`
        : '—';
    return `| ${row.setup} | ${row.golden} | ${row.best} | ${row.rank} | ${test(golden)} | ${test(best)} (\`${best?.label ?? '—'}\`) | ${evidence.summary.golden?.rank ?? '—'} of ${evidence.summary.ranking.length} |`;
  });
  return [
    '| setup | independent: golden pair, test | independent: best of grid, test | independent: rank of golden | dualphi: golden pair, test (mean ± sd) | dualphi: best by validation, its test | dualphi: rank of golden (by validation) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

/** Test accuracy of a cell as `mean ± sd` (3 decimals), or `—`. */
function testFigure(c: EvidenceCell | undefined): string {
  if (!c) return '—';
  const sd = c.testAccuracy.sd;
  return `${c.testAccuracy.mean.toFixed(3)}${sd !== null && Number.isFinite(sd) ? ` ± ${sd.toFixed(3)}` : ''}`;
}

/**
 * The independent implementation's figures against methods that claim to need no tuning
 * (3 seeds, test accuracy, its own split), per data set of the beside table; `match` finds
 * this project's cell (the best-ranked one whose label starts with it).
 */
export const INDEPENDENT_PEERS: readonly {
  method: string;
  match: string;
  values: Readonly<Record<string, string>>;
}[] = [
  {
    method: 'golden pair',
    match: 'η=η* α=α*',
    values: { digits: '0.974', 'fashion-b64': '0.887', 'fashion-b256': '0.870' },
  },
  {
    method: 'Prodigy, defaults',
    match: 'prodigy',
    values: { digits: '0.978', 'fashion-b64': '0.891', 'fashion-b256': '0.884' },
  },
  {
    method:
      'Schedule-Free SGD (momentum 0.9; independent: best of four learning rates, dualphi: best-ranked of those swept)',
    match: 'schedule-free-sgd',
    values: { digits: '0.974', 'fashion-b64': '0.895', 'fashion-b256': '0.889' },
  },
  {
    method: 'Adam, 1e-3',
    match: 'adam@1e-3',
    values: { digits: '0.978', 'fashion-b64': '0.890', 'fashion-b256': '0.881' },
  },
  {
    method: 'golden η with cosine decay',
    match: 'golden-cosine',
    values: { digits: '0.970', 'fashion-b64': '0.896', 'fashion-b256': '0.865' },
  },
];

/** The peers table: independent figure / dualphi's test accuracy, per setup. */
export function peersMarkdown(
  read: (name: string) => EvidenceSummary | undefined = readEvidence,
): string {
  const setups = INDEPENDENT.map((row) => ({ ...row, evidence: read(row.name) }));
  const rows = INDEPENDENT_PEERS.map((peer) => {
    const cells = setups.map(({ name, evidence }) => {
      const independent = peer.values[name] ?? '—';
      if (!evidence) return `${independent} / not run`;
      const ranked = evidence.summary.ranking
        .map((id) => evidence.cells.find((c) => c.cellId === id))
        .find((c) => c?.label.startsWith(peer.match));
      return `${independent} / ${ranked ? testFigure(ranked) : 'not in this sweep'}`;
    });
    return `| ${peer.method} | ${cells.join(' | ')} |`;
  });
  return [
    `| method | ${setups.map((s) => `${s.setup}: independent / dualphi`).join(' | ')} |`,
    `| --- | ${setups.map(() => '---:').join(' | ')} |`,
    ...rows,
  ].join('\n');
}

/** The marker of the peers table. */
export const PEERS_MARKER = '<!-- @evidence-peers -->';

/** The marker of the comparison table. */
export const BESIDE_MARKER = '<!-- @evidence-beside -->';

/** markdown-it plugin: expands each marker into its data set's section. */
export function evidencePlugin(md: MarkdownRenderer): void {
  md.core.ruler.before('normalize', 'dualphi-evidence', (state) => {
    if (state.src.includes(PEERS_MARKER))
      state.src = state.src.replace(PEERS_MARKER, () => peersMarkdown());
    if (state.src.includes(BESIDE_MARKER))
      state.src = state.src.replace(BESIDE_MARKER, () => besideMarkdown());
    state.src = state.src.replace(EVIDENCE_MARKER, (_match, name: string) => {
      const evidence = readEvidence(name);
      return evidence ? evidenceSectionMarkdown(evidence) : missingEvidenceNotice(name);
    });
  });
}
