import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync as zlibGunzip } from 'node:zlib';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DIGITS_DEFLATED_BASE64, DIGITS_SHA256 } from './digits-embedded.js';
import {
  DataFormatError,
  type Dataset,
  fitScaler,
  idxDataset,
  loadDigits,
  loadDigitsDataset,
  parseCsv,
  parseIdx,
  scaleSplit,
  trainTestSplit,
} from './index.js';

/** An IDX file: magic 00 00 <type> <rank>, big-endian u32 dimensions, payload. */
function idx(type: number, dimensions: readonly number[], payload: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dimensions.length);
  const view = new DataView(header.buffer);
  header.set([0, 0, type, dimensions.length]);
  dimensions.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  out.set(payload, header.length);
  return out;
}

const images = idx(0x08, [3, 2, 2], Uint8Array.from([0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]));
const labels = idx(0x08, [3], Uint8Array.from([7, 0, 9]));

describe('parseIdx', () => {
  it('reads raw and gzip’d files alike (gzip detected by its magic bytes)', () => {
    for (const bytes of [images, gzipSync(images)]) {
      const tensor = parseIdx(bytes);
      expect(tensor.dataType).toBe('uint8');
      expect(tensor.dimensions).toEqual([3, 2, 2]);
      expect(Array.from(tensor.data)).toEqual([0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]);
    }
  });

  it('reads big-endian int16, int32, float32 and float64', () => {
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setFloat64(0, -1.25, false);
    expect(Array.from(parseIdx(idx(0x0e, [1], payload)).data)).toEqual([-1.25]);
    new DataView(payload.buffer).setInt32(0, -70000, false);
    new DataView(payload.buffer).setInt32(4, 5, false);
    expect(Array.from(parseIdx(idx(0x0c, [2], payload)).data)).toEqual([-70000, 5]);
    expect(Array.from(parseIdx(idx(0x0b, [4], payload)).data)).toEqual([-2, -4464, 0, 5]);
    new DataView(payload.buffer).setFloat32(0, 0.5, false);
    expect(parseIdx(idx(0x0d, [2], payload)).data[0]).toBe(0.5);
  });

  it.each([
    [
      'wrong magic',
      Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]),
      /wrong magic number 01 00 08 01.*\(at byte 0\)/,
    ],
    [
      'unknown type',
      Uint8Array.from([0, 0, 7, 1, 0, 0, 0, 0]),
      /unknown IDX data type 0x07.*\(at byte 2\)/,
    ],
    ['too short', Uint8Array.from([0, 0]), /2 bytes is too short/],
    [
      'truncated header',
      Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1]),
      /truncated header: rank 3 needs 16 bytes, the file has 8/,
    ],
    [
      'truncated payload',
      images.subarray(0, images.length - 1),
      /truncated payload: dimensions 3 × 2 × 2 of uint8 need 12 bytes after the 16-byte header, the file has 11/,
    ],
    [
      'trailing bytes',
      idx(0x08, [2], Uint8Array.from([1, 2, 3])),
      /trailing bytes after the payload/,
    ],
    ['corrupt gzip', gzipSync(images).subarray(0, 20), /gzip stream is corrupt or truncated/],
  ])('%s is a DataFormatError naming the position', (_, bytes, message) => {
    expect(() => parseIdx(bytes)).toThrow(DataFormatError);
    expect(() => parseIdx(bytes)).toThrow(message);
  });
});

