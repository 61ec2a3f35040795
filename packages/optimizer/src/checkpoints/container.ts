/**
 * The binary container shared by checkpoints and saved models. Layout (little-endian):
 *
 *     0   8 bytes  magic  0x89 'D' 'P' 'H' 'I' '\r' '\n' 0x1A  (PNG-style: catches text-mode
 *                  transfers that rewrite line ends and files that are not ours)
 *     8   u32      format version
 *     12  u32      header length H in bytes
 *     16  u32      payload length P in bytes
 *     20  H bytes  header: UTF-8 JSON describing the content and listing the tensors
 *         0–3 zero bytes so the payload starts at a multiple of 4
 *         P bytes  payload: the tensors' raw little-endian values, back to back
 *         u32      CRC-32 of every byte before it
 *
 * Reading checks, in order: magic, version, that the stated lengths match the file's length
 * (truncation), the checksum (any flipped byte), then the JSON and every tensor's extent.
 */
import { crc32 } from './crc32.js';
import { CheckpointError } from './errors.js';
import { CHECKPOINT_FORMAT_VERSION } from './types.js';

const MAGIC = [0x89, 0x44, 0x50, 0x48, 0x49, 0x0d, 0x0a, 0x1a];
const PRELUDE_BYTES = 20;
const CHECKSUM_BYTES = 4;

/** Element types a tensor in the container may have. */
export type TensorType = 'f32' | 'u32';

/** A tensor's entry in the header. */
export interface TensorEntry {
  /** Unique name within the file. */
  name: string;
  /** Element type. */
  type: TensorType;
  /** Number of elements. */
  length: number;
  /** Byte offset from the start of the payload. */
  offset: number;
}

/** A tensor to write. */
export interface TensorData {
  /** Unique name within the file. */
  name: string;
  /** The values. */
  values: Float32Array | Uint32Array;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const align4 = (n: number): number => (n + 3) & ~3;

/** Writes `header` (any JSON-able object; a `tensors` list is added) and the tensors. */
export function encodeContainer(
  header: Record<string, unknown>,
  tensors: readonly TensorData[],
): Uint8Array {
  const entries: TensorEntry[] = [];
  let payloadBytes = 0;
  for (const tensor of tensors) {
    const type: TensorType = tensor.values instanceof Float32Array ? 'f32' : 'u32';
    entries.push({ name: tensor.name, type, length: tensor.values.length, offset: payloadBytes });
    payloadBytes += tensor.values.length * 4;
  }
  const json = new TextEncoder().encode(JSON.stringify({ ...header, tensors: entries }));
  const payloadStart = align4(PRELUDE_BYTES + json.length);
  const total = payloadStart + payloadBytes + CHECKSUM_BYTES;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(8, CHECKPOINT_FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  view.setUint32(16, payloadBytes, true);
  bytes.set(json, PRELUDE_BYTES);
  tensors.forEach((tensor, i) => {
    const at = payloadStart + entries[i].offset;
    if (littleEndian) {
      bytes.set(
        new Uint8Array(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength),
        at,
      );
    } else {
      const write = tensor.values instanceof Float32Array ? view.setFloat32 : view.setUint32;
      for (let k = 0; k < tensor.values.length; k++)
        write.call(view, at + 4 * k, tensor.values[k], true);
    }
  });
  view.setUint32(total - CHECKSUM_BYTES, crc32(bytes.subarray(0, total - CHECKSUM_BYTES)), true);
  return bytes;
}

/** What {@link decodeContainer} returns: the parsed header and the tensors by name. */
export interface DecodedContainer {
  /** The JSON header (without `tensors`). */
  header: Record<string, unknown>;
  /** The tensors by name (copies, independent of the input bytes). */
  tensors: Map<string, Float32Array | Uint32Array>;
}

/** Reads and validates a container; every problem is a {@link CheckpointError}. */
export function decodeContainer(bytes: Uint8Array, what: string): DecodedContainer {
  if (!(bytes instanceof Uint8Array)) {
    throw new CheckpointError(`${what}: expected a Uint8Array of file bytes`);
  }
  if (bytes.length < PRELUDE_BYTES + CHECKSUM_BYTES) {
    if (MAGIC.some((m, i) => i < bytes.length && bytes[i] !== m)) {
      throw new CheckpointError(`${what}: not a dualphi file (wrong magic number)`);
    }
    throw new CheckpointError(
      `${what}: truncated (${bytes.length} bytes, shorter than the 24-byte frame)`,
    );
  }
  if (MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new CheckpointError(`${what}: not a dualphi file (wrong magic number)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      `${what}: format version ${version} is not supported (this release reads version ${CHECKPOINT_FORMAT_VERSION})`,
    );
  }
  const headerBytes = view.getUint32(12, true);
  const payloadBytes = view.getUint32(16, true);
  const payloadStart = align4(PRELUDE_BYTES + headerBytes);
  const expected = payloadStart + payloadBytes + CHECKSUM_BYTES;
  if (bytes.length < expected) {
    throw new CheckpointError(
      `${what}: truncated (${bytes.length} bytes, the frame states ${expected})`,
    );
  }
  if (bytes.length > expected) {
    throw new CheckpointError(
      `${what}: ${bytes.length - expected} unexpected bytes after the end (the frame states ${expected} bytes)`,
    );
  }
  const stored = view.getUint32(expected - CHECKSUM_BYTES, true);
  const actual = crc32(bytes.subarray(0, expected - CHECKSUM_BYTES));
  if (stored !== actual) {
    throw new CheckpointError(
      `${what}: checksum mismatch (stored CRC-32 ${hex(stored)}, computed ${hex(actual)}): the file is corrupt`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(
        bytes.subarray(PRELUDE_BYTES, PRELUDE_BYTES + headerBytes),
      ),
    );
  } catch (error) {
    throw new CheckpointError(
      `${what}: the header is not valid UTF-8 JSON (${(error as Error).message})`,
    );
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new CheckpointError(`${what}: the header is not a JSON object`);
  }
  const entries = header.tensors;
  if (!Array.isArray(entries)) throw new CheckpointError(`${what}: the header lists no tensors`);
  const tensors = new Map<string, Float32Array | Uint32Array>();
  for (const [i, entry] of (entries as TensorEntry[]).entries()) {
    const ok =
      entry !== null &&
      typeof entry === 'object' &&
      typeof entry.name === 'string' &&
      (entry.type === 'f32' || entry.type === 'u32') &&
      Number.isSafeInteger(entry.length) &&
      entry.length >= 0 &&
      Number.isSafeInteger(entry.offset) &&
      entry.offset >= 0 &&
      entry.offset % 4 === 0 &&
      entry.offset + 4 * entry.length <= payloadBytes;
    if (!ok)
      throw new CheckpointError(
        `${what}: tensor entry ${i} is malformed or lies outside the payload`,
      );
    if (tensors.has(entry.name))
      throw new CheckpointError(`${what}: tensor "${entry.name}" appears twice`);
    const at = payloadStart + entry.offset;
    const values =
      entry.type === 'f32' ? new Float32Array(entry.length) : new Uint32Array(entry.length);
    if (littleEndian) {
      new Uint8Array(values.buffer).set(bytes.subarray(at, at + 4 * entry.length));
    } else {
      for (let k = 0; k < entry.length; k++) {
        values[k] =
          entry.type === 'f32'
            ? view.getFloat32(at + 4 * k, true)
            : view.getUint32(at + 4 * k, true);
      }
    }
    tensors.set(entry.name, values);
  }
  const { tensors: _listed, ...rest } = header;
  return { header: rest, tensors };
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
