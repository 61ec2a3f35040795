/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a magic
 * number 00 00 <dtype> <rank>, `rank` big-endian u32 dimensions, then the values big-endian
 * and row-major. Files may be gzip'd (detected by the magic bytes 1f 8b).
 */
import { maybeGunzip } from './bytes.js';
import { type ScalingOption, scaleDataset } from './scaling.js';
import { DataFormatError, type Dataset } from './types.js';
import { checkIdxDatasetOptions } from './validate.js';

/** The IDX value type named by the third byte of the magic number. */
export type IdxDataType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** IDX value types by their dtype byte. */
const DTYPES: Readonly<Record<number, { name: IdxDataType; size: number }>> = {
  8: { name: 'uint8', size: 1 },
  9: { name: 'int8', size: 1 },
  11: { name: 'int16', size: 2 },
  12: { name: 'int32', size: 4 },
  13: { name: 'float32', size: 4 },
  14: { name: 'float64', size: 8 },
};

/** A parsed IDX tensor. */
export interface IdxTensor {
  /** The value type from the magic number. */
  dataType: IdxDataType;
  /** Dimensions, e.g. [60000, 28, 28]. */
  dimensions: number[];
  /** The values, row-major, in the matching typed array. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/**
 * Parses an IDX file (gzip'd or raw).
 *
 * @throws DataFormatError for a wrong magic number, an unknown type, a header or payload that
 *   is truncated or too long (naming the byte counts), or a corrupt gzip stream.
 */
export function parseIdx(bytes: Uint8Array, what = 'parseIdx'): IdxTensor {
  const raw = maybeGunzip(bytes, what);
  if (raw.length < 4) {
    throw new DataFormatError(
      `${what}: ${raw.length} bytes is too short for an IDX header (4 bytes of magic number)`,
      'byte 0',
    );
  }
  if (raw[0] !== 0 || raw[1] !== 0) {
    const magic = Array.from(raw.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new DataFormatError(
      `${what}: wrong magic number ${magic}; an IDX file starts with 00 00 <type> <rank>`,
      'byte 0',
    );
  }
  const dtype = DTYPES[raw[2]];
  if (!dtype) {
    throw new DataFormatError(
      `${what}: unknown IDX data type 0x${raw[2].toString(16).padStart(2, '0')} (known: 08, 09, 0b, 0c, 0d, 0e)`,
      'byte 2',
    );
  }
  const rank = raw[3];
  if (rank === 0)
    throw new DataFormatError(
      `${what}: rank 0; an IDX tensor has at least one dimension`,
      'byte 3',
    );
  const headerLength = 4 + 4 * rank;
  if (raw.length < headerLength) {
    throw new DataFormatError(
      `${what}: truncated header: rank ${rank} needs ${headerLength} bytes, the file has ${raw.length}`,
      `byte ${raw.length}`,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dimensions: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dimensions.push(size);
    count *= size;
  }
  const payloadLength = count * dtype.size;
  const actual = raw.length - headerLength;
  if (actual !== payloadLength) {
    const kind = actual < payloadLength ? 'truncated payload' : 'trailing bytes after the payload';
    throw new DataFormatError(
      `${what}: ${kind}: dimensions ${dimensions.join(' × ')} of ${dtype.name} need ${payloadLength} bytes after the ${headerLength}-byte header, the file has ${actual}`,
      `byte ${Math.min(raw.length, headerLength + payloadLength)}`,
    );
  }
  return {
    dataType: dtype.name,
    dimensions,
    data: readValues(view, headerLength, count, dtype.name, raw),
  };
}

function readValues(
  view: DataView,
  offset: number,
  count: number,
  type: IdxDataType,
  raw: Uint8Array,
): IdxTensor['data'] {
  switch (type) {
    case 'uint8':
      return raw.slice(offset, offset + count);
    case 'int8':
      return new Int8Array(raw.slice(offset, offset + count).buffer);
    case 'int16':
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(offset + 2 * i, false));
    case 'int32':
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(offset + 4 * i, false));
    case 'float32':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(offset + 4 * i, false));
    case 'float64':
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(offset + 8 * i, false));
  }
}

/** Options of {@link idxDataset}. */
export interface IdxDatasetOptions {
  /** Number of classes; labels must lie in [0, classCount). Default 10 (MNIST, Fashion-MNIST). */
  classCount?: number;
  /** Class names (length classCount). */
  classNames?: readonly string[];
  /** Feature scaling; default `'default'`: uint8 images ÷ 255 → [0, 1]. */
  scaling?: ScalingOption;
  /** Name of the data set. */
  name?: string;
}

/**
 * A {@link Dataset} from an IDX image file (count × rows × cols …, uint8) and an IDX label
 * file (count, uint8), each gzip'd or raw. Images are scaled ÷ 255 to [0, 1] by default.
 *
 * @throws DataFormatError for corrupt files, images that are not uint8 of rank ≥ 2, labels
 *   that are not uint8 of rank 1, counts that disagree, or a label out of range (naming the
 *   sample index).
 * @throws TypeError for options of the wrong type.
 */
export function idxDataset(
  images: Uint8Array,
  labels: Uint8Array,
  options?: IdxDatasetOptions,
): Dataset {
  const given = checkIdxDatasetOptions(options);
  const imageTensor = parseIdx(images, 'idxDataset images');
  const labelTensor = parseIdx(labels, 'idxDataset labels');
  if (imageTensor.dataType !== 'uint8' || imageTensor.dimensions.length < 2) {
    throw new DataFormatError(
      `idxDataset images: expected uint8 images of rank ≥ 2 (count × …), got ${imageTensor.dataType} of rank ${imageTensor.dimensions.length}`,
      'byte 2',
    );
  }
  if (labelTensor.dataType !== 'uint8' || labelTensor.dimensions.length !== 1) {
    throw new DataFormatError(
      `idxDataset labels: expected uint8 labels of rank 1, got ${labelTensor.dataType} of rank ${labelTensor.dimensions.length}`,
      'byte 2',
    );
  }
  const count = imageTensor.dimensions[0];
  if (labelTensor.dimensions[0] !== count) {
    throw new DataFormatError(
      `idxDataset: the image file holds ${count} images but the label file ${labelTensor.dimensions[0]} labels`,
    );
  }
  if (count === 0) throw new DataFormatError('idxDataset: the files hold no samples');
  const classCount = given.classCount ?? 10;
  if (!Number.isSafeInteger(classCount) || classCount < 2 || classCount > 256) {
    throw new RangeError(
      `idxDataset: "classCount" must be an integer in [2, 256], got ${String(classCount)}`,
    );
  }
  const labelValues = labelTensor.data as Uint8Array;
  for (let i = 0; i < count; i++) {
    if (labelValues[i] >= classCount) {
      throw new DataFormatError(
        `idxDataset labels: label ${labelValues[i]} of sample ${i} is outside [0, ${classCount})`,
        `byte ${8 + i}`,
      );
    }
  }
  const featureCount = imageTensor.dimensions.slice(1).reduce((a, b) => a * b, 1);
  const dataset: Dataset = {
    features: Float32Array.from(imageTensor.data as Uint8Array),
    labels: Int32Array.from(labelValues),
    count,
    featureCount,
    classCount,
    ...(given.classNames ? { classNames: given.classNames } : {}),
    ...(given.name ? { name: given.name } : {}),
  };
  return scaleDataset(dataset, given.scaling ?? 'default', 255);
}
