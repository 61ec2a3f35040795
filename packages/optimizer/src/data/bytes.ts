/**
 * Byte-level helpers: gzip detected by its magic bytes and inflated with fflate; base64.
 */
import { gunzipSync } from 'fflate';
import { DataFormatError } from './types.js';

/**
 * True when `bytes` start with the gzip magic number 1f 8b.
 *
 * @throws TypeError unless `bytes` is a Uint8Array.
 */
export function isGzip(bytes: Uint8Array): boolean {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `isGzip: expected a Uint8Array of file bytes, got ${bytes === null ? 'null' : typeof bytes}`,
    );
  }
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * `bytes` inflated when they are gzip (magic 1f 8b), else `bytes` unchanged.
 *
 * @throws DataFormatError when the gzip stream is corrupt or truncated.
 */
export function maybeGunzip(bytes: Uint8Array, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${what}: expected a Uint8Array of file bytes, got ${typeof bytes}`);
  }
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new DataFormatError(
      `${what}: the gzip stream is corrupt or truncated (${(error as Error).message})`,
    );
  }
}

/** Decodes base64 (works in Node ≥ 16 and browsers through the global `atob`). */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
