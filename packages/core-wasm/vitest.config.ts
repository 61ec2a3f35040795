import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import { shared } from '../../vitest.shared.js';

/**
 * Two projects: every test file but the relaxed-SIMD ones as usual, and `*.relaxed.test.ts`
 * in child processes that can run the relaxed-SIMD build. Node 20 runs relaxed SIMD only with
 * --experimental-wasm-relaxed-simd (a V8 flag, so the pool must be forks, not threads); Node
 * ≥ 21 runs it without, and refuses the flag.
 */
const relaxedFlag =
  Number.parseInt(process.versions.node, 10) < 21 ? ['--experimental-wasm-relaxed-simd'] : [];

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      projects: [
        {
          extends: true,
          test: {
            name: 'core-wasm',
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
  }),
);