describe('idxDataset', () => {
  it('builds a data set scaled ÷ 255 by default', () => {
    const data = idxDataset(gzipSync(images), labels, { name: 'tiny' });
    expect(data.count).toBe(3);
    expect(data.featureCount).toBe(4);
    expect(data.classCount).toBe(10);
    expect(Array.from(data.labels)).toEqual([7, 0, 9]);
    expect(data.features[1]).toBe(1);
    expect(data.features[2]).toBeCloseTo(0.2, 7);
    expect(data.name).toBe('tiny');
    expect(idxDataset(images, labels, { scaling: 'none' }).features[1]).toBe(255);
  });

  it('rejects counts that disagree, labels out of range and wrong types', () => {
    const twoLabels = idx(0x08, [2], Uint8Array.from([1, 2]));
    expect(() => idxDataset(images, twoLabels)).toThrow(
      'idxDataset: the image file holds 3 images but the label file 2 labels',
    );
    expect(() => idxDataset(images, labels, { classCount: 8 })).toThrow(
      /label 9 of sample 2 is outside \[0, 8\) \(at byte 10\)/,
    );
    expect(() => idxDataset(labels, labels)).toThrow(/expected uint8 images of rank ≥ 2/);
    expect(() => idxDataset(images, images)).toThrow(/expected uint8 labels of rank 1/);
    expect(() => idxDataset(images, labels, { scaling: 'max' as never })).toThrow(
      /"scaling" must be one of/,
    );
  });

  const fashion = '/usr/share/datasets/fashion-mnist';
  // Outside CI a machine without Debian's dataset-fashion-mnist skips this one test with one
  // line saying how to enable it; under CI=true (.ci/run installs the package) it must run.
  const fashionMissing = !existsSync(`${fashion}/t10k-images-idx3-ubyte.gz`) && !process.env.CI;
  if (fashionMissing) {
    console.warn(
      `skipped: the optimizer's real Fashion-MNIST test needs ${fashion}: install it with \`apt-get install -y dataset-fashion-mnist\` (under CI=true this fails).`,
    );
  }
  it.skipIf(fashionMissing)(
    'reads the real Fashion-MNIST test files (Debian dataset-fashion-mnist)',
    () => {
      const data = idxDataset(
        readFileSync(`${fashion}/t10k-images-idx3-ubyte.gz`),
        readFileSync(`${fashion}/t10k-labels-idx1-ubyte.gz`),
      );
      expect([data.count, data.featureCount, data.classCount]).toEqual([10000, 784, 10]);
      const counts = Array.from(
        { length: 10 },
        (_, k) => data.labels.filter((l) => l === k).length,
      );
      expect(counts).toEqual(Array(10).fill(1000));
      let max = 0;
      for (const x of data.features) max = Math.max(max, x);
      expect(max).toBe(1);
    },
  );
});

