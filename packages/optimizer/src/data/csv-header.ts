/**
 * Whether the first record of a CSV text is a header: the `header: 'auto'` rule of
 * {@link CsvOptions}. It decides only when the first row cannot be the other thing, and
 * refuses to guess when it could be either.
 */
import type { CsvOptions } from './csv.js';
import type { CsvRecord } from './csv-tokenize.js';
import { DataFormatError } from './types.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number, surrounding spaces allowed (`Number()` alone accepts `0x10`, `''`). */
export function isNumber(cell: string): boolean {
  return NUMBER.test(cell.trim());
}

function ambiguous(record: CsvRecord, reason: string): DataFormatError {
  return new DataFormatError(
    `parseCsv: line ${record.line} could be a header or a data row: ${reason}; set "header" to true (a header) or false (a data row)`,
    `line ${record.line}`,
  );
}

/**
 * Applies the `header: 'auto'` rule (see {@link CsvOptions.header}) to the first record.
 *
 * @param records - the non-blank records, at least one.
 * @param label - the label option: a column name, or a column index already checked to lie
 *   inside the first record (negative counts from the end).
 * @throws DataFormatError when the first record could be a header or a data row.
 */
export function detectHeader(records: readonly CsvRecord[], label: CsvOptions['label']): boolean {
  const [first, ...rest] = records;
  const cells = first.cells.map((cell) => cell.trim());
  if (typeof label === 'string') {
    // A label column given by name needs a header; a first row of numbers is not one (the
    // label error then says the text has no header).
    return cells.includes(label) || !cells.every(isNumber);
  }
  const labelColumn = label < 0 ? cells.length + label : label;
  const features = cells.filter((_, column) => column !== labelColumn);
  const text = features.filter((cell) => cell !== '' && !isNumber(cell));
  const numbers = features.filter(isNumber);
  if (text.length > 0) {
    if (numbers.length === 0) return true;
    throw ambiguous(
      first,
      `its feature columns hold both text (${JSON.stringify(text[0])}) and numbers (${numbers[0]})`,
    );
  }
  // pandas writes unnamed columns as 0,1,2,… and, with its index, an empty cell before them.
  const numbered = cells[0] === '' ? cells.slice(1) : cells;
  if (numbered.length > 1 && numbered.every((cell, column) => cell === String(column))) {
    const shown = numbered.length <= 5 ? numbered.join(',') : `0,1,…,${numbered.length - 1}`;
    throw ambiguous(
      first,
      `it reads ${cells[0] === '' ? ',' : ''}${shown}, the column numbers pandas writes as the header of unnamed columns`,
    );
  }
  // An empty feature cell: a data row, whose empty cell is then reported as not a number.
  if (numbers.length < features.length) return false;
  const labelCell = cells[labelColumn];
  if (labelCell === '' || isNumber(labelCell) || rest.length === 0) return false;
  // Numbers in every feature column and a class name: the first sample of a header-less file
  // when other rows share its class, else possibly a label-column name above numeric column
  // names (wavelengths, pixel indices).
  if (rest.some((record) => record.cells[labelColumn]?.trim() === labelCell)) return false;
  throw ambiguous(
    first,
    `every feature column holds a number and its label ${JSON.stringify(labelCell)} occurs in no other row (a label column's name above numeric column names, or a class with one sample)`,
  );
}
