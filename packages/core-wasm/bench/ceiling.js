/**
 * An upper bound for GEMM on this machine, measured rather than assumed: the 4 × 8 inner
 * loop of the micro-kernel (two f32x4 loads of B, four broadcast loads of A, eight
 * f32x4.mul + f32x4.add per step) run over panels that stay in L1, so no packing, no cache
 * misses and no edges. Without relaxed SIMD there is no fused multiply-add, so the bound
 * depends on how many vector ports execute mul and add on this CPU (on the AMD Zen 5 the targets were set
 * on, about 71.5 GFLOP/s; Intel cores have fewer such ports). The probe is
 * compiled from AssemblyScript at bench time so the shipped module carries no bench code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEPTH = 256;

/** The probe's source; `fused` uses relaxed SIMD's f32x4.relaxed_madd for each multiply-add. */
const source = (fused) => {
  // One multiply-add c += a·b.
  const madd = fused
    ? (c, a, b) => `${c} = f32x4.relaxed_madd(${a}, ${b}, ${c});`
    : (c, a, b) => `${c} = f32x4.add(${c}, f32x4.mul(${a}, ${b}));`;
  return `
const A: usize = 16384; // 4 × ${DEPTH} f32, 4 KiB
const B: usize = 32768; // ${DEPTH} × 8 f32, 8 KiB
export function innerLoop(repeats: i32): f32 {
  let c00 = f32x4.splat(0); let c01 = f32x4.splat(0); let c10 = f32x4.splat(0); let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0); let c21 = f32x4.splat(0); let c30 = f32x4.splat(0); let c31 = f32x4.splat(0);
  for (let r = 0; r < repeats; r++) {
    let ap = A;
    let bp = B;
    for (let p = 0; p < ${DEPTH}; p++) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      const a0 = v128.load32_splat(ap);
      ${madd('c00', 'a0', 'b0')} ${madd('c01', 'a0', 'b1')}
      const a1 = v128.load32_splat(ap, 4);
      ${madd('c10', 'a1', 'b0')} ${madd('c11', 'a1', 'b1')}
      const a2 = v128.load32_splat(ap, 8);
      ${madd('c20', 'a2', 'b0')} ${madd('c21', 'a2', 'b1')}
      const a3 = v128.load32_splat(ap, 12);
      ${madd('c30', 'a3', 'b0')} ${madd('c31', 'a3', 'b1')}
      ap += 16;
      bp += 32;
    }
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c00, c01), f32x4.add(c10, c11)),
                      f32x4.add(f32x4.add(c20, c21), f32x4.add(c30, c31)));
  return f32x4.extract_lane(s, 0);
}
`;
};

/** Passes over the panels per probe call (about 1 ms). */
const REPEATS_PER_CALL = 2000;

/** FLOPs of one probe call: 4 × 8 multiply-adds per step, DEPTH steps per pass. */
export const CEILING_FLOPS_PER_CALL = REPEATS_PER_CALL * 2 * 4 * 8 * DEPTH;

/**
 * Compiles the probe with the `asc` command line in a child process (compiling in this
 * process would load Binaryen's own large wasm, whose background tier-up compilations
 * delay V8's tier-up of the probe), instantiates it, and returns a function that runs it
 * once and reports GFLOP/s.
 * With `fused`, the same loop with relaxed SIMD's fused multiply-add, or undefined where the
 * engine does not validate relaxed SIMD.
 * @param {boolean} [fused]
 * @returns {Promise<(() => number) | undefined>}
 */
export async function ceilingProbe(fused = false) {
  const dir = mkdtempSync(join(tmpdir(), 'dualphi-ceiling-'));
  let binary;
  try {
    writeFileSync(join(dir, 'probe.ts'), source(fused));
    const ascBin = createRequire(import.meta.url).resolve('assemblyscript/bin/asc.js');
    execFileSync(
      process.execPath,
      [
        ascBin,
        'probe.ts',
        '-O3',
        '--runtime',
        'stub',
        '--enable',
        fused ? 'simd,relaxed-simd' : 'simd',
        '--noAssert',
        '--initialMemory',
        '1',
        '-o',
        'probe.wasm',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    binary = readFileSync(join(dir, 'probe.wasm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Relaxed SIMD needs --experimental-wasm-relaxed-simd on Node 20 (on by default from 21).
  if (fused && !WebAssembly.validate(binary)) return undefined;
  const { instance } = await WebAssembly.instantiate(binary, { env: { abort() {} } });
  const innerLoop = /** @type {(repeats: number) => number} */ (instance.exports.innerLoop);
  return () => {
    const start = performance.now();
    innerLoop(REPEATS_PER_CALL);
    const seconds = (performance.now() - start) / 1000;
    return CEILING_FLOPS_PER_CALL / seconds / 1e9;
  };
}
