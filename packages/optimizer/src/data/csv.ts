/**
 * A reader for numeric CSV: feature columns of numbers and one label column. Tokenizing
 * (delimiters, quoted fields) is Papa Parse's (`csv-tokenize.ts`); this module decodes the
 * bytes strictly, decides on the header and the delimiter by documented rules, and checks
 * every cell, naming the line and column of what it refuses.
 */

import { detectHeader, isNumber } from './csv-header.js';
import { chooseDelimiter, describeDelimiter, tokenizeCsv } from './csv-tokenize.js';
import { type ScalingOption, scaleDataset } from './scaling.js';
import { decodeText } from './text.js';
import { DataFormatError, type Dataset, MAX_CLASS_COUNT } from './types.js';

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /**
   * The label column: its header name, or its 0-based index (negative counts from the end,
   * -1 is the last column). A name means the text has a header.
   */
  label: string | number;
  /**
   * Whether the first non-blank line is a header: `true`, `false`, or `'auto'` (default),
   * which decides from that line only when it cannot be the other thing:
   *
   * 1. With `label` given as a name, a header (it must contain the name; a line of numbers
   *    only is reported as "no header").
   * 2. With `label` an index, look at the feature cells (all but the label column's):
   *    - all text (not numbers): a header;
   *    - text and numbers mixed: could be either, an error;
   *    - one of them empty: a data row (its empty cell is then an error);
   *    - all numbers: a data row, except when it could equally be a header, which is an
   *      error: when the whole line reads `0,1,2,…` (the header pandas writes for unnamed
   *      columns; also after an empty cell, as pandas writes it with its index), or when its label is text that no other row has as label (a label
   *      column's name above numeric column names such as wavelengths). A lone line is a
   *      data row unless every cell is text.
   *
   * The error names the line and asks for `header: true` or `false`; nothing is guessed.
   */
  header?: boolean | 'auto';
  /**
   * The field separator: one character, or `'auto'` (default): among `,` `;` tab `|`, the
   * one that splits the first 20 non-blank lines into the same number of columns, at least
   * two (`,` when none does). When more than one does (`1,5;2,3;cat`), it is an error asking
   * for the delimiter. Not allowed: a quote, a line break, a digit, `.`, `+`, `-`.
   */
  delimiter?: string;
  /** Feature scaling; default `'none'` (CSV values have no known range). */
  scaling?: ScalingOption;
  /** Name of the data set. */
  name?: string;
}

/** The largest finite f32; features are stored as f32, so larger cells would become ±Infinity. */
const F32_MAX = 3.4028234663852886e38;

/** Characters that cannot separate fields: they occur in numbers or in CSV syntax. */
const NOT_DELIMITERS = /^[\d.+\-"\r\n\ufeff]$/;

function checkDelimiter(delimiter: unknown): string {
  if (delimiter === undefined || delimiter === 'auto') return 'auto';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || NOT_DELIMITERS.test(delimiter)) {
    throw new RangeError(
      `parseCsv: "delimiter" must be 'auto' or one character other than a quote, a line break, a digit, ".", "+" or "-", got ${JSON.stringify(delimiter)}`,
    );
  }
  return delimiter;
}

function checkHeader(header: unknown): boolean | 'auto' {
  if (header === undefined) return 'auto';
  if (header !== true && header !== false && header !== 'auto') {
    throw new TypeError(
      `parseCsv: "header" must be true, false or 'auto', got ${JSON.stringify(header)}`,
    );
  }
  return header;
}

/**
 * Parses numeric CSV into a {@link Dataset}. Labels that are all non-negative integers are
 * used as class indices (classCount = largest + 1); otherwise the distinct label strings, in
 * sorted order, become the classes (their names in `classNames`).
 *
 * @param input - the CSV text, or the file's bytes: UTF-8 (a byte-order mark is dropped), or
 *   UTF-16 with its byte-order mark. Line breaks may be `\n`, `\r\n` or `\r`; fields may be
 *   quoted with `"` (a quote inside written `""`); blank lines are ignored.
 * @throws DataFormatError naming the line and column of bytes that are not UTF-8, a quoted
 *   field that is not closed, a ragged row, a non-numeric feature cell or one beyond the f32
 *   range, a fractional numeric label, a class index of {@link MAX_CLASS_COUNT} or more, or a
 *   label column that does not exist; for a header without data rows; and when the header or
 *   the delimiter is `'auto'` and the text could be read two ways (see {@link CsvOptions}).
 */
