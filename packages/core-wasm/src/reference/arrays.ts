/** The array types of the reference functions. */

/** The arrays an update writes: Float32Array (a kernel set's buffers) or Float64Array. */
export type FloatArray = Float32Array | Float64Array;

/** Values a function only reads: a typed array or a plain `number[]`. */
export type Numbers = ArrayLike<number>;
