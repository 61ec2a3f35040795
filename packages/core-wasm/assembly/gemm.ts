/**
 * General matrix product C = α·op(A)·op(B) + β·C over row-major f32 matrices.
 *
 * The structure follows Goto & van de Geijn, "Anatomy of high-performance matrix
 * multiplication" (ACM TOMS 34(3), 2008): op(B) is packed one KC × NC block at a time,
 * op(A) one MC × KC block at a time, and a 4 × 8 register-blocked micro-kernel multiplies
 * a 4-row panel of A by an 8-column panel of B. Eight f32x4 accumulators, two B vectors
 * and one broadcast A value fit x64's sixteen xmm registers; 6 × 8 spills and runs at half
 * speed. Transposes happen while packing, so all four transpose combinations run the same
 * micro-kernel at the same speed; edges are zero-padded in the packed panels, so
 * there is no scalar edge path inside the k loop. α is folded into the packed A panel.
 *
 * A dense layer's epilogue — its bias, then ReLU — can run inside the product
 * (`gemmRegion`'s `bias` and `relu`): each thread applies it to its own region of C right
 * after computing it, while the region is still in cache, instead of two more passes over
 * the whole of C on the main thread. The arithmetic is `biasAdd`'s and `relu`'s, element by
 * element, so the result is bit-identical to the product followed by those two kernels.
 */

/** Rows of the micro-kernel tile. */
const MR: i32 = 4;
/** Columns of the micro-kernel tile (two f32x4 vectors). */
const NR: i32 = 8;
/**
 * Maximum depth of a packed block: a 4 × KC A panel (8 KiB) plus an 8 × KC B panel (16 KiB)
 * stay in a 48 KiB L1. Deeper blocks mean fewer passes that load and store the C tiles.
 */
const KC: i32 = 512;
/** Rows of a packed A block: MC × KC × 4 bytes = 256 KiB, kept in L2. */
const MC: i32 = 128;
/** Columns of a packed B block: KC × NC × 4 bytes = 1 MiB, kept in L2/L3. */
const NC: i32 = 512;

// The packing buffer (the A block, then the B block): allocated on first use and grown
// (never beyond the block sizes above), so repeated calls allocate nothing and memory stays
// bounded.
let pack: usize = 0;
let packCapacity: usize = 0;
/** A 4 × 8 tile the micro-kernel writes to when its C tile crosses the matrix edge. */
let edgeTile: usize = 0;
/** The module's own edge tile, for `gemm` (worker threads pass theirs to `gemmRegion`). */
let ownEdgeTile: usize = 0;

/** How a finished tile combines with the old C: overwrite, add, or scale old C by β first. */
const STORE_OVERWRITE: i32 = 0;
const STORE_ADD: i32 = 1;
const STORE_BETA: i32 = 2;

function ensurePack(bytes: usize): usize {
  if (bytes > packCapacity) {
    if (pack !== 0) heap.free(pack);
    pack = heap.alloc(bytes);
    packCapacity = bytes;
  }
  return pack;
}

function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

/**
 * Stores the 4 × 4 transpose of the rows r0…r3: column j of the rows (as one vector) at
 * dst + j·step bytes. Both packers transpose in registers with it, so they write whole
 * vectors. Inlined at both call sites (`inline.always`), as it runs once per 4 × 4 tile.
 */