describe('parseCsv', () => {
  it('reads a header, a label by name, and string classes', () => {
    const data = parseCsv('a,b,species\n1,2.5,setosa\n-3e2,.5,virginica\n\n0,0,setosa\n', {
      label: 'species',
    });
    expect(data.count).toBe(3);
    expect(data.featureCount).toBe(2);
    expect(Array.from(data.features)).toEqual([1, 2.5, -300, 0.5, 0, 0]);
    expect(data.classNames).toEqual(['setosa', 'virginica']);
    expect(Array.from(data.labels)).toEqual([0, 1, 0]);
    expect(data.featureNames).toEqual(['a', 'b']);
  });

  it('keeps a single data row with a class name, and -1/1 labels as class names', () => {
    const single = parseCsv('1,2,cat\n', { label: -1 });
    expect(single.count).toBe(1);
    expect(single.classNames).toEqual(['cat']);
    const signs = parseCsv('1,-1\n2,1\n', { label: 1 });
    expect(signs.classNames).toEqual(['-1', '1']);
  });

  it('auto-detects no header; label by index (negative from the end); integer labels as classes', () => {
    // (A first line 0,1,2 would be pandas' header of unnamed columns: see the header tests.)
    const data = parseCsv('7,1,2\r\n3,4,0\r\n5,6,1', { label: -1 });
    expect(data.count).toBe(3);
    expect(Array.from(data.labels)).toEqual([2, 0, 1]);
    expect(data.classCount).toBe(3);
    expect(data.classNames).toBeUndefined();
    const first = parseCsv('7,1,2\n1,4,0', { label: 0, header: false });
    expect(Array.from(first.labels)).toEqual([7, 1]);
    expect(Array.from(first.features)).toEqual([1, 2, 4, 0]);
  });

  it.each([
    [
      '1,2,3\n4,5\n',
      { label: -1 },
      'parseCsv: ragged row: 2 cells where the first row has 3 (at line 2)',
    ],
    [
      'x,y,label\n1,2,0\n\n1,2,3,4\n',
      { label: 'label' },
      'ragged row: 4 cells where the header has 3 (at line 4)',
    ],
    [
      'x,y,label\n1,abc,0\n',
      { label: 'label' },
      'parseCsv: cell "abc" of column 2 ("y") is not a number (at line 2, column 2)',
    ],
    ['1,2,0\n1,,0\n', { label: 2 }, 'cell "" of column 2 is not a number (at line 2, column 2)'],
    [
      '1,Infinity,0\n1,2,0\n',
      { label: 2, header: false },
      'cell "Infinity" of column 2 is not a number (at line 1, column 2)',
    ],
    ['x,y\n1,2\n', { label: 'z' }, 'no column "z" in the header (x, y)'],
    ['1,2\n', { label: 'z' }, 'the CSV has no header'],
    ['1,2\n', { label: 5 }, '"label" index 5 is outside the 2 columns'],
    ['\n\n', { label: 0 }, 'the text holds no rows'],
    ['1,2\n3,\n', { label: 1 }, 'parseCsv: empty label cell (at line 2, column 2)'],
    ['a,b,label\n', { label: 'label' }, 'parseCsv: the text holds a header but no data rows'],
    [
      'a,label\n1,0\n1e40,1\n',
      { label: 'label' },
      'cell "1e40" of column 1 is beyond the f32 range (±3.4e38) features are stored in (at line 3, column 1)',
    ],
    [
      'a,label\n1,0\n2,0.5\n',
      { label: 'label' },
      'label "0.5" is not a class: labels must be class indices (whole numbers ≥ 0) or class names (at line 3, column 2)',
    ],
    [
      'a,label\n1,0\n2,1000000\n3,1\n',
      { label: 'label' },
      'label 1000000 is beyond the largest class index 4095 (integer labels are class indices 0, 1, …; give class names for sparse codes) (at line 3, column 2)',
    ],
  ])('%#: %j is an error naming line and column', (text, options, message) => {
    expect(() => parseCsv(text, options as never)).toThrow(message);
  });
});

/** A data set with given class sizes (features = row index). */
function synthetic(classSizes: number[]): Dataset {
  const labels = classSizes.flatMap((size, k) => Array<number>(size).fill(k));
  return {
    features: Float32Array.from(labels, (_, i) => i),
    labels: Int32Array.from(labels),
    count: labels.length,
    featureCount: 1,
    classCount: classSizes.length,
    name: 'synthetic',
  };
}

describe('trainTestSplit', () => {
  it('stratified: each class contributes round(count · fraction); all samples used once', () => {
    const data = synthetic([10, 21, 5, 1]);
    const { train, test } = trainTestSplit(data, { testFraction: 0.2, seed: 3 });
    const countOf = (d: Dataset, k: number) => d.labels.filter((l) => l === k).length;
    expect([0, 1, 2, 3].map((k) => countOf(test, k))).toEqual([2, 4, 1, 0]);
    expect(train.count + test.count).toBe(data.count);
    const all = [...train.features, ...test.features].sort((a, b) => a - b);
    expect(all).toEqual(Array.from(data.features));
    expect(train.name).toBe('synthetic (train)');
  });

  it('is reproducible with a seed and changes with another', () => {
    const data = synthetic([50, 50]);
    const a = trainTestSplit(data, { seed: 1 });
    const b = trainTestSplit(data, { seed: 1 });
    const c = trainTestSplit(data, { seed: 2 });
    expect(Array.from(a.test.features)).toEqual(Array.from(b.test.features));
    expect(Array.from(a.test.features)).not.toEqual(Array.from(c.test.features));
  });

  it('unstratified takes round(total · fraction)', () => {
    expect(
      trainTestSplit(synthetic([7, 3]), { testFraction: 0.25, stratified: false }).test.count,
    ).toBe(3);
  });

  it('rejects bad fractions and empty sides', () => {
    expect(() => trainTestSplit(synthetic([5]), { testFraction: 1 })).toThrow(
      'trainTestSplit: "testFraction" must be in (0, 1), got 1',
    );
    expect(() => trainTestSplit(synthetic([2]), { testFraction: 0.1 })).toThrow(
      /leaves the test set empty/,
    );
  });
});

