/**
 * Commander argument parsers. Each throws commander's `InvalidArgumentError`, which commander
 * reports as `option '--flag <value>' argument 'x' is invalid. <reason>` and which the
 * program turns into exit status 2 (a usage error).
 */
import { availableParallelism } from 'node:os';
import { parseAxis, parseEntry, type SweepAxis } from '@dualphi/optimizer';
import { InvalidArgumentError } from 'commander';

/**
 * `--threads`: `auto` (the available parallelism) or a whole number from 1 to 4 × the
 * available parallelism (more would only oversubscribe the cores).
 */
export function threadCount(text: string): number | 'auto' {
  if (text.trim() === 'auto') return 'auto';
  const cores = availableParallelism();
  const value = Number(text);
  if (
    !/^\s*\+?\d+\s*$/.test(text) ||
    !Number.isSafeInteger(value) ||
    value < 1 ||
    value > 4 * cores
  ) {
    throw new InvalidArgumentError(
      `Allowed: auto or a whole number from 1 to ${4 * cores} (4 × the ${cores} available cores).`,
    );
  }
  return value;
}

/** An integer ≥ 1 (epochs, batch size, repetitions). */
export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\s*\+?\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError('Allowed: a whole number ≥ 1.');
  }
  return value;
}

/** An integer ≥ 0 that fits in 32 bits (the seed). */
export function seed(text: string): number {
  const value = Number(text);
  if (!/^\s*\+?\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value > 0xffffffff) {
    throw new InvalidArgumentError('Allowed: a whole number in [0, 4294967295].');
  }
  return value;
}

/** Decimal notation only: `Number()` would also read `0x10` as 16 and `0b11` as 3. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function finiteNumber(text: string): number {
  const value = Number(text);
  if (!DECIMAL.test(text) || !Number.isFinite(value)) {
    throw new InvalidArgumentError('Allowed: a finite decimal number, e.g. 0.01 or 3e-4.');
  }
  return value;
}

/** A number > 0 (the learning rate). */
export function positiveNumber(text: string): number {
  const value = finiteNumber(text);
  if (!(value > 0)) throw new InvalidArgumentError('Allowed: a number > 0.');
  return value;
}

/** A number ≥ 0 (weight decay). */
export function nonNegativeNumber(text: string): number {
  const value = finiteNumber(text);
  if (!(value >= 0)) throw new InvalidArgumentError('Allowed: a number ≥ 0.');
  return value;
}

/** A number in [0, 1) (momentum, label smoothing). */
export function unitInterval(text: string): number {
  const value = finiteNumber(text);
  if (!(value >= 0 && value < 1)) throw new InvalidArgumentError('Allowed: a number in [0, 1).');
  return value;
}

/** A number in (0, 1) (the test split fraction). */
export function openUnitInterval(text: string): number {
  const value = finiteNumber(text);
  if (!(value > 0 && value < 1)) throw new InvalidArgumentError('Allowed: a number in (0, 1).');
  return value;
}

/** 0 (none) or a number in (0, 1) (the validation split fraction). */
export function validationFraction(text: string): number {
  const value = finiteNumber(text);
  if (!(value === 0 || (value > 0 && value < 1))) {
    throw new InvalidArgumentError('Allowed: 0 (no validation split) or a number in (0, 1).');
  }
  return value;
}

/**
 * Hidden layer sizes as a comma-separated list of whole numbers ≥ 1, input to output:
 * `256,128`. `0` or `none` gives no hidden layer (softmax regression).
 */
export function hiddenLayers(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '0' || trimmed.toLowerCase() === 'none') return [];
  const parts = trimmed.split(',').map((part) => part.trim());
  const sizes = parts.map((part) => Number(part));
  if (
    parts.length === 0 ||
    parts.some((part) => !/^\d+$/.test(part)) ||
    sizes.some((size) => !Number.isSafeInteger(size) || size < 1 || size > 65536)
  ) {
    throw new InvalidArgumentError(
      'Allowed: comma-separated layer sizes in [1, 65536], e.g. 128 or 256,128 (0 for none).',
    );
  }
  return sizes;
}

/** A comma-separated list drawn from `allowed` (the optimizers of `compare`). */
export function choiceList(allowed: readonly string[]): (text: string) => string[] {
  return (text: string) => {
    const items = text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    const unknown = items.filter((item) => !allowed.includes(item));
    if (items.length === 0 || unknown.length > 0) {
      throw new InvalidArgumentError(
        `${unknown.length > 0 ? `Unknown: ${unknown.join(', ')}. ` : ''}Allowed: a comma-separated list of ${allowed.join(', ')}.`,
      );
    }
    return [...new Set(items)];
  };
}

/**
 * A value that is not empty (a path, a column name): `--data ""` or an unset shell variable
 * would otherwise mean the working directory or the first column.
 */
export function nonEmpty(what: string): (text: string) => string {
  return (text: string) => {
    if (text.trim() === '')
      throw new InvalidArgumentError(`Allowed: ${what} (got an empty value).`);
    return text;
  };
}

/** Names `--delimiter` accepts for characters a shell makes awkward to type. */
const delimiterNames: Readonly<Record<string, string>> = {
  comma: ',',
  semicolon: ';',
  tab: '\t',
  '\\t': '\t',
  pipe: '|',
  space: ' ',
};

/**
 * The CSV field separator: `auto`, one character, or one of the names comma, semicolon,
 * tab (or `\t`), pipe, space. The optimizer package refuses characters that occur in numbers
 * or in CSV syntax; they are refused here too, as a usage error.
 */
export function csvDelimiter(text: string): string {
  const value = delimiterNames[text.toLowerCase()] ?? text;
  if (value === 'auto' || (value.length === 1 && !/[\d.+\-"\r\n]/.test(value))) return value;
  throw new InvalidArgumentError(
    'Allowed: auto, one character (e.g. ";"), or comma, semicolon, tab, pipe, space; not a quote, a digit, ".", "+" or "-".',
  );
}

/**
 * A sweep axis (`--lr`, `--momentum`): numbers, ranges (`0.001..0.512x2`, `0.5..0.9+0.1`) and
 * the word `golden` (η* or α*), comma-separated.
 */
export function sweepAxis(axis: SweepAxis): (text: string) => (number | 'golden')[] {
  return (text: string) => {
    try {
      return parseAxis(text, axis).map((value) => (value.golden ? 'golden' : value.value));
    } catch (error) {
      const what =
        axis === 'learningRate'
          ? 'learning rates > 0, e.g. 0.001..0.512x2,golden'
          : 'momenta in [0, 1), e.g. 0,0.5,0.8,golden,0.9';
      throw new InvalidArgumentError(
        `${(error as Error).message}. Allowed: comma-separated ${what} (from..toxFACTOR, from..to+STEP, golden).`,
      );
    }
  };
}

/** A comma-separated list of sweep entries (`adam@1e-3,prodigy`), or `none`; each checked. */
export function entryList(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return [];
  const items = trimmed
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  for (const item of items) {
    try {
      parseEntry(item);
    } catch (error) {
      throw new InvalidArgumentError(`${(error as Error).message}.`);
    }
  }
  return items;
}
