/**
 * Which kernel build a resumed run continues on. `run.json` records the build a run trained
 * on (`kernels`: `wasm-simd`, `wasm-relaxed-simd`); the two builds round the GEMM differently
 * (relaxed SIMD fuses its multiply-adds), so a resume is bit-identical to an uninterrupted run
 * only on the same build. A resume asks for the recorded build, and where this JavaScript
 * engine cannot run it says so and continues on the build it has.
 */
import { type KernelBuild, kernelBuildNames, relaxedSimdSupported } from '@dualphi/core-wasm';

/** The build to resume on, and a notice when it is not the one the run trained on. */
export interface ResumeBuild {
  /** The build to ask for; undefined: the default (the run's build is unknown or unavailable). */
  build?: KernelBuild;
  /** Why the continued run will not be bit-identical to an uninterrupted one, if it will not. */
  notice?: string;
}

/** The build whose kernels are named `name` in `run.json`, if it is one of the wasm builds. */
function buildNamed(name: string): KernelBuild | undefined {
  return (Object.keys(kernelBuildNames) as KernelBuild[]).find(
    (build) => kernelBuildNames[build] === name,
  );
}

/**
 * The build on which to resume the run in `directory` whose `run.json` records `recorded`
 * kernels (`supported`: whether this engine runs relaxed SIMD).
 */
export function resumeBuild(
  directory: string,
  recorded: string,
  supported: boolean = relaxedSimdSupported(),
): ResumeBuild {
  const build = buildNamed(recorded);
  if (build === undefined) return {};
  if (build === 'relaxed-simd' && !supported) {
    const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
      ?.node;
    const how =
      node !== undefined && Number.parseInt(node, 10) < 21
        ? `Node ${node} runs relaxed SIMD only with the flag --experimental-wasm-relaxed-simd (node --experimental-wasm-relaxed-simd $(which dualphi) ...), Node 21 and later without it`
        : 'this JavaScript engine does not run relaxed SIMD';
    return {
      notice: `--resume ${directory}: the run was trained on the relaxed-SIMD kernels (${recorded}), but ${how}; it continues on ${kernelBuildNames.simd128}, whose products round differently, so the result will not be bit-identical to an uninterrupted run`,
    };
  }
  return { build };
}