describe('scaling', () => {
  const split = {
    train: { ...synthetic([2, 2]), features: Float32Array.from([0, 2, 4, 8]) },
    test: { ...synthetic([1]), features: Float32Array.from([10]) },
  };

  it("'unit' and 'standard' are fitted on the training set only", () => {
    const unit = scaleSplit(split, 'unit');
    expect(Array.from(unit.train.features)).toEqual([0, 0.25, 0.5, 1]);
    expect(Array.from(unit.test.features)).toEqual([1.25]);
    const standard = scaleSplit(split, 'standard');
    const mean = 3.5;
    const std = Math.sqrt((3.5 ** 2 + 1.5 ** 2 + 0.5 ** 2 + 4.5 ** 2) / 4);
    expect(standard.test.features[0]).toBeCloseTo((10 - mean) / std, 6);
    const values = Array.from(standard.train.features);
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 6);
    expect(values.reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 6);
  });

  it("'default' divides, 'none' copies, constant features become 0", () => {
    expect(Array.from(scaleSplit(split, 'default', 8).train.features)).toEqual([0, 0.25, 0.5, 1]);
    const none = scaleSplit(split, 'none');
    expect(Array.from(none.train.features)).toEqual([0, 2, 4, 8]);
    expect(none.train.features).not.toBe(split.train.features);
    const constant = { ...synthetic([3]), features: Float32Array.from([5, 5, 5]) };
    expect(Array.from(fitScaler(constant, 'unit').apply(constant).features)).toEqual([0, 0, 0]);
    expect(Array.from(fitScaler(constant, 'standard').apply(constant).features)).toEqual([0, 0, 0]);
  });
});

describe('embedded UCI digits', () => {
  it('has the known shape, class counts, first row and checksum', () => {
    const embedded = loadDigitsDataset();
    expect([embedded.count, embedded.featureCount, embedded.classCount]).toEqual([1797, 64, 10]);
    const perClass = Array.from(
      { length: 10 },
      (_, k) => embedded.labels.filter((l) => l === k).length,
    );
    expect(perClass).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    expect(Array.from(embedded.features.subarray(0, 16))).toEqual([
      0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0,
    ]);
    expect(embedded.labels[0]).toBe(0);
    const packed = new Uint8Array(1797 * 65);
    for (let r = 0; r < 1797; r++) {
      packed.set(embedded.features.subarray(r * 64, (r + 1) * 64), r * 65);
      packed[r * 65 + 64] = embedded.labels[r];
    }
    expect(createHash('sha256').update(packed).digest('hex')).toBe(DIGITS_SHA256);
    expect(DIGITS_DEFLATED_BASE64.length).toBeLessThan(70_000);
  });

  const source = '/work/shared/data/digits.csv.gz';
  it.skipIf(!existsSync(source))('equals the source CSV value for value', () => {
    // node:zlib reads the source independently of fflate
    const csv = new TextDecoder().decode(zlibGunzip(readFileSync(source)));
    const fromCsv = parseCsv(csv, { label: -1, header: false });
    const embedded = loadDigitsDataset();
    expect(Array.from(embedded.labels)).toEqual(Array.from(fromCsv.labels));
    expect(Array.from(embedded.features)).toEqual(Array.from(fromCsv.features));
  });

  it('loadDigits(): the fixed stratified split, 1,438 train / 359 test, scaled ÷ 16', () => {
    const { train, test } = loadDigits();
    expect([train.count, test.count]).toEqual([1438, 359]);
    const perClass = (d: Dataset) =>
      Array.from({ length: 10 }, (_, k) => d.labels.filter((l) => l === k).length);
    expect(perClass(test)).toEqual([36, 36, 35, 37, 36, 36, 36, 36, 35, 36]);
    expect(Math.min(...train.features)).toBe(0);
    expect(Math.max(...train.features)).toBe(1);
    expect(train.classNames).toHaveLength(10);
    // Fixed: two calls give the same test set.
    expect(Array.from(loadDigits().test.features)).toEqual(Array.from(test.features));
    expect(loadDigits({ scaling: 'none' }).train.features.some((x) => x === 16)).toBe(true);
  });
});

