#!/usr/bin/env node
/**
 * `npm run evidence`: runs the project's own sweeps (issue 11's data sets and setups) with the
 * built `dualphi sweep` and writes what the docs' Evidence page shows into `evidence/`:
 * `evidence/<name>/summary.json` (plan, settings, per-cell statistics, ranking, the verdict's
 * sentences, timings and machine; per seed only the last epoch, not the per-epoch curves); the
 * page draws its heat maps from those figures. The full run directories (journal, sweep.json
 * with every epoch, report.html with its charts) stay in `evidence/.runs/` (ignored by git).
 * The issue's Letter and Satellite setups ask for 20 and 40 epochs; both ran, the full grid where
 * the time allowed (see each configuration's `reduced`).
 *
 * Usage: node scripts/evidence.mjs [--only name,name] [--workers N] [--summarize]
 *   --only       run only these configurations (default: all, in the order below)
 *   --workers N  worker threads per sweep (default: the sweep's own default)
 *   --summarize  do not train: rebuild the summaries from the existing run directories
 * An interrupted sweep is resumed (`dualphi sweep --resume`) on the next call.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/cli/bin/dualphi.js');
const evidence = join(root, 'evidence');
const data = join(evidence, 'data');

/** The issue's full grid: η around η* ≈ 0.0159 by factors of 2, α from 0 to 0.99. */
const fullGrid = {
  lr: '0.001,0.002,0.004,0.008,golden,0.032,0.064,0.128,0.256,0.512',
  momentum: '0,0.5,0.618,0.8,golden,0.9,0.95,0.99',
};
/** A 3 × 3 grid around the golden pair, for the data sets too slow for the full grid here. */
const smallGrid = { lr: '0.004,golden,0.064', momentum: '0.5,golden,0.9' };

/** The customary pair, the tuning-free peers and the golden extensions. */
const fullEntries = [
  'golden@learningRate=0.01:momentum=0.9',
  'adam@1e-4',
  'adam@3e-4',
  'adam@1e-3',
  'adam@3e-3',
  'prodigy',
  'schedule-free-sgd@0.1',
  'schedule-free-sgd@0.5',
  'schedule-free-sgd@1',
  'golden-cosine',
  'golden-batch-linear',
  'golden-batch-halflife',
];

const letter = [
  '--data',
  join(data, 'letter-train.csv'),
  '--test',
  join(data, 'letter-test.csv'),
  '--label',
  'lettr',
];
const satellite = [
  '--data',
  join(data, 'satellite-train.csv'),
  '--test',
  join(data, 'satellite-test.csv'),
  '--label',
  'classes',
];

/**
 * Each configuration: its directory name, a title, the data flags, the model flags, the grid,
 * the entries, the seeds, and why it is smaller than the issue's full grid where it is.
 */
export const configurations = [
  {
    name: 'digits',
    title: 'UCI digits (embedded), 64-128-10, batch 32, 40 epochs',
    data: ['--data', 'digits'],
    model: ['--hidden', '128', '--batch', '32', '--epochs', '40'],
    grid: fullGrid,
    entries: fullEntries,
    seeds: 3,
  },
  {
    name: 'satellite',
    title: 'Statlog (Landsat Satellite), 36-256-128-6, batch 32, 20 epochs',
    data: satellite,
    model: ['--hidden', '256,128', '--batch', '32', '--epochs', '20'],
    grid: fullGrid,
    entries: fullEntries,
    seeds: 3,
  },
  {
    name: 'letter',
    title: 'UCI Letter Recognition, 16-256-128-26, batch 32, 20 epochs',
    data: letter,
    model: ['--hidden', '256,128', '--batch', '32', '--epochs', '20'],
    grid: fullGrid,
    entries: fullEntries,
    seeds: 3,
  },
  {
    name: 'satellite-40',
    title: 'Statlog (Landsat Satellite), 36-256-128-6, batch 32, 40 epochs',
    data: satellite,
    model: ['--hidden', '256,128', '--batch', '32', '--epochs', '40'],
    grid: fullGrid,
    entries: fullEntries,
    seeds: 3,
  },
  {
    name: 'letter-40',
    title: 'UCI Letter Recognition, 16-256-128-26, batch 32, 40 epochs',
    data: letter,
    model: ['--hidden', '256,128', '--batch', '32', '--epochs', '40'],
    grid: fullGrid,
    entries: fullEntries,
    seeds: 3,
  },
  {
    name: 'fashion-b256',
    title: 'Fashion-MNIST, 784-256-128-10, batch 256, 10 epochs',
    data: ['--data', 'fashion-mnist'],
    model: ['--hidden', '256,128', '--batch', '256', '--epochs', '10'],
    grid: smallGrid,
    entries: ['golden@learningRate=0.01:momentum=0.9', 'adam@1e-3', 'prodigy'],
    seeds: 1,
    reduced:
      'a 3 × 3 grid around the golden pair plus (0.01, 0.9), Adam at 1e-3 and Prodigy, one seed: a run on 54,000 training images took about 80 s on the shared 2-core machine the evidence was made on, so the full grid with three seeds (about 6 hours there) did not fit',
  },
  {
    name: 'fashion-b64',
    title: 'Fashion-MNIST, 784-256-128-10, batch 64, 20 epochs',
    data: ['--data', 'fashion-mnist'],
    model: ['--hidden', '256,128', '--batch', '64', '--epochs', '20'],
    grid: { lr: 'golden', momentum: 'golden' },
    entries: ['golden@learningRate=0.01:momentum=0.9', 'adam@1e-3', 'prodigy'],
    seeds: 1,
    reduced:
      'only the golden pair, (0.01, 0.9), Adam at 1e-3 and Prodigy, one seed — no grid: a 20-epoch run on 54,000 training images at batch 64 takes several minutes on the shared 2-core machine the evidence was made on',
  },
];

