/**
 * CSV text to records, each with the line it starts on. The tokenizing itself (quoted fields,
 * doubled quotes, delimiters and line breaks inside quotes) is Papa Parse's; this module adds
 * the choice of the delimiter, line numbers, and errors that name the line.
 */
// The unminified entry, the one Node loads: bundlers otherwise take the prebuilt
// papaparse.min.js of its `browser` field, which Vite 8's minifier breaks when it bundles it
// with this package (parse() then fails on an undefined config). Bundlers warn that Papa's
// Node-stream input needs `stream`; parseCsv passes strings only and never reaches it.
import Papa from 'papaparse/papaparse.js';
import { DataFormatError } from './types.js';

/** One record of a CSV text: its cells as written (untrimmed) and the line it starts on. */
export interface CsvRecord {
  /** 1-based line of the text where the record starts. */
  line: number;
  /** The fields, quotes removed. */
  cells: string[];
}

/** The delimiters `'auto'` chooses between. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;

const DELIMITER_NAMES: Readonly<Record<string, string>> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'vertical bar',
  ' ': 'space',
};

/** A delimiter for messages: `";" (semicolon)`, `"\t" (tab)`. */
export function describeDelimiter(delimiter: string): string {
  const name = DELIMITER_NAMES[delimiter];
  return `${JSON.stringify(delimiter)}${name ? ` (${name})` : ''}`;
}

/** How many records the delimiter is chosen from. */
const SAMPLE_RECORDS = 20;

/**
 * The start of `text` up to the end of its first {@link SAMPLE_RECORDS} + 1 lines, so that
 * choosing the delimiter never scans a large file four times.
 */
function sample(text: string): { sample: string; cut: boolean } {
  let end = 0;
  for (let lines = 0; lines <= SAMPLE_RECORDS; lines++) {
    const next = text.indexOf('\n', end);
    if (next < 0) return { sample: text, cut: false };
    end = next + 1;
  }
  return { sample: text.slice(0, end), cut: end < text.length };
}

/**
 * The delimiter of `text` (line feeds only) by the rule of `CsvOptions.delimiter`: among
 * `,` `;` tab `|`, the one that splits the first 20 non-blank records into the same number of
 * columns, at least two; `,` when none does (the errors that follow name the line).
 *
 * @throws DataFormatError when more than one delimiter fits, e.g. `1,5;2,3;cat`
 *   (semicolon-separated with decimal commas, or comma-separated?).
 */
export function chooseDelimiter(text: string): string {
  const { sample: start, cut } = sample(text);
  const fitting = CSV_DELIMITERS.filter((delimiter) => {
    const { data } = Papa.parse(start, {
      delimiter,
      newline: '\n',
      skipEmptyLines: 'greedy',
    });
    // The last record of a cut sample may itself be cut (a line break inside quotes).
    const records = cut && data.length > 1 ? data.slice(0, -1) : data;
    return (
      records.length > 0 &&
      records[0].length >= 2 &&
      records.every((cells) => cells.length === records[0].length)
    );
  });
  if (fitting.length > 1) {
    throw new DataFormatError(
      `parseCsv: the first rows split into the same number of columns at ${fitting.map(describeDelimiter).join(' and at ')}; set "delimiter" to the one the file uses`,
      'line 1',
    );
  }
  return fitting[0] ?? ',';
}

function countLineFeeds(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1)) {
    count++;
  }
  return count;
}

/**
 * Splits `text` (line feeds only, no byte-order mark) into records. Blank and
 * whitespace-only lines are left out; their lines still count.
 *
 * @throws DataFormatError naming the line of a quoted field that is not closed or is
 *   followed by other characters before the delimiter.
 */
export function tokenizeCsv(text: string, delimiter: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let start = 0;
  let line = 1;
  let failure: DataFormatError | undefined;
  Papa.parse(text, {
    delimiter,
    newline: '\n',
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: false,
    step: (result, parser) => {
      const end = result.meta.cursor;
      const [error] = result.errors;
      if (error) {
        const at = line + countLineFeeds(text, start, error.index ?? start);
        failure = new DataFormatError(
          error.code === 'MissingQuotes'
            ? 'parseCsv: a quoted field is not closed (a field that starts with " ends at the next " not written as "")'
            : 'parseCsv: a quoted field has characters after its closing quote (write a quote inside a quoted field as "")',
          `line ${at}`,
        );
        parser.abort();
        return;
      }
      const cells = result.data;
      if (cells.length > 1 || (cells[0] ?? '').trim() !== '') records.push({ line, cells });
      line += countLineFeeds(text, start, end);
      start = end;
    },
  });
  if (failure) throw failure;
  return records;
}