function storeTransposed(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, step: usize): void {
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + step, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * step, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

/**
 * Packs `depth` steps of a panel `width` lanes wide (MR for A, NR for B) one element at a
 * time, in the layout of the vector paths (depth-major, `width` values per step): lane l at
 * step p is read at src + l·laneStride + p·depthStride (in elements) and scaled (by α for
 * A, by 1 for B, which is exact); lanes from `lanes` on are 0. It packs what the vector paths
 * do not fit: the panels that cross the matrix edge, and depth tails shorter than a 4 × 4
 * tile. Both packers inline it (`inline.always`); measured as fast as the separate loops it
 * replaced.
 */
function packStrided(
  src: usize,
  laneStride: usize,
  depthStride: usize,
  lanes: i32,
  width: i32,
  depth: i32,
  scale: f32,
  panel: usize,
): void {
  const laneBytes = laneStride << 2;
  const depthBytes = depthStride << 2;
  for (let p = 0; p < depth; p++) {
    let lane = src + <usize>p * depthBytes;
    let l = 0;
    for (; l < lanes; l++) {
      store<f32>(panel + ((<usize>l) << 2), load<f32>(lane) * scale);
      lane += laneBytes;
    }
    for (; l < width; l++) store<f32>(panel + ((<usize>l) << 2), 0);
    panel += (<usize>width) << 2;
  }
}

/**
 * Packs rows [ic, ic + mc) and depth [pc, pc + kc) of op(A), scaled by α, into 4-row
 * panels: panel r holds op(A)[ic + 4r + i, pc + p] · α at index p·4 + i. Rows past m are 0.
 */
function packBlockA(
  a: usize,
  transA: bool,
  m: i32,
  k: i32,
  ic: i32,
  mc: i32,
  pc: i32,
  kc: i32,
  alpha: f32,
  dst: usize,
): void {
  const alphaV = f32x4.splat(alpha);
  // op(A)[i, p] is at i·k + p when A is m × k, at p·m + i when A is stored k × m.
  const rowStride: usize = transA ? 1 : <usize>k;
  const depthStride: usize = transA ? <usize>m : 1;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    let panel = dst + ((<usize>ir * <usize>kc) << 2);
    const src = a + ((<usize>(ic + ir) * rowStride + <usize>pc * depthStride) << 2);
    let p = 0;
    if (rows === MR) {
      if (!transA) {
        // Four rows are read in 4 × 4 tiles and transposed in registers.
        const stride = rowStride << 2;
        for (; p + 4 <= kc; p += 4) {
          const s = src + ((<usize>p) << 2);
          inline.always(
            storeTransposed(
              f32x4.mul(v128.load(s), alphaV),
              f32x4.mul(v128.load(s + stride), alphaV),
              f32x4.mul(v128.load(s + 2 * stride), alphaV),
              f32x4.mul(v128.load(s + 3 * stride), alphaV),
              panel,
              16,
            ),
          );
          panel += 64;
        }
      } else {
        // The four rows of one step are contiguous.
        const stride = depthStride << 2;
        for (; p < kc; p++) {
          v128.store(panel, f32x4.mul(v128.load(src + <usize>p * stride), alphaV));
          panel += 16;
        }
      }
    }
    const rest = src + ((<usize>p * depthStride) << 2);
    inline.always(packStrided(rest, rowStride, depthStride, rows, MR, kc - p, alpha, panel));
  }
}

/**
 * Packs depth [pc, pc + kc) and columns [jc, jc + nc) of op(B) into 8-column panels:
 * panel s holds op(B)[pc + p, jc + 8s + j] at index p·8 + j. Columns past n are 0.
 */
function packBlockB(
  b: usize,
  transB: bool,
  n: i32,
  k: i32,
  jc: i32,
  nc: i32,
  pc: i32,
  kc: i32,
  dst: usize,
): void {
  // op(B)[p, j] is at p·n + j when B is k × n, at j·k + p when B is stored n × k.
  const colStride: usize = transB ? <usize>k : 1;
  const depthStride: usize = transB ? 1 : <usize>n;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    let panel = dst + ((<usize>jr * <usize>kc) << 2);
    const src = b + ((<usize>(jc + jr) * colStride + <usize>pc * depthStride) << 2);
    let p = 0;
    if (cols === NR) {
      if (!transB) {
        // The eight columns of one step are contiguous.
        const stride = depthStride << 2;
        for (; p < kc; p++) {
          const s = src + <usize>p * stride;
          v128.store(panel, v128.load(s));
          v128.store(panel, v128.load(s, 16), 16);
          panel += 32;
        }
      } else {
        // Eight rows of B are read in two 4 × 4 tiles per four steps, transposed in registers.
        const stride = colStride << 2;
        for (; p + 4 <= kc; p += 4) {
          const s = src + ((<usize>p) << 2);
          for (let half = 0; half < 2; half++) {
            const base = s + <usize>(half * 4) * stride;
            inline.always(
              storeTransposed(
                v128.load(base),
                v128.load(base + stride),
                v128.load(base + 2 * stride),
                v128.load(base + 3 * stride),
                panel + ((<usize>half) << 4),
                32,
              ),
            );
          }
          panel += 128;
        }
      }
    }
    const rest = src + ((<usize>p * depthStride) << 2);
    inline.always(packStrided(rest, colStride, depthStride, cols, NR, kc - p, 1, panel));
  }
}

