/**
 * Argument checks shared by every kernel wrapper (wasm and reference), so bad input fails
 * in the wrapper with an error that names the kernel, the argument and what is allowed,
 * before any kernel runs. Sizes and ownership are `RangeError`/`TypeError` as the contract
 * in types.ts states.
 */
import type { F32Buffer } from './types.js';

/** The largest element count a kernel accepts: 2³⁰ f32 values fill a 4 GiB wasm memory. */
export const MAX_ELEMENTS = 2 ** 30;

function describe(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return String(value);
}

/** `value` as a size: an integer in [1, 2³⁰]; otherwise a `RangeError`. */
export function positiveInteger(kernel: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ELEMENTS) {
    throw new RangeError(
      `${kernel}: "${name}" must be a positive integer (at most ${MAX_ELEMENTS}), got ${describe(value)}`,
    );
  }
  return value;
}

/**
 * The product of sizes (already checked by `positiveInteger`), a `RangeError` when it
 * exceeds what one wasm memory can hold. `text` names the product, e.g. "m·n".
 */
export function elementCount(kernel: string, text: string, ...factors: number[]): number {
  const count = factors.reduce((product, factor) => product * factor, 1);
  if (count > MAX_ELEMENTS) {
    throw new RangeError(
      `${kernel}: ${text} = ${count} exceeds the ${MAX_ELEMENTS} elements one WebAssembly memory can hold`,
    );
  }
  return count;
}

/** Bounds for `finiteNumber`. */
export interface NumberRange {
  /** Lower bound. */
  min?: number;
  /** Whether `min` itself is allowed (default true). */
  minInclusive?: boolean;
  /** Upper bound. */
  max?: number;
  /** Whether `max` itself is allowed (default true). */
  maxInclusive?: boolean;
}

function rangeText(range: NumberRange): string {
  const parts: string[] = [];
  if (range.min !== undefined)
    parts.push(`${range.minInclusive === false ? '>' : '≥'} ${range.min}`);
  if (range.max !== undefined)
    parts.push(`${range.maxInclusive === false ? '<' : '≤'} ${range.max}`);
  return parts.length === 0 ? '' : ` ${parts.join(' and ')}`;
}

/**
 * `value` as a finite hyper-parameter within `range`; otherwise a `RangeError` such as
 * `heavyBall: "learningRate" must be a finite number > 0, got NaN`.
 */
export function finiteNumber(
  kernel: string,
  name: string,
  value: unknown,
  range: NumberRange = {},
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (range.min === undefined ||
      (range.minInclusive === false ? value > range.min : value >= range.min)) &&
    (range.max === undefined ||
      (range.maxInclusive === false ? value < range.max : value <= range.max));
  if (!ok) {
    throw new RangeError(
      `${kernel}: "${name}" must be a finite number${rangeText(range)}, got ${describe(value)}`,
    );
  }
  return value as number;
}

/** An optional boolean option: `undefined` gives `fallback`, anything but a boolean is a `TypeError`. */
export function optionalBoolean(
  kernel: string,
  name: string,
  value: unknown,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new TypeError(`${kernel}: "${name}" must be true or false, got ${describe(value)}`);
  }
  return value;
}

/**
 * Checks that `buffer` is a live `F32Buffer` accepted by `owns` (the kernel set's own
 * buffer class) holding at least `needed` values; `neededText` says where the count comes
 * from ("m·n"). Returns the buffer narrowed to the owner's class.
 *
 * Errors: `TypeError` for something that is not one of this kernel set's buffers, or a
 * freed one; `RangeError` for a buffer too small, e.g.
 * `gemm: argument "c" holds 12 values but m·n = 15 are needed`.
 */
export function checkBuffer<Owned extends F32Buffer>(
  kernel: string,
  name: string,
  buffer: unknown,
  owns: (buffer: F32Buffer) => buffer is Owned,
  needed: number,
  neededText: string,
): Owned {
  if (
    typeof buffer !== 'object' ||
    buffer === null ||
    !('length' in buffer) ||
    !('freed' in buffer)
  ) {
    throw new TypeError(
      `${kernel}: argument "${name}" must be an F32Buffer allocated by this kernel set, got ${describe(buffer)}`,
    );
  }
  const candidate = buffer as F32Buffer;
  if (candidate.freed) {
    throw new TypeError(`${kernel}: argument "${name}" has been freed`);
  }
  if (!owns(candidate)) {
    throw new TypeError(
      `${kernel}: argument "${name}" belongs to another kernel set; allocate it with this one's alloc()`,
    );
  }
  if (candidate.length < needed) {
    throw new RangeError(
      `${kernel}: argument "${name}" holds ${candidate.length} values but ${neededText} = ${needed} are needed`,
    );
  }
  return candidate;
}

/**
 * Checks an `Int32Array` (or number array) argument holds at least `needed` values, each an
 * integer in [0, bound); returns it as an `Int32Array`-compatible array.
 */
export function checkIndices(
  kernel: string,
  name: string,
  values: unknown,
  needed: number,
  neededText: string,
  bound: number,
): ArrayLike<number> {
  if (!(values instanceof Int32Array) && !Array.isArray(values)) {
    throw new TypeError(
      `${kernel}: argument "${name}" must be an Int32Array or an array of integers, got ${describe(values)}`,
    );
  }
  if (values.length < needed) {
    throw new RangeError(
      `${kernel}: argument "${name}" holds ${values.length} values but ${neededText} = ${needed} are needed`,
    );
  }
  for (let i = 0; i < needed; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= bound) {
      throw new RangeError(
        `${kernel}: argument "${name}"[${i}] must be an integer in [0, ${bound}), got ${describe(v)}`,
      );
    }
  }
  return values;
}
