/**
 * `train`, `evaluate` and `compare` through the built binary on the embedded digits: the JSON
 * document, the files of `--out`, the report's HTML and charts, and Ctrl-C + `--resume`.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSavedModel } from '@dualphi/optimizer';
import { parse } from 'parse5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochColumns } from '../src/files/metrics.js';
import { type CliResult, runCli } from './run-cli.js';

let scratch: string;
let outDirectory: string;
let trained: CliResult;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dualphi-cli-train-'));
  outDirectory = join(scratch, 'run');
  trained = await runCli(['train', '--json', '--epochs', '2', '--out', outDirectory]);
}, 120_000);
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Parse errors of an HTML document by the WHATWG parsing algorithm (none for valid syntax). */
function htmlParseErrors(html: string): string[] {
  const errors: string[] = [];
  parse(html, { onParseError: (error) => errors.push(`${error.code} at line ${error.startLine}`) });
  return errors;
}

describe('train --json --out', () => {
  it('prints one JSON document with the documented shape on stdout', () => {
    expect(trained.code, trained.stderr).toBe(0);
    const document = JSON.parse(trained.stdout);
    expect(Object.keys(document)).toEqual(expect.arrayContaining(['config', 'epochs', 'final']));
    expect(document.epochs).toHaveLength(2);
    const golden = (Math.SQRT2 / ((1 + Math.sqrt(5)) / 2)) as number;
    expect(document.config.optimizer.name).toBe('dualProcess');
    expect(document.config.optimizer.hyperParameters.momentum).toBeCloseTo(golden, 12);
    expect(document.config.optimizer.hyperParameters.learningRate).toBeCloseTo(
      (1 - golden) ** 2,
      12,
    );
    expect(document.config.network).toMatchObject({ inputSize: 64, hidden: [128], outputSize: 10 });
    for (const [index, epoch] of document.epochs.entries()) {
      expect(epoch.epoch).toBe(index + 1);
      // Every documented per-epoch field is there and finite (golden has balance telemetry).
      expect(Object.keys(epoch).sort()).toEqual([...epochColumns].sort());
      for (const key of epochColumns) expect(Number.isFinite(epoch[key]), key).toBe(true);
      // Cross-entropy = entropy + divergence (apps/docs/theory.md#dual-processes); one-hot targets: entropy 0.
      expect(epoch.entropy).toBe(0);
      expect(epoch.divergence).toBeCloseTo(epoch.testLoss, 6);
      // Degrees (a radian angle would stay below π/2 ≈ 1.57), in (0°, 90°).
      expect(epoch.balanceDegrees).toBeGreaterThan(Math.PI / 2);
      expect(epoch.balanceDegrees).toBeLessThan(90);
    }
    expect(document.final.testAccuracy).toBe(document.epochs[1].testAccuracy);
    expect(document.final.testAccuracy).toBeGreaterThan(0.85);
    expect(document.final.samplesPerSecond).toBeGreaterThan(0);
    // Progress and messages went to stderr, not into the document.
    expect(trained.stderr).toContain('epoch 1/2');
  });

  it('writes metrics, checkpoint, model and the report into --out', async () => {
    const files = await readdir(outDirectory);
    for (const name of [
      'metrics.json',
      'metrics.csv',
      'checkpoint.dualphi',
      'model.dualphi',
      'report.html',
      'loss.svg',
      'accuracy.svg',
      'divergence-entropy.svg',
      'balance.svg',
    ]) {
      expect(files).toContain(name);
    }
    expect(files.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const metrics = JSON.parse(await readFile(join(outDirectory, 'metrics.json'), 'utf8'));
    expect(metrics).toEqual(JSON.parse(trained.stdout));
    const csv = (await readFile(join(outDirectory, 'metrics.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0].split(',')).toEqual(
      expect.arrayContaining(['epoch', 'trainLoss', 'testAccuracy', 'balanceDegrees']),
    );
    // One unit on every surface: the CSV's balance column is the JSON's, in degrees.
    const balanceColumn = csv[0].split(',').indexOf('balanceDegrees');
    for (const [index, line] of csv.slice(1).entries()) {
      const degrees = Number(line.split(',')[balanceColumn]);
      expect(degrees).toBe(metrics.epochs[index].balanceDegrees);
      expect(degrees).toBeGreaterThan(Math.PI / 2);
    }
    const model = decodeSavedModel(
      new Uint8Array(await readFile(join(outDirectory, 'model.dualphi'))),
    );
    expect(model.network.hidden).toEqual([128]);
    expect(Object.keys(model.weights)).toContain('dense0/weights');
  });

  it('report.html is valid, self-contained HTML with its four SVG charts', async () => {
    const html = await readFile(join(outDirectory, 'report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(htmlParseErrors(html)).toEqual([]);
    expect(html.match(/<svg[\s>]/g)?.length).toBe(4);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    // No reference that needs the network (the SVG namespace URIs are names, not fetches).
    expect(html).not.toMatch(/(src|href)=["']https?:/i);
    for (const title of [
      'Cross-entropy loss per epoch',
      'Test accuracy per epoch',
      'Divergence against entropy',
      'Process-balance angle per epoch',
    ]) {
      expect(html).toContain(title);
    }
    const svg = await readFile(join(outDirectory, 'balance.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('45° = balance');
  });

  it('evaluate --model reproduces the final test accuracy with the confusion matrix', async () => {
    const result = await runCli(['evaluate', '--json', '--model', outDirectory]);
    expect(result.code, result.stderr).toBe(0);
    const evaluation = JSON.parse(result.stdout);
    const final = JSON.parse(trained.stdout).final;
    expect(evaluation.accuracy).toBeCloseTo(final.testAccuracy, 12);
    expect(evaluation.crossEntropy).toBeCloseTo(final.testLoss, 5);
    expect(evaluation.crossEntropy).toBeCloseTo(evaluation.entropy + evaluation.divergence, 6);
    const total = evaluation.confusion.flat().reduce((a: number, b: number) => a + b, 0);
    expect(total).toBe(evaluation.data.count);
    const diagonal = evaluation.confusion.reduce(
      (sum: number, row: number[], k: number) => sum + row[k],
      0,
    );
    expect(diagonal / total).toBeCloseTo(evaluation.accuracy, 12);
  });
});

describe('train on a pipe', () => {
  it('prints plain lines per epoch and ends with the test accuracy', async () => {
    const result = await runCli([
      'train',
      '--epochs',
      '1',
      '--hidden',
      '32',
      '--optimizer',
      'adam',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^epoch 1\/1: train loss \d+\.\d{4}, test loss \d+\.\d{4}, accuracy \d+\.\d{2}%/m,
    );
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^Test accuracy \d+\.\d{2}%/);
    expect(result.stdout).not.toContain('\u001b[');
  });
});

describe('CSV data', () => {
  it('trains with --label/--test, keeps the standardisation, and evaluate applies it', async () => {
    // Three separable classes with features on very different scales.
    const row = (i: number) => {
      const k = i % 3;
      const jitter = ((i * 7919) % 101) / 101 - 0.5;
      return `${(100 + 50 * k + 20 * jitter).toFixed(3)},${(0.01 * k + 0.004 * jitter).toFixed(5)},${['a', 'b', 'c'][k]}`;
    };
    const trainFile = join(scratch, 'train.csv');
    const testFile = join(scratch, 'test.csv');
    await writeFile(
      trainFile,
      `big,small,kind\n${Array.from({ length: 90 }, (_, i) => row(i)).join('\n')}\n`,
    );
    await writeFile(
      testFile,
      `big,small,kind\n${Array.from({ length: 30 }, (_, i) => row(i + 1000)).join('\n')}\n`,
    );
    const out = join(scratch, 'csv-run');
    const trainedCsv = await runCli([
      'train',
      '--json',
      '--data',
      trainFile,
      '--label',
      'kind',
      '--test',
      testFile,
      '--epochs',
      '30',
      '--hidden',
      '16',
      '--out',
      out,
    ]);
    expect(trainedCsv.code, trainedCsv.stderr).toBe(0);
    const final = JSON.parse(trainedCsv.stdout).final;
    expect(final.testAccuracy).toBeGreaterThan(0.9);
    const scaling = JSON.parse(await readFile(join(out, 'scaling.json'), 'utf8'));
    expect(scaling.offset).toHaveLength(2);
    const evaluated = await runCli([
      'evaluate',
      '--json',
      '--model',
      out,
      '--data',
      testFile,
      '--label',
      'kind',
    ]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const evaluation = JSON.parse(evaluated.stdout);
    expect(evaluation.data.count).toBe(30);
    expect(evaluation.classNames).toEqual(['a', 'b', 'c']);
    expect(evaluation.accuracy).toBeCloseTo(final.testAccuracy, 12);
    expect(evaluation.crossEntropy).toBeCloseTo(final.testLoss, 5);
  }, 60_000);
});

describe('divergence', () => {
  it('a diverging run exits 1 naming the step, and keeps the last good state in --out', async () => {
    const out = join(scratch, 'diverged');
    const result = await runCli([
      'train',
      '--optimizer',
      'sgd',
      '--lr',
      '1e25',
      '--epochs',
      '1',
      '--out',
      out,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/training diverged at epoch 1, batch \d+ \(step \d+\)/);
    expect(result.stderr).toContain('Try a smaller learning rate');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(out, 'checkpoint.dualphi'))).toBe(true);
  });
});

describe('Ctrl-C and --resume', () => {
  it('the first SIGINT saves a checkpoint from which --resume reaches the uninterrupted weights', async () => {
    const args = ['--epochs', '4', '--hidden', '256', '--batch', '16'];
    const interrupted = join(scratch, 'interrupted');
    const straight = join(scratch, 'straight');
    let sent = false;
    const first = await runCli(['train', ...args, '--out', interrupted], {
      onOutput: (child, _text, all) => {
        // Interrupt during the second epoch (after the first epoch's line).
        if (!sent && /epoch 1\/4:/.test(all)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toContain('Checkpoint saved to');
    expect(first.stderr).toContain(`dualphi train --resume ${interrupted}`);
    expect(existsSync(join(interrupted, 'checkpoint.dualphi'))).toBe(true);
    expect(existsSync(join(interrupted, 'model.dualphi'))).toBe(false);

    const resumed = await runCli(['train', '--resume', interrupted, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const uninterrupted = await runCli(['train', ...args, '--out', straight, '--json']);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);

    const a = decodeSavedModel(new Uint8Array(await readFile(join(interrupted, 'model.dualphi'))));
    const b = decodeSavedModel(new Uint8Array(await readFile(join(straight, 'model.dualphi'))));
    expect(Object.keys(a.weights).sort()).toEqual(Object.keys(b.weights).sort());
    for (const name of Object.keys(b.weights)) {
      expect(
        Buffer.from(a.weights[name].buffer).equals(Buffer.from(b.weights[name].buffer)),
        name,
      ).toBe(true);
    }
    const resumedEpochs = JSON.parse(resumed.stdout).epochs;
    const straightEpochs = JSON.parse(uninterrupted.stdout).epochs;
    expect(resumedEpochs.map((e: { testLoss: number }) => e.testLoss)).toEqual(
      straightEpochs.map((e: { testLoss: number }) => e.testLoss),
    );
  }, 180_000);

  it('without --out the checkpoint goes to a new directory in the working directory, named', async () => {
    const cwd = join(scratch, 'cwd');
    await mkdir(cwd, { recursive: true });
    let sent = false;
    const result = await runCli(['train', '--epochs', '6', '--hidden', '256', '--batch', '16'], {
      cwd,
      onOutput: (child, _text, all) => {
        if (!sent && /epoch 1\/6:/.test(all)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(result.code).toBe(130);
    const [directory] = await readdir(cwd);
    expect(directory).toMatch(/^dualphi-run-\d{8}-\d{6}$/);
    expect(result.stderr).toContain(
      `Checkpoint saved to ${join(cwd, directory, 'checkpoint.dualphi')}`,
    );
    expect(result.stderr).toContain(`dualphi train --resume ${join(cwd, directory)}`);
  }, 120_000);

  it('a second SIGINT quits at once with status 130', async () => {
    const out = join(scratch, 'twice');
    let stage = 0;
    const result = await runCli(
      ['train', '--epochs', '6', '--hidden', '256', '--batch', '16', '--out', out],
      {
        onOutput: (child, _text, all) => {
          if (stage === 0 && /epoch 1\/6:/.test(all)) {
            stage = 1;
            child.kill('SIGINT');
          } else if (stage === 1 && all.includes('Interrupted:')) {
            // The first interrupt is being handled (checkpoint, metrics, report): interrupt again.
            stage = 2;
            child.kill('SIGINT');
          }
        },
      },
    );
    expect(stage).toBe(2);
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Interrupted again: quitting without saving.');
    expect(result.stderr).not.toContain('Resume with:');
  }, 120_000);

  it('--resume with a truncated checkpoint exits 1 naming the file and the problem', async () => {
    const directory = join(scratch, 'truncated');
    await mkdir(directory, { recursive: true });
    const bytes = await readFile(join(outDirectory, 'checkpoint.dualphi'));
    await writeFile(join(directory, 'checkpoint.dualphi'), bytes.subarray(0, bytes.length - 100));
    const result = await runCli(['train', '--resume', directory]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(join(directory, 'checkpoint.dualphi'));
    expect(result.stderr).toMatch(/truncated/);
  });

  it('--resume refuses flags that would change the run', async () => {
    const result = await runCli(['train', '--resume', join(scratch, 'run'), '--hidden', '64']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--hidden');
  });
});

describe('train --validation-split', () => {
  it('holds out a stratified part of the training data and reports it per epoch', async () => {
    const result = await runCli([
      'train',
      '--json',
      '--epochs',
      '1',
      '--hidden',
      '16',
      '--validation-split',
      '0.2',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.config.validationSplit).toBe(0.2);
    // The 1,438 training digits have 142, 146, 142, 146, 145, 146, 145, 143, 139, 144 per class:
    // round(0.2 · n) per class = 28 + 29 + 28 + 29 + 29 + 29 + 29 + 29 + 28 + 29 = 287.
    expect(document.config.data.validation.count).toBe(287);
    expect(document.config.data.train.count).toBe(1438);
    // Above chance (0.1) after one epoch: the figure comes from a trained network.
    expect(document.epochs[0].validationAccuracy).toBeGreaterThan(0.15);
    expect(result.stderr).toContain('the test set only reports');
    const plain = await runCli(['train', '--json', '--epochs', '1', '--hidden', '16']);
    expect(JSON.parse(plain.stdout).epochs[0].validationAccuracy).toBeUndefined();
    const bad = await runCli(['train', '--validation-split', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Allowed: 0 (no validation split) or a number in (0, 1).');
  }, 120_000);
});

describe('compare', () => {
  it('is a one-seed sweep: ranked on validation, no interval or test claimed, the sweep files and report', async () => {
    const out = join(scratch, 'compare');
    const result = await runCli([
      'compare',
      '--json',
      '--optimizers',
      'golden,sgd',
      '--epochs',
      '1',
      '--hidden',
      '32',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout);
    // The same document as compare --seeds N and sweep: one cell per optimizer.
    expect(document.command).toBe('sweep');
    expect(document.complete).toBe(true);
    expect(document.plan.seeds).toEqual([0]);
    expect(document.settings.validationSplit).toBe(0.1);
    expect(document.cells.map((cell: { label: string }) => cell.label)).toEqual(['golden', 'sgd']);
    for (const cell of document.cells) {
      expect(cell.seeds).toHaveLength(1);
      expect(cell.seeds[0].epochs).toHaveLength(1);
      // Ranked on the last epoch's validation accuracy; one seed has no spread and no interval.
      expect(cell.validationAccuracy.mean).toBe(cell.seeds[0].epochs[0].validationAccuracy);
      expect(cell.validationAccuracy).toMatchObject({ n: 1, sd: null, low: null, high: null });
      expect(cell.testAccuracy.mean).toBe(cell.seeds[0].epochs[0].testAccuracy);
    }
    expect(document.summary.golden.cellId).toBe('entry:golden');
    expect(document.summary.golden.versusPeers[0]).toMatchObject({ n: 1, pValue: null });
    expect(document.summary.text.join('\n')).toContain('no interval and no paired test');
    expect(document.summary.text.join('\n')).not.toMatch(/^Test: /m);
    expect(result.stderr).toContain('the test set only reports');
    expect(result.stderr).toContain('Validation accuracy of one seed: no spread');
    // The run directory describes itself and can be resumed like a sweep's.
    const plan = JSON.parse(await readFile(join(out, 'sweep-plan.json'), 'utf8'));
    expect(plan).toMatchObject({ command: 'sweep', plan: { seeds: [0] } });
    expect((await readFile(join(out, 'runs.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);
    const {
      timings: _t,
      machine: _m,
      ...saved
    } = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8'));
    const { timings: _t2, machine: _m2, ...printed } = document;
    expect(saved).toEqual(printed);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(htmlParseErrors(html)).toEqual([]);
    expect(html).toContain('dualphi compare');
    expect(html).toContain('golden');
    expect(html).toContain('sgd');
    expect(html).toContain('One seed: no spread between seeds, so no interval and no paired test.');
    const csv = (await readFile(join(out, 'sweep.csv'), 'utf8')).trim().split('\n');
    expect(csv[0].startsWith('cell,kind,learningRate,momentum,golden,seed,epoch,')).toBe(true);
    expect(csv).toHaveLength(3);
    const again = await runCli(['sweep', '--resume', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('2 runs already done');
  }, 120_000);

  it('--validation-split 0 and --threads are refused: it ranks on validation, one thread per run', async () => {
    const split = await runCli(['compare', '--validation-split', '0']);
    expect(split.code).toBe(2);
    expect(split.stderr).toContain(
      '--validation-split 0: compare ranks its optimizers on validation figures; give a fraction in (0, 1) (default 0.1)',
    );
    const threads = await runCli(['compare', '--threads', '2']);
    expect(threads.code).toBe(2);
    expect(threads.stderr).toContain(
      '--threads 2: compare runs each optimizer on one thread and spreads the runs over --workers',
    );
  });

  it('SIGINT during a run shows the runs that finished, exits 130, and resumes to the end', async () => {
    const out = join(scratch, 'compare-interrupted');
    let sent = false;
    const result = await runCli(
      [
        'compare',
        '--json',
        '--optimizers',
        'golden,sgd',
        '--epochs',
        '10',
        '--hidden',
        '128',
        '--batch',
        '16',
        '--workers',
        '1',
        '--out',
        out,
      ],
      {
        onOutput: (child, _text, all) => {
          // Interrupt the second run (sgd) as it starts; golden has finished.
          if (!sent && /^run 1\/2: golden/m.test(all)) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      },
    );
    expect(sent).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain(
      'Interrupted: stopping after this batch and showing the runs that finished',
    );
    expect(result.stderr).toContain('error: comparison interrupted');
    expect(result.stderr).toContain(`Resume with: dualphi sweep --resume ${out}`);

    const document = JSON.parse(result.stdout);
    expect(document.complete).toBe(false);
    const [golden, sgd] = document.cells;
    expect(golden.seeds).toHaveLength(1);
    expect(golden.seeds[0].epochs).toHaveLength(10);
    expect(sgd.seeds).toHaveLength(0);
    // The table (on stderr under --json) ranks the finished run; sgd has no figure.
    expect(result.stderr).toMatch(/│ +1 │ ★ golden +│ +\d+\.\d\d │/);
    expect(result.stderr).toMatch(/│ +2 │ sgd +│ +— │/);

    const {
      timings: _t,
      machine: _m,
      ...saved
    } = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8'));
    const { timings: _t2, machine: _m2, ...printed } = document;
    expect(saved).toEqual(printed);
    expect((await readFile(join(out, 'runs.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(htmlParseErrors(html)).toEqual([]);
    expect(html).toContain('Interrupted: 1 of 2 runs are done.');

    const resumed = await runCli(['sweep', '--json', '--resume', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const whole = JSON.parse(resumed.stdout);
    expect(whole.complete).toBe(true);
    expect(whole.cells[0].seeds).toEqual(golden.seeds);
    expect(whole.cells[1].seeds[0].epochs).toHaveLength(10);
  }, 120_000);
});
