/**
 * Terminal output fits the terminal's width (issue 9): epoch rows, progress bars and the
 * tables of `train`, `compare` and `constants` adapt (drop or abbreviate columns) instead of
 * wrapping, at 40, 80 and 120 columns. Runs the commands in-process with streams that say
 * they are terminals of a given width. Plain output to pipes is left as it was (scripts).
 */
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { run } from '../src/program.js';
import type { TextStream } from '../src/terminal/output.js';

function terminal(columns: number | undefined): TextStream & { text: string } {
  return {
    text: '',
    isTTY: true,
    columns,
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

/**
 * Every line the terminal shows, escapes removed; a bar redraw (cursor to column 1, which is
 * how cli-progress starts each frame) counts as a new line.
 */
function screenLines(text: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the terminal's escapes
  const frames = text.replace(/\x1b\[\d*G/g, '\r');
  return stripVTControlCharacters(frames).split(/\r\n|\n|\r/);
}

async function runOnTerminal(args: string[], columns: number | undefined) {
  const stdout = terminal(columns);
  const stderr = terminal(columns);
  const code = await run(args, { stdout, stderr, env: { NO_COLOR: '1' } });
  return { code, stdout: screenLines(stdout.text), stderr: screenLines(stderr.text) };
}

const tooWide = (lines: string[], columns: number) => lines.filter((line) => line.length > columns);

describe.each([40, 80, 120])('at %i columns', (columns) => {
  it('train: the epoch table, the progress bar and the result fit', async () => {
    const result = await runOnTerminal(
      ['train', '--epochs', '2', '--hidden', '16', '--batch', '64'],
      columns,
    );
    expect(result.code, result.stderr.join('\n')).toBe(0);
    const header = result.stdout.find((line) => /^\s*epoch\b/.test(line));
    expect(header).toBeDefined();
    // The table rows and its header.
    expect(result.stdout.filter((line) => /^\s*[12]\/2 /.test(line))).toHaveLength(2);
    const table = result.stdout.filter((line) => /^\s*([12]\/2 |epoch\b)/.test(line));
    expect(tooWide(table, columns)).toEqual([]);
    expect(tooWide(result.stderr, columns)).toEqual([]);
    if (columns >= 120) expect(header).toContain('entropy');
    // Accuracy is never the column left out.
    expect(header).toContain('accuracy');
  });

  it('compare: the progress bar and the ranked table fit', async () => {
    const result = await runOnTerminal(
      [
        'compare',
        '--epochs',
        '1',
        '--hidden',
        '16',
        '--batch',
        '64',
        '--optimizers',
        'golden,golden-rounded,adam',
        '--workers',
        '1',
      ],
      columns,
    );
    expect(result.code, result.stderr.join('\n')).toBe(0);
    const table = result.stdout.filter((line) => /^[┌│├└]/.test(line));
    expect(table.length).toBeGreaterThan(4);
    expect(tooWide(table, columns)).toEqual([]);
    // The bar over the runs was drawn, and fitted.
    expect(result.stderr.some((line) => /^compare .*\d\/3/.test(line))).toBe(true);
    expect(tooWide(result.stderr, columns)).toEqual([]);
    expect(tooWide(result.stdout, columns)).toEqual([]);
    // Every optimizer and its validation accuracy are still there.
    for (const name of ['golden', 'golden-rounded', 'adam'])
      expect(table.some((line) => line.includes(` ${name} `))).toBe(true);
    expect(table.some((line) => /\d+\.\d\d/.test(line))).toBe(true);
  });

  it('constants: the table fits', async () => {
    const result = await runOnTerminal(['constants'], columns);
    expect(result.code).toBe(0);
    const table = result.stdout.filter((line) => /^[┌│├└]/.test(line));
    expect(table.length).toBeGreaterThan(4);
    expect(tooWide(table, columns)).toEqual([]);
  });
});

describe('width handling', () => {
  it('a terminal that does not report its width is taken as 80 columns', async () => {
    const result = await runOnTerminal(
      ['compare', '--epochs', '1', '--hidden', '8', '--workers', '1'],
      undefined,
    );
    expect(result.code).toBe(0);
    const table = result.stdout.filter((line) => /^[┌│├└]/.test(line));
    expect(tooWide(table, 80)).toEqual([]);
  });

  it('at 120 columns the compare table keeps every column', async () => {
    const result = await runOnTerminal(
      [
        'compare',
        '--epochs',
        '1',
        '--hidden',
        '8',
        '--optimizers',
        'golden,adam',
        '--workers',
        '1',
      ],
      200,
    );
    const header = result.stdout.find((line) => line.includes('optimizer')) ?? '';
    for (const title of ['#', 'val. acc. %', '95 % CI', 'test %', 'val. loss'])
      expect(header).toContain(title);
  });
});
