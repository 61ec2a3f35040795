/**
 * CSV input on the built binary: every file is read as the user meant or refused with a line
 * naming the problem and the flag that settles it; never a lost row, a phantom class, merged
 * classes, a hang or a message naming an internal function.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as library from '@dualphi/optimizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './run-cli.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dualphi-cli-csv-input-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, content);
  return path;
}

/** `count` rows of two features and a label, two or more well separated classes. */
function rows(count: number, label: (k: number) => string, classes = 2, delimiter = ','): string {
  return Array.from({ length: count }, (_, i) => {
    const k = i % classes;
    return [k * 4 + ((i * 7) % 10) / 10, -k * 3 + ((i * 3) % 10) / 10, label(k)].join(delimiter);
  }).join('\n');
}

/** Every stderr text the tests saw, for the internal-name scan at the end. */
const messages: { args: string[]; stderr: string }[] = [];

async function dualphi(args: string[], timeoutMs?: number): Promise<CliResult> {
  const result = await runCli(args, { timeoutMs });
  messages.push({ args, stderr: result.stderr });
  return result;
}

function expectError(result: CliResult, code: 1 | 2, message: string | RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
}

function trained(result: CliResult): { train: number; test: number; classes: number } {
  expect(result.code, result.stderr).toBe(0);
  const { data } = JSON.parse(result.stdout).config;
  return { train: data.train.count, test: data.test.count, classes: data.train.classCount };
}

const quick = ['--epochs', '1', '--hidden', '0'];

describe('--header', () => {
  it('pandas’ default header 0,1,2 is not taken for a sample (it became one, and a class)', async () => {
    const path = await file('pandas.csv', `0,1,2\n${rows(20, String)}\n`);
    const result = await dualphi(['train', ...quick, '--data', path, '--label', '2']);
    expectError(
      result,
      1,
      `${path}: line 1 could be a header or a data row: it reads 0,1,2, the column numbers pandas writes as the header of unnamed columns; give --header yes (a header) or --header no (a data row) (at line 1)`,
    );
    const told = await dualphi([
      '--json',
      'train',
      ...quick,
      '--data',
      path,
      '--label',
      '2',
      '--header',
      'yes',
    ]);
    // 20 samples of classes 0 and 1; the header line as data made 21 and a class 2.
    expect(trained(told)).toEqual({ train: 16, test: 4, classes: 2 });
  });

  it('a header-less file with class-name labels keeps its first row (it was taken for a header)', async () => {
    const names = ['setosa', 'virginica'];
    const path = await file('iris-like.csv', `${rows(20, (k) => names[k])}\n`);
    const result = await dualphi(['--json', 'train', ...quick, '--data', path, '--label', '2']);
    expect(trained(result)).toEqual({ train: 16, test: 4, classes: 2 });
  });

  it('--header no with a label name is a usage error', async () => {
    const path = await file('named.csv', `x,y,label\n${rows(10, String)}\n`);
    const result = await dualphi(['train', '--data', path, '--label', 'label', '--header', 'no']);
    expectError(
      result,
      2,
      '--label label is a column name, but --header no says the file has no header',
    );
  });
});

