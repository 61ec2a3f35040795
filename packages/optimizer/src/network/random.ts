/**
 * A small seeded pseudo-random number generator with a state you can save and restore, so
 * that initialisation and shuffling are reproducible and a resumed run continues the same
 * stream. The generator is sfc32 (Chris Doty-Humphrey's "small fast counting" generator from
 * PractRand): 128 bits of state, passes PractRand and BigCrush, and needs only 32-bit integer
 * arithmetic, which JavaScript does exactly.
 */
import type { RandomState } from './types.js';

/** A seeded sfc32 generator. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  private constructor(a: number, b: number, c: number, d: number) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.d = d >>> 0;
  }

  /**
   * A generator seeded from a safe integer (every seed in [0, 2³²) gives a different
   * generator). The seed is spread over the state with splitmix32 and the first outputs are discarded, as sfc32's
   * author recommends. Different `stream` numbers give independent generators from one seed
   * (e.g. one for initialisation, one for shuffling).
   */
  static fromSeed(seed: number, stream = 0): Random {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Random: seed must be a safe integer, got ${seed}`);
    }
    if (!Number.isSafeInteger(stream) || stream < 0) {
      throw new RangeError(`Random: stream must be a non-negative integer, got ${stream}`);
    }
    let s = ((seed >>> 0) ^ Math.imul(Math.floor(seed / 0x1_0000_0000) | 0, 0x27d4eb2f)) | 0;
    s = (s ^ Math.imul(stream, 0x6d2b79f5)) | 0;
    const next = (): number => {
      // splitmix32 (a 32-bit variant of Steele, Lea and Flood's SplitMix)
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    const random = new Random(next(), next(), next(), 1);
    for (let i = 0; i < 12; i++) random.nextUint32();
    return random;
  }

  /** A generator continuing exactly from a saved {@link RandomState}. */
  static fromState(state: RandomState): Random {
    if (state === null || typeof state !== 'object' || state.algorithm !== 'sfc32') {
      throw new TypeError(
        `Random: unsupported generator state (algorithm ${JSON.stringify(
          (state as { algorithm?: unknown } | null)?.algorithm,
        )}, expected "sfc32")`,
      );
    }
    const words = state.state;
    if (
      !Array.isArray(words) ||
      words.length !== 4 ||
      !words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff_ffff)
    ) {
      throw new TypeError('Random: state must be four unsigned 32-bit integers');
    }
    return new Random(words[0], words[1], words[2], words[3]);
  }

  /** The current state; `Random.fromState(r.state())` continues the same stream. */
  state(): RandomState {
    return { algorithm: 'sfc32', state: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0] };
  }

  /** A copy of this generator at its current position. */
  clone(): Random {
    return new Random(this.a, this.b, this.c, this.d);
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform number in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** A uniform integer in [0, n) without modulo bias (rejection sampling), n in [1, 2³²]. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000) {
      throw new RangeError(`Random.nextInt: n must be an integer in [1, 2^32], got ${n}`);
    }
    // Accept only draws below the largest multiple of n that fits in 32 bits.
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** A uniformly random permutation of 0 … n − 1 (Fisher–Yates). */
  permutation(n: number): Uint32Array {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
