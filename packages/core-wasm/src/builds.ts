/**
 * The two kernel builds and which one a `loadKernels()` call gets. `simd128` is the core
 * compiled for 128-bit WebAssembly SIMD, which every supported engine runs. `relaxed-simd`
 * is the same core whose GEMM micro-kernel issues `f32x4.relaxed_madd` (relaxed SIMD,
 * https://github.com/WebAssembly/relaxed-simd) in place of a multiply and an add: one fused
 * multiply-add where the CPU has one. Engines with relaxed SIMD: Chrome ≥ 114, Firefox ≥ 145,
 * Node ≥ 21 (Node 20 behind `--experimental-wasm-relaxed-simd`).
 *
 * `relaxed_madd` rounds once or twice at the engine's choice, so the two builds' products
 * differ in the last bits: results are bit-identical for one build on one engine and CPU, not
 * across builds (checkpoints record the build for that reason).
 */

/** A kernel build: `simd128` (multiply then add) or `relaxed-simd` (fused multiply-add). */
export type KernelBuild = 'simd128' | 'relaxed-simd';

/** What `loadKernels({ build })` accepts: a build, or `'auto'` (the fastest the engine runs). */
export type KernelBuildOption = KernelBuild | 'auto';

/** The builds, in the order `'auto'` prefers them last to first. */
export const kernelBuilds: readonly KernelBuild[] = ['simd128', 'relaxed-simd'];

/** The `Kernels.name` of each build, as run records and checkpoints' companions record it. */
export const kernelBuildNames = {
  /** The SIMD128 build's kernels. */
  simd128: 'wasm-simd',
  /** The relaxed-SIMD build's kernels. */
  'relaxed-simd': 'wasm-relaxed-simd',
} as const satisfies Record<KernelBuild, string>;

/**
 * The smallest module that uses a relaxed-SIMD instruction: one function
 * (v128, v128, v128) → v128 returning `f32x4.relaxed_madd` of its parameters (opcode 0xfd
 * 0x105). Engines without relaxed SIMD refuse it; `SIMD128_PROBE` (the same function with
 * `f32x4.mul` of the first two) checks the probe's framing, and that SIMD itself is there.
 */
const RELAXED_PROBE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // type section: one type, (v128 v128 v128) -> v128
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,
  // function section: one function of type 0
  0x03, 0x02, 0x01, 0x00,
  // code section: local.get 0, 1, 2; f32x4.relaxed_madd; end
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

/** The probe with `f32x4.mul` (0xfd 0xe6) of the first two parameters: plain SIMD128. */
const SIMD128_PROBE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b,
  0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
  // code section: local.get 0, 1; f32x4.mul; end (two bytes shorter)
  0x0a, 0x0b, 0x01, 0x09, 0x00, 0x20, 0x00, 0x20, 0x01, 0xfd, 0xe6, 0x01, 0x0b,
]);

/** The probe modules, for tests that check the probe itself. @internal */
export const probes = { relaxed: RELAXED_PROBE, simd128: SIMD128_PROBE } as const;

let relaxedSupported: boolean | undefined;

/**
 * Whether this JavaScript engine runs relaxed SIMD (`WebAssembly.validate` on a tiny module
 * using `f32x4.relaxed_madd`; checked once). False where the engine lacks it or has it only
 * behind a flag that is off (Node 20 without `--experimental-wasm-relaxed-simd`).
 */
export function relaxedSimdSupported(): boolean {
  relaxedSupported ??= typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
  return relaxedSupported;
}

/**
 * Makes relaxed SIMD available to this process where the engine has it behind a flag, and
 * says whether it is available now. Node 20's V8 (11.3) implements relaxed SIMD but enables it
 * only with `--experimental-wasm-relaxed-simd`; here the flag is turned on at run time
 * (`v8.setFlagsFromString`, which takes effect for modules compiled afterwards) and the
 * engine is asked again. Elsewhere nothing changes: Node ≥ 21, Chrome ≥ 114 and Firefox ≥ 145
 * have it on, other engines do not have it.
 *
 * It changes a process-wide engine setting, so it is for applications (the `dualphi` command
 * calls it for `--kernels relaxed-simd` and to resume a run trained on relaxed SIMD), not for
 * libraries to call on their users' behalf.
 */
export async function enableRelaxedSimd(): Promise<boolean> {
  if (relaxedSimdSupported()) return true;
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
    ?.node;
  if (typeof node !== 'string' || Number.parseInt(node, 10) !== 20) return false;
  // A computed specifier keeps bundlers from resolving a Node built-in for browser builds.
  const specifier = 'node:v8';
  const v8 = (await import(/* @vite-ignore */ specifier)) as {
    setFlagsFromString(flags: string): void;
  };
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  relaxedSupported = undefined;
  return relaxedSimdSupported();
}

/** Why relaxed SIMD is unavailable here, for the error that refuses `build: 'relaxed-simd'`. */
function unsupportedReason(): string {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  const node = process?.versions?.node;
  if (typeof node === 'string') {
    return Number.parseInt(node, 10) < 21
      ? `Node ${node} runs it only with the flag --experimental-wasm-relaxed-simd`
      : `this Node ${node} refuses it`;
  }
  return 'this engine does not support it (Chrome ≥ 114 and Firefox ≥ 145 do)';
}

/**
 * The build `build` asks for: `'auto'` (or undefined) is `relaxed-simd` where the engine runs
 * it and `simd128` elsewhere; an explicit build is checked.
 *
 * @throws TypeError for anything but `'auto'`, `'simd128'` or `'relaxed-simd'`; Error for
 *   `'relaxed-simd'` on an engine without relaxed SIMD (naming why and what to use).
 */
export function resolveBuild(caller: string, build: unknown): KernelBuild {
  if (build === undefined || build === 'auto') {
    return relaxedSimdSupported() ? 'relaxed-simd' : 'simd128';
  }
  if (build !== 'simd128' && build !== 'relaxed-simd') {
    throw new TypeError(
      `${caller}: "build" must be 'auto', 'simd128' or 'relaxed-simd'; got ${typeof build === 'string' ? `'${build}'` : String(build)}`,
    );
  }
  if (build === 'relaxed-simd' && !relaxedSimdSupported()) {
    throw new Error(
      `${caller}: build 'relaxed-simd' needs WebAssembly relaxed SIMD, and ${unsupportedReason()}; use build: 'simd128' or 'auto' (which falls back to simd128)`,
    );
  }
  return build;
}