describe('encodings and delimiters', () => {
  it('Latin-1 bytes are an error naming the line (Ä and Ö became one class)', async () => {
    const text = `x,y,label\n${rows(12, (k) => ['\u00c4', '\u00d6', 'A'][k], 3)}\n`;
    const path = await file(
      'latin1.csv',
      Uint8Array.from(text, (c) => c.charCodeAt(0)),
    );
    const result = await dualphi(['train', ...quick, '--data', path, '--label', 'label']);
    expectError(
      result,
      1,
      `${path}: line 2 is not UTF-8 (byte 0xc4 at column 5); the text may be Latin-1 or Windows-1252: convert it to UTF-8`,
    );
    // The same labels in UTF-8 are three classes.
    const utf8 = await file('utf8.csv', text);
    const ok = await dualphi(['--json', 'train', ...quick, '--data', utf8, '--label', 'label']);
    expect(trained(ok).classes).toBe(3);
  });

  it('a semicolon-separated file is read (it was one column); a wrong --delimiter names itself', async () => {
    const path = await file('semicolon.csv', `x;y;label\n${rows(20, String, 2, ';')}\n`);
    const result = await dualphi(['--json', 'train', ...quick, '--data', path, '--label', 'label']);
    expect(trained(result)).toEqual({ train: 16, test: 4, classes: 2 });
    const forced = await dualphi([
      'train',
      '--data',
      path,
      '--label',
      'label',
      '--delimiter',
      'comma',
    ]);
    expectError(
      forced,
      1,
      `${path}: 1 column; need at least one feature and the label (the delimiter is "," (comma); give --delimiter if the file uses another) (at line 1)`,
    );
  });

  it('tab-separated via --delimiter tab', async () => {
    const path = await file('tabs.txt', `x\ty\tlabel\n${rows(20, String, 2, '\t')}\n`);
    const result = await dualphi([
      '--json',
      'train',
      ...quick,
      '--data',
      path,
      '--label',
      'label',
      '--delimiter',
      'tab',
    ]);
    expect(trained(result)).toEqual({ train: 16, test: 4, classes: 2 });
  });

  it('two delimiters that fit equally are a question, not a guess', async () => {
    const path = await file('decimal-commas.csv', '1,5;2,3;a\n2,5;1,0;b\n3,5;0,5;a\n');
    const result = await dualphi(['train', '--data', path, '--label', '2']);
    expectError(
      result,
      1,
      `${path}: the first rows split into the same number of columns at "," (comma) and at ";" (semicolon); give --delimiter with the one the file uses (at line 1)`,
    );
  });
});

describe('files that are not regular files', () => {
  it.runIf(process.platform === 'linux')(
    'a FIFO as --data is refused at once (it waited for a writer forever)',
    async () => {
      const fifo = join(scratch, 'fifo.csv');
      execFileSync('mkfifo', [fifo]);
      const result = await dualphi(['train', '--data', fifo, '--label', '0'], 20_000);
      expectError(result, 1, `cannot read ${fifo}: it is a FIFO (named pipe), not a regular file`);
    },
  );

  it.runIf(process.platform === 'linux')(
    '/dev/zero as --test is refused at once (it filled memory)',
    async () => {
      const train = await file('for-dev-zero.csv', `x,y,label\n${rows(10, String)}\n`);
      const result = await dualphi(
        ['train', '--data', train, '--label', 'label', '--test', '/dev/zero'],
        20_000,
      );
      expectError(result, 1, 'cannot read /dev/zero: it is a character device, not a regular file');
    },
  );
});

describe('models that are not regular files', () => {
  it.runIf(process.platform === 'linux')(
    '--model /dev/zero and --model FIFO are refused at once (they filled memory or hung)',
    async () => {
      const zero = await dualphi(['evaluate', '--model', '/dev/zero'], 20_000);
      expectError(zero, 1, 'cannot read /dev/zero: it is a character device, not a regular file');
      const fifo = join(scratch, 'model-fifo.dualphi');
      execFileSync('mkfifo', [fifo]);
      const piped = await dualphi(['evaluate', '--model', fifo], 20_000);
      expectError(piped, 1, `cannot read ${fifo}: it is a FIFO (named pipe), not a regular file`);
    },
  );
});

describe('--test classes', () => {
  it('a class index absent from training is an error naming the label (classCount grew to hold it)', async () => {
    const train = await file('three.csv', `x,y,label\n${rows(30, String, 3)}\n`);
    const test = await file('four.csv', `x,y,label\n${rows(8, String, 4)}\n`);
    const result = await dualphi([
      'train',
      ...quick,
      '--data',
      train,
      '--label',
      'label',
      '--test',
      test,
    ]);
    expectError(
      result,
      1,
      `${test}, row 4: label "3" is a class that does not occur in the training file ${train} (its classes: 0, 1, 2)`,
    );
  });

  it('a class name absent from training is an error naming the label', async () => {
    const names = ['cat', 'dog', 'fish'];
    const train = await file('two-names.csv', `x,y,label\n${rows(20, (k) => names[k])}\n`);
    const test = await file('three-names.csv', `x,y,label\n${rows(6, (k) => names[k], 3)}\n`);
    const result = await dualphi([
      'train',
      ...quick,
      '--data',
      train,
      '--label',
      'label',
      '--test',
      test,
    ]);
    expectError(result, 1, `${test}, row 3: class "fish" does not occur in ${train}`);
  });
});

