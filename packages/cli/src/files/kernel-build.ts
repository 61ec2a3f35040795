/**
 * Which kernel build a run trains on. `run.json` records the build a run trained on
 * (`kernels`: `wasm-simd`, `wasm-relaxed-simd`); the two builds round the GEMM differently
 * (relaxed SIMD fuses its multiply-adds), so a resume is bit-identical to an uninterrupted run
 * only on the same build. A resume asks for the recorded build, turning relaxed SIMD on where
 * the engine has it behind a flag (Node 20), and where this JavaScript engine cannot run it at
 * all says so and continues on the build it has. A new run takes the build `--kernels` names.
 */
import {
  enableRelaxedSimd,
  type KernelBuild,
  type KernelBuildOption,
  kernelBuildNames,
} from '@dualphi/core-wasm';
import { UsageError } from '../errors.js';

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
 * kernels (`enable`: makes relaxed SIMD available if the engine can, and says whether it is).
 */
export async function resumeBuild(
  directory: string,
  recorded: string,
  enable: () => Promise<boolean> = enableRelaxedSimd,
): Promise<ResumeBuild> {
  const build = buildNamed(recorded);
  if (build === undefined) return {};
  if (build === 'relaxed-simd' && !(await enable())) {
    return {
      notice: `--resume ${directory}: the run was trained on the relaxed-SIMD kernels (${recorded}), but this JavaScript engine does not run relaxed SIMD; it continues on ${kernelBuildNames.simd128}, whose products round differently, so the result will not be bit-identical to an uninterrupted run`,
    };
  }
  return { build };
}

/**
 * The build a new run asks for with `--kernels` (undefined for `auto`: relaxed SIMD where the
 * engine has it on, SIMD128 elsewhere). `relaxed-simd` turns relaxed SIMD on where the engine
 * has it behind a flag (Node 20), and is refused, naming what to use, where it has none.
 */
export async function chosenBuild(
  kernels: KernelBuildOption | undefined,
  enable: () => Promise<boolean> = enableRelaxedSimd,
): Promise<KernelBuild | undefined> {
  if (kernels === undefined || kernels === 'auto') return undefined;
  if (kernels === 'relaxed-simd' && !(await enable())) {
    throw new UsageError(
      '--kernels relaxed-simd: this JavaScript engine does not run WebAssembly relaxed SIMD (Node 20 and later, Chrome 114 and Firefox 145 do); use --kernels simd128 or auto',
    );
  }
  return kernels;
}