/** Writes one 8-wide row of a finished tile into C according to the store mode. */
function storeRow(cp: usize, lo: v128, hi: v128, mode: i32, betaV: v128): void {
  if (mode === STORE_OVERWRITE) {
    v128.store(cp, lo);
    v128.store(cp, hi, 16);
  } else if (mode === STORE_ADD) {
    v128.store(cp, f32x4.add(v128.load(cp), lo));
    v128.store(cp, f32x4.add(v128.load(cp, 16), hi), 16);
  } else {
    v128.store(cp, f32x4.add(f32x4.mul(v128.load(cp), betaV), lo));
    v128.store(cp, f32x4.add(f32x4.mul(v128.load(cp, 16), betaV), hi), 16);
  }
}

/**
 * c + a·b lane by lane: the micro-kernel's one multiply-add. The relaxed-SIMD builds
 * (`--enable relaxed-simd`, asconfig targets "relaxed" and "shared-relaxed") issue
 * `f32x4.relaxed_madd`, which the engine runs as one fused multiply-add where the CPU has
 * one (a single rounding) and as a multiply and an add otherwise; the SIMD128 builds issue
 * `f32x4.mul` then `f32x4.add` (two roundings). The switch is the compiler's feature constant,
 * so each build contains only its own instruction and the micro-kernel is written once for
 * all four builds (rather than a second copy of this file, or a per-build module that the
 * four asconfig targets would have to swap in). Nothing else in the core differs between
 * builds: only the GEMM gains from fusing.
 */
function multiplyAdd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * The 4 × 8 micro-kernel: the product of a packed 4 × kc A panel and a packed kc × 8 B
 * panel, combined into the C tile at `c` (row stride `ldc` elements). A tile that crosses
 * the edge of C (`rows` < 4 or `cols` < 8) goes through `edgeTile` so nothing outside C is
 * touched.
 */
function microKernel(
  ap: usize,
  bp: usize,
  kc: i32,
  c: usize,
  ldc: i32,
  rows: i32,
  cols: i32,
  mode: i32,
  beta: f32,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const a0 = v128.load32_splat(ap);
    c00 = multiplyAdd(a0, b0, c00);
    c01 = multiplyAdd(a0, b1, c01);
    const a1 = v128.load32_splat(ap, 4);
    c10 = multiplyAdd(a1, b0, c10);
    c11 = multiplyAdd(a1, b1, c11);
    const a2 = v128.load32_splat(ap, 8);
    c20 = multiplyAdd(a2, b0, c20);
    c21 = multiplyAdd(a2, b1, c21);
    const a3 = v128.load32_splat(ap, 12);
    c30 = multiplyAdd(a3, b0, c30);
    c31 = multiplyAdd(a3, b1, c31);
    ap += 16;
    bp += 32;
  }
  const betaV = f32x4.splat(beta);
  if (rows === MR && cols === NR) {
    const stride = (<usize>ldc) << 2;
    storeRow(c, c00, c01, mode, betaV);
    storeRow(c + stride, c10, c11, mode, betaV);
    storeRow(c + 2 * stride, c20, c21, mode, betaV);
    storeRow(c + 3 * stride, c30, c31, mode, betaV);
    return;
  }
  const t = edgeTile;
  v128.store(t, c00);
  v128.store(t, c01, 16);
  v128.store(t, c10, 32);
  v128.store(t, c11, 48);
  v128.store(t, c20, 64);
  v128.store(t, c21, 80);
  v128.store(t, c30, 96);
  v128.store(t, c31, 112);
  for (let i = 0; i < rows; i++) {
    const row = c + ((<usize>i * <usize>ldc) << 2);
    for (let j = 0; j < cols; j++) {
      const cp = row + ((<usize>j) << 2);
      const v = load<f32>(t + ((<usize>(i * NR + j)) << 2));
      if (mode === STORE_OVERWRITE) store<f32>(cp, v);
      else if (mode === STORE_ADD) store<f32>(cp, load<f32>(cp) + v);
      else store<f32>(cp, load<f32>(cp) * beta + v);
    }
  }
}

