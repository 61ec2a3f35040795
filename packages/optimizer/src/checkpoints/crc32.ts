/**
 * CRC-32 (the IEEE 802.3 / zlib / PNG polynomial 0xEDB88320, reflected), used as the
 * checksum of checkpoint files: it detects every single flipped bit and every burst of up to
 * 32 bits, which is what a truncated download or a damaged disk produces.
 */

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * The CRC-32 of `bytes` as an unsigned 32-bit integer (CRC-32 of "123456789" is 0xCBF43926).
 *
 * @throws TypeError unless `bytes` is a Uint8Array (a string's CRC would be of its UTF-16
 *   code units masked to bytes, not of its encoding).
 */
export function crc32(bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `crc32: expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes} (encode strings first, e.g. new TextEncoder().encode(text))`,
    );
  }
  const t = crcTable();
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = t[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