export function parseCsv(input: string | Uint8Array, options: CsvOptions): Dataset {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new TypeError(
      `parseCsv: expected the CSV text as a string or its bytes as a Uint8Array, got ${typeof input}`,
    );
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError('parseCsv: expected options with at least "label"');
  }
  const delimiterOption = checkDelimiter(options.delimiter);
  const headerOption = checkHeader(options.header);
  const decoded = typeof input === 'string' ? input : decodeText(input, 'parseCsv');
  const text = (decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded).replace(
    /\r\n?/g,
    '\n',
  );
  const delimiter = delimiterOption === 'auto' ? chooseDelimiter(text) : delimiterOption;
  const lines = tokenizeCsv(text, delimiter);
  if (lines.length === 0) throw new DataFormatError('parseCsv: the text holds no rows');

  if (lines[0].cells.length < 2) {
    throw new DataFormatError(
      `parseCsv: ${lines[0].cells.length} column; need at least one feature and the label (the delimiter is ${describeDelimiter(delimiter)}${delimiterOption === 'auto' ? ', none of , ; tab | splits the lines evenly' : ''}; set "delimiter" if the file uses another)`,
      `line ${lines[0].line}`,
    );
  }
  // An index (or a wrong type) is checked before the header rule, which reads that column.
  if (typeof options.label !== 'string') {
    resolveLabelColumn(options.label, undefined, lines[0].cells.length);
  }
  const hasHeader = headerOption === 'auto' ? detectHeader(lines, options.label) : headerOption;
  const header = hasHeader ? lines[0].cells.map((cell) => cell.trim()) : undefined;
  const rows = hasHeader ? lines.slice(1) : lines;
  if (rows.length === 0)
    throw new DataFormatError('parseCsv: the text holds a header but no data rows');
  const columns = (header ?? rows[0].cells).length;

  const labelColumn = resolveLabelColumn(options.label, header, columns);
  const featureCount = columns - 1;
  const features = new Float32Array(rows.length * featureCount);
  const labelCells: { cell: string; line: number; column: number }[] = [];
  rows.forEach(({ line: number, cells }, row) => {
    if (cells.length !== columns) {
      throw new DataFormatError(
        `parseCsv: ragged row: ${cells.length} cells where the ${hasHeader ? 'header has' : 'first row has'} ${columns}`,
        `line ${number}`,
      );
    }
    let j = 0;
    cells.forEach((cell, column) => {
      if (column === labelColumn) {
        if (cell.trim().length === 0) {
          throw new DataFormatError(
            'parseCsv: empty label cell',
            `line ${number}, column ${column + 1}`,
          );
        }
        labelCells.push({ cell: cell.trim(), line: number, column: column + 1 });
        return;
      }
      if (!isNumber(cell)) {
        const name = header ? ` ("${header[column]}")` : '';
        throw new DataFormatError(
          `parseCsv: cell ${JSON.stringify(cell)} of column ${column + 1}${name} is not a number`,
          `line ${number}, column ${column + 1}`,
        );
      }
      const value = Number(cell);
      if (Math.abs(value) > F32_MAX) {
        throw new DataFormatError(
          `parseCsv: cell ${JSON.stringify(cell.trim())} of column ${column + 1} is beyond the f32 range (±3.4e38) features are stored in`,
          `line ${number}, column ${column + 1}`,
        );
      }
      features[row * featureCount + j++] = value;
    });
  });

  const { labels, classCount, classNames } = encodeLabels(labelCells);
  const dataset: Dataset = {
    features,
    labels,
    count: rows.length,
    featureCount,
    classCount,
    ...(classNames ? { classNames } : {}),
    ...(header ? { featureNames: header.filter((_, column) => column !== labelColumn) } : {}),
    ...(options.name ? { name: options.name } : {}),
  };
  return scaleDataset(dataset, options.scaling ?? 'none');
}

function resolveLabelColumn(
  label: string | number,
  header: string[] | undefined,
  columns: number,
): number {
  if (typeof label === 'number') {
    const index = label < 0 ? columns + label : label;
    if (!Number.isInteger(label) || index < 0 || index >= columns) {
      throw new RangeError(`parseCsv: "label" index ${label} is outside the ${columns} columns`);
    }
    return index;
  }
  if (typeof label !== 'string') {
    throw new TypeError('parseCsv: "label" must be a column name or index');
  }
  if (!header) {
    throw new RangeError(
      `parseCsv: "label" is the column name "${label}" but the CSV has no header; give an index`,
    );
  }
  const index = header.indexOf(label);
  if (index < 0) {
    throw new DataFormatError(
      `parseCsv: no column "${label}" in the header (${header.join(', ')})`,
      'line 1',
    );
  }
  return index;
}

/**
 * Labels that are all non-negative integers are class indices. A numeric label with a fraction
 * (0.5, 1e-3) is rejected rather than made a class name: it is almost always a regression
 * target or the wrong column, and every distinct value would become a class.
 */
function encodeLabels(positions: { cell: string; line: number; column: number }[]): {
  labels: Int32Array;
  classCount: number;
  classNames?: string[];
} {
  const cells = positions.map(({ cell }) => cell);
  const fractional = positions.find(
    ({ cell }) => isNumber(cell) && !Number.isInteger(Number(cell)),
  );
  if (fractional) {
    throw new DataFormatError(
      `parseCsv: label ${JSON.stringify(fractional.cell)} is not a class: labels must be class indices (whole numbers ≥ 0) or class names`,
      `line ${fractional.line}, column ${fractional.column}`,
    );
  }
  if (cells.every((cell) => /^\d+$/.test(cell))) {
    const labels = Int32Array.from(cells, Number);
    const largest = positions.reduce(
      (max, position) => (Number(position.cell) > Number(max.cell) ? position : max),
      positions[0],
    );
    if (Number(largest.cell) >= MAX_CLASS_COUNT) {
      throw new DataFormatError(
        `parseCsv: label ${largest.cell} is beyond the largest class index ${MAX_CLASS_COUNT - 1} (integer labels are class indices 0, 1, …; give class names for sparse codes)`,
        `line ${largest.line}, column ${largest.column}`,
      );
    }
    const classCount = labels.reduce((max, label) => Math.max(max, label), 0) + 1;
    return { labels, classCount };
  }
  const classNames = [...new Set(cells)].sort();
  const index = new Map(classNames.map((name, i) => [name, i]));
  return {
    labels: Int32Array.from(cells, (cell) => index.get(cell) as number),
    classCount: classNames.length,
    classNames,
  };
}
