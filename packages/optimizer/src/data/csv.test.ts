/**
 * parseCsv's reading rules: the header decision, strict decoding, the delimiter, quoting.
 * (data.test.ts holds the cell checks and the write → read property.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataFormatError, parseCsv } from './index.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
/** Latin-1 bytes: one byte per character (all characters here are below U+0100). */
const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('header: auto', () => {
  const pandas = '0,1,2,3,4\n5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,0\n6.3,3.3,6.0,2.5,1\n';

  it('refuses to guess on pandas’ header of unnamed columns (it became a sample and a class)', () => {
    expect(() => parseCsv(pandas, { label: -1 })).toThrow(
      'parseCsv: line 1 could be a header or a data row: it reads 0,1,2,3,4, the column numbers pandas writes as the header of unnamed columns; set "header" to true (a header) or false (a data row) (at line 1)',
    );
    expect(() => parseCsv(pandas, { label: -1 })).toThrow(DataFormatError);
  });

  it('refuses to guess on pandas’ header written with its index (an empty cell first)', () => {
    const indexed = ',0,1,2\n0,5.1,3.5,0\n1,4.9,3.0,1\n';
    expect(() => parseCsv(indexed, { label: -1 })).toThrow(
      'line 1 could be a header or a data row: it reads ,0,1,2, the column numbers pandas writes',
    );
    expect(parseCsv(indexed, { label: -1, header: true }).featureNames).toEqual(['', '0', '1']);
  });

  it('reads pandas’ header when told, and the line as data when told', () => {
    const headed = parseCsv(pandas, { label: -1, header: true });
    expect(headed.count).toBe(3);
    expect(headed.classCount).toBe(2);
    expect(headed.featureNames).toEqual(['0', '1', '2', '3']);
    const data = parseCsv(pandas, { label: -1, header: false });
    expect(data.count).toBe(4);
    expect(Array.from(data.labels)).toEqual([4, 0, 0, 1]);
  });

  it('keeps the first row of a header-less file with class names (it was taken for a header)', () => {
    const text = '5.1,3.5,setosa\n4.9,3.0,setosa\n6.3,3.3,virginica\n5.8,2.7,virginica\n';
    const data = parseCsv(text, { label: -1 });
    expect(data.count).toBe(4);
    expect(data.featureNames).toBeUndefined();
    expect(Array.from(data.features.slice(0, 2))).toEqual([Math.fround(5.1), Math.fround(3.5)]);
    expect(data.classNames).toEqual(['setosa', 'virginica']);
    expect(Array.from(data.labels)).toEqual([0, 0, 1, 1]);
  });

  it('refuses to guess on numeric column names above a label-column name', () => {
    // Wavelengths as column names: "class" occurs in no other row.
    const text = '400,410,class\n0.1,0.2,red\n0.3,0.1,blue\n0.2,0.2,red\n';
    expect(() => parseCsv(text, { label: -1 })).toThrow(
      /line 1 could be a header or a data row: every feature column holds a number and its label "class" occurs in no other row/,
    );
    expect(parseCsv(text, { label: -1, header: true }).featureNames).toEqual(['400', '410']);
  });

  it('refuses to guess on a first line mixing text and numbers in feature columns', () => {
    expect(() => parseCsv('x,2,label\n1,2,0\n3,4,1\n', { label: -1 })).toThrow(
      'its feature columns hold both text ("x") and numbers (2)',
    );
  });

  it('takes text feature cells for a header, a label name for a header, numbers for data', () => {
    expect(parseCsv('x,y,label\n1,2,0\n3,4,1\n', { label: -1 }).featureNames).toEqual(['x', 'y']);
    expect(parseCsv('x,y,label\n1,2,a\n3,4,b\n', { label: 'label' }).count).toBe(2);
    expect(parseCsv('1,2,1\n3,4,0\n', { label: -1 }).count).toBe(2);
    // The label column's own cell does not decide: a class name in it is still data.
    expect(parseCsv('1,2,b\n3,4,b\n', { label: 2 }).count).toBe(2);
  });

  it('a label name with header: false is an error', () => {
    expect(() => parseCsv('x,label\n1,0\n', { label: 'label', header: false })).toThrow(
      '"label" is the column name "label" but the CSV has no header',
    );
  });

  it('rejects a header option that is not true, false or auto', () => {
    expect(() => parseCsv('x,label\n1,0\n', { label: 1, header: 'yes' as never })).toThrow(
      `parseCsv: "header" must be true, false or 'auto', got "yes"`,
    );
  });
});

describe('bytes and encodings', () => {
  it('names the line of bytes that are not UTF-8 (Latin-1 Ä and Ö merged into one class)', () => {
    const bytes = latin1('x,label\n1,A\n2,\u00c4\n3,\u00d6\n');
    expect(() => parseCsv(bytes, { label: 'label' })).toThrow(
      'parseCsv: line 3 is not UTF-8 (byte 0xc4 at column 3); the text may be Latin-1 or Windows-1252: convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8) (at line 3, column 3)',
    );
  });

  it('reads UTF-8 bytes, with or without a byte-order mark, and UTF-16 with its mark', () => {
    const text = 'x,label\n1,\u00c4\n2,\u00d6\n3,\u00c4\n';
    for (const bytes of [
      utf8(text),
      Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8(text)]),
      Uint8Array.from([0xff, 0xfe, ...Array.from(text).flatMap((c) => [c.charCodeAt(0), 0])]),
    ]) {
      const data = parseCsv(bytes, { label: 'label' });
      expect(data.classNames).toEqual(['\u00c4', '\u00d6']);
      expect(Array.from(data.labels)).toEqual([0, 1, 0]);
    }
  });

  it('drops the byte-order mark of a string', () => {
    const data = parseCsv('\ufeffx,label\n1,0\n2,1\n', { label: 'label' });
    expect(data.featureNames).toEqual(['x']);
  });

  it('rejects input that is neither text nor bytes', () => {
    expect(() => parseCsv(42 as never, { label: 0 })).toThrow(TypeError);
  });
});