describe('empty and conflicting flags are usage errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['--data ""', ['train', '--data', ''], /--data <source>' argument '' is invalid.*empty value/],
    [
      '--label ""',
      ['train', '--data', 'x.csv', '--label', ''],
      /--label <column>' argument '' is invalid/,
    ],
    [
      '--test ""',
      ['train', '--data', 'x.csv', '--label', 'y', '--test', ''],
      /--test <file>' argument '' is invalid/,
    ],
    [
      '--delimiter ""',
      ['train', '--data', 'x.csv', '--label', 'y', '--delimiter', ''],
      /--delimiter <char>' argument '' is invalid/,
    ],
    [
      '--header ""',
      ['train', '--data', 'x.csv', '--label', 'y', '--header', ''],
      /--header <mode>' argument '' is invalid.*auto, yes, no/,
    ],
    [
      '--delimiter ".."',
      ['evaluate', '--model', 'm', '--data', 'x.csv', '--delimiter', '..'],
      /--delimiter <char>' argument '\.\.' is invalid/,
    ],
    ['--model ""', ['evaluate', '--model', ''], /--model <dir>' argument '' is invalid/],
    ['--resume ""', ['train', '--resume', ''], /--resume <dir>' argument '' is invalid/],
    [
      '--test with --test-split',
      ['train', '--data', 'x.csv', '--label', 'y', '--test', 't.csv', '--test-split', '0.2'],
      /--test t\.csv and --test-split 0\.2 exclude each other/,
    ],
    [
      '--header without a CSV file',
      ['compare', '--header', 'yes'],
      /--header only applies to --data FILE\.csv \(got --data digits\)/,
    ],
    [
      '--delimiter without a CSV file',
      ['train', '--delimiter', ';'],
      /--delimiter only applies to --data FILE\.csv/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      expectError(await dualphi(args), 2, message);
    });
  }
});

describe('CLI messages', () => {
  it('name what the user gave, never an internal function (parseCsv:, trainTestSplit:, train:)', async () => {
    // A few more failures that go through the library's messages.
    const ragged = await file('ragged.csv', 'a,b,label\n1,2,0\n3,4,1\n5,1\n');
    const tiny = await file('tiny.csv', 'a,label\n1,0\n2,1\n3,0\n');
    const unclosed = await file('unclosed.csv', 'a,label\n1,"0\n2,1\n');
    const oneClass = await file('one-class.csv', 'a,label\n1,0\n2,0\n3,0\n');
    const hugeLabel = await file('huge-label.csv', 'a,label\n1,0\n2,1\n3,1000000\n');
    const fraction = await file('fraction.csv', 'a,label\n1,0\n2,0.5\n');
    const notModel = await file('not-a-model.dualphi', 'garbage');
    const idx = join(scratch, 'corrupt-idx');
    execFileSync('mkdir', ['-p', idx]);
    const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 3, 7]);
    await writeFile(join(idx, 'train-labels-idx1-ubyte'), labels);
    await writeFile(join(idx, 't10k-labels-idx1-ubyte'), labels);
    await writeFile(join(idx, 'train-images-idx3-ubyte'), new Uint8Array([1, 2, 3, 4, 0, 0, 0, 2]));
    await writeFile(join(idx, 't10k-images-idx3-ubyte'), new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2]));
    for (const args of [
      ['train', '--data', ragged, '--label', 'label'],
      ['train', '--data', tiny, '--label', 'label', '--test-split', '0.1'],
      ['train', '--data', tiny, '--label', '7'],
      ['train', '--data', unclosed, '--label', 'label'],
      ['train', '--data', oneClass, '--label', 'label'],
      ['train', '--data', hugeLabel, '--label', 'label'],
      ['train', '--data', fraction, '--label', 'label'],
      ['train', '--data', idx, '--epochs', '1'],
      ['evaluate', '--model', notModel],
      ['train', '--resume', notModel],
    ]) {
      const result = await dualphi(args);
      expect(result.code, result.stderr).toBe(1);
    }
    // Every function the library exports, and the prefixes of its structures' messages.
    const functions = Object.entries(library)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    const internal = new RegExp(
      `(^|: |error: )(${[...functions, 'network', 'resume', 'checkpoint', 'model', 'Mlp\\.\\w+'].join('|')})\\(?\\)?: `,
      'm',
    );
    expect(functions).toContain('parseCsv');
    for (const { args, stderr } of messages) {
      expect(stderr, `dualphi ${args.join(' ')}`).not.toMatch(internal);
    }
    expect(messages.map(({ stderr }) => stderr).join('\n')).toContain(
      `${ragged}: ragged row: 2 cells where the header has 3 (at line 4)`,
    );
  });
});
