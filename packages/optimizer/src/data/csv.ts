/**
 * A reader for numeric CSV: feature columns of numbers and one label column. Comma-separated
 * (or another one-character delimiter), no quoting of fields, blank lines ignored.
 */
import { type ScalingOption, scaleDataset } from './scaling.js';
import { DataFormatError, type Dataset, MAX_CLASS_COUNT } from './types.js';

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /**
   * The label column: its header name, or its 0-based index (negative counts from the end,
   * -1 is the last column).
   */
  label: string | number;
  /** Whether the first line is a header; `'auto'` (default): a header when any cell is not a number. */
  header?: boolean | 'auto';
  /** The field separator; default `','`. */
  delimiter?: string;
  /** Feature scaling; default `'none'` (CSV values have no known range). */
  scaling?: ScalingOption;
  /** Name of the data set. */
  name?: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The largest finite f32; features are stored as f32, so larger cells would become ±Infinity. */
const F32_MAX = 3.4028234663852886e38;

function isNumber(cell: string): boolean {
  return NUMBER.test(cell.trim());
}

/**
 * Parses numeric CSV into a {@link Dataset}. Labels that are all non-negative integers are
 * used as class indices (classCount = largest + 1); otherwise the distinct label strings, in
 * sorted order, become the classes (their names in `classNames`).
 *
 * @throws DataFormatError naming the line and column of a ragged row, a non-numeric feature
 *   cell or one beyond the f32 range, a fractional numeric label, a class index of
 *   {@link MAX_CLASS_COUNT} or more, or a label column that does not exist; and for a header
 *   without data rows.
 */
export function parseCsv(text: string, options: CsvOptions): Dataset {
  if (typeof text !== 'string')
    throw new TypeError(`parseCsv: expected the CSV text as a string, got ${typeof text}`);
  const delimiter = options?.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1) {
    throw new RangeError(
      `parseCsv: "delimiter" must be one character, got ${JSON.stringify(delimiter)}`,
    );
  }
  const lines: { number: number; cells: string[] }[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim().length > 0) lines.push({ number: index + 1, cells: line.split(delimiter) });
  });
  if (lines.length === 0) throw new DataFormatError('parseCsv: the text holds no rows');

  const headerOption = options.header ?? 'auto';
  // A lone line is a header only when none of its cells is a number: then the file is a
  // header without data (a clear error below) rather than a row with a string label.
  const hasHeader =
    headerOption === 'auto'
      ? lines[0].cells.some((cell) => !isNumber(cell)) &&
        (lines.length > 1 || lines[0].cells.every((cell) => !isNumber(cell)))
      : headerOption;
  const header = hasHeader ? lines[0].cells.map((cell) => cell.trim()) : undefined;
  const rows = hasHeader ? lines.slice(1) : lines;
  if (rows.length === 0)
    throw new DataFormatError('parseCsv: the text holds a header but no data rows');
  const columns = (header ?? rows[0].cells).length;
  if (columns < 2) {
    throw new DataFormatError(
      `parseCsv: ${columns} column; need at least one feature and the label`,
      `line ${lines[0].number}`,
    );
  }

  const labelColumn = resolveLabelColumn(options.label, header, columns);
  const featureCount = columns - 1;
  const features = new Float32Array(rows.length * featureCount);
  const labelCells: { cell: string; line: number; column: number }[] = [];
  rows.forEach(({ number, cells }, row) => {
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