describe('delimiter', () => {
  it('detects semicolons, tabs and vertical bars (they were one column)', () => {
    for (const delimiter of [';', '\t', '|']) {
      const text = ['a', 'b', 'label']
        .join(delimiter)
        .concat('\n1', delimiter, '2', delimiter, 'x\n');
      const data = parseCsv(`${text}3${delimiter}4${delimiter}y\n`, { label: 'label' });
      expect(data.featureNames).toEqual(['a', 'b']);
      expect(Array.from(data.features)).toEqual([1, 2, 3, 4]);
    }
  });

  it('refuses to guess when two delimiters fit (decimal commas under semicolons)', () => {
    expect(() => parseCsv('1,5;2,3;cat\n2,5;1,0;dog\n', { label: -1 })).toThrow(
      'parseCsv: the first rows split into the same number of columns at "," (comma) and at ";" (semicolon); set "delimiter" to the one the file uses (at line 1)',
    );
    // Told, the cells are read as written: decimal commas are not numbers.
    expect(() =>
      parseCsv('1,5;2,3;cat\n2,5;1,0;dog\n', { label: -1, delimiter: ';', header: false }),
    ).toThrow('cell "1,5" of column 1 is not a number (at line 1, column 1)');
  });

  it('a single column names the delimiter it used', () => {
    expect(() => parseCsv('1\n2\n', { label: 0 })).toThrow(
      'parseCsv: 1 column; need at least one feature and the label (the delimiter is "," (comma), none of , ; tab | splits the lines evenly; set "delimiter" if the file uses another) (at line 1)',
    );
  });

  it.each([
    ['', '""'],
    [';;', '";;"'],
    ['"', '"\\""'],
    ['.', '"."'],
    ['1', '"1"'],
  ])('rejects the delimiter %j', (delimiter, shown) => {
    expect(() => parseCsv('1,2\n', { label: 0, delimiter })).toThrow(
      `parseCsv: "delimiter" must be 'auto' or one character other than a quote, a line break, a digit, ".", "+" or "-", got ${shown}`,
    );
  });
});

describe('quoting and line breaks', () => {
  it('reads quoted fields holding the delimiter and doubled quotes (they were ragged rows)', () => {
    const data = parseCsv('x,y,label\n1,2,"New York, NY"\n3,"4","say ""hi"""\n', {
      label: 'label',
    });
    expect(data.classNames).toEqual(['New York, NY', 'say "hi"']);
    expect(Array.from(data.features)).toEqual([1, 2, 3, 4]);
  });

  it('counts lines inside quoted fields and blank lines in the positions it reports', () => {
    expect(() => parseCsv('x,label\n1,"a\nb"\n\n2,c\n3,c,9\n', { label: 'label' })).toThrow(
      'ragged row: 3 cells where the header has 2 (at line 6)',
    );
  });

  it('names the line of a quoted field that is not closed, or has text after its quote', () => {
    expect(() => parseCsv('x,label\n1,a\n2,"b\n3,c\n', { label: 'label' })).toThrow(
      'parseCsv: a quoted field is not closed (a field that starts with " ends at the next " not written as "") (at line 3)',
    );
    expect(() => parseCsv('x,label\n1,a\n2,"b"c\n', { label: 'label' })).toThrow(
      'a quoted field has characters after its closing quote (write a quote inside a quoted field as "") (at line 3)',
    );
  });

  it('reads \\r line breaks (old Mac files were one line)', () => {
    const data = parseCsv('x,label\r1,a\r2,b\r', { label: 'label' });
    expect(data.count).toBe(2);
    expect(data.classNames).toEqual(['a', 'b']);
  });
});

describe('header: auto never drops or invents a row', () => {
  it('a table with or without a header is read whole or refused with the question', () => {
    const table = fc
      .record({
        features: fc.integer({ min: 1, max: 4 }),
        rows: fc.integer({ min: 1, max: 8 }),
        names: fc.boolean(),
        header: fc.boolean(),
      })
      .chain(({ features, rows, names, header }) =>
        fc.record({
          features: fc.constant(features),
          header: fc.constant(header),
          values: fc.array(fc.integer({ min: -3, max: 9 }), {
            minLength: rows * features,
            maxLength: rows * features,
          }),
          labels: fc.array(
            names
              ? fc.constantFrom<string>('cat', 'dog', 'fish')
              : fc.integer({ min: 0, max: 3 }).map(String),
            { minLength: rows, maxLength: rows },
          ),
          // Header names: words, or pandas' column numbers.
          numbered: fc.boolean(),
        }),
      );
    fc.assert(
      fc.property(table, ({ features, header, values, labels, numbered }) => {
        const lines = labels.map((label, r) =>
          [...values.slice(r * features, (r + 1) * features), label].join(','),
        );
        const names = Array.from({ length: features + 1 }, (_, j) =>
          numbered ? String(j) : j === features ? 'label' : `f${j}`,
        );
        const text = `${header ? `${names.join(',')}\n` : ''}${lines.join('\n')}\n`;
        let data: ReturnType<typeof parseCsv>;
        try {
          data = parseCsv(text, { label: -1 });
        } catch (error) {
          expect(error).toBeInstanceOf(DataFormatError);
          expect((error as Error).message).toMatch(/could be a header or a data row/);
          return;
        }
        expect(data.count).toBe(labels.length);
        expect(data.featureNames === undefined).toBe(!header);
      }),
      { numRuns: 300 },
    );
  });
});