/** C[i0..i1, j0..j1] = β·C (β = 0 writes zeros, so NaN in the old C does not survive). */
function scaleRegion(c: usize, n: i32, i0: i32, i1: i32, j0: i32, j1: i32, beta: f32): void {
  if (beta === 1) return;
  for (let i = i0; i < i1; i++) {
    const row = c + ((<usize>i * <usize>n + <usize>j0) << 2);
    const count = <usize>(j1 - j0);
    if (beta === 0) {
      memory.fill(row, 0, count << 2);
      continue;
    }
    for (let j: usize = 0; j < count; j++) {
      const cp = row + (j << 2);
      store<f32>(cp, load<f32>(cp) * beta);
    }
  }
}

/**
 * C[i0..i1, j0..j1] += bias[j] (when `bias` is not 0), then max(0, ·) (when `relu`): the
 * arithmetic of `biasAdd` and `relu` (bias.ts, activations.ts), per element, so splitting C
 * into regions or fusing the passes changes no bit. pmax(0, x) maps NaN and −0 to 0, as the
 * scalar x > 0 ? x : 0 does.
 */
function epilogue(
  c: usize,
  n: i32,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  bias: usize,
  relu: i32,
): void {
  const zero = f32x4.splat(0);
  for (let i = i0; i < i1; i++) {
    const row = c + ((<usize>i * <usize>n) << 2);
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const offset = (<usize>j) << 2;
      let v = v128.load(row + offset);
      if (bias !== 0) v = f32x4.add(v, v128.load(bias + offset));
      if (relu !== 0) v = f32x4.pmax(zero, v);
      v128.store(row + offset, v);
    }
    for (; j < j1; j++) {
      const offset = (<usize>j) << 2;
      let v = load<f32>(row + offset);
      if (bias !== 0) v += load<f32>(bias + offset);
      // biome-ignore lint/complexity/useMathMinMax: NaN must map to 0, as pmax does above
      if (relu !== 0) v = v > 0 ? v : 0;
      store<f32>(row + offset, v);
    }
  }
}

/** Depth of each packed block for depth k: equal blocks of at most KC (a function of k only). */
function depthBlock(k: i32): i32 {
  // Depth blocks of equal size (e.g. k = 784 → 2 × 392, not 512 + 272): a short last block
  // would pay the C-tile load/store of a whole pass for a few steps of work.
  const kBlocks = (k + KC - 1) / KC;
  return (k + kBlocks - 1) / kBlocks;
}

/**
 * Bytes of packing space `gemmRegion` needs for a region of at most `rows` × `cols` of C at
 * depth k (the A block, then the B block).
 */
export function gemmPackBytes(rows: i32, cols: i32, k: i32): usize {
  const kcMax = depthBlock(k);
  return (
    ((<usize>min(MC, roundUp(rows, MR)) * <usize>kcMax) << 2) +
    ((<usize>min(NC, roundUp(cols, NR)) * <usize>kcMax) << 2)
  );
}

/**
 * The rows [i0, i1) and columns [j0, j1) of C = α·op(A)·op(B) + β·C, then the epilogue (the
 * bias at `bias` added per column when not 0, then ReLU when `relu` is 1), with the caller's
 * packing space (`gemmPackBytes(i1 − i0, j1 − j0, k)` bytes at `pack`, 16-byte aligned) and
 * edge tile (128 bytes at `edge`). Every element of C is summed in the same order whatever
 * region it falls in (the depth blocks depend on k only, and each lane of a tile accumulates
 * on its own), so splitting C into regions computed by different threads gives results
 * bit-identical to one call over the whole of C. It never allocates, so worker threads that
 * share the memory can run it while the main thread owns the allocator.
 */
