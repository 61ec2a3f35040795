/**
 * The command line's contract without training: constants, help, version, usage errors
 * (exit 2 with a message naming the flag), and data errors (exit 1 naming the problem).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dualphi-cli-usage-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('constants', () => {
  it('--json prints the golden constants computed from their closed forms', async () => {
    const result = await runCli(['constants', '--json']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    const phi = (1 + Math.sqrt(5)) / 2;
    expect(document.phi).toBeCloseTo(phi, 14);
    expect(document.momentum).toBeCloseTo(Math.SQRT2 / phi, 14);
    expect(document.learningRate).toBeCloseTo((1 - Math.SQRT2 / phi) ** 2, 14);
    expect(document.roundedMomentum).toBe(0.874);
    expect(document.roundedLearningRate).toBe(0.016);
    expect(document.derivation).toBeUndefined();
    expect(result.stderr).toBe('');
  });

  it('--explain --json adds the derivation with its sources', async () => {
    const result = await runCli(['--json', 'constants', '--explain']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.derivation.length).toBeGreaterThan(5);
    for (const step of document.derivation)
      expect(['paper', 'interpretation']).toContain(step.source);
    // Each step names its source: paper steps a paper and its equation or quoted phrase,
    // interpretations what they are.
    for (const step of document.derivation) {
      if (step.source === 'paper') {
        expect(step.citations.length, step.id).toBeGreaterThan(0);
        for (const citation of step.citations) {
          expect(citation.place ?? citation.quote, step.id).toBeTruthy();
        }
      } else {
        expect(step.interpretation.length, step.id).toBeGreaterThan(10);
      }
    }
    const momentum = document.derivation.find((step: { id: string }) => step.id === 'momentum');
    expect(momentum.citations).toEqual([{ paper: 'J24', place: 'Eq. 33' }]);
  });

  it('prints a table and, with --explain, the derivation in plain text', async () => {
    const result = await runCli(['constants', '--explain']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('0.874032048897642');
    expect(result.stdout).toContain('[interpretation]');
    expect(result.stdout).toContain('source: J24 (arXiv 2410.12984), Eq. 33');
    expect(result.stdout).toContain('source: J24 (arXiv 2410.12984), Eq. 34');
    expect(result.stdout).toContain("source: this project's interpretation:");
    // The sources say what of each paper could be read.
    expect(result.stdout).toMatch(/J20 .*\n.*arXiv 2006\.04751.*\n.*read: abstract only/);
    expect(result.stdout).toMatch(/J24 .*\n.*arXiv 2410\.12984.*\n.*read: full main text/);
    expect(result.stdout).not.toContain('\\frac');
    expect(result.stdout).not.toContain('\u001b['); // NO_COLOR=1: no escapes
  });
});

describe('global behaviour', () => {
  it('--help lists the commands and examples; --version prints the version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const word of ['train', 'compare', 'constants', 'evaluate', 'bench', 'Examples:']) {
      expect(help.stdout).toContain(word);
    }
    const trainHelp = await runCli(['train', '--help']);
    expect(trainHelp.stdout).toContain('--label-smoothing');
    expect(trainHelp.stdout).toContain('--resume');
    expect(trainHelp.stdout).toContain('--threads');
    // sweep and compare run each cell on one thread: --threads is not offered there.
    for (const command of ['sweep', 'compare']) {
      const commandHelp = await runCli([command, '--help']);
      expect(commandHelp.stdout).toContain('--workers');
      expect(commandHelp.stdout).not.toContain('--threads');
    }
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('usage errors exit with status 2 and name the flag', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--epochs', '0'], /--epochs.*whole number ≥ 1/],
    [['train', '--epochs', 'ten'], /--epochs/],
    [['train', '--batch', '-3'], /--batch/],
    [
      ['train', '--optimizer', 'rmsprop'],
      /--optimizer.*golden, golden-rounded, momentum, nesterov, sgd, adam, adamw/,
    ],
    [['train', '--activation', 'sigmoid'], /--activation.*relu, tanh/],
    [
      ['train', '--schedule', 'linear'],
      /--schedule.*constant, warmup, cosine, step, warmup-cosine/,
    ],
    [['train', '--schedule', 'warmup-cosine'], /--schedule warmup-cosine needs --warmup <steps>/],
    [
      ['train', '--schedule', 'cosine', '--warmup', '5'],
      /--warmup does not apply to --schedule cosine/,
    ],
    [['train', '--warmup', '0'], /--warmup/],
    [['train', '--clip-norm', '0'], /--clip-norm.*> 0/],
    // Values the flag parsers accept but f32 rounds to 0: named by their flag, not the library.
    [
      ['train', '--clip-norm', '1e-50'],
      /^error: --clip-norm 1e-50: must be a finite number > 0 in f32/m,
    ],
    [
      ['train', '--optimizer', 'adamw', '--weight-decay', '1e-50'],
      /^error: --weight-decay 1e-50: must be a finite number ≥ 0 in f32/m,
    ],
    [['train', '--weight-decay', '-1'], /--weight-decay.*≥ 0/],
    [
      ['train', '--optimizer', 'golden-batch-halflife', '--schedule', 'cosine'],
      /--schedule does not apply to --optimizer golden-batch-halflife/,
    ],
    [
      ['train', '--optimizer', 'golden-batch-halflife', '--lr', '0.1'],
      /--lr does not apply to --optimizer golden-batch-halflife/,
    ],
    [['train', '--hidden', '256,,128'], /--hidden/],
    [['train', '--lr', '-1'], /--lr.*> 0/],
    [['train', '--momentum', '1'], /--momentum.*\[0, 1\)/],
    [['train', '--label-smoothing', '1.5'], /--label-smoothing/],
    [['train', '--threads', '0'], /--threads.*auto or a whole number from 1 to \d+/],
    [['compare', '--threads', 'many'], /--threads.*auto or a whole number from 1 to \d+/],
    [['sweep', '--threads', '2'], /--threads 2: a sweep runs each cell on one thread/],
    [
      ['train', '--optimizer', 'adam', '--momentum', '0.5'],
      /--momentum does not apply to --optimizer adam/,
    ],
    [['train', '--label', 'y'], /--label only appl(y|ies) to --data FILE\.csv/],
    [['train', '--frobnicate'], /unknown option '--frobnicate'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [[], /Usage: dualphi/],
    [['compare', '--optimizers', 'golden,rmsprop'], /--optimizers.*Unknown: rmsprop/],
    [['evaluate'], /--model/],
  ];
  for (const [args, message] of cases) {
    it(`dualphi ${args.join(' ') || '(no command)'}`, async () => {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace
      expect(result.stdout).toBe('');
    });
  }
});

describe('hyper-parameters the f32 kernels cannot hold', () => {
  // Each passes the flag's own check (> 0, or in [0, 1)) in f64, but f32 rounds it to 0 or to
  // 1: --lr 1e-46 used to train nothing and exit 0.
  it.each([
    [
      ['train', '--lr', '1e-46'],
      /^error: --lr 1e-46: must be a finite number > 0 in f32 as well.*becomes 0 there/,
    ],
    [
      ['train', '--optimizer', 'momentum', '--momentum', '0.99999999999'],
      /^error: --momentum 0\.99999999999: must be in \[0, 1\) in f32 as well.*becomes 1 there/,
    ],
  ])(
    'dualphi %j is a usage error naming the flag, its value and the range',
    async (args, message) => {
      const result = await runCli([...args, '--epochs', '1']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('magnitudes from 1.401e-45 to 3.403e+38');
      expect(result.stderr).not.toMatch(/dualProcess:|momentum:|train:/);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).not.toContain('Training on');
      expect(result.stdout).toBe('');
    },
  );

  it('leaves no --out directory behind (the flags are checked before anything is made)', async () => {
    const out = join(scratch, 'refused-lr');
    const result = await runCli(['train', '--lr', '1e-46', '--out', out]);
    expect(result.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe('bad data exits with status 1 and names the problem', () => {
  it('a corrupt IDX directory', async () => {
    const directory = join(scratch, 'corrupt-idx');
    await mkdir(directory, { recursive: true });
    // Valid label files, an image file with a wrong magic number and a truncated one.
    const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 3, 7]);
    await writeFile(join(directory, 'train-labels-idx1-ubyte'), labels);
    await writeFile(join(directory, 't10k-labels-idx1-ubyte'), labels);
    await writeFile(
      join(directory, 'train-images-idx3-ubyte'),
      new Uint8Array([1, 2, 3, 4, 0, 0, 0, 2]),
    );
    await writeFile(
      join(directory, 't10k-images-idx3-ubyte'),
      new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 9]),
    );
    const result = await runCli(['train', '--data', directory, '--epochs', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('train-images-idx3-ubyte');
    expect(result.stderr).toMatch(/magic/i);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('an IDX directory that lacks files says which and what is expected', async () => {
    const directory = join(scratch, 'empty-idx');
    await mkdir(directory, { recursive: true });
    const result = await runCli(['train', '--data', directory]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /no IDX file for trainImages, trainLabels, testImages, testLabels/,
    );
  });

  it('a ragged CSV file', async () => {
    const file = join(scratch, 'ragged.csv');
    await writeFile(file, 'a,b,label\n1,2,0\n3,4,1\n5,1\n6,7,0\n');
    const result = await runCli(['train', '--data', file, '--label', 'label']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ragged.csv');
    expect(result.stderr).toMatch(/line 4/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('--debug adds the stack trace', async () => {
    const file = join(scratch, 'ragged.csv');
    const result = await runCli(['--debug', 'train', '--data', file, '--label', 'label']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^\s+at /m);
  });

  it('a file that is not a model', async () => {
    const file = join(scratch, 'not-a-model.dualphi');
    await writeFile(file, 'garbage');
    const result = await runCli(['evaluate', '--model', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/wrong magic number/);
  });

  it('a missing data path', async () => {
    const result = await runCli(['train', '--data', join(scratch, 'nowhere')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no such file or directory/);
  });
});