describe('properties over random data', () => {
  const smallDataset = fc
    .record({
      count: fc.integer({ min: 1, max: 9 }),
      rows: fc.integer({ min: 1, max: 5 }),
      cols: fc.integer({ min: 1, max: 5 }),
    })
    .chain(({ count, rows, cols }) =>
      fc.record({
        dims: fc.constant([count, rows, cols]),
        pixels: fc.uint8Array({ minLength: count * rows * cols, maxLength: count * rows * cols }),
        labels: fc.uint8Array({ minLength: count, maxLength: count, max: 9 }),
      }),
    );

  it('IDX: write → read gives the same images and labels, gzip’d or raw', () => {
    fc.assert(
      fc.property(smallDataset, fc.boolean(), ({ dims, pixels, labels: y }, gzip) => {
        const wrap = (bytes: Uint8Array) => (gzip ? gzipSync(bytes) : bytes);
        const data = idxDataset(wrap(idx(0x08, dims, pixels)), wrap(idx(0x08, [dims[0]], y)), {
          scaling: 'none',
        });
        expect(data.count).toBe(dims[0]);
        expect(data.featureCount).toBe(dims[1] * dims[2]);
        expect(Array.from(data.features)).toEqual(Array.from(pixels));
        expect(Array.from(data.labels)).toEqual(Array.from(y));
      }),
      { numRuns: 100 },
    );
  });

  it('IDX: every truncation and every appended byte is a DataFormatError, never another crash', () => {
    fc.assert(
      fc.property(smallDataset, fc.nat(), ({ dims, pixels }, cut) => {
        const bytes = idx(0x08, dims, pixels);
        const truncated = bytes.subarray(0, cut % bytes.length);
        expect(() => parseIdx(truncated)).toThrow(DataFormatError);
        const longer = new Uint8Array(bytes.length + 1);
        longer.set(bytes);
        expect(() => parseIdx(longer)).toThrow(DataFormatError);
      }),
      { numRuns: 200 },
    );
  });

  it('IDX: random bytes either parse or raise a DataFormatError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          parseIdx(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(DataFormatError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('CSV: write → read gives the same features and labels, with or without a header', () => {
    const table = fc
      .record({ rows: fc.integer({ min: 1, max: 12 }), features: fc.integer({ min: 1, max: 6 }) })
      .chain(({ rows, features }) =>
        fc.record({
          features: fc.constant(features),
          values: fc.array(
            fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
            {
              minLength: rows * features,
              maxLength: rows * features,
            },
          ),
          labels: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: rows, maxLength: rows }),
          labelColumn: fc.integer({ min: 0, max: features }),
          header: fc.boolean(),
        }),
      );
    fc.assert(
      fc.property(table, ({ features, values, labels: y, labelColumn, header }) => {
        const names = Array.from({ length: features + 1 }, (_, j) =>
          j === labelColumn ? 'class' : `f${j}`,
        );
        const lines = y.map((label, r) => {
          const cells = values.slice(r * features, (r + 1) * features).map(String);
          cells.splice(labelColumn, 0, String(label));
          return cells.join(',');
        });
        const text = `${header ? `${names.join(',')}\n` : ''}${lines.join('\n')}\n`;
        const data = parseCsv(
          text,
          header ? { label: 'class' } : { label: labelColumn, header: false },
        );
        expect(data.count).toBe(y.length);
        expect(data.featureCount).toBe(features);
        // String(-0) is "0": compare with negative zero normalised.
        expect(Array.from(data.features)).toEqual(values.map((v) => Math.fround(v) + 0));
        expect(Array.from(data.labels)).toEqual(y);
      }),
      { numRuns: 100 },
    );
  });
});
