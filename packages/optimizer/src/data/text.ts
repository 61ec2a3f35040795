/**
 * File bytes to text, strictly: UTF-8 (with or without a byte-order mark), or UTF-16 when a
 * UTF-16 byte-order mark says so. Bytes that are not valid in that encoding are an error
 * naming the line, never replaced by U+FFFD: a lossy decoder turns the Latin-1 labels `Ä` and
 * `Ö` into the same replacement character, and two classes silently merge into one.
 */
import { DataFormatError } from './types.js';

const LINE_FEED = 0x0a;

/** Encodings {@link decodeText} reads, by their byte-order marks. */
const BYTE_ORDER_MARKS = [
  { encoding: 'utf-16le', bytes: [0xff, 0xfe] },
  { encoding: 'utf-16be', bytes: [0xfe, 0xff] },
  { encoding: 'utf-8', bytes: [0xef, 0xbb, 0xbf] },
] as const;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((byte, i) => bytes[i] === byte);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

/**
 * The first line (1-based) of UTF-8 `bytes` that does not decode, the column (in characters)
 * where the bad sequence starts, and its first byte. A line feed byte (0x0a) never occurs inside a
 * multi-byte UTF-8 sequence, so each line can be checked on its own. Runs only after the whole
 * text failed to decode.
 */
function firstInvalidUtf8Line(bytes: Uint8Array): { line: number; column: number; bad: string } {
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(LINE_FEED, start);
    if (end < 0) end = bytes.length;
    const slice = bytes.subarray(start, end);
    // Byte by byte through a streaming decoder: it throws on the first byte that cannot
    // continue a sequence; `complete` is where the last whole character ended.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let characters = 0;
    let complete = 0;
    let failed = false;
    for (let i = 0; i < slice.length && !failed; i++) {
      try {
        const text = decoder.decode(slice.subarray(i, i + 1), { stream: true });
        if (text.length > 0) {
          characters += text.length;
          complete = i + 1;
        }
      } catch {
        failed = true;
      }
    }
    if (!failed) {
      try {
        decoder.decode(); // an incomplete sequence at the end of the line
      } catch {
        failed = true;
      }
    }
    if (failed) {
      return {
        line,
        column: characters + 1,
        bad: `0x${hex(slice.subarray(complete, complete + 1))}`,
      };
    }
    start = end + 1;
  }
  return { line: 1, column: 1, bad: `0x${hex(bytes.subarray(0, 1))}` };
}

/**
 * Decodes file bytes: UTF-16 (little or big endian) when they start with its byte-order
 * mark, otherwise UTF-8. A UTF-8 byte-order mark is dropped.
 *
 * @param what - names the input in messages, e.g. `'parseCsv'`.
 * @throws DataFormatError naming the line, the column and the bytes that are not valid
 *   UTF-8 (or UTF-16), e.g. Latin-1 or Windows-1252 text.
 */
export function decodeText(bytes: Uint8Array, what: string): string {
  const mark = BYTE_ORDER_MARKS.find(({ bytes: prefix }) => startsWith(bytes, prefix));
  const encoding = mark?.encoding ?? 'utf-8';
  const body = bytes.subarray(mark ? mark.bytes.length : 0);
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    if (encoding !== 'utf-8') {
      throw new DataFormatError(
        `${what}: the text starts with a ${encoding.toUpperCase()} byte-order mark but is not valid ${encoding.toUpperCase()}`,
      );
    }
    const { line, column, bad } = firstInvalidUtf8Line(body);
    throw new DataFormatError(
      `${what}: line ${line} is not UTF-8 (byte ${bad} at column ${column}); the text may be Latin-1 or Windows-1252: convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8)`,
      `line ${line}, column ${column}`,
    );
  }
}
