/**
 * Buffers inside one WebAssembly instance's linear memory.
 *
 * The module exports `alloc(bytes)`/`free(ptr)` over its TLSF heap; this file keeps the
 * TypeScript-side bookkeeping: which blocks are live (so a freed or foreign buffer is caught
 * before a kernel runs), how many bytes are allocated (for leak tests), and typed-array
 * views that are re-created whenever `memory.buffer` has been replaced by growth (growth
 * detaches every old view).
 */
import type { F32Buffer } from './types.js';

/** The raw allocator exports of `dualphi-core.wasm`. */
export interface HeapExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
}

/** Alignment the kernels rely on for `v128` loads; TLSF guarantees it. */
const ALIGNMENT = 16;

/**
 * The largest block AssemblyScript's TLSF allocator hands out: 2³⁰ bytes less its 4-byte
 * block header (BLOCK_MAXSIZE), i.e. just under 2²⁸ f32 values per buffer. Checked here,
 * before the byte count is passed to wasm as an i32 (where 2³² would wrap to 0).
 */
export const MAX_BLOCK_BYTES = 2 ** 30 - 4;

/**
 * The allocator of one instance: allocates f32/i32 blocks, tracks live ones, and keeps a
 * reusable scratch block for small per-call data (such as class-index labels).
 */
export class WasmHeap {
  readonly #exports: HeapExports;
  readonly #live = new Map<number, number>();
  #bytes = 0;
  #scratch: WasmI32Buffer | undefined;

  /** Wraps the allocator exports of one instance. */
  constructor(exports: HeapExports) {
    this.#exports = exports;
  }

  /** The instance's linear memory. */
  get memory(): WebAssembly.Memory {
    return this.#exports.memory;
  }

  /** Bytes currently allocated through this heap (scratch included). */
  allocatedBytes(): number {
    return this.#bytes;
  }

  /** Allocates `bytes` bytes (zero-filled); returns the 16-byte-aligned address. */
  allocBytes(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_BLOCK_BYTES) {
      throw new RangeError(
        `alloc: ${bytes} bytes is not a block size the WebAssembly allocator can give (1 to ${MAX_BLOCK_BYTES} bytes, i.e. at most ${Math.floor(MAX_BLOCK_BYTES / 4)} f32 values per buffer)`,
      );
    }
    let ptr: number;
    try {
      ptr = this.#exports.alloc(bytes) >>> 0;
    } catch (error) {
      throw new RangeError(
        `alloc: cannot allocate ${bytes} bytes in WebAssembly memory (${this.memory.buffer.byteLength} bytes in use)`,
        { cause: error },
      );
    }
    if (ptr === 0 || ptr % ALIGNMENT !== 0) {
      throw new Error(
        `alloc: the allocator returned address ${ptr}, not ${ALIGNMENT}-byte aligned`,
      );
    }
    new Uint8Array(this.memory.buffer, ptr, bytes).fill(0);
    this.#live.set(ptr, bytes);
    this.#bytes += bytes;
    return ptr;
  }

  /** Frees a block from `allocBytes`; freeing an unknown or already freed address is a no-op. */
  freeBytes(ptr: number): void {
    const bytes = this.#live.get(ptr);
    if (bytes === undefined) return;
    this.#live.delete(ptr);
    this.#bytes -= bytes;
    this.#exports.free(ptr);
  }

  /** True while the block at `ptr` is allocated. */
  isLive(ptr: number): boolean {
    return this.#live.has(ptr);
  }

  /** A zero-filled f32 buffer of `length` elements. */
  f32(length: number): WasmF32Buffer {
    return new WasmF32Buffer(this, this.allocBytes(length * 4), length);
  }

  /** A zero-filled i32 buffer of `length` elements. */
  i32(length: number): WasmI32Buffer {
    return new WasmI32Buffer(this, this.allocBytes(length * 4), length);
  }

  /**
   * A scratch i32 block of at least `length` elements, reused across calls and grown as
   * needed, for small per-call inputs (labels) and outputs (argmax). Valid until the next
   * call of `scratchI32`; never free it.
   */
  scratchI32(length: number): WasmI32Buffer {
    const current = this.#scratch;
    if (current !== undefined && current.length >= length) return current;
    current?.free();
    const grown = this.i32(Math.max(length, 2 * (current?.length ?? 0), 64));
    this.#scratch = grown;
    return grown;
  }
}

/** A block of values in wasm memory, shared by the f32 and i32 buffer classes. */
abstract class WasmBlock<View extends Float32Array | Int32Array> {
  readonly #heap: WasmHeap;
  readonly #ptr: number;
  /** Number of elements. */
  readonly length: number;
  #view: View | undefined;
  #freed = false;

  constructor(heap: WasmHeap, ptr: number, length: number) {
    this.#heap = heap;
    this.#ptr = ptr;
    this.length = length;
  }

  /** A typed view of `length` elements at byte offset `ptr` of the (current) memory `buffer`. */
  protected abstract makeView(buffer: ArrayBuffer, ptr: number, length: number): View;

  /** The heap (instance) that owns this block. */
  get heap(): WasmHeap {
    return this.#heap;
  }

  /** Byte address in linear memory; a `TypeError` once freed. */
  get ptr(): number {
    if (this.#freed) throw new TypeError('buffer: used after free()');
    return this.#ptr;
  }

  /** True after `free()`. */
  get freed(): boolean {
    return this.#freed;
  }

  /**
   * A live view, re-created when memory growth has replaced `memory.buffer`; a `TypeError`
   * once freed (the memory may already belong to another buffer).
   */
  get view(): View {
    if (this.#freed) throw new TypeError('buffer: view of a buffer after free()');
    const buffer = this.#heap.memory.buffer;
    if (this.#view === undefined || this.#view.buffer !== buffer) {
      this.#view = this.makeView(buffer, this.#ptr, this.length);
    }
    return this.#view;
  }

  /** Returns the memory to the heap. Idempotent. */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    this.#view = undefined;
    this.#heap.freeBytes(this.#ptr);
  }
}

/** An `F32Buffer` inside one instance's linear memory. */
export class WasmF32Buffer extends WasmBlock<Float32Array> implements F32Buffer {
  /** A Float32Array over the block. */
  protected makeView(buffer: ArrayBuffer, ptr: number, length: number): Float32Array {
    return new Float32Array(buffer, ptr, length);
  }
}

/** An i32 block inside one instance's linear memory (labels, indices). */
export class WasmI32Buffer extends WasmBlock<Int32Array> {
  /** An Int32Array over the block. */
  protected makeView(buffer: ArrayBuffer, ptr: number, length: number): Int32Array {
    return new Int32Array(buffer, ptr, length);
  }
}
