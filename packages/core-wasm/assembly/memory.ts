/**
 * The linear-memory allocator the TypeScript side manages buffers with.
 *
 * Under the `minimal` runtime `heap.alloc`/`heap.free` are AssemblyScript's TLSF allocator:
 * freed blocks are reused and coalesced, so memory stays bounded when buffers are freed.
 * TLSF aligns every block's payload to 16 bytes (AL_SIZE), which the f32x4 kernels rely on
 * for `v128.load`/`v128.store` of whole rows.
 */

/** Allocates `bytes` bytes (16-byte aligned); traps when memory cannot grow. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Returns a block obtained from `alloc` to the allocator. */
export function free(ptr: usize): void {
  heap.free(ptr);
}

/** Current size of the linear memory in 64 KiB pages. */
export function memoryPages(): i32 {
  return memory.size();
}