function parseArguments(argv) {
  const options = { only: undefined, workers: undefined, summarize: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') options.only = argv[++i]?.split(',');
    else if (a === '--workers') options.workers = argv[++i];
    else if (a === '--summarize') options.summarize = true;
    else throw new Error(`unknown argument ${a} (allowed: --only names, --workers N, --summarize)`);
  }
  const names = configurations.map((c) => c.name);
  for (const name of options.only ?? []) {
    if (!names.includes(name)) throw new Error(`--only ${name}: allowed are ${names.join(', ')}`);
  }
  return options;
}

function runSweep(config, runDirectory, workers) {
  const resume = existsSync(join(runDirectory, 'sweep-plan.json'));
  const args = resume
    ? ['sweep', '--resume', runDirectory]
    : [
        'sweep',
        ...config.data,
        ...config.model,
        '--lr',
        config.grid.lr,
        '--momentum',
        config.grid.momentum,
        '--optimizers',
        config.entries.join(','),
        '--seeds',
        String(config.seeds),
        '--validation-split',
        '0.1',
        '--out',
        runDirectory,
      ];
  if (workers !== undefined) args.push('--workers', workers);
  console.log(`\n== ${config.name}: dualphi ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) {
    throw new Error(`${config.name}: dualphi sweep exited with ${result.status ?? result.signal}`);
  }
}

/** The compact summary the docs page reads: everything but the per-epoch curves. */
function summarize(config, runDirectory, outDirectory) {
  const document = JSON.parse(readFileSync(join(runDirectory, 'sweep.json'), 'utf8'));
  const cells = document.cells.map(({ seeds, ...cell }) => ({
    ...cell,
    // Per seed only the last epoch's figures (what the ranking uses), not every epoch.
    seeds: seeds.map((s) => ({ seed: s.seed, last: s.epochs.at(-1), diverged: s.diverged })),
  }));
  const summary = {
    name: config.name,
    title: config.title,
    reduced: config.reduced,
    command: `dualphi ${[
      'sweep',
      ...config.data.map((a) => a.replace(`${root}/`, '')),
      ...config.model,
      '--lr',
      config.grid.lr,
      '--momentum',
      config.grid.momentum,
      '--optimizers',
      config.entries.join(','),
      '--seeds',
      String(config.seeds),
    ].join(' ')}`,
    settings: document.settings,
    data: document.data,
    plan: document.plan,
    cells,
    summary: document.summary,
    complete: document.complete,
    timings: { seconds: document.timings.seconds },
    machine: document.machine,
  };
  mkdirSync(outDirectory, { recursive: true });
  writeFileSync(join(outDirectory, 'summary.json'), `${JSON.stringify(summary, null, 1)}\n`);
  console.log(`${config.name}: wrote ${join('evidence', config.name)}/summary.json`);
}

const options = parseArguments(process.argv.slice(2));
if (!existsSync(cli) || !existsSync(join(root, 'packages/cli/dist/index.js'))) {
  throw new Error('build first: npm run build');
}
for (const config of configurations) {
  if (options.only && !options.only.includes(config.name)) continue;
  const runDirectory = join(evidence, '.runs', config.name);
  if (!options.summarize) {
    const done = existsSync(join(runDirectory, 'sweep.json'))
      ? JSON.parse(readFileSync(join(runDirectory, 'sweep.json'), 'utf8')).complete
      : false;
    if (!done) runSweep(config, runDirectory, options.workers);
  }
  if (existsSync(join(runDirectory, 'sweep.json'))) {
    summarize(config, runDirectory, join(evidence, config.name));
  } else console.log(`${config.name}: no results yet (${runDirectory})`);
}