export function gemmRegion(
  transA: i32,
  transB: i32,
  m: i32,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  b: usize,
  beta: f32,
  c: usize,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  pack: usize,
  edge: usize,
  bias: usize,
  relu: i32,
): void {
  if (i0 >= i1 || j0 >= j1) return;
  if (alpha === 0) {
    scaleRegion(c, n, i0, i1, j0, j1, beta);
  } else {
    edgeTile = edge;
    const kcMax = depthBlock(k);
    // The A block's size is a multiple of 16 bytes (its row count is a multiple of MR), so the
    // B block after it stays 16-byte aligned.
    const pa = pack;
    const pb = pa + ((<usize>min(MC, roundUp(i1 - i0, MR)) * <usize>kcMax) << 2);
    const firstMode = beta === 0 ? STORE_OVERWRITE : beta === 1 ? STORE_ADD : STORE_BETA;
    for (let jc = j0; jc < j1; jc += NC) {
      const nc = min(NC, j1 - jc);
      for (let pc = 0; pc < k; pc += kcMax) {
        const kc = min(kcMax, k - pc);
        packBlockB(b, transB !== 0, n, k, jc, nc, pc, kc, pb);
        const mode = pc === 0 ? firstMode : STORE_ADD;
        for (let ic = i0; ic < i1; ic += MC) {
          const mc = min(MC, i1 - ic);
          packBlockA(a, transA !== 0, m, k, ic, mc, pc, kc, alpha, pa);
          for (let jr = 0; jr < nc; jr += NR) {
            const cols = min(NR, nc - jr);
            const bPanel = pb + ((<usize>jr * <usize>kc) << 2);
            for (let ir = 0; ir < mc; ir += MR) {
              const rows = min(MR, mc - ir);
              const cTile = c + ((<usize>(ic + ir) * <usize>n + <usize>(jc + jr)) << 2);
              microKernel(
                pa + ((<usize>ir * <usize>kc) << 2),
                bPanel,
                kc,
                cTile,
                n,
                rows,
                cols,
                mode,
                beta,
              );
            }
          }
        }
      }
    }
  }
  if (bias !== 0 || relu !== 0) epilogue(c, n, i0, i1, j0, j1, bias, relu);
}

/**
 * C = α·op(A)·op(B) + β·C with op(A) m × k and op(B) k × n, all row-major and unpadded:
 * A is m × k (k × m when transA), B is k × n (n × k when transB), C is m × n. With β = 0
 * the old contents of C are ignored. Then the epilogue: + bias[j] per column (`bias` ≠ 0,
 * n values) and ReLU (`relu` = 1). Sizes must be ≥ 1 (checked by the TypeScript wrapper).
 * The whole of C as one region, with the module's own packing space.
 */
export function gemm(
  transA: i32,
  transB: i32,
  m: i32,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  b: usize,
  beta: f32,
  c: usize,
  bias: usize,
  relu: i32,
): void {
  const pa: usize = alpha === 0 ? <usize>0 : ensurePack(gemmPackBytes(m, n, k));
  if (ownEdgeTile === 0) ownEdgeTile = heap.alloc(MR * NR * 4);
  gemmRegion(
    transA,
    transB,
    m,
    n,
    k,
    alpha,
    a,
    b,
    beta,
    c,
    0,
    m,
    0,
    n,
    pa,
    ownEdgeTile,
    bias,
    relu,
  );
}

/**
 * 1 when this build's GEMM micro-kernel uses `f32x4.relaxed_madd` (the relaxed-SIMD builds),
 * 0 for the SIMD128 builds: the module itself says which build it is, so the loader reports
 * the build of a module it was handed (`module`, `bytes`, `url`) and not the one it guessed.
 */
export function gemmRelaxedSimd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
