import { configDefaults, defineConfig } from 'vitest/config';

/** Settings every package's vitest config starts from. */
export const shared = defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});

/**
 * Node 20 runs WebAssembly relaxed SIMD only with --experimental-wasm-relaxed-simd; Node ≥ 21
 * runs it without, and refuses the flag.
 */
const relaxedFlag =
  Number.parseInt(process.versions.node, 10) < 21 ? ['--experimental-wasm-relaxed-simd'] : [];

/**
 * Two projects for a package with relaxed-SIMD tests: every test file but `*.relaxed.test.ts`
 * as usual, and `*.relaxed.test.ts` in child processes that can run the relaxed-SIMD kernel
 * build (the flag is a V8 one, so the pool must be forks, not threads).
 */
export const withRelaxedSimdProject = defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          exclude: [...configDefaults.exclude, 'src/**/*.relaxed.test.ts'],
        },
      },
      {
        // Not `extends: true`: that would add the shared include (every test file) to this one.
        test: {
          ...shared.test,
          name: 'relaxed-simd',
          include: ['src/**/*.relaxed.test.ts'],
          pool: 'forks',
          execArgv: relaxedFlag,
        },
      },
    ],
  },
});
