/**
 * `dualphi sweep` through the built binary on the embedded digits: a tiny grid (2 × 2 plus
 * Adam, 2 seeds, 2 epochs) with 1 and 2 workers gives the same document apart from timings
 * and machine; an interrupted sweep resumes to the same results; bad input is a usage error.
 */
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'parse5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './run-cli.js';

let scratch: string;
const tiny = [
  'sweep',
  '--json',
  '--epochs',
  '2',
  '--hidden',
  '16',
  '--lr',
  '0.05,golden',
  '--momentum',
  '0.5,golden',
  '--optimizers',
  'adam@1e-3',
  '--seeds',
  '2',
];
let one: CliResult;
let two: CliResult;

/** The document without what may differ between runs: timings and machine. */
function deterministic(stdout: string): unknown {
  const { timings: _t, machine: _m, ...rest } = JSON.parse(stdout);
  return rest;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dualphi-cli-sweep-'));
  one = await runCli([...tiny, '--workers', '1', '--out', join(scratch, 'one')]);
  two = await runCli([...tiny, '--workers', '2', '--out', join(scratch, 'two')]);
}, 240_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('sweep', () => {
  it('prints one document with every cell, seed and epoch, ranked on validation', () => {
    expect(one.code, one.stderr).toBe(0);
    const document = JSON.parse(one.stdout);
    expect(document.command).toBe('sweep');
    expect(document.complete).toBe(true);
    expect(document.cells).toHaveLength(5);
    for (const cell of document.cells) {
      expect(cell.seeds.map((s: { seed: number }) => s.seed)).toEqual([0, 1]);
      for (const seed of cell.seeds) expect(seed.epochs).toHaveLength(2);
    }
    expect(
      document.cells.filter((c: { cellId: string }) => c.cellId.startsWith('grid:')),
    ).toHaveLength(4);
    expect(document.summary.golden.rank).toBeGreaterThanOrEqual(1);
    expect(document.summary.test).toMatchObject({ threshold: 0.05 });
    expect(document.summary.text.join('\n')).toMatch(/The golden pair \(η\*, α\*\) ranks \d of 5/);
    expect(document.machine.workers).toBe(1);
    // The ranked table fits 80 columns (it goes to stderr under --json).
    const tableLines = one.stderr.split('\n').filter((line) => /^[┌│├└]/.test(line));
    expect(tableLines.length).toBeGreaterThan(5);
    for (const line of tableLines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(one.stderr).toContain('the test set only reports');
  });

  it('gives identical results with 1 and 2 workers (apart from timings and machine)', () => {
    expect(two.code, two.stderr).toBe(0);
    expect(JSON.parse(two.stdout).machine.workers).toBe(2);
    expect(deterministic(two.stdout)).toEqual(deterministic(one.stdout));
  });

  it('writes sweep.json, sweep.csv, the journal and a report with the heat map', async () => {
    const dir = join(scratch, 'one');
    expect(deterministic(await readFile(join(dir, 'sweep.json'), 'utf8'))).toEqual(
      deterministic(one.stdout),
    );
    const csv = (await readFile(join(dir, 'sweep.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe(
      'cell,kind,learningRate,momentum,golden,seed,epoch,trainLoss,validationLoss,validationAccuracy,testLoss,testAccuracy,diverged,kernels',
    );
    expect(csv).toHaveLength(1 + 5 * 2 * 2);
    for (const row of csv.slice(1)) expect(row).toMatch(/,wasm-(relaxed-)?simd$/);
    const journal = (await readFile(join(dir, 'runs.jsonl'), 'utf8')).trim().split('\n');
    expect(journal).toHaveLength(10);
    // Each run names the kernel build that computed it, and the document counts them.
    const builds = journal.map((line) => JSON.parse(line).kernels);
    expect(builds[0]).toMatch(/^wasm-(relaxed-)?simd$/);
    expect(new Set(builds)).toEqual(new Set([builds[0]]));
    for (const line of journal) expect(JSON.parse(line).threads).toBe(1);
    const document = JSON.parse(one.stdout);
    expect(document.summary.kernels).toEqual([{ kernels: builds[0], runs: 10 }]);
    expect(document.cells[0].seeds[0]).toMatchObject({ kernels: builds[0], threads: 1 });
    expect(one.stderr).not.toMatch(/different kernel builds/);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    const errors: string[] = [];
    parse(html, { onParseError: (error) => errors.push(error.code) });
    expect(errors).toEqual([]);
    expect(html).toContain('Heat map');
    expect(html).toContain('Ranks and intervals');
    expect(html).toContain('Learning curves');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org|vega\.github\.io)/);
  });
});

describe('sweep --resume', () => {
  it('after SIGINT keeps the finished runs, and resuming completes with identical results', async () => {
    const dir = join(scratch, 'interrupted');
    let sent = false;
    const interrupted = await runCli([...tiny, '--workers', '1', '--out', dir], {
      onOutput: (child, _text, all) => {
        if (!sent && /^run 3\/10:/m.test(all)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toContain(`Resume with: dualphi sweep --resume ${dir}`);
    const kept = (await readFile(join(dir, 'runs.jsonl'), 'utf8')).trim().split('\n');
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(10);
    expect(JSON.parse(interrupted.stdout).complete).toBe(false);

    // A torn last record (a crash while writing it) is detected and dropped.
    await appendFile(join(dir, 'runs.jsonl'), '{"cellId":"grid:0.05:0.5","seed":1,"epo');
    const resumed = await runCli(['sweep', '--json', '--resume', dir, '--workers', '2']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('the last record was cut short');
    expect(resumed.stderr).toContain(`${kept.length} runs already done`);
    expect(deterministic(resumed.stdout)).toEqual(deterministic(one.stdout));
    const journal = (await readFile(join(dir, 'runs.jsonl'), 'utf8')).trim().split('\n');
    expect(journal).toHaveLength(10);
    for (const line of journal) JSON.parse(line);
    // Its time is the whole sweep's: the interrupted session's plus the resumed one's.
    const resumedSeconds = JSON.parse(resumed.stdout).timings.seconds;
    expect(resumedSeconds).toBeGreaterThan(JSON.parse(interrupted.stdout).timings.seconds);
  }, 240_000);

  it("adds the earlier sessions' time to a resumed sweep's, also when nothing is left to run", async () => {
    const dir = join(scratch, 'timed');
    const first = await runCli([...tiny, '--workers', '1', '--out', dir]);
    expect(first.code, first.stderr).toBe(0);
    const document = JSON.parse(await readFile(join(dir, 'sweep.json'), 'utf8'));
    document.timings.seconds = 1000;
    await writeFile(join(dir, 'sweep.json'), JSON.stringify(document));
    const again = await runCli(['sweep', '--json', '--resume', dir]);
    expect(again.code, again.stderr).toBe(0);
    const seconds = JSON.parse(again.stdout).timings.seconds;
    expect(seconds).toBeGreaterThanOrEqual(1000);
    expect(seconds).toBeLessThan(1060);
  }, 240_000);
});

describe('a sweep whose runs ran on different kernel builds', () => {
  it('says so in one line and counts the builds; records without a build are unknown', async () => {
    const dir = join(scratch, 'mixed');
    await cp(join(scratch, 'one'), dir, { recursive: true });
    const path = join(dir, 'runs.jsonl');
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    const records = lines.map((line) => JSON.parse(line));
    const own = records[0].kernels as string;
    const other = own === 'wasm-simd' ? 'wasm-relaxed-simd' : 'wasm-simd';
    // As two queue workers on different engines write them, and one of an earlier version.
    records[1].kernels = other;
    records[2].kernels = other;
    delete records[3].kernels;
    delete records[3].threads;
    await writeFile(path, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    const resumed = await runCli(['sweep', '--resume', dir]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const warnings = resumed.stdout.split('\n').filter((line) => /kernel builds/.test(line));
    expect(warnings).toEqual([
      `Warning: the runs were computed on different kernel builds (${own}: 7 runs, ${other}: 2 runs, unknown: 1 run): their figures are not bit-comparable across builds, which round products differently, though each is statistically valid.`,
    ]);
    const document = JSON.parse(await readFile(join(dir, 'sweep.json'), 'utf8'));
    expect(document.summary.kernels).toEqual([
      { kernels: own, runs: 7 },
      { kernels: other, runs: 2 },
      { kernels: 'unknown', runs: 1 },
    ]);
  }, 120_000);
});

describe('sweep: bad input', () => {
  const cases: [string, string[], RegExp][] = [
    ['an empty grid', ['--lr', ','], /--lr.*the list is empty/],
    ['a range that is not increasing', ['--lr', '0.5..0.1x2'], /not increasing/],
    ['a momentum ≥ 1', ['--momentum', '0.5,1'], /1 is not allowed.*momenta in \[0, 1\)/],
    [
      'an unknown optimizer entry',
      ['--optimizers', 'rmsprop@1e-3'],
      /unknown optimizer "rmsprop" \(allowed: golden,/,
    ],
    [
      'too many workers',
      ['--workers', '100000'],
      /--workers 100000 is more than allowed \(allowed: 1 to \d+/,
    ],
    [
      'no validation split',
      ['--validation-split', '0'],
      /a sweep ranks its cells on validation figures/,
    ],
    ['nothing to sweep', ['--no-grid', '--optimizers', 'none'], /the sweep is empty/],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what} with exit status 2`, async () => {
      const result = await runCli(['sweep', '--epochs', '1', ...args]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/planSweep|parseAxis|parseEntry|at .*\.js/);
    });
  }

  it('refuses a run directory of another command, for --out and --resume', async () => {
    const trainDir = join(scratch, 'a-train-run');
    await mkdir(trainDir, { recursive: true });
    await writeFile(join(trainDir, 'metrics.json'), '{}');
    const resume = await runCli(['sweep', '--resume', trainDir]);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toMatch(/run directory of dualphi train, not of dualphi sweep/);
    const out = await runCli(['sweep', '--epochs', '1', '--out', trainDir]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(
      /already holds a run of dualphi train \(metrics\.json\): replace it with --overwrite, or choose another --out/,
    );
    const again = await runCli(['sweep', '--epochs', '1', '--out', join(scratch, 'one')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a sweep: continue it with dualphi sweep --resume/);
    const flags = await runCli(['sweep', '--resume', join(scratch, 'one'), '--lr', '0.1']);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toMatch(/drop --lr/);
  });
});

describe('sweep --overwrite', () => {
  it('replaces a sweep whole when it ends; --resume refuses it, and it needs --out', async () => {
    const dir = join(scratch, 'replaced');
    const small = ['sweep', '--epochs', '1', '--hidden', '8', '--no-grid', '--seeds', '1'];
    expect((await runCli([...small, '--optimizers', 'golden,sgd', '--out', dir])).code).toBe(0);
    const replaced = await runCli([...small, '--optimizers', 'adam', '--out', dir, '--overwrite']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect((await readFile(join(dir, 'runs.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
    expect(
      JSON.parse(await readFile(join(dir, 'sweep-plan.json'), 'utf8')).plan.cells,
    ).toHaveLength(1);
    expect((await readdir(scratch)).filter((name) => name.includes('dualphi-'))).toEqual([]);
    const both = await runCli(['sweep', '--resume', dir, '--overwrite']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/drop --overwrite/);
    const alone = await runCli([...small, '--overwrite']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--overwrite replaces the sweep or run in the --out directory/);
  }, 120_000);
});

describe('compare --seeds', () => {
  it('compares as a one-cell-per-optimizer sweep with intervals and paired tests', async () => {
    const result = await runCli([
      'compare',
      '--json',
      '--seeds',
      '2',
      '--epochs',
      '1',
      '--hidden',
      '16',
      '--optimizers',
      'golden,sgd',
      '--workers',
      '2',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.command).toBe('sweep');
    expect(document.plan.seeds).toEqual([0, 1]);
    expect(document.cells.map((c: { label: string }) => c.label)).toEqual(['golden', 'sgd']);
    for (const cell of document.cells) expect(cell.validationAccuracy.n).toBe(2);
    expect(document.summary.golden.cellId).toBe('entry:golden');
    expect(document.summary.golden.versusPeers).toHaveLength(1);
    expect(document.summary.golden.versusPeers[0]).toMatchObject({ otherId: 'entry:sgd', n: 2 });
    const bad = await runCli(['compare', '--seeds', '2', '--validation-split', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('compare ranks its optimizers on validation figures');
  }, 120_000);
});
